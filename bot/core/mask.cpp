#include "bot/core/mask.hpp"

#include <algorithm>
#include <cctype>

namespace delvex::core {

std::string mask_number(std::string_view key) {
    if (!key.empty() && key.front() == '+') {
        key.remove_prefix(1);
    }
    if (key.empty()) {
        return {};
    }
    const bool digits = std::all_of(key.begin(), key.end(), [](unsigned char c) { return std::isdigit(c) != 0; });
    if (!digits) {
        return std::string(key.substr(0, std::min<std::size_t>(4, key.size()))) + "…";
    }
    static constexpr std::string_view kDot = "•";
    const std::size_t n = key.size();
    std::string out = "+";
    if (n < 7) {
        for (std::size_t i = 0; i < n; ++i) {
            out += i + 2 < n ? std::string(kDot) : std::string(1, key[i]);
        }
        return out;
    }
    for (std::size_t i = 0; i < n; ++i) {
        if (i >= 3 && (i - 3) % 3 == 0) {
            out += ' ';
        }
        const bool shown = i < 4 || i + 2 >= n;
        out += shown ? std::string(1, key[i]) : std::string(kDot);
    }
    return out;
}

}  // namespace delvex::core
