#include "bot/core/log_throttle.hpp"

namespace delvex::core {

std::string printable(std::string_view text, std::size_t max) {
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out;
    const std::string_view kept = text.substr(0, max);
    out.reserve(kept.size());
    for (const char c : kept) {
        const auto b = static_cast<unsigned char>(c);
        if (b <= 0x20 || b >= 0x7F || c == '=' || c == '"' || c == '\\') {
            out += "\\x";
            out += kHex[b >> 4];
            out += kHex[b & 0xF];
        } else {
            out += c;
        }
    }
    if (text.size() > max) {
        out += "…";
    }
    return out;
}

}  // namespace delvex::core
