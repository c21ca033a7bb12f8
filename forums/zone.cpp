#include "forums/zone.hpp"

#include <cstdio>
#include <exception>
#include <optional>

namespace delvex::forums {

namespace {

std::optional<int> digits(std::string_view text, std::size_t pos, std::size_t width) {
    if (pos + width > text.size()) {
        return std::nullopt;
    }
    int value = 0;
    for (std::size_t i = pos; i < pos + width; ++i) {
        const char c = text[i];
        if (c < '0' || c > '9') {
            return std::nullopt;
        }
        value = value * 10 + (c - '0');
    }
    return value;
}

ParseResult<LocalTime> make_local(int y, int mo, int d, int h, int mi, int s, std::string_view text) {
    const date::year_month_day ymd{date::year{y}, date::month{static_cast<unsigned>(mo)},
                                   date::day{static_cast<unsigned>(d)}};
    if (!ymd.ok()) {
        return ParseError{"'" + std::string(text) + "' is not a calendar date"};
    }
    if (h > 23 || mi > 59 || s > 59) {
        return ParseError{"'" + std::string(text) + "' has an invalid time of day"};
    }
    return date::local_days{ymd} + std::chrono::hours{h} + std::chrono::minutes{mi} + std::chrono::seconds{s};
}

}  // namespace

ParseResult<const date::time_zone*> find_zone(std::string_view name) {
    if (name.empty()) {
        return ParseError{"time zone is empty (expected an IANA name such as America/Lima)"};
    }
    try {
        return date::locate_zone(name);
    } catch (const std::exception&) {
        // date reports both "no such zone" and an unreadable tzdb this way; either way the name cannot be used.
        return ParseError{"unknown time zone '" + std::string(name) + "' (expected an IANA name such as America/Lima)"};
    }
}

ParseResult<LocalTime> parse_local_iso(std::string_view text) {
    const auto bad = [&] {
        return ParseError{"'" + std::string(text) + "' is not a local time of the form YYYY-MM-DDTHH:MM[:SS]"};
    };
    if (text.size() != 16 && text.size() != 19) {
        return bad();
    }
    if (text[4] != '-' || text[7] != '-' || (text[10] != 'T' && text[10] != 't') || text[13] != ':') {
        return bad();
    }
    const auto y = digits(text, 0, 4);
    const auto mo = digits(text, 5, 2);
    const auto d = digits(text, 8, 2);
    const auto h = digits(text, 11, 2);
    const auto mi = digits(text, 14, 2);
    std::optional<int> s = 0;
    if (text.size() == 19) {
        s = text[16] == ':' ? digits(text, 17, 2) : std::nullopt;
    }
    if (!y || !mo || !d || !h || !mi || !s) {
        return bad();
    }
    return make_local(*y, *mo, *d, *h, *mi, *s, text);
}

ParseResult<LocalTime> parse_local_basic(std::string_view text) {
    const auto y = digits(text, 0, 4);
    const auto mo = digits(text, 4, 2);
    const auto d = digits(text, 6, 2);
    const auto h = digits(text, 9, 2);
    const auto mi = digits(text, 11, 2);
    const auto s = digits(text, 13, 2);
    if (text.size() != 15 || text[8] != 'T' || !y || !mo || !d || !h || !mi || !s) {
        return ParseError{"'" + std::string(text) + "' is not a date-time of the form YYYYMMDDTHHMMSS"};
    }
    return make_local(*y, *mo, *d, *h, *mi, *s, text);
}

Instant to_utc(LocalTime local, const date::time_zone& zone) {
    // For all three cases date's `first` is the right offset: the only one (unique), the one in force
    // before the gap (nonexistent: RFC 5545 §3.3.5 shifts forward by the gap), or the earlier of the two
    // (ambiguous: §3.3.5 takes the first occurrence).
    const date::local_info info = zone.get_info(local);
    return Instant{local.time_since_epoch() - info.first.offset};
}

std::string format_utc_iso(Instant t) {
    return date::format("%Y-%m-%dT%H:%M:%SZ", t);
}

std::string format_utc_basic(Instant t) {
    return date::format("%Y%m%dT%H%M%SZ", t);
}

std::string format_local_basic(LocalTime t) {
    return date::format("%Y%m%dT%H%M%S", t);
}

}  // namespace delvex::forums
