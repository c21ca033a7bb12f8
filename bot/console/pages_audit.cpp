// The audit log (admins): every write made through the console, the admin API and the moderators' chat
// commands, newest first.

#include "bot/console/html.hpp"
#include "bot/console/pages.hpp"
#include "bot/store/audit_repository.hpp"

namespace delvex::console {

void add_audit_pages(ConsoleHandler& handler) {
    handler.add(Section::kAudit, [](PageRequest& r) -> boost::asio::awaitable<http::Response> {
        const Viewer viewer = r.viewer;
        const Texts& t = r.t;
        std::function<http::Response(store::Database&)> job = [viewer, &t](store::Database& db) {
            const auto entries = store::AuditRepository(db.sql()).recent(200);
            std::string body;
            if (entries.empty()) {
                body = "<p class=\"muted\">" + escape(t("audit.empty")) + "</p>";
            } else {
                body = "<div class=\"scroll\"><table><thead><tr><th>" + escape(t("audit.when")) + "</th><th>" +
                       escape(t("audit.who")) + "</th><th>" + escape(t("audit.action")) + "</th><th>" +
                       escape(t("audit.target")) + "</th><th>" + escape(t("audit.detail")) + "</th></tr></thead><tbody>";
                for (const auto& e : entries) {
                    body += "<tr><td>" + utc_minute(e.at_ms) + "</td><td>" + escape(e.actor) + "</td><td>" +
                            escape(e.action) + "</td><td>" + escape(e.target) + "</td><td>" + escape(e.detail) +
                            "</td></tr>";
                }
                body += "</tbody></table></div>";
            }
            return html(boost::beast::http::status::ok, page(viewer, t, Section::kAudit, t("audit.title"), body));
        };
        co_return co_await read_page(r, std::move(job));
    });
}

}  // namespace delvex::console
