#include "bot/http/routes.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cctype>
#include <optional>

#include "bot/core/log.hpp"

#include "bot/core/crypto.hpp"
#include "bot/whatsapp/wire/inbound.hpp"

namespace delvex::http {
namespace {

namespace bhttp = boost::beast::http;
namespace wire = whatsapp::wire;

}  // namespace

Routes::Routes(events::Ingestor& ingestor, core::Metrics& metrics, core::Secret verify_token,
               const core::Secret& app_secret, const core::Clock& clock)
    : ingestor_(ingestor),
      metrics_(metrics),
      verify_token_(std::move(verify_token)),
      signature_(app_secret.reveal()),
      log_(core::logger("http")),
      verify_refusals_(clock, std::chrono::seconds(60)) {}

boost::asio::awaitable<Response> Routes::handle(Request request, SteadyTime started) {
    const std::string_view target = request.target();
    const std::string_view path = target.substr(0, target.find('?'));
    if (path == "/webhook" && serves_.webhook) {
        if (request.method() == bhttp::verb::post) {
            co_return co_await receive(std::move(request), started);
        }
        if (request.method() == bhttp::verb::get) {
            co_return verify(request);
        }
        metrics_.request(core::Outcome::kNotFound);
        auto res = text_response(bhttp::status::method_not_allowed, "use GET or POST\n");
        res.set(bhttp::field::allow, "GET, POST");
        co_return res;
    }
    if (path == "/healthz" && request.method() == bhttp::verb::get) {
        metrics_.request(core::Outcome::kOther);
        co_return ready_.load() ? text_response(bhttp::status::ok, "ok\n")
                                : text_response(bhttp::status::service_unavailable, "starting\n");
    }
    if (path == "/readyz" && request.method() == bhttp::verb::get) {
        metrics_.request(core::Outcome::kOther);
        if (!ready_.load()) {
            co_return text_response(bhttp::status::service_unavailable, "starting or stopping\n");
        }
        if (!readiness_) {
            co_return text_response(bhttp::status::ok, "ready\n");
        }
        const auto [ready, detail] = readiness_();
        co_return text_response(ready ? bhttp::status::ok : bhttp::status::service_unavailable,
                                (ready ? "ready\n" : "not ready\n") + detail);
    }
    if (path == "/metrics" && serves_.metrics && request.method() == bhttp::verb::get) {
        metrics_.request(core::Outcome::kOther);
        co_return text_response(bhttp::status::ok, metrics_.render(), "text/plain; version=0.0.4; charset=utf-8");
    }
    if (Handler* mounted = mounted_for(path)) {
        metrics_.request(core::Outcome::kOther);
        co_return co_await mounted->handle(std::move(request), started);
    }
    metrics_.request(core::Outcome::kNotFound);
    co_return text_response(bhttp::status::not_found, "not found\n");
}

namespace {

/// "sha256=" and 64 hexadecimal digits, as Meta signs (docs/WHATSAPP.md §2); the value is checked later.
bool well_formed_signature(std::string_view header) {
    constexpr std::string_view kPrefix = "sha256=";
    if (header.size() != kPrefix.size() + 64 || !header.starts_with(kPrefix)) {
        return false;
    }
    return std::all_of(header.begin() + static_cast<std::ptrdiff_t>(kPrefix.size()), header.end(),
                       [](char c) { return std::isxdigit(static_cast<unsigned char>(c)) != 0; });
}

}  // namespace

std::optional<Response> Routes::admit(const Request& header) {
    const auto method = header.method();
    const bool has_body = header.has_content_length() ? header[bhttp::field::content_length] != "0" : header.chunked();
    if (has_body && (method == bhttp::verb::get || method == bhttp::verb::head || method == bhttp::verb::delete_ ||
                     method == bhttp::verb::options)) {
        metrics_.request(core::Outcome::kOther);
        return text_response(bhttp::status::bad_request, "this method takes no body\n");
    }
    const std::string_view target = header.target();
    if (serves_.webhook && method == bhttp::verb::post && target.substr(0, target.find('?')) == "/webhook" &&
        !well_formed_signature(header["X-Hub-Signature-256"])) {
        metrics_.request(core::Outcome::kBadSignature);
        return text_response(bhttp::status::unauthorized, "bad signature\n");
    }
    if (Handler* mounted = mounted_for(target.substr(0, target.find('?')))) {
        return mounted->admit(header);
    }
    return std::nullopt;
}

Handler* Routes::mounted_for(std::string_view path) const {
    Handler* mounted = nullptr;
    std::size_t matched = 0;
    for (const auto& [prefix, handler] : mounts_) {
        if (path.starts_with(prefix) && prefix.size() > matched) {
            mounted = handler;
            matched = prefix.size();
        }
    }
    return mounted;
}

void Routes::mount(std::string prefix, Handler& handler) {
    mounts_.emplace_back(std::move(prefix), &handler);
}

Response Routes::verify(const Request& request) {
    const std::string_view target = request.target();
    const auto mode = query_param(target, "hub.mode");
    const auto token = query_param(target, "hub.verify_token");
    // Compare even when the mode is wrong, so the answer's timing says nothing about the token.
    const bool token_ok = !verify_token_.empty() && core::constant_time_equal(token, verify_token_.reveal());
    if (mode != "subscribe" || !token_ok) {
        metrics_.request(core::Outcome::kForbidden);
        // Anyone can send these: one line a minute at most, with how many were refused meanwhile, and the
        // mode the caller chose escaped (no CR/LF starting a forged line, no extra key=value field). Every
        // refusal is counted in the metrics all the same (security review L-1).
        if (const auto left_out = verify_refusals_.allow()) {
            log_->warn("webhook verification refused mode={} refused_since_last_line={}", core::printable(mode, 32),
                       *left_out);
        }
        return text_response(bhttp::status::forbidden, "verification failed\n");
    }
    metrics_.request(core::Outcome::kVerified);
    log_->info("webhook verified by Meta");
    return text_response(bhttp::status::ok, query_param(target, "hub.challenge"));
}

boost::asio::awaitable<Response> Routes::receive(Request request, SteadyTime started) {
    const std::string_view header = request["X-Hub-Signature-256"];
    if (!signature_.valid(request.body(), header)) {
        metrics_.request(core::Outcome::kBadSignature);
        co_return text_response(bhttp::status::unauthorized, "bad signature\n");
    }
    auto envelope = wire::split_envelope(request.body());
    if (envelope.outcome == wire::EnvelopeOutcome::kNotJson) {
        metrics_.request(core::Outcome::kBadJson);
        log_->warn("webhook body is not JSON: {}", envelope.error);
        co_return text_response(bhttp::status::bad_request, "body is not JSON\n");
    }
    events::IngestBatch batch;
    batch.records.reserve(envelope.updates.size());
    for (auto& u : envelope.updates) {
        batch.records.push_back(store::InboxRecord{static_cast<int>(u.kind), std::move(u.dedupe_key),
                                                   std::move(u.member_key), std::move(u.phone_number_id),
                                                   u.timestamp, std::move(u.json)});
    }
    const bool unknown_shape = envelope.outcome == wire::EnvelopeOutcome::kUnknownShape;
    if (unknown_shape || !envelope.unknown.empty()) {
        std::string reason = unknown_shape ? envelope.error : envelope.unknown.front();
        if (!unknown_shape && envelope.unknown.size() > 1) {
            reason += " (+" + std::to_string(envelope.unknown.size() - 1) + " more)";
        }
        batch.quarantine_reason = std::move(reason);
        batch.raw_body = std::move(request.body());
    }
    // Named locals only around co_await (GCC 12 coroutine temporaries); ingest() reports a failed commit
    // through the result instead of an exception for the same reason.
    const events::IngestResult result = co_await ingestor_.ingest(std::move(batch));
    if (!result.error.empty()) {
        // Not stored: answer 500 so that Meta sends it again.
        metrics_.request(core::Outcome::kError);
        log_->error("webhook not stored: {}", result.error);
        co_return text_response(bhttp::status::internal_server_error, "not stored, retry\n");
    }
    metrics_.request(unknown_shape ? core::Outcome::kQuarantined : core::Outcome::kOk);
    metrics_.ingest_latency(std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
    co_return text_response(bhttp::status::ok, "ok\n");
}

}  // namespace delvex::http
