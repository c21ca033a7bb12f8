#include "bot/core/number_forms.hpp"

#include <algorithm>

#include "bot/core/crypto.hpp"

namespace delvex::core {

std::vector<std::string> number_forms(std::string_view digits) {
    if (digits.empty()) {
        return {};
    }
    std::vector<std::string> out{std::string(digits), "+" + std::string(digits)};
    for (std::size_t offset = 0; offset < 3; ++offset) {
        const std::string padded = std::string(offset, '\0') + std::string(digits);
        const std::string encoded = base64(padded);
        // Each group of 4 characters stands for 3 bytes. The first group holds the padding bytes when there
        // are any, and the last one holds fewer than 3 bytes of the number unless it divides evenly.
        const std::size_t first = offset == 0 ? 0 : 4;
        const std::size_t last = 4 * (padded.size() / 3);
        if (last > first + 4) {
            std::string form = encoded.substr(first, last - first);
            out.push_back(form);
            std::replace(form.begin(), form.end(), '+', '-');
            std::replace(form.begin(), form.end(), '/', '_');
            if (form != out.back()) {
                out.push_back(std::move(form));
            }
        }
    }
    return out;
}

std::size_t mask_forms(std::string& text, const std::vector<std::string>& forms) {
    std::size_t masked = 0;
    for (const auto& form : forms) {
        if (form.empty()) {
            continue;
        }
        for (auto at = text.find(form); at != std::string::npos; at = text.find(form, at + form.size())) {
            std::fill_n(text.begin() + static_cast<std::ptrdiff_t>(at), form.size(), '*');
            ++masked;
        }
    }
    return masked;
}

}  // namespace delvex::core
