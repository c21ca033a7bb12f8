// Moderation: the queue of held and reported posts of the rooms the viewer moderates (every room for admins
// and staff), with the same decisions as in chat — approve (or keep), reject, take down — through the one
// moderation decider (events::Moderation::decide_from_console), and the rooms' recent moderation log.

#include <boost/beast/http/field.hpp>
#include <boost/beast/http/status.hpp>

#include <SQLiteCpp/Transaction.h>

#include <charconv>

#include "bot/console/html.hpp"
#include "bot/console/pages.hpp"
#include "bot/core/crypto.hpp"
#include "bot/events/feature.hpp"
#include "bot/events/moderation_feature.hpp"
#include "bot/moderation/protocol.hpp"
#include "bot/store/audit_repository.hpp"
#include "bot/store/job_repository.hpp"
#include "bot/store/media_repository.hpp"
#include "bot/store/media_store.hpp"
#include "bot/store/moderation_repository.hpp"
#include "bot/store/outbox_repository.hpp"

namespace delvex::console {
namespace bhttp = boost::beast::http;
namespace {

/// Posts the queue shows at once, oldest first.
constexpr std::size_t kQueuePage = 50;

std::string status_label(const Texts& t, const moderation::PostInfo& post) {
    switch (post.status) {
        case moderation::PostStatus::kHeld: return t("moderation.held");
        case moderation::PostStatus::kHeldForReports:
            return t("moderation.held_reports", {{"n", std::to_string(post.open_reports)}});
        default: return t("moderation.reported", {{"n", std::to_string(post.open_reports)}});
    }
}

std::string action_form(const Viewer& viewer, std::int64_t post, std::string_view action, const std::string& label,
                        std::string_view css) {
    return "<form class=\"inline\" method=\"post\" action=\"/console/moderation/" + std::to_string(post) + "/" +
           std::string(action) + "\">" + csrf_field(viewer) + "<button type=\"submit\" class=\"" + std::string(css) +
           "\">" + escape(label) + "</button></form> ";
}

/// GET /console/moderation/{post}/media: the file of a post, for its room's moderators, as the service stored it
/// (bot/store/media_store); 404 when it was not kept.
boost::asio::awaitable<http::Response> media(PageRequest& r) {
    const Viewer viewer = r.viewer;
    std::int64_t post_id = 0;
    const auto digits = r.rest.substr(1, r.rest.size() - 7);
    std::from_chars(digits.data(), digits.data() + digits.size(), post_id);
    std::function<http::Response(store::Database&)> job = [viewer, post_id, &t = r.t](store::Database& db) {
        store::ModerationRepository repo(db.sql());
        const auto post = repo.community().post(post_id);
        if (!post) {
            return http::text_response(bhttp::status::not_found, "no such post\n");
        }
        if (!viewer.sees_room(post->room)) {
            return forbidden(viewer, t);
        }
        const auto file = store::MediaRepository(db.sql()).file(post->media_id);
        if (post->media_id.empty() || !file || file->path.empty()) {
            return http::text_response(bhttp::status::not_found, "this file was not kept\n");
        }
        auto bytes = store::MediaStore::read(file->path, 100U * 1024 * 1024);
        if (!bytes) {
            return http::text_response(bhttp::status::not_found, "this file was not kept\n");
        }
        const auto type = file->mime_type.empty() ? std::string("application/octet-stream") : file->mime_type;
        auto res = http::text_response(bhttp::status::ok, std::move(*bytes), type);
        res.set(bhttp::field::cache_control, "private, no-store");
        // A member's file is shown, never run: no script, no plugin, its own sandbox.
        res.set("Content-Security-Policy", "default-src 'none'; img-src 'self'; media-src 'self'; sandbox");
        res.set("X-Content-Type-Options", "nosniff");
        if (!type.starts_with("image/") && !type.starts_with("audio/")) {
            res.set(bhttp::field::content_disposition, "attachment; filename=\"post-" + std::to_string(post_id) + "\"");
        }
        return res;
    };
    co_return co_await read_page(r, std::move(job));
}

struct Decision {
    int status = 200;
    std::string message{};
};

}  // namespace

void add_moderation_pages(ConsoleHandler& handler) {
    PageFn get = [](PageRequest& r) -> boost::asio::awaitable<http::Response> {
        const Viewer viewer = r.viewer;
        const Texts& t = r.t;
        const auto& regions = r.deps.regions;
        if (r.rest.ends_with("/media")) {
            co_return co_await media(r);
        }
        const std::string room = r.query("room");
        if (!room.empty() && (regions.find(room) == nullptr || !viewer.sees_room(room))) {
            co_return forbidden(viewer, t);
        }
        std::vector<std::string> rooms;
        for (const auto& each : regions.rooms()) {
            if (viewer.sees_room(each.id) && (room.empty() || room == each.id)) {
                rooms.push_back(each.id);
            }
        }
        const std::string done = r.query("done");
        std::function<http::Response(store::Database&)> job = [viewer, &t, &regions, rooms, room,
                                                               done](store::Database& db) {
            store::ModerationRepository repo(db.sql());
            // The oldest kQueuePage: a page stays light on a slow link; deciding them brings the next ones.
            auto queue = repo.queue(rooms, kQueuePage + 1);
            const bool more = queue.size() > kQueuePage;
            if (more) {
                queue.resize(kQueuePage);
            }
            const auto log = repo.recent(rooms, 20);
            const auto& lang = viewer.lang();
            std::string body;
            if (!done.empty()) {
                body += "<p class=\"ok\" role=\"status\">" + escape(done) + "</p>";
            }
            // Room filter: the rooms this viewer moderates.
            body += "<p>";
            body += room.empty() ? "<strong>" + escape(t("moderation.all_rooms")) + "</strong>"
                                 : "<a href=\"/console/moderation\">" + escape(t("moderation.all_rooms")) + "</a>";
            for (const auto& each : regions.rooms()) {
                if (!viewer.sees_room(each.id)) {
                    continue;
                }
                body += " · ";
                if (each.id == room) {
                    body += "<strong>" + escape(each.name(lang)) + "</strong>";
                } else {
                    body += "<a href=\"/console/moderation?room=" + escape(each.id) + "\">" + escape(each.name(lang)) +
                            "</a>";
                }
            }
            body += "</p>";
            if (queue.empty()) {
                body += "<p class=\"card\">" + escape(t("moderation.empty")) + "</p>";
            } else {
                body += "<div class=\"scroll\"><table><thead><tr><th>#</th><th>" + escape(t("moderation.room")) +
                        "</th><th>" + escape(t("moderation.author")) + "</th><th>" + escape(t("moderation.post")) +
                        "</th><th>" + escape(t("moderation.status")) + "</th><th>" + escape(t("moderation.when")) +
                        "</th><th>" + escape(t("moderation.actions")) + "</th></tr></thead><tbody>";
                for (const auto& post : queue) {
                    const bool held = post.status == moderation::PostStatus::kHeld;
                    body += "<tr id=\"post-" + std::to_string(post.id) + "\"><td>" + std::to_string(post.id) +
                            "</td><td>" + escape(room_name(regions, post.room, lang)) + "</td><td>" +
                            escape(post.author_alias.empty() ? t("moderation.forgotten") : post.author_alias) +
                            "</td><td>";
                    if (post.kind == "image" || post.kind == "sticker") {
                        body += "<a href=\"/console/moderation/" + std::to_string(post.id) + "/media\"><img src=\"/console/moderation/" +
                                std::to_string(post.id) + "/media\" alt=\"" + escape(t("moderation.kind", {{"kind", post.kind}})) +
                                "\" width=\"160\" loading=\"lazy\"></a><br>";
                    } else if (post.kind == "audio" || post.kind == "voice") {
                        body += "<audio controls preload=\"none\" src=\"/console/moderation/" + std::to_string(post.id) +
                                "/media\"></audio><br>";
                    } else if (post.kind == "video" || post.kind == "document") {
                        body += "<a href=\"/console/moderation/" + std::to_string(post.id) + "/media\">[" +
                                escape(t("moderation.kind", {{"kind", post.kind}})) + "]</a> ";
                    } else if (post.kind != "text") {
                        body += "<span class=\"muted\">[" + escape(t("moderation.kind", {{"kind", post.kind}})) +
                                "]</span> ";
                    }
                    body += escape(post.body) + "</td><td>" + escape(status_label(t, post)) + "</td><td>" +
                            utc_minute(post.created_ms) + "</td><td>";
                    body += action_form(viewer, post.id, "approve",
                                        held ? t("moderation.approve") : t("moderation.keep"), "");
                    if (held) {
                        body += action_form(viewer, post.id, "reject", t("moderation.reject"), "secondary");
                    }
                    body += action_form(viewer, post.id, "takedown", t("moderation.takedown"), "danger");
                    body += "</td></tr>";
                }
                body += "</tbody></table></div>";
                if (more) {
                    body += "<p class=\"muted\">" + escape(t("moderation.more", {{"n", std::to_string(kQueuePage)}})) + "</p>";
                }
            }
            body += "<h2>" + escape(t("moderation.log_title")) + "</h2>";
            if (log.empty()) {
                body += "<p class=\"muted\">" + escape(t("audit.empty")) + "</p>";
            } else {
                body += "<div class=\"scroll\"><table><thead><tr><th>" + escape(t("audit.when")) + "</th><th>" +
                        escape(t("audit.who")) + "</th><th>" + escape(t("audit.action")) + "</th><th>" +
                        escape(t("moderation.room")) + "</th><th>" + escape(t("audit.target")) +
                        "</th></tr></thead><tbody>";
                for (const auto& line : log) {
                    body += "<tr><td>" + utc_minute(line.at_ms) + "</td><td>" +
                            escape(line.actor.empty() ? t("moderation.console_or_api") : line.actor) + "</td><td>" +
                            escape(line.action) + "</td><td>" + escape(room_name(regions, line.room, lang)) +
                            "</td><td>" + escape(line.target) + "</td></tr>";
                }
                body += "</tbody></table></div>";
            }
            return html(bhttp::status::ok, page(viewer, t, Section::kModeration, t("nav.moderation"), body));
        };
        co_return co_await read_page(r, std::move(job));
    };

    PageFn post = [](PageRequest& r) -> boost::asio::awaitable<http::Response> {
        // /console/moderation/{post}/{approve|reject|takedown}
        const Viewer viewer = r.viewer;
        const Texts& t = r.t;
        const std::string rest = r.rest;
        std::int64_t post_id = 0;
        std::string action;
        if (rest.size() > 1) {
            const auto slash = rest.find('/', 1);
            const auto digits = rest.substr(1, slash == std::string::npos ? std::string::npos : slash - 1);
            std::from_chars(digits.data(), digits.data() + digits.size(), post_id);
            action = slash == std::string::npos ? std::string() : rest.substr(slash + 1);
        }
        moderation::Verb verb = moderation::Verb::kNone;
        if (action == "approve") {
            verb = moderation::Verb::kApprove;
        } else if (action == "reject") {
            verb = moderation::Verb::kReject;
        } else if (action == "takedown") {
            verb = moderation::Verb::kTakeDown;
        }
        if (post_id <= 0 || verb == moderation::Verb::kNone || r.deps.moderation == nullptr) {
            std::string body = "<p>" + escape(t("error.not_found")) + "</p>";
            co_return html(bhttp::status::not_found, page(viewer, t, Section::kModeration, t("error.not_found_title"), body));
        }
        const auto now = r.now_ms();
        auto* moderation = r.deps.moderation;
        const core::Catalog& member_texts = r.deps.member_texts;
        std::function<Decision(store::Database&)> job = [viewer, post_id, verb, action, now, moderation,
                                                         &member_texts](store::Database& db) {
            SQLite::Transaction tx(db.sql());
            store::ModerationRepository repo(db.sql());
            const auto found = repo.post(post_id);
            if (!found) {
                return Decision{404, {}};
            }
            if (!viewer.sees_room(found->room)) {
                return Decision{403, {}};
            }
            store::OutboxRepository outbox_repo(db.sql());
            store::JobRepository jobs(db.sql());
            events::Outbox outbox(outbox_repo, now);
            events::Context ctx{db.sql(), member_texts, now, outbox, jobs};
            // The answer keys must be unique per decision: the person and the moment make them so.
            const auto ref = "console-" + core::random_hex(6);
            auto said = moderation->decide_from_console(ctx, verb, post_id, viewer.lang(), ref);
            store::AuditRepository(db.sql()).record(now, "console:" + viewer.user.name, "moderation." + action,
                                                    "room:" + found->room + "/post:" + std::to_string(post_id), "");
            tx.commit();
            return Decision{200, std::move(said)};
        };
        const auto decided = co_await r.deps.writer.run<Decision>(std::move(job));
        if (decided.status == 403) {
            co_return forbidden(viewer, t);
        }
        if (decided.status == 404) {
            std::string body = "<p>" + escape(t("error.not_found")) + "</p>";
            co_return html(bhttp::status::not_found, page(viewer, t, Section::kModeration, t("error.not_found_title"), body));
        }
        if (r.deps.outbox_written) {
            r.deps.outbox_written();
        }
        co_return see_other("/console/moderation?done=" + percent_encode(decided.message));
    };
    handler.add(Section::kModeration, std::move(get), std::move(post));
}

}  // namespace delvex::console
