#pragma once

#include <iosfwd>
#include <string>

namespace delvex::forums {

/// `delvex forums next`: prints the first `count` occurrences of the rule (with or without `RRULE:`) starting
/// at `start_local_iso` (`YYYY-MM-DDTHH:MM[:SS]`) in zone `tz`, one UTC instant per line
/// (`2027-01-07T20:00:00Z`) and nothing else. Bad input: one line on `err`, returns 2; otherwise 0.
int run_forums_next(const std::string& rrule, const std::string& tz, const std::string& start_local_iso, int count,
                    std::ostream& out, std::ostream& err);

}  // namespace delvex::forums
