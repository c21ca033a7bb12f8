#pragma once

#include "forums/recurrence.hpp"

#include <cstddef>
#include <string_view>
#include <vector>

namespace delvex::forums {

/// One instance of a series moved to another local time (an iCalendar RECURRENCE-ID override).
struct Override {
    LocalTime original;  ///< the instance's local start as the rule generates it
    LocalTime moved_to;  ///< its new local start, in the series zone
};

/// A recurring forum schedule: the rule plus per-instance exceptions, which never alter the rule itself.
/// Instances are identified by their rule-generated local start (what iCalendar's RECURRENCE-ID carries).
struct Series {
    Rule rule;
    LocalTime dtstart;
    const date::time_zone* zone = nullptr;  ///< from find_zone(); points into the process-wide tz database
    std::vector<LocalTime> exdates;         ///< cancelled instances (EXDATE); a cancel beats a move
    std::vector<Override> overrides;        ///< moved instances
};

/// An occurrence of a series as members see it: exceptions applied.
struct Occurrence {
    Instant start;        ///< real start in UTC
    LocalTime local;      ///< start as wall time in the series zone (nominal if it falls in a DST gap)
    LocalTime original;   ///< rule-generated local start; the instance's identity (RECURRENCE-ID)
    bool moved = false;   ///< true when an override placed it at `local`
};

/// Builds a series from untrusted text (RRULE with or without prefix, IANA zone, `YYYY-MM-DDTHH:MM[:SS]`).
ParseResult<Series> make_series(std::string_view rrule, std::string_view tz, std::string_view start_local_iso);

/// Whether the rule generates an instance starting at local time `original` (a valid target to cancel or move).
bool is_instance(const Series& series, LocalTime original);

/// The first `n` occurrences that start at or after `from`, in start order, with cancels and moves applied.
std::vector<Occurrence> next_occurrences(const Series& series, Instant from, std::size_t n);

/// Every occurrence starting in [from, to), in start order, with cancels and moves applied.
std::vector<Occurrence> occurrences_between(const Series& series, Instant from, Instant to);

}  // namespace delvex::forums
