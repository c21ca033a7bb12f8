#include "bot/meetings/pattern.hpp"

#include <algorithm>

#include "bot/community/commands.hpp"

namespace delvex::meetings {
namespace {

/// Folded text with every non-letter, non-digit (ASCII) byte as a space, padded with spaces.
std::string tokens_of(std::string_view text) {
    std::string folded = community::fold(text);
    for (auto& c : folded) {
        const auto u = static_cast<unsigned char>(c);
        const bool keep = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || u >= 0x80;
        if (!keep) {
            c = ' ';
        }
    }
    std::string out;
    out.reserve(folded.size() + 2);
    out.push_back(' ');
    out.append(folded);
    out.push_back(' ');
    return out;
}

/// " word " (a whole word in padded text).
std::string padded(std::string_view word) {
    std::string out;
    out.reserve(word.size() + 2);
    out.push_back(' ');
    out.append(word);
    out.push_back(' ');
    return out;
}

}  // namespace

std::optional<Pattern> parse_pattern(std::string_view text, const PatternWords& words) {
    std::string rest = tokens_of(text);
    // Weekday names first, longest first ("segunda-feira" before "segunda"), as whole words.
    std::vector<std::pair<std::string, std::string>> names;  // folded name, code
    for (const auto& [code, list] : words.weekdays) {
        for (const auto& name : list) {
            const auto folded = community::fold(name);
            if (!folded.empty()) {
                names.emplace_back(folded, code);
            }
        }
    }
    std::sort(names.begin(), names.end(), [](const auto& a, const auto& b) { return a.first.size() > b.first.size(); });
    std::string weekday;
    for (const auto& [name, code] : names) {
        const auto at = rest.find(padded(name));
        if (at == std::string::npos) {
            continue;
        }
        if (!weekday.empty() && weekday != code) {
            return std::nullopt;  // two different days
        }
        weekday = code;
        rest = rest.substr(0, at) + padded({}) + rest.substr(at + name.size() + 2);
    }
    if (weekday.empty()) {
        return std::nullopt;
    }
    std::string ordinal;
    for (const auto& [value, list] : words.ordinals) {
        for (const auto& word : list) {
            const auto folded = community::fold(word);
            if (!folded.empty() && rest.find(padded(folded)) != std::string::npos) {
                if (!ordinal.empty() && ordinal != value) {
                    return std::nullopt;  // "first last thursday"
                }
                ordinal = value;
            }
        }
    }
    if (ordinal.empty()) {
        return std::nullopt;
    }
    return Pattern{ordinal, weekday};
}

}  // namespace delvex::meetings
