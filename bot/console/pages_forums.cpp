// Forums: each room's calendar for the next three months (local time of the forum's zone), RSVP counts and
// attendance per occurrence; schedule a forum, cancel or move one occurrence. Every change goes through the
// one forums service (meetings::ForumsService), as chat, the admin API and the CLI do.

#include <boost/beast/http/status.hpp>

#include <date/date.h>

#include <algorithm>
#include <charconv>
#include <chrono>

#include "bot/console/html.hpp"
#include "bot/console/pages.hpp"
#include "bot/events/forums_feature.hpp"
#include "bot/store/audit_repository.hpp"
#include "bot/store/forum_repository.hpp"
#include "bot/meetings/protocol.hpp"
#include "bot/store/forum_work.hpp"
#include "forums/series.hpp"
#include "forums/zone.hpp"

namespace delvex::console {
namespace bhttp = boost::beast::http;
namespace {

constexpr auto kHorizon = std::chrono::hours(24 * 92);

std::string local_iso(forums::LocalTime t) {
    return date::format("%Y-%m-%dT%H:%M:%S", t);
}

std::string local_shown(forums::LocalTime t) {
    return date::format("%Y-%m-%d %H:%M", t);
}

struct Row {
    forums::Instant start{};
    std::string room{};
    store::ForumSeriesRow series{};
    forums::Occurrence occurrence{};
    std::int64_t going = 0;
    std::int64_t maybe = 0;
    std::int64_t declined = 0;
    std::int64_t attended = 0;
};

/// The RRULE for the form's repeat choice, from the first date (a monthly forum keeps its weekday: the
/// second Thursday stays the second Thursday; a fifth weekday becomes the last).
std::string rule_for(std::string_view repeat, const date::year_month_day& day) {
    if (repeat == "weekly") {
        return "FREQ=WEEKLY";
    }
    if (repeat == "monthly") {
        static constexpr const char* kDays[] = {"SU", "MO", "TU", "WE", "TH", "FR", "SA"};
        const date::weekday wd{date::sys_days{day}};
        const unsigned nth = (static_cast<unsigned>(day.day()) - 1) / 7 + 1;
        const std::string ordinal = nth >= 5 ? "-1" : std::to_string(nth);
        return "FREQ=MONTHLY;BYDAY=" + ordinal + kDays[wd.c_encoding()];
    }
    return "FREQ=DAILY;COUNT=1";
}

std::int64_t id_of(const std::string& rest, std::string& action) {
    // "/12/cancel" → 12, "cancel"
    std::int64_t id = 0;
    if (rest.size() < 2) {
        return 0;
    }
    const auto slash = rest.find('/', 1);
    const auto digits = rest.substr(1, slash == std::string::npos ? std::string::npos : slash - 1);
    std::from_chars(digits.data(), digits.data() + digits.size(), id);
    action = slash == std::string::npos ? std::string() : rest.substr(slash + 1);
    return id;
}

struct Change {
    int status = 303;
    std::string error{};
};

/// GET /console/forums/{series}/{occurrence}: who answered, and who came, with a form to mark attendance.
boost::asio::awaitable<http::Response> rsvp_page(PageRequest& r) {
    const Viewer viewer = r.viewer;
    const Texts& t = r.t;
    std::string occurrence;
    const auto id = id_of(r.rest, occurrence);
    const auto original = forums::parse_local_basic(occurrence);
    if (id <= 0 || !original) {
        co_return html(bhttp::status::not_found, page(viewer, t, Section::kForums, t("error.not_found_title"),
                                                      "<p>" + escape(t("error.not_found")) + "</p>"));
    }
    const std::string done = r.query("done");
    const auto& regions = r.deps.regions;
    std::function<http::Response(store::Database&)> job = [viewer, &t, &regions, id, occurrence, original = *original,
                                                           done](store::Database& db) {
        store::ForumRepository repo(db.sql());
        const auto series = repo.find_series(id);
        if (!series || !viewer.sees_room(series->room)) {
            return forbidden(viewer, t);
        }
        const auto list = repo.rsvp_list(id, occurrence);
        std::string body = "<p>" + escape(room_name(regions, series->room, viewer.lang())) + " · " +
                           escape(local_shown(original)) + " <span class=\"muted\">" + escape(series->tz) + "</span></p>";
        if (!done.empty()) {
            body += "<p class=\"ok\" role=\"status\">" + escape(t("forums.attendance_saved")) + "</p>";
        }
        if (list.empty()) {
            body += "<p class=\"card\">" + escape(t("forums.no_answers")) + "</p>";
        } else {
            body += "<form method=\"post\" action=\"/console/forums/" + std::to_string(id) + "/" + escape(occurrence) +
                    "/attendance\">" + csrf_field(viewer) + "<div class=\"scroll\"><table id=\"rsvps\"><thead><tr><th>" +
                    escape(t("members.alias")) + "</th><th>" + escape(t("forums.answer")) + "</th><th>" +
                    escape(t("forums.attended")) + "</th></tr></thead><tbody>";
            for (const auto& row : list) {
                const std::string answer = row.status == store::RsvpStatus::kAccepted
                                               ? (row.waitlisted ? t("forums.waitlisted") : t("forums.going"))
                                           : row.status == store::RsvpStatus::kTentative ? t("forums.maybe")
                                                                                         : t("forums.declined");
                body += "<tr><td>" + escape(row.alias.empty() ? t("moderation.forgotten") : row.alias) + "</td><td>" +
                        escape(answer) + "</td><td><label><input type=\"checkbox\" name=\"came\" value=\"" +
                        std::to_string(row.member_id) + "\"" + (row.attended ? " checked disabled" : "") + "> " +
                        escape(t("forums.attended")) + "</label></td></tr>";
            }
            body += "</tbody></table></div><p><button type=\"submit\">" + escape(t("forums.save_attendance")) +
                    "</button></p></form>";
        }
        return html(bhttp::status::ok, page(viewer, t, Section::kForums, series->title, body));
    };
    co_return co_await read_page(r, std::move(job));
}

}  // namespace

void add_forum_pages(ConsoleHandler& handler) {
    PageFn get = [](PageRequest& r) -> boost::asio::awaitable<http::Response> {
        const Viewer viewer = r.viewer;
        const Texts& t = r.t;
        const auto& regions = r.deps.regions;
        if (!r.rest.empty()) {
            co_return co_await rsvp_page(r);
        }
        const std::string room = r.query("room");
        if (!room.empty() && (regions.find(room) == nullptr || !viewer.sees_room(room))) {
            co_return forbidden(viewer, t);
        }
        const auto now = r.now_ms();
        const std::string error = r.query("error");
        const std::string done = r.query("done");
        std::function<http::Response(store::Database&)> job = [viewer, &t, &regions, room, now, error,
                                                               done](store::Database& db) {
            store::ForumRepository repo(db.sql());
            const auto& lang = viewer.lang();
            const forums::Instant from{std::chrono::seconds{now / 1000}};
            std::vector<Row> rows;
            for (const auto& each : regions.rooms()) {
                if (!viewer.sees_room(each.id) || (!room.empty() && room != each.id)) {
                    continue;
                }
                for (const auto& series_row : repo.list_series(each.id, false)) {
                    const auto series = events::series_of(series_row, repo.overrides(series_row.id));
                    if (!series) {
                        continue;
                    }
                    for (const auto& occ : forums::occurrences_between(*series, from, from + kHorizon)) {
                        Row row{occ.start, each.id, series_row, occ};
                        const auto name = forums::format_local_basic(occ.original);
                        row.going = repo.count_status(series_row.id, name, store::RsvpStatus::kAccepted);
                        row.maybe = repo.count_status(series_row.id, name, store::RsvpStatus::kTentative);
                        row.declined = repo.count_status(series_row.id, name, store::RsvpStatus::kDeclined);
                        row.attended = repo.attendance_count(series_row.id, name);
                        rows.push_back(std::move(row));
                    }
                }
            }
            std::sort(rows.begin(), rows.end(), [](const Row& a, const Row& b) { return a.start < b.start; });
            std::string body;
            if (!error.empty()) {
                body += "<p class=\"error\" role=\"alert\">" + escape(error) + "</p>";
            }
            if (!done.empty()) {
                body += "<p class=\"ok\" role=\"status\">" + escape(t("forums.done_" + done)) + "</p>";
            }
            body += "<p>";
            body += room.empty() ? "<strong>" + escape(t("moderation.all_rooms")) + "</strong>"
                                 : "<a href=\"/console/forums\">" + escape(t("moderation.all_rooms")) + "</a>";
            for (const auto& each : regions.rooms()) {
                if (!viewer.sees_room(each.id)) {
                    continue;
                }
                body += " · ";
                body += each.id == room ? "<strong>" + escape(each.name(lang)) + "</strong>"
                                        : "<a href=\"/console/forums?room=" + escape(each.id) + "\">" +
                                              escape(each.name(lang)) + "</a>";
            }
            body += "</p><h2>" + escape(t("forums.calendar")) + "</h2>";
            if (rows.empty()) {
                body += "<p class=\"card\">" + escape(t("forums.none")) + "</p>";
            } else {
                body += "<div class=\"scroll\"><table id=\"calendar\"><thead><tr><th>" + escape(t("forums.when")) +
                        "</th><th>" + escape(t("moderation.room")) + "</th><th>" + escape(t("forums.title")) +
                        "</th><th class=\"n\">" + escape(t("forums.going")) + "</th><th class=\"n\">" +
                        escape(t("forums.maybe")) + "</th><th class=\"n\">" + escape(t("forums.declined")) +
                        "</th><th class=\"n\">" + escape(t("forums.attended")) + "</th><th>" +
                        escape(t("forums.change")) + "</th></tr></thead><tbody>";
                std::string month;
                for (const auto& row : rows) {
                    const auto shown = local_shown(row.occurrence.local);
                    if (shown.substr(0, 7) != month) {
                        month = shown.substr(0, 7);
                        body += "<tr><th colspan=\"8\">" + escape(month) + "</th></tr>";
                    }
                    const auto original = local_iso(row.occurrence.original);
                    const auto action = "/console/forums/" + std::to_string(row.series.id);
                    body += "<tr><td>" + escape(shown) + " <span class=\"muted\">" + escape(row.series.tz) +
                            "</span></td><td>" + escape(room_name(regions, row.room, lang)) + "</td><td>" +
                            "<a href=\"/console/forums/" + std::to_string(row.series.id) + "/" +
                            forums::format_local_basic(row.occurrence.original) + "\">" + escape(row.series.title) +
                            "</a></td><td class=\"n\">" + number(t, row.going) +
                            "</td><td class=\"n\">" + number(t, row.maybe) + "</td><td class=\"n\">" +
                            number(t, row.declined) + "</td><td class=\"n\">" + number(t, row.attended) + "</td><td>";
                    body += "<form class=\"inline\" method=\"post\" action=\"" + action + "/cancel\">" +
                            csrf_field(viewer) + "<input type=\"hidden\" name=\"occurrence\" value=\"" + original +
                            "\"><button class=\"danger\" type=\"submit\">" + escape(t("forums.cancel")) +
                            "</button></form> ";
                    body += "<form class=\"inline\" method=\"post\" action=\"" + action + "/move\">" +
                            csrf_field(viewer) + "<input type=\"hidden\" name=\"occurrence\" value=\"" + original +
                            "\"><input type=\"date\" name=\"date\" required aria-label=\"" + escape(t("forums.date")) +
                            "\"> <input type=\"time\" name=\"time\" required aria-label=\"" +
                            escape(t("forums.time")) + "\"> <button class=\"secondary\" type=\"submit\">" +
                            escape(t("forums.move")) + "</button></form>";
                    body += "</td></tr>";
                }
                body += "</tbody></table></div>";
            }
            // Schedule a forum.
            body += "<h2>" + escape(t("forums.schedule")) + "</h2><form class=\"card\" method=\"post\" "
                    "action=\"/console/forums/new\">" + csrf_field(viewer) + "<label for=\"f-room\">" +
                    escape(t("moderation.room")) + "</label><select id=\"f-room\" name=\"room\">";
            for (const auto& each : regions.rooms()) {
                if (viewer.sees_room(each.id)) {
                    body += "<option value=\"" + escape(each.id) + "\"" + (each.id == room ? " selected" : "") + ">" +
                            escape(each.name(lang)) + "</option>";
                }
            }
            body += "</select><label for=\"f-title\">" + escape(t("forums.title")) +
                    "</label><input id=\"f-title\" name=\"title\" required maxlength=\"60\"><label for=\"f-agenda\">" +
                    escape(t("forums.agenda")) + "</label><textarea id=\"f-agenda\" name=\"agenda\" rows=\"2\" "
                    "maxlength=\"500\"></textarea><label for=\"f-date\">" + escape(t("forums.date")) +
                    "</label><input id=\"f-date\" type=\"date\" name=\"date\" required><label for=\"f-time\">" +
                    escape(t("forums.time_local")) + "</label><input id=\"f-time\" type=\"time\" name=\"time\" "
                    "required><label for=\"f-repeat\">" + escape(t("forums.repeat")) +
                    "</label><select id=\"f-repeat\" name=\"repeat\"><option value=\"monthly\">" +
                    escape(t("forums.monthly")) + "</option><option value=\"once\">" + escape(t("forums.once")) +
                    "</option><option value=\"weekly\">" + escape(t("forums.weekly")) +
                    "</option></select><label for=\"f-duration\">" + escape(t("forums.duration")) +
                    "</label><input id=\"f-duration\" type=\"number\" name=\"duration\" value=\"60\" min=\"15\" "
                    "max=\"480\"><label for=\"f-join\">" + escape(t("forums.join")) +
                    "</label><input id=\"f-join\" name=\"join_info\" maxlength=\"200\" placeholder=\"https://…\">"
                    "<p><button type=\"submit\">" + escape(t("forums.create")) + "</button></p></form>";
            return html(bhttp::status::ok, page(viewer, t, Section::kForums, t("nav.forums"), body));
        };
        co_return co_await read_page(r, std::move(job));
    };

    PageFn post = [](PageRequest& r) -> boost::asio::awaitable<http::Response> {
        const Viewer viewer = r.viewer;
        const Texts& t = r.t;
        auto* forums_feature = r.deps.forums;
        if (forums_feature == nullptr) {
            co_return forbidden(viewer, t);
        }
        const auto now = r.now_ms();
        const std::string actor = "console:" + viewer.user.name;
        std::function<Change(store::Database&)> job;
        std::string done;
        if (r.rest == "/new") {
            store::ForumSeriesRow row;
            row.room = r.form("room");
            row.title = r.form("title");
            row.agenda = r.form("agenda");
            row.join_info = r.form("join_info");
            row.created_by = actor;
            const auto day_text = r.form("date");
            const auto time_text = r.form("time");
            const auto start = forums::parse_local_iso(day_text + "T" + time_text);
            int duration = 60;
            const auto duration_text = r.form("duration");
            std::from_chars(duration_text.data(), duration_text.data() + duration_text.size(), duration);
            row.duration_min = duration;
            if (!viewer.sees_room(row.room)) {
                co_return forbidden(viewer, t);
            }
            if (!start) {
                co_return see_other("/console/forums?error=" + percent_encode(t("forums.bad_time")));
            }
            row.dtstart_local = local_iso(*start);
            row.rrule = rule_for(r.form("repeat"), date::year_month_day{date::floor<date::days>(*start)});
            done = "created";
            job = [forums_feature, row, now, actor](store::Database& db) mutable -> Change {
                store::ForumWork unit(db.sql());
                auto created = forums_feature->service().create_series(unit.store(), unit.jobs(), now, row, {});
                if (!created) {
                    return Change{400, created.error().message};
                }
                store::AuditRepository(db.sql()).record(now, actor, "forums.create", "forum:" + std::to_string(*created),
                                                        "room=" + row.room + " rrule=" + row.rrule);
                unit.commit();
                return Change{};
            };
        } else if (r.rest.ends_with("/attendance")) {
            // /console/forums/{series}/{occurrence}/attendance: the checked members came (marked by a moderator).
            std::string rest_of;
            const auto id = id_of(r.rest.substr(0, r.rest.size() - 11), rest_of);
            const auto original = forums::parse_local_basic(rest_of);
            if (id <= 0 || !original) {
                co_return see_other("/console/forums?error=" + percent_encode(t("error.not_found")));
            }
            std::vector<std::int64_t> came;
            for (const auto& value : r.form_all("came")) {
                std::int64_t member = 0;
                std::from_chars(value.data(), value.data() + value.size(), member);
                if (member > 0) {
                    came.push_back(member);
                }
            }
            const std::string occurrence = rest_of;
            const std::string back = "/console/forums/" + std::to_string(id) + "/" + occurrence + "?done=1";
            std::function<Change(store::Database&)> mark = [forums_feature, id, original = *original, occurrence, came,
                                                            now, actor, viewer](store::Database& db) -> Change {
                store::ForumWork unit(db.sql());
                const auto series = unit.store().find_series(id);
                if (!series) {
                    return Change{404, {}};
                }
                if (!viewer.sees_room(series->room)) {
                    return Change{403, {}};
                }
                int marked = 0;
                for (const auto& row : unit.store().rsvp_list(id, occurrence)) {
                    if (row.attended || std::find(came.begin(), came.end(), row.member_id) == came.end()) {
                        continue;
                    }
                    const meetings::OccurrenceRef ref{id, original};
                    if (forums_feature->service().record_attendance(unit.store(), now, ref, row.member_key,
                                                                    meetings::ForumsService::Attendance::kByModerator)) {
                        ++marked;
                    }
                }
                store::AuditRepository(db.sql()).record(now, actor, "forums.attendance", "forum:" + std::to_string(id),
                                                        "occurrence=" + occurrence + " marked=" + std::to_string(marked));
                unit.commit();
                return Change{};
            };
            const auto changed = co_await r.deps.writer.run<Change>(std::move(mark));
            if (changed.status == 403) {
                co_return forbidden(viewer, t);
            }
            co_return see_other(changed.status == 303 ? back : "/console/forums?error=" + percent_encode(t("error.not_found")));
        } else {
            std::string action;
            const auto id = id_of(r.rest, action);
            const auto original = forums::parse_local_iso(r.form("occurrence"));
            if (id <= 0 || !original || (action != "cancel" && action != "move")) {
                co_return see_other("/console/forums?error=" + percent_encode(t("forums.bad_time")));
            }
            std::optional<forums::LocalTime> to;
            if (action == "move") {
                const auto moved = forums::parse_local_iso(r.form("date") + "T" + r.form("time"));
                if (!moved) {
                    co_return see_other("/console/forums?error=" + percent_encode(t("forums.bad_time")));
                }
                to = *moved;
            }
            done = action == "cancel" ? "cancelled" : "moved";
            job = [forums_feature, id, original = *original, to, now, actor, viewer](store::Database& db) -> Change {
                store::ForumWork unit(db.sql());
                const auto series = unit.store().find_series(id);
                if (!series) {
                    return Change{404, {}};
                }
                if (!viewer.sees_room(series->room)) {
                    return Change{403, {}};
                }
                const auto& service = forums_feature->service();
                auto result = to ? service.move_occurrence(unit.store(), unit.jobs(), now, id, original, *to)
                                 : service.cancel_occurrence(unit.store(), unit.jobs(), now, id, original);
                if (!result) {
                    return Change{400, result.error().message};
                }
                store::AuditRepository(db.sql()).record(
                    now, actor, to ? "forums.move_occurrence" : "forums.cancel_occurrence", "forum:" + std::to_string(id),
                    "occurrence=" + local_iso(original) + (to ? " to=" + local_iso(*to) : std::string()));
                unit.commit();
                return Change{};
            };
        }
        const auto changed = co_await r.deps.writer.run<Change>(std::move(job));
        if (changed.status == 403) {
            co_return forbidden(viewer, t);
        }
        if (changed.status != 303) {
            const auto message = changed.error.empty() ? t("error.not_found") : changed.error;
            co_return see_other("/console/forums?error=" + percent_encode(message));
        }
        co_return see_other("/console/forums?done=" + done);
    };
    handler.add(Section::kForums, std::move(get), std::move(post));
}

}  // namespace delvex::console
