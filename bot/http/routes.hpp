#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "bot/core/clock.hpp"
#include "bot/core/log_throttle.hpp"
#include "bot/core/metrics.hpp"
#include "bot/core/redact.hpp"
#include "bot/events/ingest.hpp"
#include "bot/http/server.hpp"
#include "bot/whatsapp/signature.hpp"

namespace spdlog {
class logger;
}

namespace delvex::http {

/// The routes of one listener of `delvex serve`: GET/POST /webhook, /healthz, /readyz, /metrics and the mounted
/// handlers. The public listener has them all; with `internal_listen`, a second Routes serves /metrics and the
/// admin API privately (serve()).
/// Thin edges: check, hand to the ingestor, render.
class Routes final : public Handler {
public:
    /// `clock` paces the warning about refused verifications (one line a minute with a count).
    Routes(events::Ingestor& ingestor, core::Metrics& metrics, core::Secret verify_token,
           const core::Secret& app_secret, const core::Clock& clock);

    boost::asio::awaitable<Response> handle(Request request, SteadyTime started) override;

    /// Before a body is read: a POST to /webhook without a well-formed X-Hub-Signature-256 is answered 401,
    /// and a body sent with GET, HEAD, DELETE or OPTIONS is answered 400, so neither is ever buffered.
    /// Otherwise the mounted handler of the path decides (the admin API refuses an address that failed too often).
    std::optional<Response> admit(const Request& header) override;

    /// Sends every request whose path starts with `prefix` (e.g. "/forums/", "/api/v1/forums") to `handler`,
    /// which owns its methods, auth and errors. The longest matching prefix wins. Call before serving.
    void mount(std::string prefix, Handler& handler);

    /// /healthz (alive) answers 200 only once this is set (after the database, consumer and dispatcher are
    /// up) and until the service stops.
    void set_ready(bool ready) { ready_.store(ready); }

    /// What /readyz asks while the service runs: ready or not, and one line per check for the body (200 or
    /// 503). Thread-safe and quick (it is called on the HTTP threads). Set before serving.
    using ReadinessCheck = std::function<std::pair<bool, std::string>()>;
    void set_readiness(ReadinessCheck check) { readiness_ = std::move(check); }

    /// Which of its own paths this listener answers (the mounted ones are whatever was mounted). The public
    /// listener drops /metrics when an internal one serves it; the internal listener never takes webhooks.
    struct Serves {
        bool webhook = true;
        bool metrics = true;
    };
    void serve(Serves serves) { serves_ = serves; }

private:
    Handler* mounted_for(std::string_view path) const;
    Response verify(const Request& request);
    boost::asio::awaitable<Response> receive(Request request, SteadyTime started);

    events::Ingestor& ingestor_;
    core::Metrics& metrics_;
    core::Secret verify_token_;
    whatsapp::SignatureVerifier signature_;
    std::atomic<bool> ready_{false};
    Serves serves_{};
    std::vector<std::pair<std::string, Handler*>> mounts_;
    ReadinessCheck readiness_;
    std::shared_ptr<spdlog::logger> log_;
    core::LogThrottle verify_refusals_;
};

/// The value of `name` in a request target's query string, percent-decoded ('+' is a space), by Boost.URL
/// (bot/http/query.cpp); empty if absent, and for every name when the target is not valid (RFC 3986).
std::string query_param(std::string_view target, std::string_view name);

}  // namespace delvex::http
