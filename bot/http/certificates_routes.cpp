#include "bot/http/certificates_routes.hpp"

#include <nlohmann/json.hpp>

#include <ctime>
#include <fstream>
#include <functional>
#include <optional>
#include <sstream>

#include "bot/academy/certificate_card.hpp"
#include "bot/academy/certificate_text.hpp"
#include "bot/academy/engine.hpp"
#include "bot/http/certificate_page.hpp"
#include "bot/store/academy_repository.hpp"

namespace delvex::http {
namespace {

namespace bhttp = boost::beast::http;

Response json(bhttp::status status, const nlohmann::json& body) {
    auto res = text_response(status, body.dump() + "\n", "application/json");
    res.set(bhttp::field::cache_control, "no-store");
    return res;
}

}  // namespace

std::string utc_date(std::int64_t ms) {
    const std::time_t t = static_cast<std::time_t>(ms / 1000);
    std::tm tm{};
    if (gmtime_r(&t, &tm) == nullptr) {
        return {};  // a year that does not fit the calendar's int
    }
    // strftime returns 0 and leaves the buffer undefined when the text does not fit (security review L-9).
    char buf[32] = {};
    if (std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm) == 0 || tm.tm_year < -1900 || tm.tm_year > 9999 - 1900) {
        return {};
    }
    return buf;
}

CertificatesHandler::CertificatesHandler(store::DbReader& reader, const academy::Engine& engine)
    : reader_(reader), engine_(engine) {}

boost::asio::awaitable<Response> CertificatesHandler::handle(Request request, SteadyTime /*started*/) {
    if (request.method() != bhttp::verb::get) {
        auto res = text_response(bhttp::status::method_not_allowed, "use GET\n");
        res.set(bhttp::field::allow, "GET");
        co_return res;
    }
    const std::string_view target = request.target();
    const std::string_view query = target.find('?') == std::string_view::npos ? std::string_view()
                                                                                : target.substr(target.find('?') + 1);
    std::string_view path = target.substr(0, target.find('?'));
    constexpr std::string_view kPrefix = "/certificates/";
    std::string_view rest = path.starts_with(kPrefix) ? path.substr(kPrefix.size()) : std::string_view();
    // Three forms of one answer: the card (CODE.png), JSON for machines (?format=json or no HTML in Accept),
    // and the page a buyer opens in a browser.
    const bool png = rest.ends_with(".png");
    if (png) {
        rest.remove_suffix(4);
    }
    const std::string_view accept_header = request[bhttp::field::accept];
    const std::string accept(accept_header);
    const bool html = !png && query.find("format=json") == std::string_view::npos &&
                      (query.find("format=html") != std::string_view::npos ||
                       accept.find("text/html") != std::string::npos);
    const std::string code = academy::Engine::clean_code(rest);
    std::optional<academy::Certificate> cert;
    if (!code.empty()) {
        std::function<std::optional<academy::Certificate>(store::Database&)> lookup =
            [code](store::Database& db) -> std::optional<academy::Certificate> {
            store::AcademyRepository repo(db.sql());
            return repo.certificate(code);
        };
        const auto looked_up = co_await reader_.try_run(lookup);
        if (!looked_up) {
            auto busy = text_response(bhttp::status::service_unavailable, "busy, retry\n");
            busy.set(bhttp::field::retry_after, "1");
            co_return busy;
        }
        cert = *looked_up;
    }
    if (!cert) {
        if (html) {
            auto res = text_response(bhttp::status::not_found,
                                     unknown_certificate_page(engine_.catalog(), "en", code.empty() ? "?" : code),
                                     "text/html; charset=utf-8");
            res.set(bhttp::field::cache_control, "no-store");
            co_return res;
        }
        co_return json(bhttp::status::not_found, {{"error", "unknown certificate"}});
    }
    const std::string title = engine_.module_title(cert->module_id, cert->lang);
    if (png) {
        const academy::CertificateCard card =
            academy::certificate_card(engine_.catalog(), *cert, title, engine_.options().verify_url);
        auto res = text_response(bhttp::status::ok, academy::render_certificate_png(card), "image/png");
        res.set(bhttp::field::cache_control, "no-store");
        co_return res;
    }
    if (html) {
        auto res = text_response(bhttp::status::ok, certificate_page(engine_.catalog(), *cert, title),
                                 "text/html; charset=utf-8");
        res.set(bhttp::field::cache_control, "no-store");
        res.set(bhttp::field::content_language, cert->lang);
        co_return res;
    }
    nlohmann::json body = {{"code", cert->code},
                           {"name", cert->learner_name},
                           {"module", cert->module_title},
                           {"module_id", cert->module_id},
                           {"module_version", cert->module_version},
                           {"score", cert->score},
                           {"date", utc_date(cert->issued_ms)},
                           {"language", cert->lang},
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
