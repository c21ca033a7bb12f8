#include "forums/zone.hpp"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <exception>
#include <fstream>
#include <iterator>
#include <map>
#include <mutex>
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

/// When one end of daylight saving falls: month, week 1..5 (5 = last), weekday, and local time of day.
struct PosixDate {
    unsigned month = 0;
    unsigned week = 0;
    unsigned weekday = 0;
    std::chrono::seconds time{7200};
};

/// A POSIX TZ rule with DST in its M form (`EST5EDT,M3.2.0,M11.1.0`), as TZif footers write them.
struct PosixRule {
    std::string std_name;
    std::string dst_name;
    std::chrono::seconds std_offset{0};  ///< UTC offset (east positive, unlike POSIX's own sign)
    std::chrono::seconds dst_offset{0};
    PosixDate start;
    PosixDate end;
};

class PosixReader {
public:
    explicit PosixReader(std::string_view text) : text_(text) {}

    std::optional<std::string> name() {
        std::string out;
        if (peek() == '<') {
            ++pos_;
            while (pos_ < text_.size() && text_[pos_] != '>') {
                out += text_[pos_++];
            }
            if (pos_ == text_.size()) {
                return std::nullopt;
            }
            ++pos_;
        } else {
            while (pos_ < text_.size() && std::isalpha(static_cast<unsigned char>(text_[pos_])) != 0) {
                out += text_[pos_++];
            }
        }
        return out.empty() ? std::nullopt : std::optional<std::string>(out);
    }

    /// [+-]h[h][:mm[:ss]], the form of both offsets and transition times.
    std::optional<std::chrono::seconds> duration() {
        int sign = 1;
        if (peek() == '+' || peek() == '-') {
            sign = text_[pos_++] == '-' ? -1 : 1;
        }
        const auto h = number();
        if (!h) {
            return std::nullopt;
        }
        long long total = *h * 3600;
        for (const int scale : {60, 1}) {
            if (peek() != ':') {
                break;
            }
            ++pos_;
            const auto part = number();
            if (!part) {
                return std::nullopt;
            }
            total += *part * scale;
        }
        return std::chrono::seconds{sign * total};
    }

    std::optional<PosixDate> date_rule() {
        PosixDate out;
        if (!take('M')) {
            return std::nullopt;
        }
        const auto m = number();
        const auto w = take('.') ? number() : std::nullopt;
        const auto d = take('.') ? number() : std::nullopt;
        if (!m || !w || !d || *m < 1 || *m > 12 || *w < 1 || *w > 5 || *d > 6) {
            return std::nullopt;
        }
        out.month = static_cast<unsigned>(*m);
        out.week = static_cast<unsigned>(*w);
        out.weekday = static_cast<unsigned>(*d);
        if (take('/')) {
            const auto t = duration();
            if (!t) {
                return std::nullopt;
            }
            out.time = *t;
        }
        return out;
    }

    bool take(char c) {
        if (peek() == c) {
            ++pos_;
            return true;
        }
        return false;
    }

    char peek() const { return pos_ < text_.size() ? text_[pos_] : '\0'; }
    bool at_end() const { return pos_ == text_.size(); }

private:
    std::optional<long long> number() {
        long long value = 0;
        const std::size_t begin = pos_;
        while (pos_ < text_.size() && pos_ - begin < 4 && std::isdigit(static_cast<unsigned char>(text_[pos_])) != 0) {
            value = value * 10 + (text_[pos_++] - '0');
        }
        return pos_ == begin ? std::nullopt : std::optional<long long>(value);
    }

    std::string_view text_;
    std::size_t pos_ = 0;
};

std::optional<PosixRule> parse_posix_rule(std::string_view text) {
    PosixReader in(text);
    PosixRule rule;
    const auto std_name = in.name();
    const auto std_offset = in.duration();
    const auto dst_name = in.name();
    if (!std_name || !std_offset || !dst_name) {
        return std::nullopt;
    }
    rule.std_name = *std_name;
    rule.dst_name = *dst_name;
    rule.std_offset = -*std_offset;
    rule.dst_offset = rule.std_offset + std::chrono::hours{1};
    if (in.peek() != ',') {
        const auto dst_offset = in.duration();
        if (!dst_offset) {
            return std::nullopt;
        }
        rule.dst_offset = -*dst_offset;
    }
    const auto start = in.take(',') ? in.date_rule() : std::nullopt;
    const auto end = in.take(',') ? in.date_rule() : std::nullopt;
    if (!start || !end || !in.at_end()) {
        return std::nullopt;
    }
    rule.start = *start;
    rule.end = *end;
    return rule;
}

date::local_days posix_day(const PosixDate& d, int year) {
    const auto ym = date::year{year} / date::month{d.month};
    const date::weekday wd{d.weekday};
    return d.week == 5 ? date::local_days{ym / wd[date::last]} : date::local_days{ym / wd[d.week]};
}

/// The POSIX TZ rule at the end of a TZif file and the instant from which it takes over.
struct Footer {
    PosixRule rule;
    Instant from;

    /// Offset changes around `t`'s year as (instant, now in DST) pairs, in order.
    std::vector<std::pair<Instant, bool>> transitions(Instant t) const {
        const int year = static_cast<int>(date::year_month_day{date::floor<date::days>(t)}.year());
        std::vector<std::pair<Instant, bool>> out;
        for (int y = year - 1; y <= year + 1; ++y) {
            // The start time is standard local time, the end time daylight local time (POSIX).
            const auto begin = posix_day(rule.start, y) + rule.start.time - rule.std_offset;
            const auto finish = posix_day(rule.end, y) + rule.end.time - rule.dst_offset;
            out.emplace_back(Instant{begin.time_since_epoch()}, true);
            out.emplace_back(Instant{finish.time_since_epoch()}, false);
        }
        std::sort(out.begin(), out.end());
        return out;
    }

    date::sys_info info(Instant t) const {
        const auto list = transitions(t);
        auto next = std::upper_bound(list.begin(), list.end(), t,
                                     [](Instant v, const std::pair<Instant, bool>& e) { return v < e.first; });
        // Years y-1..y+1 always bracket t, so there is a transition on each side.
        const auto& previous = *std::prev(next);
        const bool dst = previous.second;
        date::sys_info out;
        out.begin = previous.first;
        out.end = next->first;
        out.offset = dst ? rule.dst_offset : rule.std_offset;
        out.save = dst ? date::floor<std::chrono::minutes>(rule.dst_offset - rule.std_offset) : std::chrono::minutes{0};
        out.abbrev = dst ? rule.dst_name : rule.std_name;
        return out;
    }

    /// The offset RFC 5545 §3.3.5 picks for a local time: the valid one; in a gap the earlier (smaller) one;
    /// in an overlap the one of the first occurrence, which is the larger.
    std::chrono::seconds offset_for(LocalTime local) const {
        std::vector<std::chrono::seconds> valid;
        for (const auto offset : {rule.std_offset, rule.dst_offset}) {
            if (info(Instant{local.time_since_epoch() - offset}).offset == offset) {
                valid.push_back(offset);
            }
        }
        if (valid.size() == 1) {
            return valid.front();
        }
        return valid.empty() ? std::min(rule.std_offset, rule.dst_offset) : std::max(rule.std_offset, rule.dst_offset);
    }
};

std::optional<Footer> load_footer(const date::time_zone& zone) {
    const char* dir = std::getenv("TZDIR");
    std::ifstream file(std::string(dir != nullptr && *dir != '\0' ? dir : "/usr/share/zoneinfo") + "/" + zone.name(),
                       std::ios::binary);
    const std::string bytes{std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>()};
    // TZif version 2+ ends with "\n<POSIX TZ string>\n"; only a rule with a DST part adds anything.
    if (bytes.size() < 6 || bytes.compare(0, 4, "TZif") != 0 || bytes[4] < '2' || bytes.back() != '\n') {
        return std::nullopt;
    }
    const std::size_t begin = bytes.rfind('\n', bytes.size() - 2);
    if (begin == std::string::npos) {
        return std::nullopt;
    }
    auto rule = parse_posix_rule(std::string_view(bytes).substr(begin + 1, bytes.size() - begin - 2));
    if (!rule) {
        return std::nullopt;
    }
    const date::sys_info last = zone.get_info(date::sys_days{date::year{9000} / 1 / 1});
    return Footer{std::move(*rule), Instant{date::floor<std::chrono::seconds>(last.begin)}};
}

/// date reads the system TZif files but not their POSIX footer, so in zones with DST it stops applying
/// daylight saving after the last listed transition (2037 in Debian's files). The footer carries on.
const Footer* footer_for(const date::time_zone& zone) {
    static std::mutex mutex;
    static std::map<const date::time_zone*, std::optional<Footer>> footers;
    const std::lock_guard lock(mutex);
    auto it = footers.find(&zone);
    if (it == footers.end()) {
        it = footers.emplace(&zone, load_footer(zone)).first;
    }
    return it->second ? &*it->second : nullptr;
}

}  // namespace

date::sys_info zone_info(const date::time_zone& zone, Instant t) {
    const Footer* footer = footer_for(zone);
    return footer != nullptr && t >= footer->from ? footer->info(t) : zone.get_info(t);
}

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
    const Footer* footer = footer_for(zone);
    // A day past the last listed transition both sources agree, so the switch-over is seamless.
    const bool use_footer =
        footer != nullptr && local >= LocalTime{footer->from.time_since_epoch()} + date::days{1};
    if (use_footer) {
        return Instant{local.time_since_epoch() - footer->offset_for(local)};
    }
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
