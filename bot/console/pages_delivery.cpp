// Delivery health (admins and staff): what waits to be sent, what waits for a member's window and why, what
// failed and why (Meta's error codes), each template's review state, the messaging limit and today's use,
// and the halts of sending.

#include <boost/beast/http/status.hpp>

#include "bot/console/html.hpp"
#include "bot/console/pages.hpp"
#include "bot/store/console_queries.hpp"

namespace delvex::console {
namespace bhttp = boost::beast::http;
namespace {

std::string reasons(const Texts& t, const std::vector<store::console::ReasonCount>& rows) {
    if (rows.empty()) {
        return "<p class=\"muted\">" + escape(t("delivery.none")) + "</p>";
    }
    std::string out = "<div class=\"scroll\"><table><thead><tr><th>" + escape(t("delivery.reason")) +
                      "</th><th class=\"n\">" + escape(t("delivery.count")) + "</th></tr></thead><tbody>";
    for (const auto& r : rows) {
        out += "<tr><td>" + escape(r.reason) + "</td><td class=\"n\">" + number(t, r.count) + "</td></tr>";
    }
    return out + "</tbody></table></div>";
}

}  // namespace

void add_delivery_pages(ConsoleHandler& handler) {
    handler.add(Section::kDelivery, [](PageRequest& r) -> boost::asio::awaitable<http::Response> {
        const Viewer viewer = r.viewer;
        const Texts& t = r.t;
        const auto now = r.now_ms();
        std::function<http::Response(store::Database&)> job = [viewer, &t, now](store::Database& db) {
            const auto h = store::console::delivery_health(db.sql(), now);
            std::string body;
            if (h.halted) {
                body += "<p class=\"error\" role=\"alert\">" + escape(t("delivery.halted")) + "</p>";
            }
            if (!h.restriction.empty()) {
                body += "<p class=\"error\">" + escape(t("delivery.restricted", {{"what", h.restriction}})) + "</p>";
            }
            body += "<div class=\"grid\"><div class=\"card\"><strong>" + number(t, h.queued) + "</strong> " +
                    escape(t("delivery.queued", {{"due", number(t, h.queued_due)}})) +
                    (h.oldest_queued_ms > 0 ? "<br><span class=\"muted\">" +
                                                  escape(t("delivery.oldest", {{"when", utc_minute(h.oldest_queued_ms)}})) +
                                                  "</span>"
                                            : std::string()) +
                    "</div><div class=\"card\"><strong>" + number(t, h.held) + "</strong> " + escape(t("delivery.held")) +
                    "</div><div class=\"card\"><strong>" + number(t, h.failed) + "</strong> " +
                    escape(t("delivery.failed")) + "</div><div class=\"card\"><strong>" + number(t, h.reached_24h) +
                    "</strong> / " +
                    (h.messaging_limit > 0 ? number(t, h.messaging_limit) : escape(t("delivery.limit_unknown"))) + " " +
                    escape(t("delivery.limit")) + "</div></div>";
            body += "<h2>" + escape(t("delivery.held_why")) + "</h2>" + reasons(t, h.held_by_reason);
            body += "<h2>" + escape(t("delivery.failed_why")) + "</h2>" + reasons(t, h.failed_by_reason);
            body += "<h2>" + escape(t("delivery.templates")) + "</h2>";
            if (h.templates.empty()) {
                body += "<p class=\"muted\">" + escape(t("delivery.no_templates")) + "</p>";
            } else {
                body += "<div class=\"scroll\"><table><thead><tr><th>" + escape(t("delivery.template")) + "</th><th>" +
                        escape(t("accounts.language")) + "</th><th>" + escape(t("moderation.status")) + "</th><th>" +
                        escape(t("delivery.reason")) + "</th><th>" + escape(t("audit.when")) +
                        "</th></tr></thead><tbody>";
                for (const auto& tpl : h.templates) {
                    body += "<tr><td>" + escape(tpl.name) + "</td><td>" + escape(tpl.language) + "</td><td>" +
                            escape(tpl.status) + "</td><td>" + escape(tpl.reason) + "</td><td>" +
                            (tpl.updated_ms > 0 ? utc_minute(tpl.updated_ms) : std::string()) + "</td></tr>";
                }
                body += "</tbody></table></div>";
            }
            body += "<h2>" + escape(t("delivery.halts")) + "</h2>";
            if (h.halts.empty()) {
                body += "<p class=\"muted\">" + escape(t("delivery.no_halts")) + "</p>";
            } else {
                body += "<div class=\"scroll\"><table><tbody>";
                for (const auto& e : h.halts) {
                    body += "<tr><td>" + utc_minute(e.at_ms) + "</td><td>" + escape(e.event) + "</td><td>" +
                            escape(e.reason) + "</td></tr>";
                }
                body += "</tbody></table></div>";
            }
            return html(bhttp::status::ok, page(viewer, t, Section::kDelivery, t("nav.delivery"), body));
        };
        co_return co_await read_page(r, std::move(job));
    });
}

}  // namespace delvex::console
