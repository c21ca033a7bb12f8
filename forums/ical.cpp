#include "forums/ical.hpp"

#include <algorithm>
#include <cstdlib>
#include <tuple>

namespace delvex::forums {

namespace {

constexpr std::size_t kMaxOctets = 75;
// How far ahead an open-ended series gets explicit zone transitions; apps that know the IANA TZID (most
// do) ignore them, and the rest need only cover the forums anyone will still attend.
constexpr date::years kOpenEndedHorizon{30};

std::string offset_text(std::chrono::seconds offset) {
    const char sign = offset < std::chrono::seconds{0} ? '-' : '+';
    const auto total = std::abs(offset.count());
    std::string out(1, sign);
    const auto two = [&](long long v) {
        out += static_cast<char>('0' + v / 10);
        out += static_cast<char>('0' + v % 10);
    };
    two(total / 3600);
    two(total / 60 % 60);
    if (total % 60 != 0) {
        two(total % 60);
    }
    return out;
}

std::string duration_text(std::chrono::minutes duration) {
    const auto minutes = std::max<long long>(duration.count(), 0);
    std::string out = "PT";
    if (minutes >= 60) {
        out += std::to_string(minutes / 60) + "H";
    }
    if (minutes % 60 != 0 || minutes == 0) {
        out += std::to_string(minutes % 60) + "M";
    }
    return out;
}

LocalTime local_at(Instant t, std::chrono::seconds offset) {
    return LocalTime{t.time_since_epoch() + offset};
}

/// RFC 5545 §3.3.10: with a zoned DTSTART, UNTIL must be written in UTC.
Rule rule_for_ical(const Series& series) {
    Rule rule = series.rule;
    if (rule.until) {
        if (const auto* local = std::get_if<LocalTime>(&*rule.until)) {
            rule.until = to_utc(*local, *series.zone);
        } else if (const auto* day = std::get_if<date::local_days>(&*rule.until)) {
            rule.until = to_utc(*day + std::chrono::hours{23} + std::chrono::minutes{59} + std::chrono::seconds{59},
                                *series.zone);
        }
    }
    return rule;
}

/// The UTC span a zone definition must cover for one event.
std::pair<Instant, Instant> event_span(const IcalEvent& event, Instant stamp) {
    const Series& s = event.series;
    Instant first = to_utc(s.dtstart, *s.zone);
    Instant last = first;
    for (const Override& o : s.overrides) {
        first = std::min(first, to_utc(o.moved_to, *s.zone));
        last = std::max(last, to_utc(o.moved_to, *s.zone));
    }
    bool bounded = false;
    if (s.rule.count || s.rule.until) {
        Recurrence recurrence(s.rule, s.dtstart, *s.zone);
        constexpr int kScanLimit = 20000;
        int seen = 0;
        while (seen < kScanLimit) {
            const auto instance = recurrence.next();
            if (!instance) {
                bounded = true;
                break;
            }
            last = std::max(last, instance->start);
            ++seen;
        }
    }
    if (!bounded) {
        const Instant from = std::max(first, stamp);
        last = std::max(last, Instant{date::floor<std::chrono::seconds>(from + kOpenEndedHorizon).time_since_epoch()});
    }
    return {first, last};
}

struct Observance {
    bool daylight;
    std::chrono::seconds from;
    std::chrono::seconds to;
    std::string name;
    std::vector<LocalTime> onsets;
};

void write_timezone(std::vector<std::string>& lines, const date::time_zone& zone, Instant begin, Instant end) {
    std::vector<Observance> observances;
    const auto add = [&](const date::sys_info& info, std::chrono::seconds from, Instant onset) {
        const bool daylight = info.save != std::chrono::minutes{0};
        const LocalTime local = local_at(onset, from);
        for (Observance& o : observances) {
            if (std::tie(o.daylight, o.from, o.to, o.name) == std::tie(daylight, from, info.offset, info.abbrev)) {
                o.onsets.push_back(local);
                return;
            }
        }
        observances.push_back(Observance{daylight, from, info.offset, info.abbrev, {local}});
    };

    date::sys_info info = zone_info(zone, begin);
    if (info.begin > date::sys_days{date::year{1800} / 1 / 1}) {
        const Instant onset{date::floor<std::chrono::seconds>(info.begin)};
        add(info, zone_info(zone, onset - std::chrono::seconds{1}).offset, onset);
    } else {
        // No change since the tz database began: one observance from the start of the span.
        const auto year_start = date::year_month_day{date::floor<date::days>(begin)}.year() / 1 / 1;
        add(info, info.offset, Instant{date::sys_days{year_start}.time_since_epoch() - info.offset});
    }
    while (info.end <= end) {
        const std::chrono::seconds previous = info.offset;
        const Instant onset{date::floor<std::chrono::seconds>(info.end)};
        info = zone_info(zone, onset);
        add(info, previous, onset);
    }

    lines.push_back("BEGIN:VTIMEZONE");
    lines.push_back("TZID:" + zone.name());
    for (const Observance& o : observances) {
        const std::string kind = o.daylight ? "DAYLIGHT" : "STANDARD";
        lines.push_back("BEGIN:" + kind);
        lines.push_back("DTSTART:" + format_local_basic(o.onsets.front()));
        if (o.onsets.size() > 1) {
            std::string rdate = "RDATE:";
            for (std::size_t i = 1; i < o.onsets.size(); ++i) {
                rdate += (i > 1 ? "," : "") + format_local_basic(o.onsets[i]);
            }
            lines.push_back(rdate);
        }
        lines.push_back("TZOFFSETFROM:" + offset_text(o.from));
        lines.push_back("TZOFFSETTO:" + offset_text(o.to));
        if (!o.name.empty()) {
            lines.push_back("TZNAME:" + escape_ical_text(o.name));
        }
        lines.push_back("END:" + kind);
    }
    lines.push_back("END:VTIMEZONE");
}

void write_common(std::vector<std::string>& lines, const IcalEvent& event, Instant stamp) {
    lines.push_back("UID:" + escape_ical_text(event.uid));
    lines.push_back("DTSTAMP:" + format_utc_basic(stamp));
    lines.push_back("SEQUENCE:" + std::to_string(event.sequence));
}

void write_details(std::vector<std::string>& lines, const IcalEvent& event) {
    lines.push_back("DURATION:" + duration_text(event.duration));
    lines.push_back("SUMMARY:" + escape_ical_text(event.summary));
    if (!event.description.empty()) {
        lines.push_back("DESCRIPTION:" + escape_ical_text(event.description));
    }
    if (!event.location.empty()) {
        lines.push_back("LOCATION:" + escape_ical_text(event.location));
    }
    if (!event.url.empty()) {
        std::string url = event.url;
        std::erase_if(url, [](char c) { return c == '\r' || c == '\n'; });
        lines.push_back("URL:" + url);
    }
    if (event.cancelled) {
        lines.push_back("STATUS:CANCELLED");
    }
}

void write_event(std::vector<std::string>& lines, const IcalEvent& event, Instant stamp) {
    const Series& s = event.series;
    const std::string tzid = ";TZID=" + s.zone->name() + ":";
    lines.push_back("BEGIN:VEVENT");
    write_common(lines, event, stamp);
    lines.push_back("DTSTART" + tzid + format_local_basic(s.dtstart));
    lines.push_back("RRULE:" + format_rrule(rule_for_ical(s)));
    if (!s.exdates.empty()) {
        std::vector<LocalTime> exdates = s.exdates;
        std::sort(exdates.begin(), exdates.end());
        exdates.erase(std::unique(exdates.begin(), exdates.end()), exdates.end());
        std::string line = "EXDATE" + tzid;
        for (std::size_t i = 0; i < exdates.size(); ++i) {
            line += (i > 0 ? "," : "") + format_local_basic(exdates[i]);
        }
        lines.push_back(line);
    }
    write_details(lines, event);
    lines.push_back("END:VEVENT");

    for (const Override& o : s.overrides) {
        const bool cancelled = std::find(s.exdates.begin(), s.exdates.end(), o.original) != s.exdates.end();
        if (cancelled || !is_instance(s, o.original)) {
            continue;
        }
        lines.push_back("BEGIN:VEVENT");
        write_common(lines, event, stamp);
        lines.push_back("RECURRENCE-ID" + tzid + format_local_basic(o.original));
        lines.push_back("DTSTART" + tzid + format_local_basic(o.moved_to));
        write_details(lines, event);
        lines.push_back("END:VEVENT");
    }
}

}  // namespace

std::string escape_ical_text(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        switch (c) {
            case '\\': out += "\\\\"; break;
            case ';': out += "\\;"; break;
            case ',': out += "\\,"; break;
            case '\n': out += "\\n"; break;
            case '\r':
                out += "\\n";
                if (i + 1 < text.size() && text[i + 1] == '\n') {
                    ++i;
                }
                break;
            default:
                // RFC 5545 TEXT allows no control characters other than HTAB.
                if ((static_cast<unsigned char>(c) >= 0x20 && c != 0x7f) || c == '\t') {
                    out += c;
                }
        }
    }
    return out;
}

std::string fold_ical_line(std::string_view line) {
    std::string out;
    std::size_t limit = kMaxOctets;
    while (line.size() > limit) {
        std::size_t cut = limit;
        while (cut > 0 && (static_cast<unsigned char>(line[cut]) & 0xC0) == 0x80) {
            --cut;
        }
        if (cut == 0) {
            // Only continuation bytes (not UTF-8): cut at the limit rather than never (the loop would not end).
            cut = limit;
        }
        out.append(line.substr(0, cut));
        out += "\r\n ";
        line.remove_prefix(cut);
        limit = kMaxOctets - 1;  // the leading space of a continuation line counts toward its 75 octets
    }
    out.append(line);
    return out;
}

std::string write_ical(const IcalCalendar& calendar) {
    std::vector<std::string> lines{"BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:" + escape_ical_text(calendar.product_id),
                                   "CALSCALE:GREGORIAN", "METHOD:PUBLISH"};
    if (!calendar.name.empty()) {
        lines.push_back("X-WR-CALNAME:" + escape_ical_text(calendar.name));
    }

    std::vector<std::pair<const date::time_zone*, std::pair<Instant, Instant>>> zones;
    for (const IcalEvent& event : calendar.events) {
        const auto span = event_span(event, calendar.stamp);
        const auto it = std::find_if(zones.begin(), zones.end(),
                                     [&](const auto& z) { return z.first == event.series.zone; });
        if (it == zones.end()) {
            zones.emplace_back(event.series.zone, span);
        } else {
            it->second.first = std::min(it->second.first, span.first);
            it->second.second = std::max(it->second.second, span.second);
        }
    }
    for (const auto& [zone, span] : zones) {
        // A margin of a year on each side keeps the first and last instances inside a listed observance.
        write_timezone(lines, *zone, span.first - date::years{1}, span.second + date::years{1});
    }
    for (const IcalEvent& event : calendar.events) {
        write_event(lines, event, calendar.stamp);
    }
    lines.push_back("END:VCALENDAR");

    std::string out;
    for (const std::string& line : lines) {
        out += fold_ical_line(line);
        out += "\r\n";
    }
    return out;
}

}  // namespace delvex::forums
