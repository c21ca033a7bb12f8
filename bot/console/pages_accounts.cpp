// Accounts (admins only): the people who may use the console and the admin API. Add an account (admin, staff,
// or moderator of given rooms), disable or enable it (its sessions end at once), set a new password; make a
// named API token for a person (shown once, stored as its SHA-256) and revoke it. Every change is in the audit
// log with who made it.

#include <boost/beast/http/status.hpp>

#include <SQLiteCpp/Transaction.h>

#include <algorithm>
#include <charconv>

#include "bot/console/html.hpp"
#include "bot/console/pages.hpp"
#include "bot/console/password.hpp"
#include "bot/core/crypto.hpp"
#include "bot/core/text.hpp"
#include "bot/store/audit_repository.hpp"
#include "bot/store/console_accounts.hpp"

namespace delvex::console {
namespace bhttp = boost::beast::http;
namespace {

struct Listing {
    std::vector<store::ConsoleUser> users{};
    std::vector<store::ConsoleToken> tokens{};
};

struct Outcome {
    std::string error{};  ///< empty: done
    std::string token{};  ///< a new API token, shown once
};

std::string render(const Viewer& viewer, const Texts& t, const community::Regions& regions, const Listing& list,
                   const std::string& notice, const std::string& error, const std::string& token) {
    const auto& lang = viewer.lang();
    std::string body;
    if (!error.empty()) {
        body += "<p class=\"error\" role=\"alert\">" + escape(error) + "</p>";
    }
    if (!notice.empty()) {
        body += "<p class=\"ok\" role=\"status\">" + escape(notice) + "</p>";
    }
    if (!token.empty()) {
        body += "<div class=\"card\"><p>" + escape(t("accounts.token_once")) + "</p><p><code id=\"new-token\">" +
                escape(token) + "</code></p></div>";
    }
    body += "<div class=\"scroll\"><table><thead><tr><th>" + escape(t("login.name")) + "</th><th>" +
            escape(t("accounts.role")) + "</th><th>" + escape(t("accounts.rooms")) + "</th><th>" +
            escape(t("accounts.language")) + "</th><th>" + escape(t("accounts.state")) + "</th><th>" +
            escape(t("forums.change")) + "</th></tr></thead><tbody>";
    for (const auto& u : list.users) {
        std::string rooms;
        for (const auto& r : u.rooms) {
            rooms += (rooms.empty() ? "" : ", ") + room_name(regions, r, lang);
        }
        const auto base = "/console/accounts/" + std::to_string(u.id);
        body += "<tr><td>" + escape(u.name) + "</td><td>" + escape(t("role." + u.role)) + "</td><td>" + escape(rooms) +
                "</td><td>" + escape(u.language) + "</td><td>" +
                escape(u.disabled ? t("accounts.disabled") : t("accounts.active")) + "</td><td>";
        if (u.id != viewer.user.id) {
            body += "<form class=\"inline\" method=\"post\" action=\"" + base + (u.disabled ? "/enable" : "/disable") +
                    "\">" + csrf_field(viewer) + "<button class=\"" + (u.disabled ? "secondary" : "danger") +
                    "\" type=\"submit\">" + escape(u.disabled ? t("accounts.enable") : t("accounts.disable")) +
                    "</button></form> ";
        }
        body += "<form class=\"inline\" method=\"post\" action=\"" + base + "/password\">" + csrf_field(viewer) +
                "<input type=\"password\" name=\"password\" minlength=\"" + std::to_string(kMinPasswordLength) +
                "\" required autocomplete=\"new-password\" aria-label=\"" + escape(t("accounts.new_password")) +
                "\"> <button class=\"secondary\" type=\"submit\">" + escape(t("accounts.set_password")) +
                "</button></form></td></tr>";
    }
    body += "</tbody></table></div>";

    body += "<h2>" + escape(t("accounts.add")) + "</h2><form class=\"card\" method=\"post\" "
            "action=\"/console/accounts/add\">" + csrf_field(viewer) + "<label for=\"a-name\">" +
            escape(t("login.name")) + "</label><input id=\"a-name\" name=\"name\" required maxlength=\"64\">"
            "<label for=\"a-role\">" + escape(t("accounts.role")) + "</label><select id=\"a-role\" name=\"role\">";
    for (const char* role : {"staff", "moderator", "admin"}) {
        body += "<option value=\"" + std::string(role) + "\">" + escape(t(std::string("role.") + role)) + "</option>";
    }
    body += "</select><fieldset><legend>" + escape(t("accounts.rooms_hint")) + "</legend>";
    for (const auto& room : regions.rooms()) {
        body += "<label><input type=\"checkbox\" name=\"room\" value=\"" + escape(room.id) + "\"> " +
                escape(room.name(lang)) + "</label>";
    }
    body += "</fieldset><label for=\"a-lang\">" + escape(t("accounts.language")) +
            "</label><select id=\"a-lang\" name=\"language\">";
    for (const auto& l : console_languages()) {
        body += "<option value=\"" + l + "\"" + (l == lang ? " selected" : "") + ">" + l + "</option>";
    }
    body += "</select><label for=\"a-password\">" + escape(t("login.password")) +
            "</label><input id=\"a-password\" type=\"password\" name=\"password\" minlength=\"" +
            std::to_string(kMinPasswordLength) + "\" required autocomplete=\"new-password\"><p><button type=\"submit\">" +
            escape(t("accounts.add_button")) + "</button></p></form>";

    body += "<h2>" + escape(t("accounts.tokens")) + "</h2><p class=\"muted\">" + escape(t("accounts.tokens_hint")) + "</p>";
    if (!list.tokens.empty()) {
        body += "<div class=\"scroll\"><table><thead><tr><th>" + escape(t("login.name")) + "</th><th>" +
                escape(t("accounts.label")) + "</th><th>" + escape(t("audit.when")) + "</th><th>" +
                escape(t("accounts.state")) + "</th><th></th></tr></thead><tbody>";
        for (const auto& tok : list.tokens) {
            body += "<tr><td>" + escape(tok.account) + "</td><td>" + escape(tok.label) + "</td><td>" +
                    utc_minute(tok.created_ms) + "</td><td>" +
                    escape(tok.revoked ? t("accounts.revoked") : t("accounts.active")) + "</td><td>";
            if (!tok.revoked) {
                body += "<form class=\"inline\" method=\"post\" action=\"/console/accounts/tokens/revoke\">" +
                        csrf_field(viewer) + "<input type=\"hidden\" name=\"user\" value=\"" +
                        std::to_string(tok.user_id) + "\"><input type=\"hidden\" name=\"label\" value=\"" +
                        escape(tok.label) + "\"><button class=\"danger\" type=\"submit\">" +
                        escape(t("accounts.revoke")) + "</button></form>";
            }
            body += "</td></tr>";
        }
        body += "</tbody></table></div>";
    }
    body += "<form class=\"card\" method=\"post\" action=\"/console/accounts/tokens/add\">" + csrf_field(viewer) +
            "<label for=\"t-user\">" + escape(t("login.name")) + "</label><select id=\"t-user\" name=\"user\">";
    for (const auto& u : list.users) {
        if (!u.disabled && u.role != "moderator") {
            body += "<option value=\"" + std::to_string(u.id) + "\">" + escape(u.name) + "</option>";
        }
    }
    body += "</select><label for=\"t-label\">" + escape(t("accounts.label")) +
            "</label><input id=\"t-label\" name=\"label\" required maxlength=\"40\" placeholder=\"calendar sync\">"
            "<p><button type=\"submit\">" + escape(t("accounts.make_token")) + "</button></p></form>";
    return page(viewer, t, Section::kAccounts, t("nav.accounts"), body);
}

std::function<Listing(store::Database&)> list_job() {
    return [](store::Database& db) {
        store::ConsoleAccounts accounts(db.sql());
        return Listing{accounts.all(), accounts.tokens()};
    };
}

}  // namespace

void add_account_pages(ConsoleHandler& handler) {
    PageFn get = [](PageRequest& r) -> boost::asio::awaitable<http::Response> {
        const Viewer viewer = r.viewer;
        const Texts& t = r.t;
        const auto& regions = r.deps.regions;
        const std::string done = r.query("done");
        std::function<http::Response(store::Database&)> job = [viewer, &t, &regions, done](store::Database& db) {
            const auto list = list_job()(db);
            return html(bhttp::status::ok,
                        render(viewer, t, regions, list, done.empty() ? "" : t("accounts.done_" + done), "", ""));
        };
        co_return co_await read_page(r, std::move(job));
    };

    PageFn post = [](PageRequest& r) -> boost::asio::awaitable<http::Response> {
        const Viewer viewer = r.viewer;
        const Texts& t = r.t;
        const auto now = r.now_ms();
        const std::string actor = "console:" + viewer.user.name;
        const std::string rest = r.rest;
        std::function<Outcome(store::Database&)> job;
        std::string done;
        std::string password = r.form("password");
        const bool sets_password = rest == "/add" || rest.ends_with("/password");
        std::string hash;
        if (sets_password) {
            if (core::utf8_length(password) < kMinPasswordLength) {
                const std::string error = t("accounts.short_password", {{"n", std::to_string(kMinPasswordLength)}});
                const auto& regions = r.deps.regions;
                std::function<http::Response(store::Database&)> again = [viewer, &t, &regions,
                                                                         error](store::Database& db) {
                    return html(bhttp::status::bad_request, render(viewer, t, regions, list_job()(db), "", error, ""));
                };
                co_return co_await read_page(r, std::move(again));
            }
            // argon2id takes tens of milliseconds: on the console's reader thread, not an HTTP thread.
            std::function<std::string(store::Database&)> hashing = [password](store::Database&) {
                return hash_password(password);
            };
            auto hashed = co_await r.deps.reader.try_run<std::string>(std::move(hashing));
            if (!hashed) {
                co_return html(bhttp::status::service_unavailable, page(viewer, t, Section::kAccounts, t("nav.accounts"),
                                                                       "<p>" + escape(t("error.busy")) + "</p>"));
            }
            hash = std::move(*hashed);
        }
        if (rest == "/add") {
            const auto name = core::trim(r.form("name"));
            const auto role = r.form("role");
            std::vector<std::string> rooms;
            for (const auto& value : r.form_all("room")) {
                if (r.deps.regions.find(value) != nullptr) {
                    rooms.push_back(value);
                }
            }
            auto language = r.form("language");
            if (std::find(console_languages().begin(), console_languages().end(), language) ==
                console_languages().end()) {
                language = "en";
            }
            done = "added";
            job = [name, role, rooms, language, hash, now, actor, &t](store::Database& db) -> Outcome {
                if (name.empty() || core::utf8_length(name) > 64) {
                    return Outcome{t("accounts.bad_name")};
                }
                if (role != "admin" && role != "staff" && role != "moderator") {
                    return Outcome{t("accounts.bad_role")};
                }
                if (role == "moderator" && rooms.empty()) {
                    return Outcome{t("accounts.need_rooms")};
                }
                SQLite::Transaction tx(db.sql());
                const auto id = store::ConsoleAccounts(db.sql()).add(
                    name, hash, role, role == "moderator" ? rooms : std::vector<std::string>{}, language, now);
                if (!id) {
                    return Outcome{t("accounts.taken", {{"name", name}})};
                }
                store::AuditRepository(db.sql()).record(now, actor, "console.add_user", "console:" + name, "role=" + role);
                tx.commit();
                return Outcome{};
            };
        } else if (rest == "/tokens/add" || rest == "/tokens/revoke") {
            std::int64_t user_id = 0;
            const auto user_text = r.form("user");
            std::from_chars(user_text.data(), user_text.data() + user_text.size(), user_id);
            const auto label = core::one_line(core::trim(r.form("label")));
            const bool adding = rest == "/tokens/add";
            done = adding ? "token" : "revoked";
            const auto token = "dvx_" + core::random_hex(24);
            job = [user_id, label, adding, token, now, actor, &t](store::Database& db) -> Outcome {
                SQLite::Transaction tx(db.sql());
                store::ConsoleAccounts accounts(db.sql());
                const auto user = accounts.by_id(user_id);
                if (!user || label.empty() || core::utf8_length(label) > 40) {
                    return Outcome{t("accounts.bad_label")};
                }
                if (adding) {
                    if (user->disabled || user->role == "moderator") {
                        return Outcome{t("accounts.no_token_for_moderators")};
                    }
                    accounts.add_token(core::sha256_hex(token), user_id, label, now);
                } else {
                    accounts.revoke_tokens(user_id, label, now);
                }
                store::AuditRepository(db.sql()).record(now, actor, adding ? "console.add_token" : "console.revoke_token",
                                                        "console:" + user->name, "label=" + label);
                tx.commit();
                return Outcome{{}, adding ? token : std::string()};
            };
        } else {
            // /{id}/disable, /{id}/enable, /{id}/password
            std::int64_t id = 0;
            const auto slash = rest.find('/', 1);
            const auto digits = rest.substr(1, slash == std::string::npos ? std::string::npos : slash - 1);
            std::from_chars(digits.data(), digits.data() + digits.size(), id);
            const auto action = slash == std::string::npos ? std::string() : rest.substr(slash + 1);
            if (id <= 0 || (action != "disable" && action != "enable" && action != "password") ||
                (id == viewer.user.id && action != "password")) {
                co_return forbidden(viewer, t);
            }
            done = action == "password" ? "password" : action == "disable" ? "disabled" : "enabled";
            job = [id, action, hash, now, actor, &t](store::Database& db) -> Outcome {
                SQLite::Transaction tx(db.sql());
                store::ConsoleAccounts accounts(db.sql());
                const auto user = accounts.by_id(id);
                if (!user) {
                    return Outcome{t("error.not_found")};
                }
                if (action == "password") {
                    accounts.set_password(id, hash);
                } else {
                    accounts.set_disabled(id, action == "disable", now);
                }
                store::AuditRepository(db.sql()).record(now, actor, "console." + action + "_user", "console:" + user->name, "");
                tx.commit();
                return Outcome{};
            };
        }
        const auto outcome = co_await r.deps.writer.run<Outcome>(std::move(job));
        if (!outcome.error.empty() || !outcome.token.empty()) {
            // An error, or a new token shown once: the page itself, not a redirect that would lose it.
            const auto& regions = r.deps.regions;
            const auto status = outcome.error.empty() ? bhttp::status::ok : bhttp::status::bad_request;
            std::function<http::Response(store::Database&)> again = [viewer, &t, &regions, outcome,
                                                                     status](store::Database& db) {
                return html(status, render(viewer, t, regions, list_job()(db),
                                           outcome.token.empty() ? "" : t("accounts.done_token"), outcome.error,
                                           outcome.token));
            };
            co_return co_await read_page(r, std::move(again));
        }
        co_return see_other("/console/accounts?done=" + done);
    };
    handler.add(Section::kAccounts, std::move(get), std::move(post));
}

}  // namespace delvex::console
