#pragma once

#include "forums/series.hpp"

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

namespace delvex::forums {

/// One forum series as a calendar event: the series (rule, exceptions) plus what calendar apps show.
struct IcalEvent {
    std::string uid;      ///< stable across edits (e.g. "forum-42@delve.exchange"); apps match updates by it
    int sequence = 0;     ///< bump on every change members should see, so apps replace their copy
    Series series;
    std::chrono::minutes duration{60};
    std::string summary;
    std::string description;
    std::string location;
    std::string url;      ///< join link, if any (a URI: written as is, not TEXT-escaped)
    bool cancelled = false;  ///< the whole series is cancelled (STATUS:CANCELLED)
};

/// A calendar feed or a one-event .ics document.
struct IcalCalendar {
    std::string product_id = "-//Delve Exchange//delvex forums//EN";
    std::string name;  ///< shown by apps that read X-WR-CALNAME; empty to omit
    Instant stamp;     ///< DTSTAMP of every event; pass the last change time to keep the output byte-stable
    std::vector<IcalEvent> events;
};

/// Renders an RFC 5545 VCALENDAR: per event a VEVENT with DTSTART;TZID, RRULE, EXDATE, one VEVENT per moved
/// instance (RECURRENCE-ID), and a VTIMEZONE per zone built from the tz database with the transitions the
/// series spans. CRLF line ends, lines folded at 75 octets.
std::string write_ical(const IcalCalendar& calendar);

/// Escapes a TEXT value: backslash, semicolon, comma and newlines; drops other control characters.
std::string escape_ical_text(std::string_view text);

/// Folds one content line so no physical line exceeds 75 octets, never splitting a UTF-8 character.
/// Returns the line with CRLF + space inserted at each fold and no trailing CRLF.
std::string fold_ical_line(std::string_view line);

}  // namespace delvex::forums
