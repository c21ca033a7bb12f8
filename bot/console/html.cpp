#include "bot/console/html.hpp"

namespace delvex::console {

void append_escaped(std::string& out, std::string_view text) {
    for (const char c : text) {
        switch (c) {
            case '&': out += "&amp;"; break;
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            case '"': out += "&quot;"; break;
            case '\'': out += "&#39;"; break;
            default: out += c; break;
        }
    }
}

std::string escape(std::string_view text) {
    std::string out;
    out.reserve(text.size() + 16);
    append_escaped(out, text);
    return out;
}

}  // namespace delvex::console
