#pragma once

#include <optional>
#include <string>
#include <string_view>
#include "bot/core/text.hpp"

namespace delvex::community {

/// Why an alias was refused, as a locale key ("rooms.alias_bad_length", …); nullopt when it is fine.
/// Aliases are 2–24 characters, not a phone number or anything holding a run of digits, no links or
/// e-mail addresses, no '*', '_' or '~' (WhatsApp formatting), quotes or line breaks; nothing hidden, no
/// alphabets mixed to copy letters, and none of the team's names (alias_spoof_problem).
std::optional<std::string> alias_problem(std::string_view alias);

/// The alias trimmed, inner spaces collapsed.
std::string tidy_alias(std::string_view alias);

/// The form two aliases are compared in: ASCII letters lower-cased, spaces removed. "Mama Gold" and
/// "mamagold" are the same alias.
std::string alias_key(std::string_view alias);

/// Number of characters (UTF-8 code points): the one of bot/core/text.hpp.
using core::utf8_length;

}  // namespace delvex::community
