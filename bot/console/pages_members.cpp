// Members (admins and staff): search by alias, room, language and role; export what the search finds as CSV;
// import a members file with a preview first (comma or semicolon, UTF-8 with or without BOM, numbers
// normalised with the room's countries, problems by line and then counted per kind), then import it in one
// transaction — the same check and import as `delvex members import` (events::check_members/apply_members).
// Numbers are masked for everyone but admins.

#include <boost/beast/http/field.hpp>
#include <boost/beast/http/status.hpp>

#include <SQLiteCpp/Transaction.h>

#include <charconv>
#include <map>
#include <mutex>
#include <sstream>

#include "bot/console/form.hpp"
#include "bot/console/html.hpp"
#include "bot/console/pages.hpp"
#include "bot/core/crypto.hpp"
#include "bot/core/mask.hpp"
#include "bot/events/feature.hpp"
#include "bot/events/members_import.hpp"
#include "bot/events/moderation_feature.hpp"
#include "bot/moderation/protocol.hpp"
#include "bot/store/job_repository.hpp"
#include "bot/store/outbox_repository.hpp"
#include "bot/store/audit_repository.hpp"
#include "bot/store/console_queries.hpp"

namespace delvex::console {
namespace bhttp = boost::beast::http;
namespace {

constexpr int kPageSize = 50;
constexpr std::int64_t kPendingMs = 30 * 60 * 1000;
constexpr std::size_t kMaxPending = 16;

/// Files checked and waiting for the person's "Import" (kept in memory, so a slow link uploads once).
class PendingImports {
public:
    std::string put(std::int64_t user, std::string content, std::int64_t now_ms) {
        std::lock_guard lock(mutex_);
        std::erase_if(files_, [now_ms](const auto& kv) { return kv.second.expires_ms <= now_ms; });
        while (files_.size() >= kMaxPending) {
            files_.erase(files_.begin());
        }
        auto id = core::random_hex(12);
        files_[id] = File{user, std::move(content), now_ms + kPendingMs};
        return id;
    }
    std::optional<std::string> take(const std::string& id, std::int64_t user, std::int64_t now_ms) {
        std::lock_guard lock(mutex_);
        const auto it = files_.find(id);
        if (it == files_.end() || it->second.user != user || it->second.expires_ms <= now_ms) {
            return std::nullopt;
        }
        auto content = std::move(it->second.content);
        files_.erase(it);
        return content;
    }

private:
    struct File {
        std::int64_t user = 0;
        std::string content{};
        std::int64_t expires_ms = 0;
    };
    std::mutex mutex_;
    std::map<std::string, File> files_;
};

PendingImports& pending() {
    static PendingImports files;
    return files;
}

store::console::MemberQuery query_of(const PageRequest& r) {
    store::console::MemberQuery q;
    q.text = r.query("q");
    q.room = r.query("room");
    q.language = r.query("language");
    const auto role = r.query("role");
    q.role = role == "moderator" ? store::console::RoleFilter::kModerator
             : role == "admin"   ? store::console::RoleFilter::kAdmin
             : role == "member"  ? store::console::RoleFilter::kMember
                                 : store::console::RoleFilter::kAny;
    int page_no = 1;
    const auto p = r.query("page");
    std::from_chars(p.data(), p.data() + p.size(), page_no);
    q.offset = static_cast<std::int64_t>(std::max(1, page_no) - 1) * kPageSize;
    q.limit = kPageSize;
    q.admin_viewer = r.viewer.is_admin();
    return q;
}

std::string option(const std::string& value, const std::string& label, const std::string& chosen) {
    return "<option value=\"" + escape(value) + "\"" + (value == chosen ? " selected" : "") + ">" + escape(label) +
           "</option>";
}

std::string search_form(const Texts& t, const community::Regions& regions, const std::string& lang,
                        const PageRequest& r) {
    std::string out = "<form method=\"get\" action=\"/console/members\" class=\"card\" id=\"search\"><label for=\"m-q\">" +
                      escape(t("members.search")) + "</label><input id=\"m-q\" name=\"q\" value=\"" +
                      escape(r.query("q")) + "\"><label for=\"m-room\">" + escape(t("moderation.room")) +
                      "</label><select id=\"m-room\" name=\"room\">" + option("", t("members.any"), r.query("room"));
    for (const auto& room : regions.rooms()) {
        out += option(room.id, room.name(lang), r.query("room"));
    }
    out += "</select><label for=\"m-lang\">" + escape(t("accounts.language")) + "</label><select id=\"m-lang\" name=\"language\">" +
           option("", t("members.any"), r.query("language"));
    for (const char* l : {"en", "fr", "es", "pt", "sw"}) {
        out += option(l, l, r.query("language"));
    }
    out += "</select><label for=\"m-role\">" + escape(t("accounts.role")) + "</label><select id=\"m-role\" name=\"role\">" +
           option("", t("members.any"), r.query("role")) + option("member", t("members.member"), r.query("role")) +
           option("moderator", t("role.moderator"), r.query("role")) + option("admin", t("role.admin"), r.query("role")) +
           "</select><p><button type=\"submit\">" + escape(t("members.find")) + "</button></p></form>";
    return out;
}

std::string import_form(const Viewer& viewer, const Texts& t) {
    return "<h2>" + escape(t("members.import")) + "</h2><form class=\"card\" method=\"post\" "
           "action=\"/console/members/import\" enctype=\"multipart/form-data\">" + csrf_field(viewer) +
           "<p class=\"muted\">" + escape(t("members.import_hint")) + "</p><label for=\"m-file\">" +
           escape(t("members.file")) + "</label><input id=\"m-file\" type=\"file\" name=\"file\" accept=\".csv,text/csv\" "
           "required><p><button type=\"submit\">" + escape(t("members.check")) + "</button></p></form>";
}

/// What staff may do to a member in their current room (admins also ban and appoint), the chat commands'
/// decisions: one select and a button.
std::string member_actions(const Viewer& viewer, const Texts& t, const store::console::MemberSummary& m) {
    if (m.room.empty()) {
        return {};
    }
    std::string out = "<form class=\"inline\" method=\"post\" action=\"/console/members/" + std::to_string(m.id) +
                      "/act\">" + csrf_field(viewer) + "<input type=\"hidden\" name=\"room\" value=\"" +
                      escape(m.room) + "\"><select name=\"action\" aria-label=\"" + escape(t("forums.change")) + "\">";
    std::vector<const char*> actions = {"hold", "lift", "remove"};
    if (viewer.is_admin()) {
        actions.push_back("ban");
        actions.push_back(m.moderator ? "demote" : "appoint");
    }
    for (const char* a : actions) {
        out += "<option value=\"" + std::string(a) + "\">" + escape(t(std::string("members.act_") + a)) + "</option>";
    }
    return out + "</select> <button class=\"secondary\" type=\"submit\">" + escape(t("members.apply")) + "</button></form>";
}

std::string mode_name(const Texts& t, const store::console::MemberSummary& m) {
    if (m.stopped) {
        return t("overview.stopped");
    }
    return m.mode == 1 ? t("overview.digest") : m.mode == 2 ? t("overview.muted") : t("overview.live");
}

std::string problems_html(const Texts& t, const events::ImportCheck& check) {
    std::string out;
    if (check.problem_count == 0) {
        return out;
    }
    out += "<div class=\"error\" role=\"alert\"><p>" +
           escape(t("members.problems", {{"n", number(t, static_cast<long long>(check.problem_count))}})) +
           "</p><ul id=\"problems\">";
    for (const auto& p : check.problems) {
        out += "<li>" + (p.line > 0 ? escape(t("members.line", {{"n", std::to_string(p.line)}})) + ": " : "") +
               escape(p.message) + "</li>";
    }
    out += "</ul>";
    if (!check.not_shown.empty()) {
        out += "<p>" + escape(t("members.more")) + "</p><ul>";
        for (const auto& [kind, n] : check.not_shown) {
            out += "<li>" + number(t, static_cast<long long>(n)) + " × " + escape(kind) + "</li>";
        }
        out += "</ul>";
    }
    return out + "</div>";
}

}  // namespace

void add_member_pages(ConsoleHandler& handler) {
    PageFn get = [](PageRequest& r) -> boost::asio::awaitable<http::Response> {
        const Viewer viewer = r.viewer;
        const Texts& t = r.t;
        const auto& regions = r.deps.regions;
        auto query = query_of(r);
        if (r.rest == "/export.csv") {
            std::function<http::Response(store::Database&)> csv = [query](store::Database& db) {
                std::string out = store::console::member_csv_header();
                store::console::export_members(db.sql(), query, [&out](const store::console::MemberSummary& m) {
                    out += store::console::member_csv_record(m);
                });
                auto res = http::text_response(bhttp::status::ok, std::move(out), "text/csv; charset=utf-8");
                res.set(bhttp::field::content_disposition, "attachment; filename=\"delve-exchange-members.csv\"");
                res.set(bhttp::field::cache_control, "no-store");
                return res;
            };
            co_return co_await read_page(r, std::move(csv));
        }
        const std::string form = search_form(t, regions, viewer.lang(), r);
        const std::string target(r.request.target());
        const auto q = target.find('?');
        const std::string params = q == std::string::npos ? std::string() : target.substr(q + 1);
        const std::string done = r.query("done");
        std::function<http::Response(store::Database&)> job = [viewer, &t, &regions, query, form, params,
                                                               done](store::Database& db) {
            const auto found = store::console::search_members(db.sql(), query);
            const auto& lang = viewer.lang();
            std::string body = done.empty() ? form : "<p class=\"ok\" role=\"status\">" + escape(done) + "</p>" + form;
            body += "<p>" + escape(t("members.found", {{"n", number(t, found.total)}})) +
                    " · <a href=\"/console/members/export.csv" + (params.empty() ? "" : "?" + escape(params)) + "\">" +
                    escape(t("members.export")) + "</a></p>";
            body += "<div class=\"scroll\"><table id=\"members\"><thead><tr><th>" + escape(t("members.alias")) +
                    "</th><th>" + escape(t("members.number")) + "</th><th>" + escape(t("accounts.language")) +
                    "</th><th>" + escape(t("moderation.room")) + "</th><th>" + escape(t("accounts.role")) + "</th><th>" +
                    escape(t("members.receives")) + "</th><th class=\"n\">" + escape(t("overview.posts")) + "</th><th>" +
                    escape(t("members.last")) + "</th><th>" + escape(t("forums.change")) + "</th></tr></thead><tbody>";
            for (const auto& m : found.rows) {
                body += "<tr><td>" + escape(m.alias) + "</td><td><code>" + escape(m.number) + "</code></td><td>" +
                        escape(m.language) + "</td><td>" + escape(room_name(regions, m.room, lang)) + "</td><td>" +
                        escape(m.admin ? t("role.admin") : m.moderator ? t("role.moderator") : t("members.member")) +
                        "</td><td>" + escape(mode_name(t, m)) + "</td><td class=\"n\">" + number(t, m.posts) +
                        "</td><td>" + (m.last_inbound > 0 ? utc_minute(m.last_inbound * 1000) : "–") + "</td><td>" +
                        member_actions(viewer, t, m) + "</td></tr>";
            }
            body += "</tbody></table></div>";
            const auto page_no = query.offset / kPageSize + 1;
            const auto pages = (found.total + kPageSize - 1) / kPageSize;
            if (pages > 1) {
                std::string base = "/console/members?q=" + percent_encode(query.text) + "&room=" + percent_encode(query.room) +
                                   "&language=" + percent_encode(query.language) + "&page=";
                body += "<p>";
                if (page_no > 1) {
                    body += "<a href=\"" + escape(base + std::to_string(page_no - 1)) + "\">← " +
                            escape(t("members.previous")) + "</a> ";
                }
                body += escape(t("members.page", {{"n", std::to_string(page_no)}, {"of", std::to_string(pages)}}));
                if (page_no < pages) {
                    body += " <a href=\"" + escape(base + std::to_string(page_no + 1)) + "\">" +
                            escape(t("members.next")) + " →</a>";
                }
                body += "</p>";
            }
            body += import_form(viewer, t);
            return html(bhttp::status::ok, page(viewer, t, Section::kMembers, t("nav.members"), body));
        };
        co_return co_await read_page(r, std::move(job));
    };

    PageFn post = [](PageRequest& r) -> boost::asio::awaitable<http::Response> {
        const Viewer viewer = r.viewer;
        const Texts& t = r.t;
        const auto& regions = r.deps.regions;
        const auto now = r.now_ms();
        if (r.rest == "/import") {
            auto file = uploaded_file(r.request, "file");
            if (!file || file->empty()) {
                const std::string body = "<p class=\"error\">" + escape(t("members.no_file")) + "</p>" + import_form(viewer, t);
                co_return html(bhttp::status::bad_request, page(viewer, t, Section::kMembers, t("members.import"), body));
            }
            auto content = std::make_shared<std::string>(std::move(*file));
            std::function<events::ImportCheck(store::Database&)> check = [content, &regions](store::Database& db) {
                std::istringstream in(*content);
                return events::check_members(db.sql(), in, regions);
            };
            auto checked = co_await r.deps.reader.try_run<events::ImportCheck>(std::move(check));
            if (!checked) {
                co_return html(bhttp::status::service_unavailable,
                               page(viewer, t, Section::kMembers, t("members.import"), "<p>" + escape(t("error.busy")) + "</p>"));
            }
            const auto& c = *checked;
            std::string body = "<p>" + escape(t("members.read", {{"n", number(t, static_cast<long long>(c.rows))},
                                                                 {"sep", c.separator == ';' ? ";" : ","}})) + "</p>";
            body += problems_html(t, c);
            if (!c.preview.empty()) {
                body += "<h2>" + escape(t("members.preview")) + "</h2><div class=\"scroll\"><table id=\"preview\"><thead><tr><th>" +
                        escape(t("members.line_header")) + "</th><th>" + escape(t("members.alias")) + "</th><th>" +
                        escape(t("members.number")) + "</th><th>" + escape(t("moderation.room")) + "</th><th>" +
                        escape(t("accounts.language")) + "</th><th>" + escape(t("accounts.role")) + "</th></tr></thead><tbody>";
                for (const auto& row : c.preview) {
                    body += "<tr><td>" + std::to_string(row.line) + "</td><td>" + escape(row.alias) + "</td><td><code>" +
                            escape(row.wa_id.empty() ? std::string("–") : viewer.is_admin() ? "+" + row.wa_id : core::mask_number(row.wa_id)) + "</code></td><td>" +
                            escape(room_name(regions, row.room, viewer.lang())) + "</td><td>" + escape(row.language) +
                            "</td><td>" + escape(row.role) + "</td></tr>";
                }
                body += "</tbody></table></div>";
            }
            if (c.ok() && !c.fatal && c.rows > 0) {
                const auto id = pending().put(viewer.user.id, std::move(*content), now);
                body += "<form class=\"card\" method=\"post\" action=\"/console/members/import/confirm\">" + csrf_field(viewer) +
                        "<input type=\"hidden\" name=\"file\" value=\"" + id + "\"><p>" +
                        escape(t("members.confirm_hint", {{"n", number(t, static_cast<long long>(c.rows))}})) +
                        "</p><button type=\"submit\">" + escape(t("members.confirm")) + "</button></form>";
            } else {
                body += "<p>" + escape(t("members.fix_and_retry")) + "</p>" + import_form(viewer, t);
            }
            co_return html(c.ok() ? bhttp::status::ok : bhttp::status::unprocessable_entity,
                           page(viewer, t, Section::kMembers, t("members.import"), body));
        }
        if (r.rest == "/import/confirm") {
            auto content = pending().take(r.form("file"), viewer.user.id, now);
            if (!content) {
                const std::string body = "<p class=\"error\">" + escape(t("members.expired")) + "</p>" + import_form(viewer, t);
                co_return html(bhttp::status::gone, page(viewer, t, Section::kMembers, t("members.import"), body));
            }
            auto shared = std::make_shared<std::string>(std::move(*content));
            const std::string actor = "console:" + viewer.user.name;
            std::function<events::ImportResult(store::Database&)> apply = [shared, &regions, now,
                                                                           actor](store::Database& db) {
                std::istringstream in(*shared);
                auto result = events::apply_members(db.sql(), in, regions, now);
                if (result.imported) {
                    store::AuditRepository(db.sql()).record(now, actor, "members.import", "",
                                                            "rows=" + std::to_string(result.check.rows) +
                                                                " new=" + std::to_string(result.fresh));
                }
                return result;
            };
            const auto result = co_await r.deps.writer.run<events::ImportResult>(std::move(apply));
            std::string body;
            if (result.imported) {
                body += "<p class=\"ok\" role=\"status\">" +
                        escape(t("members.imported", {{"fresh", number(t, static_cast<long long>(result.fresh))},
                                                      {"known", number(t, static_cast<long long>(result.known))}})) +
                        "</p>";
                if (result.kept_out_count > 0) {
                    body += "<p>" + escape(t("members.kept_out", {{"n", number(t, static_cast<long long>(result.kept_out_count))}})) +
                            "</p><ul>";
                    for (const auto& p : result.kept_out) {
                        body += "<li>" + escape(t("members.line", {{"n", std::to_string(p.line)}})) + ": " +
                                escape(p.message) + "</li>";
                    }
                    body += "</ul>";
                }
            } else {
                body += problems_html(t, result.check);
            }
            body += "<p><a href=\"/console/members\">" + escape(t("nav.members")) + "</a></p>";
            co_return html(result.imported ? bhttp::status::ok : bhttp::status::unprocessable_entity,
                           page(viewer, t, Section::kMembers, t("members.import"), body));
        }
        if (r.rest.ends_with("/act") && r.deps.moderation != nullptr) {
            // /console/members/{id}/act: the chat command's decision on this member in `room`.
            std::int64_t member_id = 0;
            const auto digits = r.rest.substr(1, r.rest.size() - 5);
            std::from_chars(digits.data(), digits.data() + digits.size(), member_id);
            const auto action = r.form("action");
            const auto room = r.form("room");
            const std::map<std::string, moderation::Verb> verbs = {
                {"hold", moderation::Verb::kHold},       {"lift", moderation::Verb::kLift},
                {"remove", moderation::Verb::kRemove},   {"ban", moderation::Verb::kBan},
                {"appoint", moderation::Verb::kAppoint}, {"demote", moderation::Verb::kUnappoint}};
            const auto verb = verbs.find(action);
            const bool admin_only = action == "ban" || action == "appoint" || action == "demote";
            if (verb == verbs.end() || member_id <= 0 || regions.find(room) == nullptr || (admin_only && !viewer.is_admin())) {
                co_return forbidden(viewer, t);
            }
            auto* moderation = r.deps.moderation;
            const core::Catalog& member_texts = r.deps.member_texts;
            const std::string actor = "console:" + viewer.user.name;
            std::function<std::string(store::Database&)> job = [moderation, &member_texts, member_id, room, action,
                                                                 v = verb->second, now, actor,
                                                                 lang = viewer.lang()](store::Database& db) {
                SQLite::Transaction tx(db.sql());
                store::OutboxRepository outbox_repo(db.sql());
                store::JobRepository jobs(db.sql());
                events::Outbox outbox(outbox_repo, now);
                events::Context ctx{db.sql(), member_texts, now, outbox, jobs};
                auto said = moderation->member_from_console(ctx, v, member_id, room, lang, "console-" + core::random_hex(6));
                store::AuditRepository(db.sql()).record(now, actor, "moderation." + action,
                                                        "room:" + room + "/member:" + std::to_string(member_id), "");
                tx.commit();
                return said;
            };
            const auto said = co_await r.deps.writer.run<std::string>(std::move(job));
            if (r.deps.outbox_written) {
                r.deps.outbox_written();
            }
            co_return see_other("/console/members?done=" + percent_encode(said));
        }
        co_return html(bhttp::status::not_found, page(viewer, t, Section::kMembers, t("error.not_found_title"),
                                                      "<p>" + escape(t("error.not_found")) + "</p>"));
    };
    handler.add(Section::kMembers, std::move(get), std::move(post));
}

}  // namespace delvex::console
