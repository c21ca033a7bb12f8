#include "bot/whatsapp/graph_client.hpp"

#include "bot/core/crypto.hpp"
#include "bot/whatsapp/http_url.hpp"
#include "bot/whatsapp/wire/outbound.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <openssl/ssl.h>
#include <spdlog/spdlog.h>

#include "bot/whatsapp/proxy.hpp"

#include <atomic>
#include <deque>
#include <map>

namespace delvex::whatsapp {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using Token = asio::as_tuple_t<asio::use_awaitable_t<>>;
using TcpStream = Token::as_default_on_t<beast::tcp_stream>;
using TlsStream = beast::ssl_stream<TcpStream>;
using Resolver = Token::as_default_on_t<tcp::resolver>;
using Timer = Token::as_default_on_t<asio::steady_timer>;
using boost::system::error_code;

namespace {

constexpr std::size_t kAnswerLimit = 8 * 1024 * 1024;
// A download or upload may take longer than one API call; each read/write step still has the timeout.
constexpr int kMaxRedirects = 3;

struct Connection {
    std::unique_ptr<TcpStream> plain;
    std::unique_ptr<TlsStream> tls;
    beast::flat_buffer buffer;

    TcpStream& tcp() { return tls ? tls->next_layer() : *plain; }
};

struct Pool {
    HttpUrl origin;
    std::vector<std::unique_ptr<Connection>> idle;
    std::size_t open = 0;         // idle + in use
    std::deque<Timer*> waiters;  // coroutines waiting for a connection; cancelling the timer wakes one
};

struct Answer {
    error_code ec;
    unsigned status = 0;
    std::string body;
    std::string content_type;
    std::string retry_after;
    std::string location;
};

// The stale keep-alive case: the server closed an idle connection before we wrote or before it read.
bool is_stale(const error_code& ec) {
    return ec == http::error::end_of_stream || ec == asio::error::connection_reset || ec == asio::error::broken_pipe ||
           ec == asio::error::eof;
}

std::optional<std::chrono::seconds> parse_retry_after(std::string_view value) {
    if (value.empty() || value.find_first_not_of("0123456789") != std::string_view::npos || value.size() > 9) {
        return std::nullopt;  // the HTTP-date form is not used by Graph; ignore it
    }
    return std::chrono::seconds{std::stol(std::string(value))};
}

template <class Stream>
asio::awaitable<error_code> round_trip(Stream& stream, Connection& c, http::request<http::string_body>& req,
                                       http::response_parser<http::string_body>& parser,
                                       std::chrono::milliseconds timeout) {
    c.tcp().expires_after(timeout);
    auto [wec, wn] = co_await http::async_write(stream, req);
    if (wec) {
        co_return wec;
    }
    c.tcp().expires_after(timeout);
    auto [rec, rn] = co_await http::async_read(stream, c.buffer, parser);
    co_return rec;
}

}  // namespace

std::string appsecret_proof(const core::Secret& app_secret, const core::Secret& access_token) {
    return core::hmac_sha256_hex(app_secret.reveal(), access_token.reveal());
}

struct GraphClient::Impl {
    asio::any_io_executor ex;
    GraphConfig cfg;
    std::shared_ptr<spdlog::logger> log;
    ssl::context tls_ctx{ssl::context::tls_client};
    std::optional<HttpUrl> base;
    std::optional<Proxy> proxy;
    std::string proof;
    std::string bearer;  // "Bearer <token>", built once: the token is fixed for the process's life
    std::map<std::string, std::unique_ptr<Pool>> pools;
    std::atomic<std::uint64_t> requests{0};
    std::atomic<std::uint64_t> connections_opened{0};
    std::atomic<std::uint64_t> transport_errors{0};

    Impl(asio::any_io_executor executor, GraphConfig config, std::shared_ptr<spdlog::logger> logger)
        : ex(std::move(executor)), cfg(std::move(config)), log(std::move(logger)), base(parse_http_url(cfg.base_url)) {
        if (!log) {
            log = spdlog::get("whatsapp");
        }
        if (!log) {
            log = spdlog::default_logger();
        }
        bearer = "Bearer " + cfg.access_token.reveal();
        if (!cfg.https_proxy.empty()) {
            std::string why;
            proxy = parse_proxy(cfg.https_proxy, why);
            if (!proxy) {
                throw std::invalid_argument("https proxy: " + why);
            }
        }
        if (cfg.trusted_ca_file.empty()) {
            tls_ctx.set_default_verify_paths();
        } else {
            boost::system::error_code ca_ec;
            tls_ctx.load_verify_file(cfg.trusted_ca_file, ca_ec);
            if (ca_ec) {
                log->error("graph trusted CA file cannot be read: {}", ca_ec.message());
            }
        }
        tls_ctx.set_verify_mode(ssl::verify_peer);
        // TLS 1.2 at least, whatever the system's OpenSSL configuration says (security review §7).
        SSL_CTX_set_min_proto_version(tls_ctx.native_handle(), TLS1_2_VERSION);
        if (cfg.max_connections == 0) {
            cfg.max_connections = 1;
        }
        if (cfg.appsecret_proof) {
            proof = appsecret_proof(cfg.app_secret, cfg.access_token);
        }
        if (!base) {
            log->error("graph base_url is not an http(s) URL: {}", cfg.base_url);
        }
    }

    std::string graph_target(std::string_view path) const {
        std::string target = base->target == "/" ? std::string() : base->target;
        if (!target.empty() && target.back() == '/') {
            target.pop_back();
        }
        target += "/" + cfg.api_version + "/";
        target += path;
        if (!proof.empty()) {
            target += (target.find('?') == std::string::npos ? "?" : "&");
            target += "appsecret_proof=" + proof;
        }
        return target;
    }

    Pool& pool_for(const HttpUrl& url) {
        auto& slot = pools[url.origin()];
        if (!slot) {
            slot = std::make_unique<Pool>();
            slot->origin = url;
        }
        return *slot;
    }

    void wake_one(Pool& pool) {
        if (!pool.waiters.empty()) {
            pool.waiters.front()->cancel();
            pool.waiters.pop_front();
        }
    }

    void release(Pool& pool, std::unique_ptr<Connection> c, bool keep) {
        if (keep) {
            c->tcp().expires_never();
            pool.idle.push_back(std::move(c));
        } else {
            if (c) {
                error_code ignored;
                c->tcp().socket().shutdown(tcp::socket::shutdown_both, ignored);
                c->tcp().close();
            }
            --pool.open;
        }
        wake_one(pool);
    }

    /// Asks the proxy for a tunnel to `origin` (HTTP CONNECT); TLS to Meta then runs inside it, end to end.
    asio::awaitable<error_code> open_tunnel(TcpStream& stream, const HttpUrl& origin) {
        const std::string authority =
            (origin.host.find(':') != std::string::npos ? "[" + origin.host + "]" : origin.host) + ":" + origin.port;
        http::request<http::empty_body> req{http::verb::connect, authority, 11};
        req.set(http::field::host, authority);
        if (!proxy->authorization.empty()) {
            req.set(http::field::proxy_authorization, proxy->authorization);
        }
        stream.expires_after(cfg.timeout);
        auto [wec, wn] = co_await http::async_write(stream, req);
        if (wec) {
            co_return wec;
        }
        beast::flat_buffer buffer;
        http::response_parser<http::empty_body> parser;
        parser.skip(true);  // a CONNECT answer has no body (RFC 9110 §9.3.6)
        auto [rec, rn] = co_await http::async_read_header(stream, buffer, parser);
        if (rec) {
            co_return rec;
        }
        const unsigned status = parser.get().result_int();
        if (status / 100 != 2 || buffer.size() != 0) {
            log->error("graph https proxy refused the tunnel to {}: HTTP {}{}", origin.host, status,
                       status == 407 ? " (proxy credentials missing or wrong)" : "");
            co_return status == 407 ? boost::system::errc::make_error_code(boost::system::errc::permission_denied)
                                    : boost::system::errc::make_error_code(boost::system::errc::connection_refused);
        }
        co_return error_code{};
    }

    asio::awaitable<std::pair<std::unique_ptr<Connection>, error_code>> connect(HttpUrl origin) {
        using namespace asio::experimental::awaitable_operators;
        Resolver resolver(ex);
        Timer timer(ex);
        timer.expires_after(cfg.timeout);
        // The resolver has no timeout of its own: race it against a timer.
        // Through the egress proxy for https origins (not for a loopback fake on http://, nor NO_PROXY's hosts).
        const bool tunnel = origin.tls && proxy && !bypasses_proxy(cfg.no_proxy, origin.host);
        const std::string dial_host = tunnel ? proxy->host : origin.host;
        const std::string dial_port = tunnel ? proxy->port : origin.port;
        auto resolved = co_await (resolver.async_resolve(dial_host, dial_port) || timer.async_wait());
        if (resolved.index() == 1) {
            co_return std::pair{nullptr, error_code(beast::error::timeout)};
        }
        auto [rec, endpoints] = std::get<0>(resolved);
        if (rec) {
            co_return std::pair{nullptr, rec};
        }
        auto c = std::make_unique<Connection>();
        if (origin.tls) {
            c->tls = std::make_unique<TlsStream>(ex, tls_ctx);
            // SNI, then verify the certificate chain against the system CAs and the name against the host.
            if (SSL_ctrl(c->tls->native_handle(), SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name,
                         static_cast<void*>(const_cast<char*>(origin.host.c_str()))) != 1) {
                co_return std::pair{nullptr, error_code(static_cast<int>(::ERR_get_error()), asio::error::get_ssl_category())};
            }
            c->tls->set_verify_mode(ssl::verify_peer);
            c->tls->set_verify_callback(ssl::host_name_verification(origin.host));
        } else {
            c->plain = std::make_unique<TcpStream>(ex);
        }
        c->tcp().expires_after(cfg.timeout);
        auto [cec, ep] = co_await c->tcp().async_connect(endpoints);
        if (cec) {
            co_return std::pair{nullptr, cec};
        }
        error_code ignored;
        c->tcp().socket().set_option(tcp::no_delay(true), ignored);
        if (tunnel) {
            const error_code tec = co_await open_tunnel(c->tcp(), origin);
            if (tec) {
                co_return std::pair{nullptr, tec};
            }
        }
        if (c->tls) {
            c->tcp().expires_after(cfg.timeout);
            auto [hec] = co_await c->tls->async_handshake(ssl::stream_base::client);
            if (hec) {
                co_return std::pair{nullptr, hec};
            }
        }
        ++connections_opened;
        co_return std::pair{std::move(c), error_code{}};
    }

    // A connection from the pool: an idle one, a new one while under max_connections, else wait for one.
    asio::awaitable<std::pair<std::unique_ptr<Connection>, error_code>> acquire(Pool& pool, bool fresh, bool& reused) {
        for (;;) {
            if (!fresh && !pool.idle.empty()) {
                auto c = std::move(pool.idle.back());
                pool.idle.pop_back();
                reused = true;
                co_return std::pair{std::move(c), error_code{}};
            }
            if (fresh && !pool.idle.empty() && pool.open >= cfg.max_connections) {
                // Asked for a fresh connection but the pool is full: drop an idle one to make room.
                auto c = std::move(pool.idle.back());
                pool.idle.pop_back();
                c->tcp().close();
                --pool.open;
            }
            if (pool.open < cfg.max_connections) {
                ++pool.open;
                reused = false;
                auto [c, ec] = co_await connect(pool.origin);
                if (ec) {
                    --pool.open;
                    wake_one(pool);
                }
                co_return std::pair{std::move(c), ec};
            }
            Timer wait(ex);
            wait.expires_after(cfg.timeout);
            pool.waiters.push_back(&wait);
            auto [ec] = co_await wait.async_wait();
            if (!ec) {
                std::erase(pool.waiters, &wait);
                co_return std::pair{nullptr, error_code(beast::error::timeout)};
            }
        }
    }

    asio::awaitable<Answer> request(http::verb verb, HttpUrl url, std::string body, std::string content_type,
                                    bool with_bearer, std::size_t body_limit) {
        ++requests;
        Pool& pool = pool_for(url);
        Answer answer;
        // A reused keep-alive connection may have been closed by the server while idle; then try again,
        // on a fresh connection, once. Never after a timeout: the server may be working on the request.
        // Built once: writing it does not change it, so a retry on a fresh connection sends the same message.
        http::request<http::string_body> req{verb, url.target, 11};
        req.set(http::field::host, url.host_header());
        req.set(http::field::user_agent, "delvex/0.1");
        if (with_bearer) {
            req.set(http::field::authorization, bearer);
        }
        if (!content_type.empty()) {
            req.set(http::field::content_type, content_type);
        }
        req.body() = std::move(body);
        req.keep_alive(true);
        req.prepare_payload();
        for (int attempt = 0; attempt < 2; ++attempt) {
            bool reused = false;
            auto [conn, aec] = co_await acquire(pool, attempt > 0, reused);
            if (aec) {
                answer.ec = aec;
                break;
            }

            http::response_parser<http::string_body> parser;
            parser.body_limit(body_limit);
            error_code ec;
            if (conn->tls) {
                ec = co_await round_trip(*conn->tls, *conn, req, parser, cfg.timeout);
            } else {
                ec = co_await round_trip(*conn->plain, *conn, req, parser, cfg.timeout);
            }
            if (ec) {
                release(pool, std::move(conn), false);
                if (reused && is_stale(ec) && !parser.got_some()) {
                    continue;
                }
                answer.ec = ec;
                break;
            }
            auto& res = parser.get();
            answer.status = res.result_int();
            answer.content_type = std::string(res[http::field::content_type]);
            answer.retry_after = std::string(res[http::field::retry_after]);
            answer.location = std::string(res[http::field::location]);
            answer.body = std::move(res.body());
            release(pool, std::move(conn), res.keep_alive());
            break;
        }
        if (answer.ec) {
            ++transport_errors;
        }
        co_return answer;
    }

    static std::optional<GraphError> error_of(const Answer& a) {
        if (a.ec || (a.status >= 200 && a.status < 300)) {
            return std::nullopt;
        }
        GraphError e = wire::parse_graph_error(static_cast<int>(a.status), a.body);
        e.retry_after = parse_retry_after(a.retry_after);
        return e;
    }

    void log_result(const char* what, const Answer& a, std::chrono::milliseconds ms,
                    const std::optional<GraphError>& error) const {
        if (a.ec) {
            log->debug("graph {} transport_error={} ms={}", what, a.ec.message(), ms.count());
        } else if (error) {
            log->debug("graph {} status={} code={} subcode={} class={} fbtrace={} ms={} msg={}", what, a.status,
                       error->code, error->subcode, to_string(classify(*error)), error->fbtrace_id, ms.count(),
                       error->message);
        } else {
            log->debug("graph {} status={} ms={}", what, a.status, ms.count());
        }
    }

    static asio::awaitable<SendOutcome> ready(SendOutcome out) { co_return out; }

    static asio::awaitable<UploadOutcome> upload_media(std::shared_ptr<Impl> impl, std::string bytes,
                                                       std::string mime_type, std::string filename);
    static asio::awaitable<MediaInfoOutcome> get_media(std::shared_ptr<Impl> impl, std::string media_id);
    static asio::awaitable<GraphAnswer> call(std::shared_ptr<Impl> impl, bool post, std::string path,
                                             std::string json_body);
    static asio::awaitable<DownloadOutcome> download_media(std::shared_ptr<Impl> impl, std::string media_url,
                                                           std::size_t max_bytes);

    static asio::awaitable<SendOutcome> post_messages(std::shared_ptr<Impl> self, std::string body,
                                                      const char* what) {
        co_return co_await self->post_messages_on(std::move(body), what);
    }

    asio::awaitable<SendOutcome> post_messages_on(std::string body, const char* what) {
        SendOutcome out;
        if (!base) {
            out.transport_error = asio::error::invalid_argument;
            co_return out;
        }
        const auto start = std::chrono::steady_clock::now();
        HttpUrl url = *base;
        url.target = graph_target(cfg.phone_number_id + "/messages");
        Answer a = co_await request(http::verb::post, url, std::move(body), "application/json", true, kAnswerLimit);
        out.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
        out.transport_error = a.ec;
        out.error = error_of(a);
        if (out.ok()) {
            if (auto parsed = wire::parse_send_answer(a.body)) {
                out.wamid = parsed->wamid;
                out.wa_id = parsed->wa_id;
            } else if (!wire::parse_success_answer(a.body)) {
                GraphError e;
                e.http_status = static_cast<int>(a.status);
                e.message = "Graph answered " + std::to_string(a.status) + " without a message id or success";
                out.error = std::move(e);
            }
        }
        log_result(what, a, out.elapsed, out.error);
        co_return out;
    }
};

GraphClient::GraphClient(asio::any_io_executor executor, GraphConfig config, std::shared_ptr<spdlog::logger> log)
    : impl_(std::make_shared<Impl>(std::move(executor), std::move(config), std::move(log))) {}

GraphClient::~GraphClient() = default;

// The public calls are plain functions that hand the coroutine its own reference to the pool: a coroutine's
// body runs only when first awaited, by which time the GraphClient itself may be gone.
asio::awaitable<SendOutcome> GraphClient::send_message(std::string json_body) {
    return Impl::post_messages(impl_, std::move(json_body), "send");
}

asio::awaitable<SendOutcome> GraphClient::send(core::OutgoingMessage message) {
    auto serialized = wire::to_graph_json(message);
    if (!serialized.ok()) {
        SendOutcome out;
        GraphError e;
        e.http_status = 0;
        e.code = 100;
        e.type = "ValidationError";
        e.message = std::move(serialized.error);
        out.error = std::move(e);
        return Impl::ready(std::move(out));
    }
    return Impl::post_messages(impl_, std::move(serialized.json), "send");
}

asio::awaitable<SendOutcome> GraphClient::mark_as_read(std::string wamid, bool typing) {
    return Impl::post_messages(impl_, wire::mark_read_json(wamid, typing), typing ? "typing" : "read");
}

asio::awaitable<GraphAnswer> GraphClient::call(bool post, std::string path, std::string json_body) {
    return Impl::call(impl_, post, std::move(path), std::move(json_body));
}

asio::awaitable<GraphAnswer> GraphClient::Impl::call(std::shared_ptr<Impl> impl, bool post, std::string path,
                                                     std::string json_body) {
    GraphAnswer out;
    if (!impl->base || path.empty() || path.front() == '/') {
        out.transport_error = asio::error::invalid_argument;
        co_return out;
    }
    HttpUrl url = *impl->base;
    url.target = impl->graph_target(path);
    const auto start = std::chrono::steady_clock::now();
    Answer a = co_await impl->request(post ? http::verb::post : http::verb::get, url, std::move(json_body),
                                      post ? "application/json" : "", true, kAnswerLimit);
    out.transport_error = a.ec;
    out.error = Impl::error_of(a);
    if (out.ok()) {
        out.body = std::move(a.body);
    }
    impl->log_result(post ? "manage-post" : "manage-get", a,
                     std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start),
                     out.error);
    co_return out;
}

asio::awaitable<UploadOutcome> GraphClient::upload_media(std::string bytes, std::string mime_type,
                                                         std::string filename) {
    return Impl::upload_media(impl_, std::move(bytes), std::move(mime_type), std::move(filename));
}

asio::awaitable<MediaInfoOutcome> GraphClient::get_media(std::string media_id) {
    return Impl::get_media(impl_, std::move(media_id));
}

asio::awaitable<DownloadOutcome> GraphClient::download_media(std::string url, std::size_t max_bytes) {
    return Impl::download_media(impl_, std::move(url), max_bytes);
}

asio::awaitable<UploadOutcome> GraphClient::Impl::upload_media(std::shared_ptr<Impl> impl, std::string bytes,
                                                               std::string mime_type, std::string filename) {
    UploadOutcome out;
    if (!impl->base) {
        out.transport_error = asio::error::invalid_argument;
        co_return out;
    }
    // multipart/form-data as Meta's examples send it: messaging_product, type, file.
    const std::string boundary = "delvex-" + core::random_hex(12);
    std::string body;
    body.reserve(bytes.size() + 512);
    const auto field = [&](std::string_view name, std::string_view value) {
        body += "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + std::string(name) + "\"\r\n\r\n";
        body += value;
        body += "\r\n";
    };
    field("messaging_product", "whatsapp");
    field("type", mime_type);
    std::string safe_name = filename.empty() ? std::string("file") : filename;
    std::erase_if(safe_name, [](char ch) { return ch == '"' || ch == '\r' || ch == '\n'; });
    body += "--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + safe_name +
            "\"\r\nContent-Type: " + mime_type + "\r\n\r\n";
    body += bytes;
    body += "\r\n--" + boundary + "--\r\n";

    HttpUrl url = *impl->base;
    url.target = impl->graph_target(impl->cfg.phone_number_id + "/media");
    const auto start = std::chrono::steady_clock::now();
    Answer a = co_await impl->request(http::verb::post, url, std::move(body),
                                      "multipart/form-data; boundary=" + boundary, true, kAnswerLimit);
    out.transport_error = a.ec;
    out.error = Impl::error_of(a);
    if (!out.transport_error && !out.error) {
        if (auto id = wire::parse_upload_answer(a.body)) {
            out.media_id = *id;
        } else {
            GraphError e;
            e.http_status = static_cast<int>(a.status);
            e.message = "upload answer without an id";
            out.error = std::move(e);
        }
    }
    impl->log_result("upload", a,
                     std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start),
                     out.error);
    co_return out;
}

asio::awaitable<MediaInfoOutcome> GraphClient::Impl::get_media(std::shared_ptr<Impl> impl, std::string media_id) {
    MediaInfoOutcome out;
    if (!impl->base || media_id.empty() || media_id.find_first_of("/?#&% ") != std::string::npos) {
        out.transport_error = asio::error::invalid_argument;
        co_return out;
    }
    HttpUrl url = *impl->base;
    url.target = impl->graph_target(media_id + "?phone_number_id=" + impl->cfg.phone_number_id);
    const auto start = std::chrono::steady_clock::now();
    Answer a = co_await impl->request(http::verb::get, url, {}, {}, true, kAnswerLimit);
    out.transport_error = a.ec;
    out.error = Impl::error_of(a);
    if (!out.transport_error && !out.error) {
        if (auto m = wire::parse_media_answer(a.body)) {
            out.info = MediaInfo{m->id, m->url, m->mime_type, m->sha256, m->file_size};
        } else {
            GraphError e;
            e.http_status = static_cast<int>(a.status);
            e.message = "media answer without a url";
            out.error = std::move(e);
        }
    }
    impl->log_result("media", a,
                     std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start),
                     out.error);
    co_return out;
}

asio::awaitable<DownloadOutcome> GraphClient::Impl::download_media(std::shared_ptr<Impl> impl, std::string media_url,
                                                                    std::size_t max_bytes) {
    DownloadOutcome out;
    auto url = parse_http_url(media_url);
    if (!url) {
        out.transport_error = asio::error::invalid_argument;
        co_return out;
    }
    const std::string first_host = url->host;
    const bool first_tls = url->tls;
    const auto start = std::chrono::steady_clock::now();
    for (int hop = 0; hop <= kMaxRedirects; ++hop) {
        // Meta requires the bearer token on the download; never hand it to another host after a redirect, nor
        // to the same host over plain http after an https start (it would cross the network readable).
        const bool bearer = url->host == first_host && (url->tls || !first_tls);
        Answer a = co_await impl->request(http::verb::get, *url, {}, {}, bearer, max_bytes);
        if (!a.ec && a.status >= 300 && a.status < 400 && !a.location.empty() && hop < kMaxRedirects) {
            auto next = parse_http_url(a.location);
            if (!next) {
                out.transport_error = asio::error::invalid_argument;
                co_return out;
            }
            url = std::move(next);
            continue;
        }
        out.transport_error = a.ec;
        out.error = Impl::error_of(a);
        if (!out.transport_error && !out.error) {
            out.bytes = std::move(a.body);
            out.mime_type = std::move(a.content_type);
        }
        impl->log_result("download", a,
                         std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start),
                         out.error);
        break;
    }
    co_return out;
}

void GraphClient::close_idle() {
    for (auto& [origin, pool] : impl_->pools) {
        while (!pool->idle.empty()) {
            auto c = std::move(pool->idle.back());
            pool->idle.pop_back();
            impl_->release(*pool, std::move(c), false);
        }
    }
}

GraphClientStats GraphClient::stats() const {
    return GraphClientStats{impl_->requests.load(), impl_->connections_opened.load(), impl_->transport_errors.load()};
}

const GraphConfig& GraphClient::config() const {
    return impl_->cfg;
}

}  // namespace delvex::whatsapp
