#include "bot/console/handler.hpp"

#include <boost/beast/http/field.hpp>
#include <boost/beast/http/status.hpp>
#include <boost/beast/http/verb.hpp>

#include <SQLiteCpp/Transaction.h>

#include "bot/console/form.hpp"
#include "bot/console/html.hpp"
#include "bot/console/password.hpp"
#include "bot/core/crypto.hpp"
#include "bot/core/log.hpp"
#include "bot/core/text.hpp"
#include "bot/http/routes.hpp"
#include "bot/store/audit_repository.hpp"
#include "bot/store/console_accounts.hpp"

namespace delvex::console {
namespace bhttp = boost::beast::http;
namespace {

constexpr std::string_view kPrefix = "/console";
constexpr std::string_view kSessionCookie = "delvex_session";
constexpr std::string_view kLoginCookie = "delvex_login";

// Verified when the name is unknown, so that a wrong name costs as long as a wrong password.
const std::string& decoy_hash() {
    static const std::string hash = hash_password("decoy password, never matches");
    return hash;
}

std::string path_of(std::string_view target) {
    const auto q = target.find('?');
    return std::string(target.substr(0, q));
}

bool behind_tls(const http::Request& request) {
    return core::lower_ascii(std::string(request["X-Forwarded-Proto"])) == "https";
}

std::string set_cookie(const http::Request& request, std::string_view name, std::string_view value,
                       long long max_age_s) {
    std::string c(name);
    c += '=';
    c += value;
    c += "; Path=/console; HttpOnly; SameSite=Strict; Max-Age=" + std::to_string(max_age_s);
    if (behind_tls(request)) {
        c += "; Secure";
    }
    return c;
}

std::optional<Section> section_of(std::string_view name) {
    for (const Section s : all_sections()) {
        if (section_path(s) == name) {
            return s;
        }
    }
    return std::nullopt;
}

Section home_of(const Viewer& viewer) {
    return viewer.sees_all_rooms() ? Section::kOverview : Section::kModeration;
}

http::Response busy() {
    auto res = http::text_response(bhttp::status::service_unavailable, "busy, retry in a moment\n");
    res.set(bhttp::field::retry_after, "2");
    return res;
}

struct LoginResult {
    std::optional<store::ConsoleUser> user{};
};

}  // namespace

std::string PageRequest::query(std::string_view name) const {
    return http::query_param(std::string_view(request.target().data(), request.target().size()), name);
}

std::string PageRequest::form(std::string_view name) const {
    return form_field(request, name);
}

std::vector<std::string> PageRequest::form_all(std::string_view name) const {
    return form_fields(request, name);
}

std::int64_t PageRequest::now_ms() const {
    return core::to_unix_ms(deps.clock.now());
}

http::Response html(bhttp::status status, std::string body) {
    http::Response res{status, 11};
    res.set(bhttp::field::content_type, "text/html; charset=utf-8");
    res.set(bhttp::field::cache_control, "no-store");
    res.set("Content-Security-Policy",
            "default-src 'none'; style-src 'self'; img-src 'self' data:; media-src 'self'; form-action 'self'; "
            "frame-ancestors 'none'; base-uri 'none'");
    res.set("X-Frame-Options", "DENY");
    res.set("X-Content-Type-Options", "nosniff");
    res.set("Referrer-Policy", "same-origin");
    res.body() = std::move(body);
    res.prepare_payload();
    return res;
}

http::Response see_other(std::string_view location) {
    http::Response res{bhttp::status::see_other, 11};
    res.set(bhttp::field::location, location);
    res.set(bhttp::field::cache_control, "no-store");
    res.prepare_payload();
    return res;
}

http::Response forbidden(const Viewer& viewer, const Texts& t) {
    std::string body = "<p class=\"error\">" + escape(t("error.forbidden")) + "</p>";
    return html(bhttp::status::forbidden, page(viewer, t, Section::kOverview, t("error.forbidden_title"), body));
}

std::string cookie(const http::Request& request, std::string_view name) {
    const std::string_view header = request[bhttp::field::cookie];
    std::size_t pos = 0;
    while (pos < header.size()) {
        auto end = header.find(';', pos);
        if (end == std::string_view::npos) {
            end = header.size();
        }
        auto part = header.substr(pos, end - pos);
        while (!part.empty() && part.front() == ' ') {
            part.remove_prefix(1);
        }
        if (part.size() > name.size() && part.substr(0, name.size()) == name && part[name.size()] == '=') {
            return std::string(part.substr(name.size() + 1));
        }
        pos = end + 1;
    }
    return {};
}

std::string language_of(const http::Request& request) {
    const auto accept = core::lower_ascii(std::string(request[bhttp::field::accept_language]));
    std::size_t best = std::string::npos;
    std::string chosen = "en";
    for (const auto& lang : console_languages()) {
        // The first language of the header that the console speaks ("fr-CD,fr;q=0.9,en;q=0.8" → fr).
        for (std::size_t at = accept.find(lang); at != std::string::npos; at = accept.find(lang, at + 1)) {
            const bool starts = at == 0 || accept[at - 1] == ',' || accept[at - 1] == ' ';
            const bool ends = at + 2 == accept.size() || accept[at + 2] == '-' || accept[at + 2] == ';' ||
                              accept[at + 2] == ',';
            if (starts && ends) {
                if (at < best) {
                    best = at;
                    chosen = lang;
                }
                break;
            }
        }
    }
    return chosen;
}

ConsoleHandler::ConsoleHandler(ConsoleDeps deps)
    : deps_(std::move(deps)),
      by_address_(deps_.clock, kMaxFailuresPerAddress, std::chrono::seconds(60)),
      by_name_(deps_.clock, kMaxFailuresPerName, std::chrono::seconds(300)) {}

void ConsoleHandler::add(Section section, PageFn get, PageFn post) {
    pages_[section] = {std::move(get), std::move(post)};
}

std::optional<http::Response> ConsoleHandler::admit(const http::Request& header) {
    const auto method = header.method();
    // Pages are read with GET and changed with POST; nothing else (HEAD would need a body-less answer).
    if (method != bhttp::verb::get && method != bhttp::verb::post) {
        auto res = http::text_response(bhttp::status::method_not_allowed, "use GET or POST\n");
        res.set(bhttp::field::allow, "GET, POST");
        return res;
    }
    return std::nullopt;
}

boost::asio::awaitable<std::optional<Viewer>> ConsoleHandler::viewer_of(const http::Request& request) {
    const auto token = cookie(request, kSessionCookie);
    if (token.size() != 64) {
        co_return std::nullopt;
    }
    const auto hash = core::sha256_hex(token);
    const auto now = core::to_unix_ms(deps_.clock.now());
    std::function<std::optional<store::ConsoleSession>(store::Database&)> job =
        [hash, now](store::Database& db) { return store::ConsoleAccounts(db.sql()).session(hash, now); };
    const auto found = co_await deps_.reader.try_run<std::optional<store::ConsoleSession>>(std::move(job));
    if (!found || !*found) {
        co_return std::nullopt;
    }
    Viewer viewer;
    viewer.user = (*found)->user;
    viewer.csrf = (*found)->csrf;
    if (std::find(console_languages().begin(), console_languages().end(), viewer.user.language) ==
        console_languages().end()) {
        viewer.user.language = "en";
    }
    co_return viewer;
}

boost::asio::awaitable<http::Response> ConsoleHandler::login_form(const http::Request& request, std::string error) {
    const Texts t(deps_.texts, language_of(request));
    std::string token = cookie(request, kLoginCookie);
    if (token.size() != 32) {
        token = core::random_hex(16);
    }
    std::string body;
    if (!error.empty()) {
        body += "<p class=\"error\" role=\"alert\">" + escape(error) + "</p>";
    }
    body += "<form method=\"post\" action=\"/console/login\" class=\"card\"><input type=\"hidden\" name=\"csrf\" value=\"" +
            token + "\"><label for=\"name\">" + escape(t("login.name")) +
            "</label><input id=\"name\" name=\"name\" autocomplete=\"username\" required autofocus>"
            "<label for=\"password\">" +
            escape(t("login.password")) +
            "</label><input id=\"password\" name=\"password\" type=\"password\" autocomplete=\"current-password\" "
            "required><p><button type=\"submit\">" +
            escape(t("login.submit")) + "</button></p></form>";
    auto res = html(error.empty() ? bhttp::status::ok : bhttp::status::unauthorized,
                    bare_page(t, t("login.title"), body));
    res.set(bhttp::field::set_cookie, set_cookie(request, kLoginCookie, token, 3600));
    co_return res;
}

boost::asio::awaitable<http::Response> ConsoleHandler::login(const http::Request& request) {
    const Texts t(deps_.texts, language_of(request));
    const std::string address(request[http::kPeerAddressField]);
    const std::string form_target = "/?" + request.body();
    const auto name = core::trim(http::query_param(form_target, "name"));
    const auto password = http::query_param(form_target, "password");
    const auto form_token = http::query_param(form_target, "csrf");
    const auto cookie_token = cookie(request, kLoginCookie);
    if (cookie_token.size() != 32 || !core::constant_time_equal(form_token, cookie_token)) {
        co_return co_await login_form(request, t("login.expired"));
    }
    const auto name_key = core::lower_ascii(std::string(name));
    if (by_address_.blocked_for(address).count() > 0 || by_name_.blocked_for(name_key).count() > 0) {
        auto res = co_await login_form(request, t("login.too_many"));
        res.result(bhttp::status::too_many_requests);
        res.set(bhttp::field::retry_after, "60");
        co_return res;
    }
    std::function<LoginResult(store::Database&)> check = [user_name = std::string(name),
                                                          password](store::Database& db) {
        LoginResult r;
        auto user = store::ConsoleAccounts(db.sql()).by_name(user_name);
        const std::string& hash = user && !user->disabled ? user->password_hash : decoy_hash();
        if (verify_password(password, hash) && user && !user->disabled) {
            r.user = std::move(user);
        }
        return r;
    };
    const auto checked = co_await deps_.reader.try_run<LoginResult>(std::move(check));
    if (!checked) {
        co_return busy();
    }
    if (!checked->user) {
        by_address_.failed(address);
        by_name_.failed(name_key);
        core::logger("console")->warn("console login refused");
        co_return co_await login_form(request, t("login.wrong"));
    }
    const auto user = *checked->user;
    const auto token = core::random_hex(32);
    const auto csrf = core::random_hex(16);
    const auto now = core::to_unix_ms(deps_.clock.now());
    const auto length_ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(deps_.settings.session_length).count();
    std::function<int(store::Database&)> open = [hash = core::sha256_hex(token), csrf, now, length_ms,
                                                 user](store::Database& db) {
        SQLite::Transaction tx(db.sql());
        store::ConsoleAccounts accounts(db.sql());
        accounts.purge_sessions(now);
        accounts.open_session(hash, user.id, csrf, now, now + length_ms);
        store::AuditRepository(db.sql()).record(now, "console:" + user.name, "console.login", "", "");
        tx.commit();
        return 0;
    };
    co_await deps_.writer.run<int>(std::move(open));
    Viewer viewer;
    viewer.user = user;
    auto res = see_other("/console/" + std::string(section_path(home_of(viewer))));
    res.set(bhttp::field::set_cookie, set_cookie(request, kSessionCookie, token, length_ms / 1000));
    co_return res;
}

boost::asio::awaitable<http::Response> ConsoleHandler::logout(const http::Request& request, const Viewer& viewer) {
    const auto hash = core::sha256_hex(cookie(request, kSessionCookie));
    const auto now = core::to_unix_ms(deps_.clock.now());
    std::function<int(store::Database&)> close = [hash, now, name = viewer.user.name](store::Database& db) {
        SQLite::Transaction tx(db.sql());
        store::ConsoleAccounts(db.sql()).close_session(hash);
        store::AuditRepository(db.sql()).record(now, "console:" + name, "console.logout", "", "");
        tx.commit();
        return 0;
    };
    co_await deps_.writer.run<int>(std::move(close));
    auto res = see_other("/console/login");
    res.set(bhttp::field::set_cookie, set_cookie(request, kSessionCookie, "", 0));
    co_return res;
}

boost::asio::awaitable<http::Response> ConsoleHandler::handle(http::Request request, http::SteadyTime started) {
    (void)started;
    const auto path = path_of(std::string_view(request.target().data(), request.target().size()));
    const bool post = request.method() == bhttp::verb::post;
    if (path != kPrefix && !path.starts_with("/console/")) {
        co_return http::text_response(bhttp::status::not_found, "not found\n");
    }
    if (path == "/console/console.css") {
        auto res = http::text_response(bhttp::status::ok, std::string(stylesheet()), "text/css; charset=utf-8");
        res.set(bhttp::field::cache_control, "public, max-age=86400");
        co_return res;
    }
    if (path == "/console/login") {
        if (post) {
            co_return co_await login(request);
        }
        co_return co_await login_form(request, "");
    }
    auto viewer = co_await viewer_of(request);
    if (!viewer) {
        co_return see_other("/console/login");
    }
    const Texts t(deps_.texts, viewer->lang());
    if (post) {
        // Every form carries the session's CSRF token; without it nothing is changed.
        const auto token = form_field(request, "csrf");
        if (!core::constant_time_equal(token, viewer->csrf)) {
            std::string body = "<p class=\"error\">" + escape(t("error.csrf")) + "</p>";
            co_return html(bhttp::status::forbidden, page(*viewer, t, Section::kOverview, t("error.csrf_title"), body));
        }
    }
    if (path == "/console/logout" && post) {
        co_return co_await logout(request, *viewer);
    }
    if (path == "/console" || path == "/console/") {
        co_return see_other("/console/" + std::string(section_path(home_of(*viewer))));
    }
    std::string_view rest = std::string_view(path).substr(kPrefix.size() + 1);
    const auto slash = rest.find('/');
    const auto name = rest.substr(0, slash);
    const auto section = section_of(name);
    if (section && !may_open(*viewer, *section)) {
        co_return forbidden(*viewer, t);
    }
    const auto found = section ? pages_.find(*section) : pages_.end();
    if (found == pages_.end()) {
        std::string body = "<p>" + escape(t("error.not_found")) + "</p>";
        co_return html(bhttp::status::not_found, page(*viewer, t, Section::kOverview, t("error.not_found_title"), body));
    }
    PageRequest page_request{request, *viewer, t, deps_,
                             slash == std::string_view::npos ? std::string() : std::string(rest.substr(slash))};
    const auto& fn = post ? found->second.second : found->second.first;
    if (!fn) {
        auto res = http::text_response(bhttp::status::method_not_allowed, "not here\n");
        co_return res;
    }
    co_return co_await fn(page_request);
}

}  // namespace delvex::console
