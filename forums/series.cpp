#include "forums/series.hpp"

#include <algorithm>
#include <cassert>

namespace delvex::forums {

namespace {

bool is_cancelled(const Series& series, LocalTime original) {
    return std::find(series.exdates.begin(), series.exdates.end(), original) != series.exdates.end();
}

bool is_overridden(const Series& series, LocalTime original) {
    return std::any_of(series.overrides.begin(), series.overrides.end(),
                       [&](const Override& o) { return o.original == original; });
}

/// Moves whose original is a live instance, as occurrences at their new time.
std::vector<Occurrence> moved_occurrences(const Series& series) {
    std::vector<Occurrence> out;
    for (const Override& o : series.overrides) {
        if (!is_cancelled(series, o.original) && is_instance(series, o.original)) {
            out.push_back(Occurrence{to_utc(o.moved_to, *series.zone), o.moved_to, o.original, true});
        }
    }
    return out;
}

bool by_start(const Occurrence& a, const Occurrence& b) {
    return a.start != b.start ? a.start < b.start : a.original < b.original;
}

}  // namespace

ParseResult<Series> make_series(std::string_view rrule, std::string_view tz, std::string_view start_local_iso) {
    auto rule = parse_rrule(rrule);
    if (!rule) {
        return rule.error();
    }
    auto zone = find_zone(tz);
    if (!zone) {
        return zone.error();
    }
    auto start = parse_local_iso(start_local_iso);
    if (!start) {
        return start.error();
    }
    return Series{std::move(*rule), *start, *zone, {}, {}};
}

bool is_instance(const Series& series, LocalTime original) {
    assert(series.zone != nullptr);
    Recurrence recurrence(series.rule, series.dtstart, *series.zone);
    while (const auto instance = recurrence.next()) {
        if (instance->local >= original) {
            return instance->local == original;
        }
    }
    return false;
}

std::vector<Occurrence> next_occurrences(const Series& series, Instant from, std::size_t n) {
    assert(series.zone != nullptr);
    std::vector<Occurrence> out;
    Recurrence recurrence(series.rule, series.dtstart, *series.zone);
    while (out.size() < n) {
        const auto instance = recurrence.next();
        if (!instance) {
            break;
        }
        if (instance->start >= from && !is_cancelled(series, instance->local) &&
            !is_overridden(series, instance->local)) {
            out.push_back(Occurrence{instance->start, instance->local, instance->local, false});
        }
    }
    // A moved occurrence can only displace one of the first n rule occurrences, so merging the (few)
    // moves into those n and cutting back to n gives the true first n.
    for (const Occurrence& moved : moved_occurrences(series)) {
        if (moved.start >= from) {
            out.push_back(moved);
        }
    }
    std::sort(out.begin(), out.end(), by_start);
    if (out.size() > n) {
        out.resize(n);
    }
    return out;
}

std::vector<Occurrence> occurrences_between(const Series& series, Instant from, Instant to) {
    assert(series.zone != nullptr);
    std::vector<Occurrence> out;
    Recurrence recurrence(series.rule, series.dtstart, *series.zone);
    while (const auto instance = recurrence.next()) {
        if (instance->start >= to) {
            break;
        }
        if (instance->start >= from && !is_cancelled(series, instance->local) &&
            !is_overridden(series, instance->local)) {
            out.push_back(Occurrence{instance->start, instance->local, instance->local, false});
        }
    }
    for (const Occurrence& moved : moved_occurrences(series)) {
        if (moved.start >= from && moved.start < to) {
            out.push_back(moved);
        }
    }
    std::sort(out.begin(), out.end(), by_start);
    return out;
}

}  // namespace delvex::forums
