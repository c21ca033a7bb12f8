#include "forums/recurrence.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <set>

namespace delvex::forums {

namespace {

constexpr std::array<std::string_view, 7> kDayCodes{"SU", "MO", "TU", "WE", "TH", "FR", "SA"};
constexpr int kLastYear = 9999;

std::string upper(std::string_view s) {
    std::string out(s);
    for (char& c : out) {
        c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    }
    return out;
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front())) != 0) {
        s.remove_prefix(1);
    }
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back())) != 0) {
        s.remove_suffix(1);
    }
    return s;
}

std::vector<std::string_view> split(std::string_view s, char sep) {
    std::vector<std::string_view> parts;
    std::size_t begin = 0;
    while (true) {
        const std::size_t end = s.find(sep, begin);
        parts.push_back(s.substr(begin, end == std::string_view::npos ? std::string_view::npos : end - begin));
        if (end == std::string_view::npos) {
            return parts;
        }
        begin = end + 1;
    }
}

/// Digits with an optional sign; nothing else, so "1x" and "" fail.
std::optional<std::int64_t> to_int(std::string_view s, bool allow_sign) {
    bool negative = false;
    if (allow_sign && !s.empty() && (s.front() == '+' || s.front() == '-')) {
        negative = s.front() == '-';
        s.remove_prefix(1);
    }
    if (s.empty() || s.size() > 12 || !std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; })) {
        return std::nullopt;
    }
    std::int64_t value = 0;
    std::from_chars(s.data(), s.data() + s.size(), value);
    return negative ? -value : value;
}

std::optional<date::weekday> to_weekday(std::string_view code) {
    const std::string u = upper(code);
    for (unsigned i = 0; i < kDayCodes.size(); ++i) {
        if (u == kDayCodes[i]) {
            return date::weekday{i};
        }
    }
    return std::nullopt;
}

ParseError list_error(std::string_view part, std::string_view item, std::string_view expected) {
    return ParseError{std::string(part) + " value '" + std::string(item) + "' is invalid (expected " +
                      std::string(expected) + ")"};
}

ParseResult<std::vector<int>> parse_int_list(std::string_view part, std::string_view value, int low, int high,
                                             bool allow_negative) {
    std::vector<int> out;
    const std::string expected = allow_negative ? std::to_string(low) + ".." + std::to_string(high) + " or -" +
                                                      std::to_string(high) + "..-" + std::to_string(low)
                                                : std::to_string(low) + ".." + std::to_string(high);
    for (std::string_view item : split(value, ',')) {
        const auto n = to_int(item, allow_negative);
        if (!n || *n == 0 || *n > high || *n < -high || (*n > 0 && *n < low) || (*n < 0 && -*n < low)) {
            return list_error(part, item, expected);
        }
        out.push_back(static_cast<int>(*n));
    }
    return out;
}

ParseResult<std::vector<WeekdayNum>> parse_by_day(std::string_view value) {
    std::vector<WeekdayNum> out;
    for (std::string_view item : split(value, ',')) {
        const auto bad = list_error("BYDAY", item, "a weekday SU..SA with an optional ordinal, e.g. MO, 1TH, -1FR");
        if (item.size() < 2) {
            return bad;
        }
        const auto day = to_weekday(item.substr(item.size() - 2));
        if (!day) {
            return bad;
        }
        int ordinal = 0;
        if (item.size() > 2) {
            const auto n = to_int(item.substr(0, item.size() - 2), true);
            if (!n || *n == 0 || *n > 53 || *n < -53) {
                return bad;
            }
            ordinal = static_cast<int>(*n);
        }
        out.push_back(WeekdayNum{ordinal, *day});
    }
    return out;
}

ParseResult<Until> parse_until(std::string_view value) {
    if (value.size() == 8) {
        const auto local = parse_local_basic(std::string(value) + "T000000");
        if (local) {
            return Until{date::floor<date::days>(*local)};
        }
    } else if (value.size() == 16 && (value.back() == 'Z' || value.back() == 'z')) {
        const auto local = parse_local_basic(value.substr(0, 15));
        if (local) {
            return Until{Instant{local->time_since_epoch()}};
        }
    } else if (value.size() == 15) {
        const auto local = parse_local_basic(value);
        if (local) {
            return Until{*local};
        }
    }
    return ParseError{"UNTIL value '" + std::string(value) +
                      "' is invalid (expected YYYYMMDD, YYYYMMDDTHHMMSS or YYYYMMDDTHHMMSSZ)"};
}

std::string until_text(const Until& until) {
    if (const auto* utc = std::get_if<Instant>(&until)) {
        return format_utc_basic(*utc);
    }
    if (const auto* local = std::get_if<LocalTime>(&until)) {
        return format_local_basic(*local);
    }
    return date::format("%Y%m%d", std::get<date::local_days>(until));
}

std::string frequency_name(Frequency f) {
    switch (f) {
        case Frequency::daily: return "DAILY";
        case Frequency::weekly: return "WEEKLY";
        case Frequency::monthly: return "MONTHLY";
        case Frequency::yearly: return "YEARLY";
    }
    return "";
}

template <typename T>
void append_list(std::string& out, std::string_view name, const std::vector<T>& values, auto&& render) {
    if (values.empty()) {
        return;
    }
    out += ';';
    out += name;
    out += '=';
    for (std::size_t i = 0; i < values.size(); ++i) {
        if (i > 0) {
            out += ',';
        }
        out += render(values[i]);
    }
}

bool contains(const std::vector<int>& values, int x) {
    return std::find(values.begin(), values.end(), x) != values.end();
}

date::year_month_day ymd_of(date::local_days d) {
    return date::year_month_day{d};
}

int month_number(date::local_days d) {
    return static_cast<int>(static_cast<unsigned>(ymd_of(d).month()));
}

/// A BYMONTHDAY value as a day of `ym`, or nothing when that month has no such day (e.g. 31 in April).
std::optional<date::local_days> resolve_month_day(date::year_month ym, int month_day) {
    const auto last = static_cast<int>(static_cast<unsigned>((ym / date::last).day()));
    const int day = month_day > 0 ? month_day : last + month_day + 1;
    if (day < 1 || day > last) {
        return std::nullopt;
    }
    return date::local_days{ym / date::day{static_cast<unsigned>(day)}};
}

/// Whether `d` is the weekday named, and (with an ordinal) the nth such weekday within [first, last].
bool weekday_matches(date::local_days d, const WeekdayNum& w, date::local_days first, date::local_days last) {
    if (date::weekday{d} != w.day) {
        return false;
    }
    if (w.ordinal > 0) {
        return (d - first).count() / 7 + 1 == w.ordinal;
    }
    if (w.ordinal < 0) {
        return (last - d).count() / 7 + 1 == -w.ordinal;
    }
    return true;
}

/// Every day in [first, last] that a BYDAY list names (the RFC's "special expand" for MONTHLY/YEARLY).
void expand_by_day(const std::vector<WeekdayNum>& by_day, date::local_days first, date::local_days last,
                   std::vector<date::local_days>& out) {
    for (const WeekdayNum& w : by_day) {
        const date::local_days first_match = first + (w.day - date::weekday{first});
        const date::local_days last_match = last - (date::weekday{last} - w.day);
        if (w.ordinal > 0) {
            const auto d = first_match + date::days{7 * (w.ordinal - 1)};
            if (d <= last) {
                out.push_back(d);
            }
        } else if (w.ordinal < 0) {
            const auto d = last_match - date::days{7 * (-w.ordinal - 1)};
            if (d >= first) {
                out.push_back(d);
            }
        } else {
            for (auto d = first_match; d <= last; d += date::days{7}) {
                out.push_back(d);
            }
        }
    }
}

/// Periods in one full Gregorian cycle (400 years = 146097 days = 20871 weeks = 4800 months): if a whole
/// cycle of consecutive periods yields nothing, every later period repeats one of them and yields nothing too.
std::int64_t cycle_periods(Frequency f) {
    switch (f) {
        case Frequency::daily: return 146097;
        case Frequency::weekly: return 20871;
        case Frequency::monthly: return 4800;
        case Frequency::yearly: return 400;
    }
    return 400;
}

}  // namespace

ParseResult<Rule> parse_rrule(std::string_view text) {
    std::string_view body = trim(text);
    if (body.size() >= 6 && upper(body.substr(0, 6)) == "RRULE:") {
        body.remove_prefix(6);
    }
    if (body.empty()) {
        return ParseError{"rule is empty (expected e.g. FREQ=MONTHLY;BYDAY=1TH)"};
    }
    if (body.back() == ';') {
        body.remove_suffix(1);
    }

    Rule rule;
    bool has_freq = false;
    std::set<std::string> seen;
    for (std::string_view part : split(body, ';')) {
        const std::size_t eq = part.find('=');
        if (part.empty() || eq == std::string_view::npos) {
            return ParseError{"rule part '" + std::string(part) + "' is not NAME=VALUE"};
        }
        const std::string name = upper(trim(part.substr(0, eq)));
        const std::string_view value = trim(part.substr(eq + 1));
        if (!seen.insert(name).second) {
            return ParseError{"rule part " + name + " appears more than once"};
        }
        if (value.empty()) {
            return ParseError{"rule part " + name + " has an empty value"};
        }

        if (name == "FREQ") {
            const std::string v = upper(value);
            if (v == "DAILY") {
                rule.freq = Frequency::daily;
            } else if (v == "WEEKLY") {
                rule.freq = Frequency::weekly;
            } else if (v == "MONTHLY") {
                rule.freq = Frequency::monthly;
            } else if (v == "YEARLY") {
                rule.freq = Frequency::yearly;
            } else if (v == "SECONDLY" || v == "MINUTELY" || v == "HOURLY") {
                return ParseError{"FREQ=" + v + " is not supported (use DAILY, WEEKLY, MONTHLY or YEARLY)"};
            } else {
                return ParseError{"FREQ value '" + std::string(value) +
                                  "' is invalid (expected DAILY, WEEKLY, MONTHLY or YEARLY)"};
            }
            has_freq = true;
        } else if (name == "INTERVAL") {
            const auto n = to_int(value, false);
            if (!n || *n < 1 || *n > 100000) {
                return ParseError{"INTERVAL value '" + std::string(value) + "' is invalid (expected 1..100000)"};
            }
            rule.interval = static_cast<int>(*n);
        } else if (name == "COUNT") {
            const auto n = to_int(value, false);
            if (!n || *n < 1) {
                return ParseError{"COUNT value '" + std::string(value) + "' is invalid (expected a positive integer)"};
            }
            rule.count = *n;
        } else if (name == "UNTIL") {
            auto until = parse_until(value);
            if (!until) {
                return until.error();
            }
            rule.until = *until;
        } else if (name == "BYDAY") {
            auto days = parse_by_day(value);
            if (!days) {
                return days.error();
            }
            rule.by_day = std::move(*days);
        } else if (name == "BYMONTHDAY") {
            auto list = parse_int_list(name, value, 1, 31, true);
            if (!list) {
                return list.error();
            }
            rule.by_month_day = std::move(*list);
        } else if (name == "BYMONTH") {
            auto list = parse_int_list(name, value, 1, 12, false);
            if (!list) {
                return list.error();
            }
            rule.by_month = std::move(*list);
        } else if (name == "BYSETPOS") {
            auto list = parse_int_list(name, value, 1, 366, true);
            if (!list) {
                return list.error();
            }
            rule.by_set_pos = std::move(*list);
        } else if (name == "WKST") {
            const auto day = to_weekday(value);
            if (!day || value.size() != 2) {
                return list_error("WKST", value, "a weekday SU..SA");
            }
            rule.week_start = *day;
        } else if (name == "BYSECOND" || name == "BYMINUTE" || name == "BYHOUR" || name == "BYYEARDAY" ||
                   name == "BYWEEKNO") {
            return ParseError{"rule part " + name + " is not supported"};
        } else {
            return ParseError{"unknown rule part '" + name + "'"};
        }
    }

    if (!has_freq) {
        return ParseError{"rule has no FREQ (e.g. FREQ=MONTHLY)"};
    }
    if (rule.count && rule.until) {
        return ParseError{"COUNT and UNTIL cannot both be given"};
    }
    if (rule.freq == Frequency::daily || rule.freq == Frequency::weekly) {
        for (const WeekdayNum& w : rule.by_day) {
            if (w.ordinal != 0) {
                return ParseError{"BYDAY value '" + std::to_string(w.ordinal) +
                                  std::string(kDayCodes[w.day.c_encoding()]) +
                                  "' has an ordinal, which needs FREQ=MONTHLY or FREQ=YEARLY"};
            }
        }
    }
    if (rule.freq == Frequency::weekly && !rule.by_month_day.empty()) {
        return ParseError{"BYMONTHDAY cannot be used with FREQ=WEEKLY"};
    }
    if (!rule.by_set_pos.empty() && rule.by_day.empty() && rule.by_month_day.empty() && rule.by_month.empty()) {
        return ParseError{"BYSETPOS needs another BY part (BYDAY, BYMONTHDAY or BYMONTH) to select from"};
    }
    return rule;
}

std::string format_rrule(const Rule& rule) {
    std::string out = "FREQ=" + frequency_name(rule.freq);
    if (rule.until) {
        out += ";UNTIL=" + until_text(*rule.until);
    }
    if (rule.count) {
        out += ";COUNT=" + std::to_string(*rule.count);
    }
    if (rule.interval != 1) {
        out += ";INTERVAL=" + std::to_string(rule.interval);
    }
    const auto number = [](int n) { return std::to_string(n); };
    append_list(out, "BYMONTH", rule.by_month, number);
    append_list(out, "BYMONTHDAY", rule.by_month_day, number);
    append_list(out, "BYDAY", rule.by_day, [](const WeekdayNum& w) {
        return (w.ordinal != 0 ? std::to_string(w.ordinal) : std::string()) +
               std::string(kDayCodes[w.day.c_encoding()]);
    });
    append_list(out, "BYSETPOS", rule.by_set_pos, number);
    if (rule.week_start != date::Monday) {
        out += ";WKST=" + std::string(kDayCodes[rule.week_start.c_encoding()]);
    }
    return out;
}

Recurrence::Recurrence(Rule rule, LocalTime dtstart, const date::time_zone& zone)
    : rule_(std::move(rule)),
      dtstart_(dtstart),
      zone_(&zone),
      start_day_(date::floor<date::days>(dtstart)),
      time_of_day_(dtstart - date::floor<date::days>(dtstart)) {}

std::optional<Instance> Recurrence::next() {
    if (done_ || (rule_.count && emitted_ >= *rule_.count)) {
        done_ = true;
        return std::nullopt;
    }
    if (emitted_ == 0) {
        ++emitted_;
        return Instance{dtstart_, to_utc(dtstart_, *zone_)};
    }
    while (pending_pos_ >= pending_.size()) {
        if (empty_periods_ >= cycle_periods(rule_.freq)) {
            done_ = true;
            return std::nullopt;
        }
        auto days = period_days(period_++);
        if (days.empty()) {
            ++empty_periods_;
        } else {
            empty_periods_ = 0;
        }
        pending_.clear();
        pending_pos_ = 0;
        // Candidates on or before DTSTART's day are either DTSTART itself (already emitted) or earlier.
        for (const date::local_days d : days) {
            if (d > start_day_) {
                pending_.push_back(d);
            }
        }
        if (done_) {
            return std::nullopt;
        }
    }
    const date::local_days day = pending_[pending_pos_++];
    if (static_cast<int>(date::year_month_day{day}.year()) > kLastYear) {
        done_ = true;
        return std::nullopt;
    }
    const LocalTime local = day + time_of_day_;
    const Instance instance{local, to_utc(local, *zone_)};
    if (past_until(instance)) {
        done_ = true;
        return std::nullopt;
    }
    ++emitted_;
    return instance;
}

bool Recurrence::past_until(const Instance& instance) const {
    if (!rule_.until) {
        return false;
    }
    if (const auto* utc = std::get_if<Instant>(&*rule_.until)) {
        return instance.start > *utc;
    }
    if (const auto* local = std::get_if<LocalTime>(&*rule_.until)) {
        return instance.local > *local;
    }
    return date::floor<date::days>(instance.local) > std::get<date::local_days>(*rule_.until);
}

std::vector<date::local_days> Recurrence::period_days(std::int64_t period) {
    const std::int64_t step = period * rule_.interval;
    const date::year_month_day start{start_day_};
    const auto start_year = static_cast<std::int64_t>(static_cast<int>(start.year()));
    // Stop before date's int-based arithmetic could overflow; iCalendar years end at 9999 anyway.
    const std::int64_t years_ahead = rule_.freq == Frequency::daily    ? step / 366
                                     : rule_.freq == Frequency::weekly  ? step * 7 / 366
                                     : rule_.freq == Frequency::monthly ? step / 12
                                                                        : step;
    if (start_year + years_ahead > kLastYear) {
        done_ = true;
        return {};
    }

    std::vector<date::local_days> days;
    const auto month_of_year = [&](date::year_month ym, bool ordinal_in_month) {
        const date::local_days first{ym / 1};
        const date::local_days last{ym / date::last};
        date::local_days scope_first = first;
        date::local_days scope_last = last;
        if (!ordinal_in_month) {
            scope_first = date::local_days{ym.year() / date::January / 1};
            scope_last = date::local_days{ym.year() / date::December / 31};
        }
        if (!rule_.by_month_day.empty()) {
            for (const int md : rule_.by_month_day) {
                const auto d = resolve_month_day(ym, md);
                if (d && (rule_.by_day.empty() ||
                          std::any_of(rule_.by_day.begin(), rule_.by_day.end(), [&](const WeekdayNum& w) {
                              return weekday_matches(*d, w, scope_first, scope_last);
                          }))) {
                    days.push_back(*d);
                }
            }
        } else if (!rule_.by_day.empty()) {
            expand_by_day(rule_.by_day, first, last, days);
        } else if (const auto d = resolve_month_day(ym, static_cast<int>(static_cast<unsigned>(start.day())))) {
            days.push_back(*d);
        }
    };
    const auto plain_day_matches = [&](date::local_days d) {
        if (!rule_.by_month.empty() && !contains(rule_.by_month, month_number(d))) {
            return false;
        }
        if (!rule_.by_month_day.empty()) {
            const date::year_month_day ymd{d};
            const bool hit = std::any_of(rule_.by_month_day.begin(), rule_.by_month_day.end(), [&](int md) {
                return resolve_month_day(ymd.year() / ymd.month(), md) == d;
            });
            if (!hit) {
                return false;
            }
        }
        if (!rule_.by_day.empty()) {
            return std::any_of(rule_.by_day.begin(), rule_.by_day.end(),
                               [&](const WeekdayNum& w) { return date::weekday{d} == w.day; });
        }
        return true;
    };

    switch (rule_.freq) {
        case Frequency::daily: {
            const date::local_days d = start_day_ + date::days{static_cast<int>(step)};
            if (plain_day_matches(d)) {
                days.push_back(d);
            }
            break;
        }
        case Frequency::weekly: {
            const date::local_days week =
                start_day_ - (date::weekday{start_day_} - rule_.week_start) + date::days{static_cast<int>(step * 7)};
            for (int i = 0; i < 7; ++i) {
                const date::local_days d = week + date::days{i};
                const bool day_ok = rule_.by_day.empty() ? date::weekday{d} == date::weekday{start_day_}
                                                         : plain_day_matches(d);
                if (day_ok && (rule_.by_month.empty() || contains(rule_.by_month, month_number(d)))) {
                    days.push_back(d);
                }
            }
            break;
        }
        case Frequency::monthly: {
            const date::year_month ym = start.year() / start.month() + date::months{static_cast<int>(step)};
            if (rule_.by_month.empty() || contains(rule_.by_month, static_cast<int>(static_cast<unsigned>(ym.month())))) {
                month_of_year(ym, true);
            }
            break;
        }
        case Frequency::yearly: {
            const date::year y = start.year() + date::years{static_cast<int>(step)};
            if (!rule_.by_day.empty() && rule_.by_month_day.empty() && rule_.by_month.empty()) {
                expand_by_day(rule_.by_day, date::local_days{y / date::January / 1},
                              date::local_days{y / date::December / 31}, days);
            } else if (!rule_.by_month.empty()) {
                for (const int m : rule_.by_month) {
                    month_of_year(y / date::month{static_cast<unsigned>(m)}, true);
                }
            } else if (!rule_.by_month_day.empty()) {
                for (unsigned m = 1; m <= 12; ++m) {
                    month_of_year(y / date::month{m}, false);
                }
            } else {
                month_of_year(y / start.month(), true);
            }
            break;
        }
    }

    std::sort(days.begin(), days.end());
    days.erase(std::unique(days.begin(), days.end()), days.end());
    if (rule_.by_set_pos.empty() || days.empty()) {
        return days;
    }
    std::vector<date::local_days> picked;
    const auto size = static_cast<std::int64_t>(days.size());
    for (const int pos : rule_.by_set_pos) {
        const std::int64_t index = pos > 0 ? pos - 1 : size + pos;
        if (index >= 0 && index < size) {
            picked.push_back(days[static_cast<std::size_t>(index)]);
        }
    }
    std::sort(picked.begin(), picked.end());
    picked.erase(std::unique(picked.begin(), picked.end()), picked.end());
    return picked;
}

std::vector<Instance> first_instances(const Rule& rule, LocalTime dtstart, const date::time_zone& zone,
                                      std::size_t n) {
    std::vector<Instance> out;
    Recurrence recurrence(rule, dtstart, zone);
    while (out.size() < n) {
        auto next = recurrence.next();
        if (!next) {
            break;
        }
        out.push_back(*next);
    }
    return out;
}

}  // namespace delvex::forums
