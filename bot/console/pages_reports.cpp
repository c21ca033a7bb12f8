// Reports for funders (admins and staff): the monthly programme report per room, as a printable page and as
// CSV (/console/reports/2027-02.csv). No phone numbers, names or aliases; counts from 1 to 4 show as "<5" so
// that no small group can be picked out.

#include <boost/beast/http/field.hpp>
#include <boost/beast/http/status.hpp>

#include "bot/console/html.hpp"
#include "bot/console/pages.hpp"
#include "bot/store/console_queries.hpp"

namespace delvex::console {
namespace bhttp = boost::beast::http;
namespace {

bool valid_month(const std::string& m) {
    return m.size() == 7 && m[4] == '-' && std::all_of(m.begin(), m.begin() + 4, ::isdigit) &&
           std::isdigit(static_cast<unsigned char>(m[5])) && std::isdigit(static_cast<unsigned char>(m[6]));
}

}  // namespace

void add_report_pages(ConsoleHandler& handler) {
    handler.add(Section::kReports, [](PageRequest& r) -> boost::asio::awaitable<http::Response> {
        const Viewer viewer = r.viewer;
        const Texts& t = r.t;
        const auto& regions = r.deps.regions;
        // /console/reports/2027-02.csv: the CSV; /console/reports?month=2027-02: the page.
        if (r.rest.ends_with(".csv")) {
            const auto month = r.rest.substr(1, r.rest.size() - 5);
            if (!valid_month(month)) {
                co_return http::text_response(bhttp::status::not_found, "no such month\n");
            }
            std::function<http::Response(store::Database&)> csv = [month](store::Database& db) {
                auto res = http::text_response(bhttp::status::ok,
                                               store::console::funder_csv(store::console::funder_report(db.sql(), month)),
                                               "text/csv; charset=utf-8");
                res.set(bhttp::field::content_disposition, "attachment; filename=\"delve-exchange-" + month + ".csv\"");
                res.set(bhttp::field::cache_control, "no-store");
                return res;
            };
            co_return co_await read_page(r, std::move(csv));
        }
        std::string month = r.query("month");
        if (!valid_month(month)) {
            month = this_month(r.now_ms(), 1);  // the last whole month
        }
        std::function<http::Response(store::Database&)> job = [viewer, &t, &regions, month](store::Database& db) {
            const auto rows = store::console::funder_report(db.sql(), month);
            const auto& lang = viewer.lang();
            std::string body = "<form method=\"get\" action=\"/console/reports\" class=\"card\"><label for=\"r-month\">" +
                               escape(t("overview.month")) + "</label><input id=\"r-month\" type=\"month\" name=\"month\" "
                               "value=\"" + escape(month) + "\"> <button type=\"submit\">" + escape(t("overview.show")) +
                               "</button> <a class=\"button\" href=\"/console/reports/" + escape(month) + ".csv\">" +
                               escape(t("reports.csv")) + "</a></form>";
            body += "<p>" + escape(t("reports.intro", {{"month", month}})) + "</p>";
            body += "<div class=\"scroll\"><table id=\"report\"><thead><tr><th>" + escape(t("moderation.room")) +
                    "</th><th class=\"n\">" + escape(t("overview.members_end")) + "</th><th class=\"n\">" +
                    escape(t("overview.joins")) + "</th><th class=\"n\">" + escape(t("overview.leaves")) +
                    "</th><th class=\"n\">" + escape(t("overview.posts")) + "</th><th class=\"n\">" +
                    escape(t("reports.rsvps")) + "</th><th class=\"n\">" + escape(t("forums.attended")) +
                    "</th><th class=\"n\">" + escape(t("overview.rating")) + "</th><th class=\"n\">" +
                    escape(t("overview.academy_starts")) + "</th><th class=\"n\">" +
                    escape(t("overview.academy_passes")) + "</th><th class=\"n\">" + escape(t("overview.certificates")) +
                    "</th><th class=\"n\">" + escape(t("overview.messages")) + "</th></tr></thead><tbody>";
            for (const auto& row : rows) {
                body += "<tr><td>" + escape(room_name(regions, row.room, lang)) + "</td>";
                for (const auto* c : {&row.members, &row.joins, &row.leaves, &row.posts, &row.forum_rsvps, &row.attended}) {
                    body += "<td class=\"n\">" + escape(c->text()) + "</td>";
                }
                body += "<td class=\"n\">" + escape(row.rating_average.empty() ? "–" : row.rating_average) + "</td>";
                for (const auto* c : {&row.academy_starts, &row.academy_passes, &row.certificates, &row.messages}) {
                    body += "<td class=\"n\">" + escape(c->text()) + "</td>";
                }
                body += "</tr>";
            }
            body += "</tbody></table></div><p class=\"muted\">" + escape(t("reports.suppressed")) + "</p>";
            return html(bhttp::status::ok, page(viewer, t, Section::kReports, t("reports.title", {{"month", month}}), body));
        };
        co_return co_await read_page(r, std::move(job));
    });
}

}  // namespace delvex::console
