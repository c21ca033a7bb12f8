#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "bot/core/metrics.hpp"

namespace delvex::http {

using Request = boost::beast::http::request<boost::beast::http::string_body>;
using Response = boost::beast::http::response<boost::beast::http::string_body>;
using SteadyTime = std::chrono::steady_clock::time_point;

/// The request header the server sets to the client's IP address before a handler sees the request (any such
/// header the client sent is replaced), for limits per address such as failed admin logins.
inline constexpr const char* kPeerAddressField = "Delvex-Peer-Address";

/// A response with a text body (the server and the routes answer with these).
Response text_response(boost::beast::http::status status, std::string body,
                       std::string_view content_type = "text/plain; charset=utf-8");

/// Answers one request. Called on the server's executor; may suspend.
class Handler {
public:
    virtual ~Handler() = default;
    /// `started` is when the first byte of the request was seen (for latency metrics).
    virtual boost::asio::awaitable<Response> handle(Request request, SteadyTime started) = 0;

    /// Called once a request's header is read and before its body is: an answer here refuses the request
    /// without reading the body (for example a webhook without a signature, or a body sent to a route that
    /// takes none). `header` has an empty body. The default admits everything.
    virtual std::optional<Response> admit(const Request& header) {
        (void)header;
        return std::nullopt;
    }
};

/// Limits shared by every server of the process (one per io thread): connections per client address and the
/// bytes of request bodies being read at once. Thread-safe.
class SharedLimits {
public:
    /// `per_address` 0 = no cap per address (the default: behind the TLS proxy every connection comes from
    /// one address). `body_budget_bytes` is the most body bytes all connections may be reading at once.
    SharedLimits(std::size_t per_address, std::size_t body_budget_bytes)
        : per_address_(per_address), body_budget_(body_budget_bytes) {}

    /// Takes a place for a connection from `address`; false when that address already has `per_address`.
    bool open(const std::string& address);
    void close(const std::string& address);

    /// Reserves `bytes` of the body budget; false when that would go over it.
    bool reserve_body(std::size_t bytes);
    void release_body(std::size_t bytes);
    std::size_t body_bytes_in_flight() const { return body_in_flight_.load(); }

private:
    std::size_t per_address_;
    std::size_t body_budget_;
    std::mutex mutex_;
    std::map<std::string, std::size_t> by_address_;
    std::atomic<std::size_t> body_in_flight_{0};
};

struct ServerOptions {
    std::string host = "127.0.0.1";
    std::uint16_t port = 0;  ///< 0 = any free port; read it back with Server::port()
    std::size_t max_connections = 2000;
    std::size_t header_limit_bytes = 16 * 1024;
    std::size_t body_limit_bytes = 3 * 1024 * 1024;
    std::chrono::milliseconds header_timeout{5000};  ///< request line and headers once the first byte came
    std::chrono::milliseconds read_timeout{15000};   ///< the body, once the header is read
    std::chrono::milliseconds idle_timeout{60000};   ///< keep-alive wait for the next request
    std::chrono::milliseconds write_timeout{15000};
    /// Let several servers (one per io thread) listen on the same port; the kernel spreads connections.
    bool reuse_port = false;
    /// Shared with the other servers of the process; null: this server makes its own (no address cap, a
    /// body budget of 64 MiB).
    std::shared_ptr<SharedLimits> shared{};
};

/// The HTTP/1.1 server (Beast, C++20 coroutines): keep-alive, a timeout on every read and write, limits on
/// header and body size and on open connections. When the limit is reached a connection is closed to make
/// room: the longest-idle keep-alive one, else the one that has been reading its header longest, else the one
/// that has been reading its body longest. A request being answered is never cut. So idle clients and
/// clients that send a byte and stall cannot lock out Meta's webhooks.
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
