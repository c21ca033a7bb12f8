#pragma once

// A forum pattern typed by a moderator in their own language ("premier jeudi", "último viernes",
// "Alhamisi ya kwanza", "every tuesday") read as an ordinal and a weekday. The words come from the locale
// files (the adapter passes those of the moderator's language and English); the lists and buttons remain the
// main way to answer, this only spares a moderator who types.

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace delvex::meetings {

struct PatternWords {
    /// Ordinal ("1".."4", "-1" last, "0" every week) → words meaning it ("first", "1st", "premier", …).
    std::map<std::string, std::vector<std::string>> ordinals;
    /// Weekday code ("MO".."SU") → its names ("monday", "mon", "lundi", "segunda-feira", …).
    std::map<std::string, std::vector<std::string>> weekdays;
};

struct Pattern {
    std::string ordinal;  ///< "1".."4", "-1" or "0"
    std::string weekday;  ///< "MO".."SU"
    bool operator==(const Pattern&) const = default;
};

/// nullopt unless the text names one weekday and (for a monthly pattern) an ordinal or (weekly) an "every" word.
/// Case and accents are ignored; weekday names are matched first, so "segunda segunda-feira" is the second
/// Monday.
std::optional<Pattern> parse_pattern(std::string_view text, const PatternWords& words);

}  // namespace delvex::meetings
