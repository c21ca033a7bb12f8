#include "bot/academy/openers.hpp"

#include "bot/academy/answers.hpp"

namespace delvex::academy {
namespace {

// Compared after normalize_answer(). Every locale's answer.right and answer.wrong line is among them (a test
// holds them in step); the rest are the ways writers say the same. Bare "yes"/"no" and "it is false" are
// left out on purpose: they answer the question's statement, they do not judge the learner.
constexpr std::string_view kVerdicts[] = {
    // en
    "right", "correct", "that is right", "that s right", "exactly", "well done", "not quite", "wrong", "incorrect",
    "not right",
    // fr
    "bonne reponse", "exact", "exactement", "bravo", "c est juste", "c est exact", "tout a fait", "pas tout a fait",
    "mauvaise reponse", "incorrect",
    // es
    "correcto", "asi es", "exacto", "muy bien", "no exactamente", "incorrecto", "no es correcto",
    // pt
    "certo", "correto", "exato", "isso mesmo", "muito bem", "nao e bem assim", "nao exatamente", "errado",
    "incorreto",
    // sw
    "sahihi", "ndiyo sahihi", "hongera", "vizuri", "si sahihi", "si sahihi kabisa", "sio sahihi", "umekosea",
};

/// Whether a piece of text holds a Latin letter (ASCII, or U+00C0 to U+017F: lead bytes 0xC3 to 0xC5).
bool has_letter(std::string_view s) {
    for (const char c : s) {
        const auto b = static_cast<unsigned char>(c);
        if ((b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') || (b >= 0xC3 && b <= 0xC5)) {
            return true;
        }
    }
    return false;
}

}  // namespace

std::string_view verdict_opener(std::string_view feedback) {
    const auto end = feedback.find_first_of(".,!?:;");
    std::string_view opening = feedback.substr(0, end);
    // French puts a space (often a no-break one) before ':' and '!'.
    while (opening.ends_with(" ") || opening.ends_with("\u00a0")) {
        opening.remove_suffix(opening.ends_with(" ") ? 1 : 2);
    }
    // Spanish opens an exclamation with '¡', which normalize_answer() keeps as a character.
    std::string_view words = opening;
    while (words.starts_with(" ") || words.starts_with("\u00a1") || words.starts_with("\u00bf")) {
        words.remove_prefix(words.starts_with(" ") ? 1 : 2);
    }
    const std::string norm = normalize_answer(words);
    if (norm.empty()) {
        return {};
    }
    for (const auto verdict : kVerdicts) {
        if (norm == verdict) {
            const auto first = opening.find_first_not_of(" \t\r\n");
            return opening.substr(first);
        }
    }
    return {};
}

std::string verdict_line(std::string_view verdict, std::string_view feedback) {
    if (verdict_opener(feedback).empty()) {
        return std::string(verdict);
    }
    // The mark is the locale line's first word when it holds no letter ("✅", "❌").
    const std::string_view mark = verdict.substr(0, verdict.find(' '));
    return has_letter(mark) ? std::string() : std::string(mark);
}

std::string with_verdict(std::string_view verdict, std::string_view feedback) {
    std::string line = verdict_line(verdict, feedback);
    if (!feedback.empty()) {
        line += line.empty() ? "" : " ";
        line += feedback;
    }
    return line;
}

}  // namespace delvex::academy
