#pragma once

// The console's sections, each in its own file (pages_*.cpp), registered on the handler by add_pages.

#include "bot/console/handler.hpp"

namespace delvex::console {

/// Registers every section's pages and actions.
void add_pages(ConsoleHandler& handler);

void add_audit_pages(ConsoleHandler& handler);
void add_moderation_pages(ConsoleHandler& handler);
void add_forum_pages(ConsoleHandler& handler);
void add_account_pages(ConsoleHandler& handler);
void add_overview_pages(ConsoleHandler& handler);
void add_academy_pages(ConsoleHandler& handler);
void add_delivery_pages(ConsoleHandler& handler);
void add_report_pages(ConsoleHandler& handler);
void add_member_pages(ConsoleHandler& handler);
void add_room_pages(ConsoleHandler& handler);

/// "YYYY-MM" of the month `months_back` before the one holding `now_ms` (UTC).
std::string this_month(std::int64_t now_ms, int months_back);

/// A room's name in `lang` (its id when the room is not in regions.yaml any more).
std::string room_name(const community::Regions& regions, const std::string& room, const std::string& lang);

/// "2026-12-07 14:05" (UTC) for a Unix-milliseconds time.
std::string utc_minute(std::int64_t ms);

/// Runs `job` on the console's reader and answers with its page, or 503 when the reader is full.
boost::asio::awaitable<http::Response> read_page(PageRequest& r, std::function<http::Response(store::Database&)> job);

}  // namespace delvex::console
