#include "bot/console/pages.hpp"

#include <boost/beast/http/field.hpp>

#include <ctime>

namespace delvex::console {

void add_pages(ConsoleHandler& handler) {
    add_audit_pages(handler);
    add_moderation_pages(handler);
    add_forum_pages(handler);
    add_account_pages(handler);
    add_overview_pages(handler);
    add_academy_pages(handler);
    add_delivery_pages(handler);
    add_report_pages(handler);
    add_member_pages(handler);
    add_room_pages(handler);
}

std::string room_name(const community::Regions& regions, const std::string& room, const std::string& lang) {
    const auto* r = regions.find(room);
    return r != nullptr ? r->name(lang) : room;
}

std::string utc_minute(std::int64_t ms) {
    const std::time_t secs = static_cast<std::time_t>(ms / 1000);
    std::tm tm{};
    gmtime_r(&secs, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M", &tm);
    return buf;
}

boost::asio::awaitable<http::Response> read_page(PageRequest& r, std::function<http::Response(store::Database&)> job) {
    auto out = co_await r.deps.reader.try_run<http::Response>(std::move(job));
    if (!out) {
        auto res = http::text_response(boost::beast::http::status::service_unavailable, r.t("error.busy") + "\n");
        res.set(boost::beast::http::field::retry_after, "2");
        co_return res;
    }
    co_return std::move(*out);
}

}  // namespace delvex::console
