#include "bot/rooms/onboarding.hpp"

#include <algorithm>

#include "bot/community/alias.hpp"
#include "bot/community/commands.hpp"
#include "bot/rooms/protocol.hpp"

namespace delvex::rooms {

std::optional<std::string> language_of(std::string_view reply_id, std::string_view typed) {
    std::string chosen;
    if (const auto button = LanguageButton::parse(reply_id)) {
        chosen = button->code;
    } else if (!typed.empty()) {
        const auto folded = community::fold(typed);
        for (const auto& l : kLanguages) {
            if (folded == l.code || folded == community::fold(l.name) || folded == l.english) {
                chosen = l.code;
            }
        }
    }
    const bool known =
        std::any_of(kLanguages.begin(), kLanguages.end(), [&](const Language& l) { return l.code == chosen; });
    return known ? std::optional<std::string>(chosen) : std::nullopt;
}

namespace {

// fold(), with runs of spaces inside made one ("west   africa" names West Africa).
std::string fold_spaced(std::string_view typed) {
    std::string out;
    for (const char c : community::fold(typed)) {
        const bool space = c == ' ' || c == '\t' || c == '\n' || c == '\r';
        if (space && (out.empty() || out.back() == ' ')) {
            continue;
        }
        out += space ? ' ' : c;
    }
    return out;
}

}  // namespace

const community::Room* find_room(const community::Regions& regions, std::string_view typed, std::string_view language) {
    const auto folded = fold_spaced(typed);
    if (folded.empty()) {
        return nullptr;
    }
    if (std::all_of(folded.begin(), folded.end(), [](char c) { return c >= '0' && c <= '9'; }) && folded.size() < 3) {
        const auto n = static_cast<std::size_t>(std::stoi(folded));
        return n >= 1 && n <= regions.rooms().size() ? &regions.rooms()[n - 1] : nullptr;
    }
    for (const auto& room : regions.rooms()) {
        if (folded == room.id || folded == community::fold(room.name(language))) {
            return &room;
        }
        for (const auto& [lang, name] : room.names) {
            if (folded == community::fold(name)) {
                return &room;
            }
        }
    }
    return nullptr;
}

const community::Room* room_named(const community::Regions& regions, std::string_view typed, std::string_view language) {
    const auto folded = community::fold(typed);
    if (std::all_of(folded.begin(), folded.end(), [](char c) { return c >= '0' && c <= '9'; })) {
        return nullptr;
    }
    return find_room(regions, typed, language);
}

Stage after_room(bool has_alias) {
    return has_alias ? Stage::kConsent : Stage::kAlias;
}

OnboardingStep onboarding_step(const community::Regions& regions, const OnboardingInput& in) {
    using Action = OnboardingStep::Action;
    OnboardingStep s;
    // A message that does not answer gets the question again, unless it was just asked ("Hello" "I am Juma"
    // "from Geita" get one answer, not three).
    const auto ask = [&](Action action) { s.action = in.asked_recently ? Action::kNothing : action; };
    // A room's link ("JOIN east-africa", the first message of a newcomer who scanned its QR code) chooses the
    // room at any stage: the room question is then never asked, and an alias is never read from it.
    if (in.join && in.stage != Stage::kActive) {
        // At the room question the list's numbers count too ("JOIN 2").
        const auto* room = in.stage == Stage::kRoom ? find_room(regions, in.join_argument, in.language)
                                                    : room_named(regions, in.join_argument, in.language);
        if (room != nullptr) {
            s.room = room;
            if (in.stage == Stage::kRoom) {
                s.action = Action::kJoinRoom;
                s.next = after_room(in.has_alias);
            } else {
                s.action = Action::kPickRoom;
                s.next = in.stage;
            }
            return s;
        }
    }
    switch (in.stage) {
        case Stage::kLanguage:
            if (const auto chosen = language_of(in.reply_id, in.typed)) {
                s.action = Action::kSetLanguage;
                s.language = *chosen;
                s.next = in.has_room ? after_room(in.has_alias) : Stage::kRoom;
            } else {
                ask(Action::kAskLanguage);
            }
            return s;
        case Stage::kRoom:
            if (const auto button = RoomButton::parse(in.reply_id)) {
                s.room = regions.find(button->room);
            } else if (!in.typed.empty()) {
                s.room = find_room(regions, in.typed, in.language);
            }
            if (s.room != nullptr) {
                s.action = Action::kJoinRoom;
                s.next = after_room(in.has_alias);
            } else {
                ask(Action::kAskRoom);
            }
            return s;
        case Stage::kAlias:
            if (in.typed.empty()) {
                s.action = Action::kAskAlias;
                return s;
            }
            s.action = Action::kTryAlias;
            s.alias = community::tidy_alias(in.typed);
            s.alias_problem = community::alias_problem(s.alias);
            s.next = Stage::kConsent;
            return s;
        case Stage::kConsent: {
            const auto button = ConsentButton::parse(in.reply_id);
            if ((button && button->yes) || in.yes) {
                s.action = Action::kConsent;
                s.next = Stage::kActive;
            } else if ((button && !button->yes) || in.no) {
                s.action = Action::kDecline;
            } else {
                ask(Action::kAskConsent);
            }
            return s;
        }
        case Stage::kActive:
            return s;
    }
    return s;
}

}  // namespace delvex::rooms
