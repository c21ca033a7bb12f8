#pragma once

// The rooms' onboarding gate, pure: language → room → alias → consent, one question at a time. Given the stage
// a member is at and their message, which step happens; the caller (bot/events/rooms_gate.cpp) does the writes
// that need the store (joining a room, taking an alias nobody has) and sends the questions.

#include <array>
#include <optional>
#include <string>
#include <string_view>

#include "bot/community/regions.hpp"
#include "bot/rooms/state.hpp"

namespace delvex::rooms {

/// The languages a member may choose, in their own words (and in English, for a typed choice).
struct Language {
    std::string_view code;
    std::string_view name;  // in itself
    std::string_view english;
};
inline constexpr std::array<Language, 5> kLanguages = {{
    {"en", "English", "english"},
    {"fr", "Français", "french"},
    {"es", "Español", "spanish"},
    {"pt", "Português", "portuguese"},
    {"sw", "Kiswahili", "swahili"},
}};

/// The language a tap ("rooms:lang:sw") or typed words ("Kiswahili", "swahili", "sw") name; nullopt for none.
std::optional<std::string> language_of(std::string_view reply_id, std::string_view typed);

/// The room typed words name: a number from the list as shown (1-based), the room's id, or its name in any
/// language (case, accents and spacing aside); nullptr for none.
const community::Room* find_room(const community::Regions& regions, std::string_view typed, std::string_view language);

/// The room a JOIN names before onboarding is done (the text of a room's wa.me link, "JOIN east-africa"): its
/// id or its name in any language, never a number (a newcomer has seen no list); nullptr for none.
const community::Room* room_named(const community::Regions& regions, std::string_view typed, std::string_view language);

/// Where onboarding goes once the room is known: the alias question, unless the member has an alias.
Stage after_room(bool has_alias);

struct OnboardingInput {
    Stage stage = Stage::kLanguage;
    std::string language = "en";    ///< the member's language so far (the guess, then their choice)
    std::string reply_id;           ///< a tapped id ("" when typed)
    std::string typed;              ///< the text, for a text message ("" otherwise)
    bool yes = false;               ///< the text is YES in the member's language (the caller's command table)
    bool no = false;
    bool join = false;              ///< the text is JOIN (any language's word) followed by `join_argument`
    std::string join_argument;
    bool has_room = false;          ///< a room is already set (members imported from the old groups)
    bool has_alias = false;
    bool asked_recently = false;    ///< a message went to them a moment ago: do not ask the same twice
};

struct OnboardingStep {
    enum class Action {
        kNothing,      ///< the question was just asked: stay quiet
        kAskLanguage,  ///< the language list, with the welcome text
        kSetLanguage,  ///< `language` chosen; go to `next`
        kAskRoom,
        kJoinRoom,     ///< `room` chosen; go to `next` once joined
        kPickRoom,     ///< `room` named by a JOIN before consent: it becomes the member's room (joined at
                       ///< consent, as for imported members); the question of `next` (the same stage) again
        kAskAlias,
        kTryAlias,     ///< `alias` (tidied); refused with `alias_problem` when set, else taken if free
        kAskConsent,
        kConsent,      ///< yes
        kDecline,      ///< no
    };
    Action action = Action::kNothing;
    std::string language;
    const community::Room* room = nullptr;
    std::string alias;
    std::optional<std::string> alias_problem;  ///< a catalog key
    Stage next = Stage::kLanguage;
};

OnboardingStep onboarding_step(const community::Regions& regions, const OnboardingInput& in);

}  // namespace delvex::rooms
