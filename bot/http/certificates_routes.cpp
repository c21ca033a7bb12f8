#include "bot/http/certificates_routes.hpp"

#include <nlohmann/json.hpp>

#include <ctime>
#include <functional>
#include <optional>

#include "bot/academy/engine.hpp"
#include "bot/store/academy_repository.hpp"

namespace delvex::http {
namespace {

namespace bhttp = boost::beast::http;

std::string date_of(std::int64_t ms) {
    const std::time_t t = static_cast<std::time_t>(ms / 1000);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[16];
    std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
    return buf;
}

Response json(bhttp::status status, const nlohmann::json& body) {
    auto res = text_response(status, body.dump() + "\n", "application/json");
    res.set(bhttp::field::cache_control, "no-store");
    return res;
}

}  // namespace

CertificatesHandler::CertificatesHandler(events::DbWriter& writer) : writer_(writer) {}

boost::asio::awaitable<Response> CertificatesHandler::handle(Request request, SteadyTime /*started*/) {
    if (request.method() != bhttp::verb::get) {
        auto res = text_response(bhttp::status::method_not_allowed, "use GET\n");
        res.set(bhttp::field::allow, "GET");
        co_return res;
    }
    const std::string_view target = request.target();
    std::string_view path = target.substr(0, target.find('?'));
    constexpr std::string_view kPrefix = "/certificates/";
    const std::string code =
        path.starts_with(kPrefix) ? academy::Engine::clean_code(path.substr(kPrefix.size())) : std::string();
    if (code.empty()) {
        co_return json(bhttp::status::not_found, {{"error", "unknown certificate"}});
    }
    std::function<std::optional<academy::Certificate>(store::Database&)> lookup =
        [code](store::Database& db) -> std::optional<academy::Certificate> {
        store::AcademyRepository repo(db.sql());
        return repo.certificate(code);
    };
    const auto cert = co_await writer_.run(lookup);
    if (!cert) {
        co_return json(bhttp::status::not_found, {{"error", "unknown certificate"}});
    }
    nlohmann::json body = {{"code", cert->code},
                           {"name", cert->learner_name},
                           {"module", cert->module_title},
                           {"module_id", cert->module_id},
                           {"module_version", cert->module_version},
                           {"score", cert->score},
                           {"date", date_of(cert->issued_ms)},
                           {"valid", true}};
    co_return json(bhttp::status::ok, body);
}

}  // namespace delvex::http
