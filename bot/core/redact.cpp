#include "bot/core/redact.hpp"

namespace delvex::core {

std::string redact(std::string_view id) {
    if (id.empty()) {
        return "-";
    }
    constexpr std::size_t kShown = 4;
    if (id.size() <= kShown) {
        return "…";
    }
    return "…" + std::string(id.substr(id.size() - kShown));
}

}  // namespace delvex::core
