#pragma once

#include <string>
#include <string_view>

#include "bot/academy/content.hpp"

namespace delvex::academy {

/// A typed answer as it is compared: lowercase, accents folded (é → e, ç → c, ñ → n, œ → oe), anything
/// that is not a letter or digit turned into a space, spaces collapsed and trimmed.
std::string normalize_answer(std::string_view text);

/// Whether `input` matches one of the accepted variants of a typed question in `lang`, or in English:
/// learners on shared phones often answer in whichever language they know best.
bool accepts(const Question& question, std::string_view lang, std::string_view input);

}  // namespace delvex::academy
