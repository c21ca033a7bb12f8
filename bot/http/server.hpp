#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "bot/core/metrics.hpp"

namespace delvex::http {

using Request = boost::beast::http::request<boost::beast::http::string_body>;
using Response = boost::beast::http::response<boost::beast::http::string_body>;
using SteadyTime = std::chrono::steady_clock::time_point;

/// A response with a text body (the server and the routes answer with these).
Response text_response(boost::beast::http::status status, std::string body,
                       std::string_view content_type = "text/plain; charset=utf-8");

/// Answers one request. Called on the server's executor; may suspend.
class Handler {
public:
    virtual ~Handler() = default;
    /// `started` is when the first byte of the request was seen (for latency metrics).
    virtual boost::asio::awaitable<Response> handle(Request request, SteadyTime started) = 0;
};

struct ServerOptions {
    std::string host = "127.0.0.1";
    std::uint16_t port = 0;  ///< 0 = any free port; read it back with Server::port()
    std::size_t max_connections = 2000;
    std::size_t header_limit_bytes = 16 * 1024;
    std::size_t body_limit_bytes = 3 * 1024 * 1024;
    std::chrono::milliseconds read_timeout{15000};   ///< a whole request once its first byte came
    std::chrono::milliseconds idle_timeout{60000};   ///< keep-alive wait for the next request
    std::chrono::milliseconds write_timeout{15000};
    /// Let several servers (one per io thread) listen on the same port; the kernel spreads connections.
    bool reuse_port = false;
};

/// The HTTP/1.1 server (Beast, C++20 coroutines): keep-alive, a timeout on every read and write, limits on
/// header and body size and on open connections. When the limit is reached the longest-idle keep-alive
/// connection is closed to make room, so idle or slow clients cannot lock out Meta's webhooks.
/// Must run on a single-threaded executor (one io_context thread or a strand).
class Server {
public:
    Server(boost::asio::any_io_executor executor, ServerOptions options, Handler& handler,
           core::Metrics& metrics);
    ~Server();

    Server(const Server&) = delete;
    Server& operator=(const Server&) = delete;

    /// Binds and listens (throws with a clear message if the address is taken), then accepts in the
    /// background.
    void start();

    /// The bound port.
    std::uint16_t port() const;

    /// Stops accepting and closes idle connections; a request being handled is answered first (its
    /// connection then closes). Call on the server's executor.
    void stop();

    /// Open connections now.
    std::size_t connections() const;

private:
    struct Impl;
    std::shared_ptr<Impl> impl_;
};

}  // namespace delvex::http
