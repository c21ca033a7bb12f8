// Overview (admins and staff): members of each room now, by how they receive the room (live, daily digest,
// muted, stopped), then per room and month: joins and leaves, posts and reports, forum answers, attendance and
// ratings, Academy starts, passes and certificates, and the messages Meta priced, by category — the cost a
// funder asks about. Charts with the numbers beside them.

#include <boost/beast/http/status.hpp>

#include <date/date.h>

#include <cstdio>
#include <map>

#include "bot/console/chart.hpp"
#include "bot/console/html.hpp"
#include "bot/console/pages.hpp"
#include "bot/store/console_queries.hpp"

namespace delvex::console {
namespace bhttp = boost::beast::http;
namespace {

bool valid_month(const std::string& m) {
    return m.size() == 7 && m[4] == '-' && std::isdigit(static_cast<unsigned char>(m[0])) &&
           std::isdigit(static_cast<unsigned char>(m[5])) && std::isdigit(static_cast<unsigned char>(m[6]));
}

std::string month_of(std::int64_t now_ms, int back) {
    const auto day = date::floor<date::days>(date::sys_time<std::chrono::milliseconds>(std::chrono::milliseconds(now_ms)));
    const date::year_month ym = date::year_month_day{day}.year() / date::year_month_day{day}.month();
    const auto shifted = ym - date::months{back};
    char buf[16];
    std::snprintf(buf, sizeof buf, "%04d-%02u", static_cast<int>(shifted.year()), static_cast<unsigned>(shifted.month()));
    return buf;
}

std::string cell(const Texts& t, long long n) {
    return "<td class=\"n\">" + number(t, n) + "</td>";
}

}  // namespace

std::string this_month(std::int64_t now_ms, int months_back) {
    return month_of(now_ms, months_back);
}

void add_overview_pages(ConsoleHandler& handler) {
    handler.add(Section::kOverview, [](PageRequest& r) -> boost::asio::awaitable<http::Response> {
        const Viewer viewer = r.viewer;
        const Texts& t = r.t;
        const auto& regions = r.deps.regions;
        const auto now = r.now_ms();
        std::string from = r.query("from");
        std::string to = r.query("to");
        if (!valid_month(to)) {
            to = month_of(now, 0);
        }
        if (!valid_month(from) || from > to) {
            from = month_of(now, 5);
        }
        std::function<http::Response(store::Database&)> job = [viewer, &t, &regions, from, to](store::Database& db) {
            const auto data = store::console::overview(db.sql(), from, to);
            const auto& lang = viewer.lang();
            std::string body = "<form method=\"get\" action=\"/console/overview\" class=\"card\"><label for=\"o-from\">" +
                               escape(t("overview.from")) + "</label><input id=\"o-from\" type=\"month\" name=\"from\" value=\"" +
                               escape(from) + "\"><label for=\"o-to\">" + escape(t("overview.to")) +
                               "</label><input id=\"o-to\" type=\"month\" name=\"to\" value=\"" + escape(to) +
                               "\"> <button type=\"submit\">" + escape(t("overview.show")) + "</button></form>";
            // Members now, by mode.
            body += "<h2>" + escape(t("overview.members_now")) + "</h2><div class=\"scroll\"><table><thead><tr><th>" +
                    escape(t("moderation.room")) + "</th><th class=\"n\">" + escape(t("overview.live")) +
                    "</th><th class=\"n\">" + escape(t("overview.digest")) + "</th><th class=\"n\">" +
                    escape(t("overview.muted")) + "</th><th class=\"n\">" + escape(t("overview.stopped")) +
                    "</th><th class=\"n\">" + escape(t("overview.total")) + "</th><th class=\"n\">" +
                    escape(t("overview.moderators")) + "</th></tr></thead><tbody>";
            store::console::ModeCounts all;
            std::vector<std::pair<std::string, long long>> bars;
            for (const auto& room : data.now) {
                body += "<tr><td>" + escape(room_name(regions, room.room, lang)) + "</td>" +
                        cell(t, room.members.live) + cell(t, room.members.digest) + cell(t, room.members.muted) +
                        cell(t, room.members.stopped) + cell(t, room.members.total()) + cell(t, room.moderators) + "</tr>";
                all.live += room.members.live;
                all.digest += room.members.digest;
                all.muted += room.members.muted;
                all.stopped += room.members.stopped;
                bars.emplace_back(room_name(regions, room.room, lang), room.members.total());
            }
            body += "<tr><th>" + escape(t("overview.total")) + "</th>" + cell(t, all.live) + cell(t, all.digest) +
                    cell(t, all.muted) + cell(t, all.stopped) + cell(t, all.total()) + "<td></td></tr></tbody></table></div>";
            body += "<div class=\"grid\"><div class=\"card\">" + bar_chart(t("overview.members_now"), bars) + "</div>";
            const std::vector<std::pair<std::string, long long>> modes = {{t("overview.live"), all.live},
                                                                          {t("overview.digest"), all.digest},
                                                                          {t("overview.muted"), all.muted},
                                                                          {t("overview.stopped"), all.stopped}};
            body += "<div class=\"card\">" + bar_chart(t("overview.by_mode"), modes) + "</div></div>";

            // Per month, summed over rooms, then per room.
            std::map<std::string, store::console::RoomMonth> totals;
            std::map<std::string, long long> cost;
            for (const auto& m : data.months) {
                auto& s = totals[m.month];
                s.month = m.month;
                s.joins += m.joins;
                s.leaves += m.leaves + m.removed;
                s.posts += m.posts;
                s.reports += m.reports;
                s.rsvp_yes += m.rsvp_yes;
                s.attended += m.attended;
                s.academy_starts += m.academy_starts;
                s.academy_passes += m.academy_passes;
                s.certificates += m.certificates;
                for (const auto& p : m.messages) {
                    cost[p.category] += p.count;
                }
            }
            std::vector<std::pair<std::string, long long>> posts_bars;
            for (const auto& [month, s] : totals) {
                posts_bars.emplace_back(month, s.posts);
            }
            std::vector<std::pair<std::string, long long>> cost_bars(cost.begin(), cost.end());
            body += "<h2>" + escape(t("overview.by_month")) + "</h2><div class=\"grid\"><div class=\"card\"><p>" +
                    escape(t("overview.posts")) + "</p>" + bar_chart(t("overview.posts"), posts_bars) +
                    "</div><div class=\"card\"><p>" + escape(t("overview.messages_by_category")) + "</p>" +
                    (cost_bars.empty() ? "<p class=\"muted\">" + escape(t("delivery.none")) + "</p>"
                                       : bar_chart(t("overview.messages_by_category"), cost_bars)) +
                    "</div></div>";
            body += "<div class=\"scroll\"><table id=\"months\"><thead><tr><th>" + escape(t("moderation.room")) +
                    "</th><th>" + escape(t("overview.month")) + "</th><th class=\"n\">" + escape(t("overview.members_end")) +
                    "</th><th class=\"n\">" + escape(t("overview.joins")) + "</th><th class=\"n\">" +
                    escape(t("overview.leaves")) + "</th><th class=\"n\">" + escape(t("overview.posts")) +
                    "</th><th class=\"n\">" + escape(t("overview.reports")) + "</th><th class=\"n\">" +
                    escape(t("overview.rsvps")) + "</th><th class=\"n\">" + escape(t("forums.attended")) +
                    "</th><th class=\"n\">" + escape(t("overview.rating")) + "</th><th class=\"n\">" +
                    escape(t("overview.academy_starts")) + "</th><th class=\"n\">" + escape(t("overview.academy_passes")) +
                    "</th><th class=\"n\">" + escape(t("overview.certificates")) + "</th><th class=\"n\">" +
                    escape(t("overview.messages")) + "</th></tr></thead><tbody>";
            for (const auto& m : data.months) {
                char rating[48] = "–";
                if (m.ratings > 0) {
                    std::snprintf(rating, sizeof rating, "%.1f (%lld)", m.rating_average, static_cast<long long>(m.ratings));
                }
                std::string categories;
                for (const auto& p : m.messages) {
                    categories += (categories.empty() ? "" : ", ") + p.category + " " + std::to_string(p.count);
                }
                body += "<tr><td>" + escape(room_name(regions, m.room, lang)) + "</td><td>" + escape(m.month) + "</td>" +
                        cell(t, m.members_end) + cell(t, m.joins) + cell(t, m.leaves + m.removed + m.stops) +
                        cell(t, m.posts) + cell(t, m.reports) +
                        "<td class=\"n\">" + number(t, m.rsvp_yes) + " / " + number(t, m.rsvp_maybe) + " / " +
                        number(t, m.rsvp_no) + "</td>" + cell(t, m.attended) + "<td class=\"n\">" + rating + "</td>" +
                        cell(t, m.academy_starts) + cell(t, m.academy_passes) + cell(t, m.certificates) +
                        "<td class=\"n\" title=\"" + escape(categories) + "\">" + number(t, m.messages_total()) + "</td></tr>";
            }
            body += "</tbody></table></div><p class=\"muted\">" + escape(t("overview.notes")) + "</p>";
            return html(bhttp::status::ok, page(viewer, t, Section::kOverview, t("nav.overview"), body));
        };
        co_return co_await read_page(r, std::move(job));
    });
}

}  // namespace delvex::console
