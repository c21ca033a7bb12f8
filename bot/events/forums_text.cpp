#include "bot/events/forums_text.hpp"

#include <algorithm>

#include "bot/meetings/protocol.hpp"

namespace delvex::events::forums_text {

std::int64_t to_ms(forums::Instant t) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

forums::Instant from_ms(std::int64_t ms) {
    return forums::Instant{std::chrono::seconds{ms / 1000}};
}

std::string language_or_en(std::string_view lang) {
    return lang.empty() ? std::string("en") : std::string(lang);
}

const date::time_zone* zone_or(std::string_view name, const date::time_zone* fallback) {
    if (name.empty()) {
        return fallback;
    }
    auto z = forums::find_zone(name);
    return z ? *z : fallback;
}

const date::time_zone* member_zone_or(const std::map<std::string, std::string, std::less<>>& zones,
                                      std::string_view member_key, const date::time_zone* fallback) {
    const auto it = zones.find(member_key);
    return it == zones.end() ? fallback : zone_or(it->second, fallback);
}

Localized localized(const store::ForumSeriesRow& row, const std::vector<store::ForumText>& texts,
                    std::string_view lang) {
    for (const auto& t : texts) {
        if (t.language == lang) {
            return {t.title.empty() ? row.title : t.title, t.agenda.empty() ? row.agenda : t.agenda};
        }
    }
    return {row.title, row.agenda};
}

std::string join_line(const core::Catalog& catalog, std::string_view lang, const store::ForumSeriesRow& row) {
    if (row.join_kind == "call") {
        return catalog.text(lang, "forums.join_call");
    }
    if (row.join_info.empty()) {
        return {};
    }
    const std::string key = row.join_kind == "place" ? "forums.join_place" : "forums.join_link";
    return catalog.text(lang, key, {{"info", row.join_info}});
}

std::string time_left(const core::Catalog& catalog, std::string_view lang, std::chrono::minutes offset) {
    const auto n = offset.count();
    if (n % (24 * 60) == 0) {
        return catalog.text(lang, n == 24 * 60 ? "forums.in_one_day" : "forums.in_days",
                            {{"n", std::to_string(n / (24 * 60))}});
    }
    if (n % 60 == 0) {
        return catalog.text(lang, n == 60 ? "forums.in_one_hour" : "forums.in_hours", {{"n", std::to_string(n / 60)}});
    }
    return catalog.text(lang, "forums.in_minutes", {{"n", std::to_string(n)}});
}

core::ReplyButtons rsvp_buttons(const core::Catalog& catalog, std::string_view lang, const std::string& token,
                                std::string body) {
    core::ReplyButtons buttons;
    buttons.body = std::move(body);
    const auto ref = meetings::OccurrenceRef::parse(token);
    for (auto s : {store::RsvpStatus::kAccepted, store::RsvpStatus::kTentative, store::RsvpStatus::kDeclined}) {
        const char* key = s == store::RsvpStatus::kAccepted    ? "forums.going"
                          : s == store::RsvpStatus::kTentative ? "forums.maybe"
                                                               : "forums.cant";
        buttons.buttons.push_back({meetings::RsvpButton{ref.value_or(meetings::OccurrenceRef{}), s}.encode(),
                                   catalog.text(lang, key)});
    }
    return buttons;
}

std::string error_text(const core::Catalog& catalog, std::string_view lang, const meetings::ForumError& error) {
    return catalog.text(lang, "forums.flow.error",
                        {{"error", catalog.text(lang, meetings::problem_key(error.problem))}});
}

std::string trim(std::string_view s) {
    const auto b = s.find_first_not_of(" \t\r\n");
    if (b == std::string_view::npos) {
        return {};
    }
    const auto e = s.find_last_not_of(" \t\r\n");
    return std::string(s.substr(b, e - b + 1));
}

std::string lower_ascii(std::string s) {
    for (auto& c : s) {
        if (c >= 'A' && c <= 'Z') {
            c = static_cast<char>(c - 'A' + 'a');
        }
    }
    return s;
}

std::string clip(std::string_view s, std::size_t n) {
    std::size_t points = 0;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) {
            if (points == n) {
                return std::string(s.substr(0, i));
            }
            ++points;
        }
    }
    return std::string(s);
}

std::string one_line(std::string_view s) {
    std::string out(s);
    std::replace(out.begin(), out.end(), '\n', ' ');
    std::replace(out.begin(), out.end(), '\r', ' ');
    return trim(out);
}

std::vector<std::string> words_of(std::string_view list) {
    std::vector<std::string> out;
    std::size_t start = 0;
    while (start <= list.size()) {
        const auto bar = list.find('|', start);
        const auto word = list.substr(start, bar == std::string_view::npos ? std::string_view::npos : bar - start);
        if (!word.empty()) {
            out.emplace_back(word);
        }
        if (bar == std::string_view::npos) {
            break;
        }
        start = bar + 1;
    }
    return out;
}

}  // namespace delvex::events::forums_text
