#include "bot/community/alias.hpp"

#include "bot/community/alias_spoof.hpp"

#include <algorithm>
#include <cctype>
#include <utility>

namespace delvex::community {


std::string tidy_alias(std::string_view alias) {
    std::string out;
    bool space = false;
    for (char c : alias) {
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
            space = !out.empty();
            continue;
        }
        if (space) {
            out += ' ';
            space = false;
        }
        out += c;
    }
    return out;
}

std::string alias_key(std::string_view alias) {
    std::string out;
    for (char c : alias) {
        if (c == ' ') {
            continue;
        }
        out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    return out;
}

namespace {

/// The first code point of `s` and its length in bytes; an invalid byte reads as itself, one byte long.
std::pair<char32_t, std::size_t> next_code_point(std::string_view s) {
    const auto b0 = static_cast<unsigned char>(s[0]);
    const std::size_t n = b0 < 0x80 ? 1 : (b0 >> 5) == 0x6 ? 2 : (b0 >> 4) == 0xE ? 3 : (b0 >> 3) == 0x1E ? 4 : 1;
    if (n == 1 || s.size() < n) {
        return {b0, 1};
    }
    char32_t cp = b0 & (0xFF >> (n + 1));
    for (std::size_t i = 1; i < n; ++i) {
        const auto b = static_cast<unsigned char>(s[i]);
        if ((b & 0xC0) != 0x80) {
            return {b0, 1};
        }
        cp = (cp << 6) | (b & 0x3F);
    }
    return {cp, n};
}

/// A digit in any script a phone number could be written in, so that "٠٧١٢٣٤٥٦٧٨" or "０７１２…" counts as the
/// number it is (security review L-22): ASCII, the Unicode decimal-digit blocks (Arabic-Indic, Devanagari,
/// Bengali, Thai, Myanmar, Ethiopic-area scripts in use, full-width, mathematical), and super- and subscripts.
bool is_any_digit(char32_t cp) {
    if (cp >= U'0' && cp <= U'9') {
        return true;
    }
    static constexpr char32_t kZeros[] = {0x0660, 0x06F0, 0x07C0, 0x0966, 0x09E6, 0x0A66, 0x0AE6, 0x0B66, 0x0BE6,
                                          0x0C66, 0x0CE6, 0x0D66, 0x0DE6, 0x0E50, 0x0ED0, 0x0F20, 0x1040, 0x1090,
                                          0x17E0, 0x1810, 0x1946, 0x19D0, 0x1A80, 0x1A90, 0x1B50, 0x1BB0, 0x1C40,
                                          0x1C50, 0xA620, 0xA8D0, 0xA900, 0xA9D0, 0xA9F0, 0xAA50, 0xABF0, 0xFF10,
                                          0x2080, 0x1369};
    for (const char32_t zero : kZeros) {
        if (cp >= zero && cp <= zero + 9) {
            return true;
        }
    }
    // Superscripts ⁰ ¹ ² ³ ⁴–⁹ and the mathematical digits (bold, double-struck, sans-serif, monospace).
    return cp == 0x2070 || cp == 0x00B9 || cp == 0x00B2 || cp == 0x00B3 || (cp >= 0x2074 && cp <= 0x2079) ||
           (cp >= 0x1D7CE && cp <= 0x1D7FF);
}

}  // namespace

std::optional<std::string> alias_problem(std::string_view alias) {
    const std::size_t len = utf8_length(alias);
    if (len < 2 || len > 24) {
        return "rooms.alias_bad_length";
    }
    std::string lower;
    for (char c : alias) {
        lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    for (std::string_view link : {"http", "www.", ".com", ".org", ".net", "wa.me", "t.me"}) {
        if (lower.find(link) != std::string::npos) {
            return "rooms.alias_no_links";
        }
    }
    int digits_in_row = 0;
    int digits = 0;
    for (std::string_view rest = alias; !rest.empty();) {
        const auto [cp, n] = next_code_point(rest);
        rest.remove_prefix(n);
        if (is_any_digit(cp)) {
            ++digits;
            digits_in_row = std::max(digits_in_row, 0) + 1;
            if (digits_in_row >= 4) {
                return "rooms.alias_no_numbers";
            }
        } else if (cp != U' ' && cp != U'-' && cp != U'.') {
            digits_in_row = 0;
        }
    }
    for (char c : alias) {
        if (c == '*' || c == '_' || c == '~' || c == '`' || c == '"' || c == '\\' || c == '<' || c == '>' ||
            c == '\n' || c == '\r' || c == '\t' || c == '@' || c == '/') {
            return "rooms.alias_bad_chars";
        }
    }
    if (digits >= 6) {
        return "rooms.alias_no_numbers";
    }
    return alias_spoof_problem(alias);
}

}  // namespace delvex::community
