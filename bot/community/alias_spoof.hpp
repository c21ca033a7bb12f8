#pragma once

// Aliases that imitate someone (security review M-6): hidden characters, letters from two alphabets, the
// team's and the service's own names, and the "look-alike" form two aliases are compared in. Unicode's
// rules for this (UTS #39, confusable skeletons and restriction levels) are ICU's spoof checker; see
// alias_spoof.cpp for why each rule is there.

#include <optional>
#include <string>
#include <string_view>

namespace delvex::community {

/// Why an alias imitates someone or hides something, as a locale key; nullopt when it does not.
///   "rooms.alias_hidden_chars"  invalid UTF-8, an invisible or format character (zero-width space, joiners
///                                where the script does not need them, bidi controls, tag characters, BOM),
///                                a space other than the plain one (no-break, thin, ideographic…), a control
///   "rooms.alias_mixed_letters" letters of two alphabets mixed as no real name mixes them (Latin with Cyrillic
///                                or Greek: "Аmina" with a Cyrillic А)
///   "rooms.alias_reserved"      a name of the team or the service, in any of our languages and any look-alike
///                                spelling ("Moderator", "Modérateur", "Msimamizi", "Admin", "Delve", "Tangazo"…),
///                                as the whole alias or a word of it, or the announcement emoji 📢 📣 anywhere
std::optional<std::string> alias_spoof_problem(std::string_view alias);

/// The form aliases are compared in to find look-alikes: NFKC, case-folded and mapped to Unicode's confusable
/// prototypes (UTS #39 skeleton), so that "Amina", "Аmina" (Cyrillic А) and "Ａmina" (full-width) share one
/// skeleton, and so do capital I and small l; accents of Latin, Greek and Cyrillic letters and spaces are
/// dropped. Case variants of ASCII letters ("AMINA") are the same alias by alias_key already. Deterministic for a given
/// ICU version; a stored skeleton is recomputed whenever the alias is set.
std::string alias_skeleton(std::string_view alias);

}  // namespace delvex::community
