#include "bot/community/alias.hpp"

#include <algorithm>
#include <cctype>

namespace delvex::community {

std::size_t utf8_length(std::string_view s) {
    return static_cast<std::size_t>(
        std::count_if(s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

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
    for (char c : alias) {
        if (c >= '0' && c <= '9') {
            ++digits;
            digits_in_row = std::max(digits_in_row, 0) + 1;
            if (digits_in_row >= 4) {
                return "rooms.alias_no_numbers";
            }
        } else if (c != ' ' && c != '-' && c != '.') {
            digits_in_row = 0;
        }
        if (c == '*' || c == '_' || c == '~' || c == '`' || c == '"' || c == '\\' || c == '<' || c == '>' ||
            c == '\n' || c == '\r' || c == '\t' || c == '@' || c == '/') {
            return "rooms.alias_bad_chars";
        }
    }
    if (digits >= 6) {
        return "rooms.alias_no_numbers";
    }
    return std::nullopt;
}

}  // namespace delvex::community
