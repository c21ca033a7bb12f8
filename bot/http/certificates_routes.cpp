#include "bot/http/certificates_routes.hpp"

#include <nlohmann/json.hpp>

#include <ctime>
#include <fstream>
#include <functional>
#include <optional>
#include <sstream>

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

AcademyMediaHandler::AcademyMediaHandler(const academy::Engine& engine, std::string content_dir)
    : content_dir_(std::move(content_dir)) {
    for (const auto& m : engine.modules()) {
        for (const auto& l : m.lessons) {
            for (const auto& s : l.steps) {
                if (!s.media.path.empty()) {
                    files_[m.folder + "/" + s.media.path] = s.media.mime_type;
                }
            }
        }
    }
}

boost::asio::awaitable<Response> AcademyMediaHandler::handle(Request request, SteadyTime /*started*/) {
    if (request.method() != bhttp::verb::get) {
        auto res = text_response(bhttp::status::method_not_allowed, "use GET\n");
        res.set(bhttp::field::allow, "GET");
        co_return res;
    }
    const std::string_view target = request.target();
    const std::string_view path = target.substr(0, target.find('?'));
    constexpr std::string_view kPrefix = "/academy/media/";
    // Only files a step names: no path from the request ever reaches the file system unchecked.
    const auto it = path.starts_with(kPrefix) ? files_.find(path.substr(kPrefix.size())) : files_.end();
    if (it == files_.end()) {
        co_return text_response(bhttp::status::not_found, "not found\n");
    }
    std::ifstream in(content_dir_ + "/" + it->first, std::ios::binary);
    if (!in) {
        co_return text_response(bhttp::status::not_found, "not found\n");
    }
    std::ostringstream data;
    data << in.rdbuf();
    auto res = text_response(bhttp::status::ok, data.str(), it->second.empty() ? "application/octet-stream" : it->second);
    res.set(bhttp::field::cache_control, "public, max-age=86400");
    co_return res;
}

}  // namespace delvex::http
