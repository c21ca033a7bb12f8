#pragma once

// Wording shared by the forums adapter's files (forums_*.cpp): a series' title in a language, the join line,
// "in 2 hours", the RSVP buttons, a member's zone, and small text helpers. Internal to bot/events.

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "bot/core/i18n.hpp"
#include "bot/core/outgoing.hpp"
#include "bot/meetings/errors.hpp"
#include "bot/store/forum_repository.hpp"
#include "forums/zone.hpp"

namespace delvex::events::forums_text {

/// Plain messages about forums (no template needed for them).
inline constexpr std::string_view kPurpose = "forum";
/// Announcements carry the RSVP buttons: their template carries them too (templates.yaml).
inline constexpr std::string_view kInvitePurpose = "forums.invite";

std::int64_t to_ms(forums::Instant t);
forums::Instant from_ms(std::int64_t ms);
std::string language_or_en(std::string_view lang);

/// The zone named `name`, or `fallback` when it is empty or unknown.
const date::time_zone* zone_or(std::string_view name, const date::time_zone* fallback);
/// A member's own zone when set (from `zones`, every member's own zone), else `fallback`.
const date::time_zone* member_zone_or(const std::map<std::string, std::string, std::less<>>& zones,
                                      std::string_view member_key, const date::time_zone* fallback);

/// The series title and agenda in a language (the series row holds the default).
struct Localized {
    std::string title;
    std::string agenda;
};
Localized localized(const store::ForumSeriesRow& row, const std::vector<store::ForumText>& texts,
                    std::string_view lang);

std::string join_line(const core::Catalog& catalog, std::string_view lang, const store::ForumSeriesRow& row);
/// "tomorrow", "in 2 hours", … in `lang`.
std::string time_left(const core::Catalog& catalog, std::string_view lang, std::chrono::minutes offset);
core::ReplyButtons rsvp_buttons(const core::Catalog& catalog, std::string_view lang, const std::string& token,
                                std::string body);
/// A refused operation in the member's language (forums.errors.*; the English message is for logs and the API).
std::string error_text(const core::Catalog& catalog, std::string_view lang, const meetings::ForumError& error);

std::string trim(std::string_view s);
std::string lower_ascii(std::string s);
/// At most `n` code points of `s` (button and list titles have hard limits).
std::string clip(std::string_view s, std::size_t n);
/// `s` on one line (line breaks as spaces), trimmed.
std::string one_line(std::string_view s);
/// Words separated by '|' in a locale value ("forum|forums|next forum").
std::vector<std::string> words_of(std::string_view list);

}  // namespace delvex::events::forums_text
