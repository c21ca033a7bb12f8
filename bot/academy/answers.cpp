#include "bot/academy/answers.hpp"

#include <cstdint>

namespace delvex::academy {
namespace {

// Latin-1 letters U+00C0..U+00FF folded to ASCII; "" drops the character (× and ÷).
constexpr const char* kLatin1[64] = {
    "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i",   // U+00C0
    "d", "n", "o", "o", "o", "o", "o",  "",  "o", "u", "u", "u", "u", "y", "th", "ss",  // U+00D0
    "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i",   // U+00E0
    "d", "n", "o", "o", "o", "o", "o",  "",  "o", "u", "u", "u", "u", "y", "th", "y",   // U+00F0
};

void append_utf8(std::string& out, std::uint32_t cp) {
    if (cp < 0x800) {
        out += static_cast<char>(0xC0 | (cp >> 6));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        out += static_cast<char>(0xE0 | (cp >> 12));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | (cp >> 18));
        out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    }
}

}  // namespace

std::string normalize_answer(std::string_view text) {
    std::string out;
    bool space = false;
    auto put = [&](std::string_view piece) {
        if (piece.empty()) {
            return;
        }
        if (space && !out.empty()) {
            out += ' ';
        }
        space = false;
        out += piece;
    };
    std::size_t i = 0;
    while (i < text.size()) {
        const auto lead = static_cast<unsigned char>(text[i]);
        if (lead < 0x80) {
            const char c = static_cast<char>(lead);
            if (c >= 'A' && c <= 'Z') {
                const char lower = static_cast<char>(c - 'A' + 'a');
                put(std::string_view(&lower, 1));
            } else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
                put(std::string_view(&c, 1));
            } else {
                space = true;
            }
            ++i;
            continue;
        }
        const std::size_t extra = lead >= 0xF0 ? 3 : lead >= 0xE0 ? 2 : lead >= 0xC0 ? 1 : 0;
        if (extra == 0 || i + extra >= text.size()) {
            ++i;  // a stray byte of broken UTF-8: drop it
            continue;
        }
        std::uint32_t cp = lead & (0x3Fu >> extra);
        for (std::size_t k = 1; k <= extra; ++k) {
            cp = (cp << 6) | (static_cast<unsigned char>(text[i + k]) & 0x3Fu);
        }
        i += extra + 1;
        if (cp >= 0xC0 && cp <= 0xFF) {
            put(kLatin1[cp - 0xC0]);
        } else if (cp == 0x152 || cp == 0x153) {
            put("oe");
        } else if (cp == 0xA0 || cp == 0xAB || cp == 0xBB || (cp >= 0x2000 && cp <= 0x206F)) {
            space = true;  // no-break space, « », and the general punctuation block (’ “ ” – …)
        } else {
            std::string piece;
            append_utf8(piece, cp);
            put(piece);
        }
    }
    return out;
}

bool accepts(const Question& question, std::string_view lang, std::string_view input) {
    const std::string given = normalize_answer(input);
    if (given.empty()) {
        return false;
    }
    for (const std::string_view l : {lang, std::string_view("en")}) {
        if (auto it = question.accept.find(l); it != question.accept.end()) {
            for (const auto& variant : it->second) {
                if (normalize_answer(variant) == given) {
                    return true;
                }
            }
        }
    }
    return false;
}

}  // namespace delvex::academy
