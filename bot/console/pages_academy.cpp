// Academy (admins and staff): per module, the funnel — how many started, reached each step, passed — and each
// question's first-try success, to find the lesson that loses people. The weakest questions come first.

#include <boost/beast/http/status.hpp>

#include <algorithm>
#include <cstdio>

#include "bot/console/chart.hpp"
#include "bot/console/html.hpp"
#include "bot/console/pages.hpp"
#include "bot/store/console_queries.hpp"

namespace delvex::console {
namespace bhttp = boost::beast::http;

void add_academy_pages(ConsoleHandler& handler) {
    handler.add(Section::kAcademy, [](PageRequest& r) -> boost::asio::awaitable<http::Response> {
        const Viewer viewer = r.viewer;
        const Texts& t = r.t;
        std::function<http::Response(store::Database&)> job = [viewer, &t](store::Database& db) {
            const auto funnels = store::console::academy_funnel(db.sql());
            std::string body;
            if (funnels.empty()) {
                body += "<p class=\"card\">" + escape(t("academy.none")) + "</p>";
            }
            for (const auto& f : funnels) {
                body += "<section class=\"card\" id=\"module-" + escape(f.module_id) + "\"><h2>" + escape(f.module_id) +
                        "</h2><p>" +
                        escape(t("academy.summary", {{"started", number(t, f.started)},
                                                     {"progress", number(t, f.in_progress)},
                                                     {"passed", number(t, f.passed)},
                                                     {"failed", number(t, f.failed)}})) +
                        "</p>";
                std::vector<std::pair<std::string, long long>> bars;
                bars.emplace_back(t("academy.started"), f.started);
                for (const auto& s : f.steps) {
                    bars.emplace_back(s.step_id, s.reached);
                }
                bars.emplace_back(t("academy.passed"), f.passed);
                body += bar_chart(t("academy.funnel"), bars);
                if (!f.questions.empty()) {
                    auto questions = f.questions;
                    std::stable_sort(questions.begin(), questions.end(), [](const auto& a, const auto& b) {
                        return a.first_try_rate() < b.first_try_rate();
                    });
                    body += "<div class=\"scroll\"><table><thead><tr><th>" + escape(t("academy.question")) +
                            "</th><th class=\"n\">" + escape(t("academy.learners")) + "</th><th class=\"n\">" +
                            escape(t("academy.first_try")) + "</th><th class=\"n\">" + escape(t("academy.attempts")) +
                            "</th></tr></thead><tbody>";
                    for (const auto& q : questions) {
                        char rate[16];
                        std::snprintf(rate, sizeof rate, "%.0f%%", q.first_try_rate() * 100);
                        body += "<tr><td>" + escape(q.step_id) + "</td><td class=\"n\">" + number(t, q.learners) +
                                "</td><td class=\"n\">" + rate + "</td><td class=\"n\">" + number(t, q.attempts) +
                                "</td></tr>";
                    }
                    body += "</tbody></table></div>";
                }
                body += "</section>";
            }
            return html(bhttp::status::ok, page(viewer, t, Section::kAcademy, t("nav.academy"), body));
        };
        co_return co_await read_page(r, std::move(job));
    });
}

}  // namespace delvex::console
