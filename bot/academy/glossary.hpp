#pragma once

// The glossary: words the lessons use (tailings, leaching, retort…), each explained in one line in every
// language, read from academy-content/glossary.yaml. A learner in a lesson types a word to get its meaning.

#include "bot/academy/content.hpp"

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace delvex::academy {

/// A meaning is one line of at most this many characters: it goes before the lesson step it interrupts.
inline constexpr std::size_t kGlossaryMeaning = 300;

/// Reads `file` into `content.glossary`, reporting every problem into `content.diagnostics` under the name
/// `shown` (the file relative to the content root). Every term needs a meaning in each of the five languages.
void load_glossary(const std::filesystem::path& file, const std::string& shown, Content& content);

/// The term one of whose words, in any language, is `normalized` (as normalize_answer() gives it), or null.
const GlossaryTerm* find_term(const std::vector<GlossaryTerm>& glossary, std::string_view normalized);

}  // namespace delvex::academy
