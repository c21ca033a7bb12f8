#include "bot/http/server.hpp"

#include <spdlog/spdlog.h>

#include "bot/core/log.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/serializer.hpp>
#include <boost/beast/http/write.hpp>

#include <algorithm>
#include <array>
#include <list>
#include <optional>

namespace delvex::http {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using tcp = asio::ip::tcp;
using Token = asio::as_tuple_t<asio::use_awaitable_t<>>;
using Acceptor = Token::as_default_on_t<tcp::acceptor>;
using Stream = Token::as_default_on_t<beast::tcp_stream>;
using Timer = Token::as_default_on_t<asio::steady_timer>;

}  // namespace

struct Server::Impl : std::enable_shared_from_this<Impl> {
    /// Where a connection is: only kIdle, kHeader and kBody may be closed to make room.
    enum class Phase { kIdle, kHeader, kBody, kBusy, kEvicted };

    struct Conn {
        Conn(tcp::socket socket, std::string peer) : stream(std::move(socket)), address(std::move(peer)) {}
        Stream stream;
        std::string address;
        Phase phase = Phase::kIdle;
        SteadyTime since = std::chrono::steady_clock::now();  ///< when the phase began
        std::list<Conn*>::iterator pos;
    };

    Impl(asio::any_io_executor ex, ServerOptions opts, Handler& h, core::Metrics& m)
        : executor(std::move(ex)), options(std::move(opts)), handler(h), metrics(m), acceptor(executor),
          log(core::logger("http")) {
        if (!options.shared) {
            options.shared = std::make_shared<SharedLimits>(0, std::max(kDefaultBodyBudget, 4 * options.body_limit_bytes));
        }
    }

    static constexpr std::size_t kDefaultBodyBudget = 64 * 1024 * 1024;

    asio::any_io_executor executor;
    ServerOptions options;
    Handler& handler;
    core::Metrics& metrics;
    Acceptor acceptor;
    std::list<Conn*> conns;  // oldest first
    bool stopping = false;
    std::shared_ptr<spdlog::logger> log;

    /// Closes one connection to make room: the longest-idle keep-alive one, else the one that has been
    /// reading its header longest, else the one that has been reading its body longest. A connection whose
    /// request is being answered is never chosen. False when every connection is busy answering.
    bool evict_one() {
        for (const Phase phase : {Phase::kIdle, Phase::kHeader, Phase::kBody}) {
            Conn* oldest = nullptr;
            for (Conn* c : conns) {
                if (c->phase == phase && (oldest == nullptr || c->since < oldest->since)) {
                    oldest = c;
                }
            }
            if (oldest != nullptr) {
                oldest->phase = Phase::kEvicted;
                beast::error_code ignored;
                oldest->stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
                oldest->stream.socket().close(ignored);
                metrics.connections_evicted.fetch_add(1, std::memory_order_relaxed);
                return true;
            }
        }
        return false;
    }

    static void enter(Conn& conn, Phase phase) {
        if (conn.phase != Phase::kEvicted) {
            conn.phase = phase;
            conn.since = std::chrono::steady_clock::now();
        }
    }

    asio::awaitable<void> accept_loop() {
        auto self = shared_from_this();
        for (;;) {
            auto [ec, socket] = co_await acceptor.async_accept();
            if (stopping) {
                co_return;
            }
            if (ec) {
                if (ec == asio::error::operation_aborted) {
                    co_return;
                }
                // Out of file descriptors and the like: pause briefly instead of spinning.
                log->warn("accept failed: {}", ec.message());
                Timer pause(executor, std::chrono::milliseconds(50));
                co_await pause.async_wait();
                continue;
            }
            beast::error_code peer_ec;
            const auto peer = socket.remote_endpoint(peer_ec);
            std::string address = peer_ec ? std::string() : peer.address().to_string();
            if (!options.shared->open(address)) {
                metrics.request(core::Outcome::kOverloaded);
                beast::error_code ignored;
                socket.close(ignored);
                continue;
            }
            if (conns.size() >= options.max_connections && !evict_one()) {
                options.shared->close(address);
                metrics.request(core::Outcome::kOverloaded);
                beast::error_code ignored;
                socket.close(ignored);
                continue;
            }
            asio::co_spawn(executor, session(std::move(socket), std::move(address)), [log = log](std::exception_ptr e) {
                if (e) {
                    try {
                        std::rethrow_exception(e);
                    } catch (const std::exception& ex) {
                        log->error("http session failed: {}", ex.what());
                    }
                }
            });
        }
    }

    asio::awaitable<void> session(tcp::socket socket, std::string address) {
        auto self = shared_from_this();
        beast::error_code ignored;
        socket.set_option(tcp::no_delay(true), ignored);
        Conn conn(std::move(socket), std::move(address));
        conn.pos = conns.insert(conns.end(), &conn);
        metrics.connections_open.fetch_add(1, std::memory_order_relaxed);
        try {
            co_await serve(conn);
        } catch (...) {
            conns.erase(conn.pos);
            options.shared->close(conn.address);
            metrics.connections_open.fetch_sub(1, std::memory_order_relaxed);
            throw;
        }
        conns.erase(conn.pos);
        options.shared->close(conn.address);
        metrics.connections_open.fetch_sub(1, std::memory_order_relaxed);
    }

    /// Gives back the body bytes a request reserved, however the request ends.
    struct BodyReservation {
        explicit BodyReservation(SharedLimits& shared) : limits(shared) {}
        SharedLimits& limits;
        std::size_t bytes = 0;
        BodyReservation(const BodyReservation&) = delete;
        BodyReservation& operator=(const BodyReservation&) = delete;
        ~BodyReservation() {
            if (bytes > 0) {
                limits.release_body(bytes);
            }
        }
    };

    /// Answers a request we refuse before reading its body, then closes like nginx's lingering close:
    /// stop sending, and read and drop what the client is still sending (bounded in bytes and time), so the
    /// client is not reset before it could read the answer.
    asio::awaitable<void> refuse(Conn& conn, Response res) {
        res.keep_alive(false);
        res.prepare_payload();
        conn.stream.expires_after(options.write_timeout);
        auto [ec, n] = co_await bhttp::async_write(conn.stream, res);
        if (ec) {
            co_return;
        }
        beast::error_code ignored;
        conn.stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
        std::array<char, 16 * 1024> sink{};
        std::size_t drained = 0;
        conn.stream.expires_after(std::chrono::seconds(2));
        while (drained < 2 * options.body_limit_bytes) {
            auto [rec, rn] = co_await conn.stream.async_read_some(asio::buffer(sink));
            if (rec) {
                break;
            }
            drained += rn;
        }
    }

    /// The handler's answer, or a 500 when it throws: the client gets an answer it can retry (Meta retries a
    /// webhook that is not answered 200) instead of a reset connection, and the error is logged once, here.
    asio::awaitable<Response> answer(Request req, SteadyTime started) {
        // The path without its query: a query may carry a token (the webhook's verify token).
        const std::string method(req.method_string());
        const std::string_view target = req.target();
        const std::string path(target.substr(0, target.find('?')));
        std::string error;
        try {
            co_return co_await handler.handle(std::move(req), started);
        } catch (const std::exception& e) {
            error = e.what();
        } catch (...) {
            error = "an exception that is not a std::exception";
        }
        log->error("handler failed method={} path={} error={}", method, path, error);
        metrics.request(core::Outcome::kError);
        co_return text_response(bhttp::status::internal_server_error, "internal error\n");
    }

    asio::awaitable<void> serve(Conn& conn) {
        beast::flat_buffer buffer;
        std::optional<bhttp::request_parser<bhttp::string_body>> parser;
        for (;;) {
            if (buffer.size() == 0) {
                // Waiting for the next request: this connection may be evicted to make room.
                enter(conn, Phase::kIdle);
                conn.stream.expires_after(options.idle_timeout);
                auto [ec, n] = co_await conn.stream.async_read_some(buffer.prepare(4096));
                if (ec || stopping || conn.phase == Phase::kEvicted) {
                    break;
                }
                buffer.commit(n);
            }
            // Reading the header: a client that sent a byte and stalls may be evicted too (oldest first).
            enter(conn, Phase::kHeader);
            const auto started = std::chrono::steady_clock::now();
            parser.emplace();
            parser->header_limit(static_cast<std::uint32_t>(options.header_limit_bytes));
            parser->body_limit(options.body_limit_bytes);
            conn.stream.expires_after(options.header_timeout);
            auto [hec, hn] = co_await bhttp::async_read_header(conn.stream, buffer, *parser);
            if (conn.phase == Phase::kEvicted) {
                break;
            }
            if (hec == bhttp::error::header_limit) {
                metrics.request(core::Outcome::kHeaderTooLarge);
                co_await refuse(conn, text_response(bhttp::status::request_header_fields_too_large,
                                            "request headers too large\n"));
                break;
            }
            if (hec == bhttp::error::body_limit) {
                // Beast checks Content-Length against the body limit as soon as the header is complete.
                metrics.request(core::Outcome::kTooLarge);
                co_await refuse(conn, text_response(bhttp::status::payload_too_large, "body too large\n"));
                break;
            }
            if (hec) {
                break;  // timeout, reset, garbage: nothing to answer
            }
            parser->get().set(kPeerAddressField, conn.address);
            if (auto refused = handler.admit(parser->get())) {
                co_await refuse(conn, std::move(*refused));
                break;
            }
            // The body's bytes come out of the process-wide budget before they are read (chunked bodies,
            // whose size is unknown, reserve the whole limit).
            const auto length = parser->content_length();
            BodyReservation reservation(*options.shared);
            if (const std::size_t want = length ? static_cast<std::size_t>(*length)
                                                 : (parser->is_done() ? 0 : options.body_limit_bytes);
                want > 0) {
                if (!options.shared->reserve_body(want)) {
                    metrics.request(core::Outcome::kOverloaded);
                    auto busy = text_response(bhttp::status::service_unavailable, "busy, retry\n");
                    busy.set(bhttp::field::retry_after, "1");
                    co_await refuse(conn, std::move(busy));
                    break;
                }
                reservation.bytes = want;
            }
            enter(conn, Phase::kBody);
            conn.stream.expires_after(options.read_timeout);
            auto [bec, bn] = co_await bhttp::async_read(conn.stream, buffer, *parser);
            if (conn.phase == Phase::kEvicted) {
                break;
            }
            if (bec == bhttp::error::body_limit) {
                metrics.request(core::Outcome::kTooLarge);
                co_await refuse(conn, text_response(bhttp::status::payload_too_large, "body too large\n"));
                break;
            }
            if (bec) {
                break;
            }
            enter(conn, Phase::kBusy);
            Request req = parser->release();
            const bool keep_alive = req.keep_alive();
            const bool head = req.method() == bhttp::verb::head;
            Response res = co_await answer(std::move(req), started);
            res.keep_alive(keep_alive && !stopping);
            // No answer of ours is meant to be sniffed into another type (the verification challenge echoes
            // what the caller sent).
            res.set("X-Content-Type-Options", "nosniff");
            res.prepare_payload();
            conn.stream.expires_after(options.write_timeout);
            beast::error_code wec;
            if (head) {
                // HEAD: the GET's headers (Content-Length included) and no body (RFC 9110 §9.3.2); a body here
                // would be read by a keep-alive client as the start of its next response.
                bhttp::response_serializer<bhttp::string_body> header_only(res);
                auto [hwec, hwn] = co_await bhttp::async_write_header(conn.stream, header_only);
                wec = hwec;
            } else {
                auto [bwec, bwn] = co_await bhttp::async_write(conn.stream, res);
                wec = bwec;
            }
            if (wec || !res.keep_alive()) {
                break;
            }
        }
        beast::error_code ignored;
        conn.stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
    }
};

bool SharedLimits::open(const std::string& address) {
    if (per_address_ == 0) {
        return true;
    }
    std::lock_guard lock(mutex_);
    auto& n = by_address_[address];
    if (n >= per_address_) {
        return false;
    }
    ++n;
    return true;
}

void SharedLimits::close(const std::string& address) {
    if (per_address_ == 0) {
        return;
    }
    std::lock_guard lock(mutex_);
    if (auto it = by_address_.find(address); it != by_address_.end() && --it->second == 0) {
        by_address_.erase(it);
    }
}

bool SharedLimits::reserve_body(std::size_t bytes) {
    std::size_t now = body_in_flight_.load();
    do {
        if (now + bytes > body_budget_) {
            return false;
        }
    } while (!body_in_flight_.compare_exchange_weak(now, now + bytes));
    return true;
}

void SharedLimits::release_body(std::size_t bytes) {
    body_in_flight_.fetch_sub(bytes);
}

Response text_response(bhttp::status status, std::string body, std::string_view content_type) {
    Response res{status, 11};
    res.set(bhttp::field::content_type, content_type);
    res.body() = std::move(body);
    return res;
}

Server::Server(asio::any_io_executor executor, ServerOptions options, Handler& handler, core::Metrics& metrics)
    : impl_(std::make_shared<Impl>(std::move(executor), std::move(options), handler, metrics)) {}

Server::~Server() = default;

void Server::start() {
    auto& a = impl_->acceptor;
    beast::error_code ec;
    const auto address = asio::ip::make_address(impl_->options.host, ec);
    if (ec) {
        throw std::runtime_error("listen: '" + impl_->options.host + "' is not an IP address");
    }
    const tcp::endpoint endpoint(address, impl_->options.port);
    a.open(endpoint.protocol());
    a.set_option(asio::socket_base::reuse_address(true));
    if (impl_->options.reuse_port) {
        a.set_option(asio::detail::socket_option::boolean<SOL_SOCKET, SO_REUSEPORT>(true));
    }
    a.bind(endpoint, ec);
    if (ec) {
        throw std::runtime_error("listen: cannot bind " + impl_->options.host + ":" +
                                 std::to_string(impl_->options.port) + ": " + ec.message());
    }
    a.listen(asio::socket_base::max_listen_connections);
    auto impl = impl_;
    asio::co_spawn(impl->executor, impl->accept_loop(), [log = impl->log](std::exception_ptr e) {
        if (e) {
            try {
                std::rethrow_exception(e);
            } catch (const std::exception& ex) {
                log->error("http accept loop failed: {}", ex.what());
            }
        }
    });
}

std::uint16_t Server::port() const {
    return impl_->acceptor.local_endpoint().port();
}

void Server::stop() {
    impl_->stopping = true;
    beast::error_code ignored;
    impl_->acceptor.close(ignored);
    for (auto* c : impl_->conns) {
        if (c->phase == Impl::Phase::kIdle) {
            c->stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
            c->stream.socket().close(ignored);
        }
    }
}

std::size_t Server::connections() const {
    return impl_->conns.size();
}

}  // namespace delvex::http
