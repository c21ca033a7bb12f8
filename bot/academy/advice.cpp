#include "bot/academy/advice.hpp"

#include <vector>

namespace delvex::academy {
namespace {

bool is_digit(char c) {
    return c >= '0' && c <= '9';
}

/// The numbers written as item markers ("2. ", "3) ") at the start or after a space, in order.
std::vector<int> item_numbers(std::string_view text) {
    std::vector<int> out;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (!is_digit(text[i]) || (i > 0 && text[i - 1] != ' ')) {
            continue;
        }
        std::size_t j = i;
        int n = 0;
        while (j < text.size() && is_digit(text[j]) && j - i < 2) {
            n = n * 10 + (text[j] - '0');
            ++j;
        }
        // "2. Open burning" is an item; "2.5 g", "10 grams" and a number ending a sentence are not.
        if (j + 1 < text.size() && (text[j] == '.' || text[j] == ')') && text[j + 1] == ' ') {
            out.push_back(n);
        }
        i = j;
    }
    return out;
}

std::size_t count(std::string_view text, std::string_view what) {
    std::size_t n = 0;
    for (auto at = text.find(what); at != std::string_view::npos; at = text.find(what, at + what.size())) {
        ++n;
    }
    return n;
}

}  // namespace

std::string_view list_in_paragraph(std::string_view text) {
    if (text.find('\n') != std::string_view::npos) {
        return {};
    }
    const auto numbers = item_numbers(text);
    for (std::size_t i = 1; i < numbers.size(); ++i) {
        if (numbers[i] == numbers[i - 1] + 1) {
            return "numbered items";
        }
    }
    if (count(text, "\u2022") >= 2) {
        return "bullets";
    }
    // "If you see: new cracks; falling stones; a bulging wall; …" is a list that lost its lines.
    const auto colon = text.find(": ");
    if (colon != std::string_view::npos && count(text.substr(colon), "; ") >= 3) {
        return "items separated by ';'";
    }
    return {};
}

}  // namespace delvex::academy
