#include "bot/academy/content.hpp"

#include <algorithm>

namespace delvex::academy {

const std::string& LocalText::in(std::string_view lang) const {
    static const std::string kEmpty;
    if (auto it = by_lang.find(lang); it != by_lang.end()) {
        return it->second;
    }
    if (auto it = by_lang.find("en"); it != by_lang.end()) {
        return it->second;
    }
    return kEmpty;
}

std::size_t Content::errors() const {
    return static_cast<std::size_t>(std::count_if(diagnostics.begin(), diagnostics.end(),
                                                   [](const Diagnostic& d) { return d.severity == Severity::kError; }));
}

std::size_t Content::warnings() const {
    return diagnostics.size() - errors();
}

}  // namespace delvex::academy
