#include "bot/core/text.hpp"

#include <algorithm>

namespace delvex::core {
namespace {

constexpr std::string_view kBlank = " \t\r\n";

bool starts_character(char c) {
    return (static_cast<unsigned char>(c) & 0xC0U) != 0x80U;
}

}  // namespace

std::string_view trim_view(std::string_view s) {
    const auto first = s.find_first_not_of(kBlank);
    if (first == std::string_view::npos) {
        return {};
    }
    return s.substr(first, s.find_last_not_of(kBlank) - first + 1);
}

std::string trim(std::string_view s) {
    return std::string(trim_view(s));
}

std::size_t utf8_length(std::string_view s) {
    return static_cast<std::size_t>(std::count_if(s.begin(), s.end(), starts_character));
}

std::string clip(std::string_view s, std::size_t max) {
    std::size_t count = 0;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (starts_character(s[i])) {
            if (count == max) {
                return std::string(s.substr(0, i));
            }
            ++count;
        }
    }
    return std::string(s);
}

std::string one_line(std::string_view s) {
    std::string out(s);
    std::replace(out.begin(), out.end(), '\n', ' ');
    std::replace(out.begin(), out.end(), '\r', ' ');
    return trim(out);
}

std::string lower_ascii(std::string s) {
    for (auto& c : s) {
        if (c >= 'A' && c <= 'Z') {
            c = static_cast<char>(c - 'A' + 'a');
        }
    }
    return s;
}

}  // namespace delvex::core
