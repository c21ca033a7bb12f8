// Rooms and links: per room, the wa.me link that opens a chat with the service's number with "JOIN <room>"
// typed, its QR code (SVG and PNG to download) and a printable poster. A newcomer who scans it and presses
// send lands in that room's onboarding (bot/console/invite.hpp). Moderators see their own rooms.

#include <boost/beast/http/field.hpp>
#include <boost/beast/http/status.hpp>

#include "bot/console/html.hpp"
#include "bot/console/invite.hpp"
#include "bot/console/pages.hpp"

namespace delvex::console {
namespace bhttp = boost::beast::http;
namespace {

/// "/east-africa/qr.svg" → {"east-africa", "qr.svg"}.
std::pair<std::string, std::string> split_rest(const std::string& rest) {
    if (rest.size() < 2) {
        return {};
    }
    const auto slash = rest.find('/', 1);
    if (slash == std::string::npos) {
        return {rest.substr(1), ""};
    }
    return {rest.substr(1, slash - 1), rest.substr(slash + 1)};
}

}  // namespace

void add_room_pages(ConsoleHandler& handler) {
    handler.add(Section::kRooms, [](PageRequest& r) -> boost::asio::awaitable<http::Response> {
        const Viewer& viewer = r.viewer;
        const Texts& t = r.t;
        const auto& regions = r.deps.regions;
        const auto digits = business_digits(r.deps.settings.business_number);
        const auto [room_id, what] = split_rest(r.rest);
        if (!room_id.empty()) {
            const auto* room = regions.find(room_id);
            if (room == nullptr || !viewer.sees_room(room_id)) {
                co_return forbidden(viewer, t);
            }
            if (digits.empty()) {
                co_return http::text_response(bhttp::status::not_found, "no business_number is set\n");
            }
            const auto link = join_link(digits, join_text(*room));
            const auto code = make_qr(link);
            if (what == "qr.svg" || what == "qr.png") {
                auto res = what == "qr.svg" ? http::text_response(bhttp::status::ok, qr_svg(code, 8), "image/svg+xml")
                                            : http::text_response(bhttp::status::ok, qr_png(code, 12), "image/png");
                res.set(bhttp::field::content_disposition,
                        "inline; filename=\"delve-exchange-" + room_id + (what == "qr.svg" ? ".svg\"" : ".png\""));
                res.set(bhttp::field::cache_control, "private, max-age=3600");
                co_return res;
            }
            if (what == "poster") {
                // A page to print and pin up: the room's name, the code, and what to do, in the room's languages.
                std::string body = "<div class=\"poster\"><h2>" + escape(room->name(room->languages.empty() ? "en" : room->languages.front())) +
                                   "</h2><img src=\"/console/rooms/" + escape(room_id) +
                                   "/qr.svg\" alt=\"QR\" width=\"360\" height=\"360\">";
                for (const auto& lang : room->languages) {
                    const Texts in(r.deps.texts, lang);
                    body += "<p lang=\"" + escape(lang) + "\">" + escape(in("rooms.poster", {{"room", room->name(lang)}})) + "</p>";
                }
                body += "<p><code>" + escape(link) + "</code></p></div>";
                co_return html(bhttp::status::ok, bare_page(t, room->name(viewer.lang()), body));
            }
            co_return forbidden(viewer, t);
        }
        std::string body;
        if (digits.empty()) {
            body += "<p class=\"error\">" + escape(t("rooms.no_number")) + "</p>";
            co_return html(bhttp::status::ok, page(viewer, t, Section::kRooms, t("nav.rooms"), body));
        }
        body += "<p>" + escape(t("rooms.intro")) + "</p><div class=\"grid\">";
        for (const auto& invite : room_invites(regions, digits, viewer.lang())) {
            if (!viewer.sees_room(invite.room_id)) {
                continue;
            }
            const auto base = "/console/rooms/" + escape(invite.room_id);
            body += "<section class=\"card\" id=\"room-" + escape(invite.room_id) + "\"><h2>" + escape(invite.name) +
                    "</h2><img src=\"" + base + "/qr.svg\" alt=\"" + escape(t("rooms.qr_alt", {{"room", invite.name}})) +
                    "\" width=\"200\" height=\"200\"><p>" + escape(t("rooms.text")) + " <code>" + escape(invite.text) +
                    "</code></p><p><a class=\"link\" href=\"" + escape(invite.link) + "\">" + escape(invite.link) +
                    "</a></p><p><a href=\"" + base + "/qr.png\" download>PNG</a> · <a href=\"" + base +
                    "/qr.svg\" download>SVG</a> · <a href=\"" + base + "/poster\">" + escape(t("rooms.poster_link")) +
                    "</a></p></section>";
        }
        body += "</div>";
        co_return html(bhttp::status::ok, page(viewer, t, Section::kRooms, t("nav.rooms"), body));
    });
}

}  // namespace delvex::console
