#pragma once

#include "forums/result.hpp"

#include <date/date.h>
#include <date/tz.h>

#include <chrono>
#include <string>
#include <string_view>

namespace delvex::forums {

/// An instant on the UTC timeline, whole seconds.
using Instant = std::chrono::sys_seconds;

/// A wall-clock date and time with no zone attached (an iCalendar "local time").
using LocalTime = date::local_seconds;

/// Looks up an IANA zone ("America/Lima") in the system tz database; the pointer lives as long as the process.
ParseResult<const date::time_zone*> find_zone(std::string_view name);

/// Parses `YYYY-MM-DDTHH:MM[:SS]` (the CLI and admin form); rejects impossible dates and times.
ParseResult<LocalTime> parse_local_iso(std::string_view text);

/// Parses iCalendar basic form `YYYYMMDDTHHMMSS` (no zone suffix).
ParseResult<LocalTime> parse_local_basic(std::string_view text);

/// The UTC instant a local time names in `zone`, resolved as RFC 5545 §3.3.5 says: a time in a
/// spring-forward gap uses the offset before the gap; a repeated time means its first occurrence.
Instant to_utc(LocalTime local, const date::time_zone& zone);

/// The offset and abbreviation in force at `t`, also past the last transition the TZif file lists (2037).
date::sys_info zone_info(const date::time_zone& zone, Instant t);

/// `2027-01-07T20:00:00Z`.
std::string format_utc_iso(Instant t);

/// `20270107T200000Z` (iCalendar UTC form).
std::string format_utc_basic(Instant t);

/// `20270107T150000` (iCalendar local form, for values with a TZID).
std::string format_local_basic(LocalTime t);

}  // namespace delvex::forums
