#pragma once

// One conversation, one context: a member's text that could be a room post or an answer to a prompt that is
// waiting is not guessed at. It is kept in SQLite (chat_held) and the member gets one question with two
// buttons; nothing reaches the room until they tap "Send to the room". The rooms feature handles that tap
// (and "Menu"), the Academy the "Answer the lesson" one.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "bot/events/feature.hpp"
#include "bot/store/held_repository.hpp"

namespace delvex::events {

/// Reply ids of the question; the kept text's id follows.
inline constexpr std::string_view kHeldPostPrefix = "rooms:held:post:";
inline constexpr std::string_view kHeldMenuPrefix = "rooms:held:menu:";
inline constexpr std::string_view kHeldAnswerPrefix = "academy:held:";

/// Keeps `message` (a text) and asks the member where it goes. With `lesson` the Academy waits for an answer:
/// the buttons are "Send to the room" and "Answer the lesson"; otherwise nothing waits and the text looks like
/// an answer (a bare number, a yes): "Send to the room" and "Menu".
void hold_and_ask(Context& ctx, const store::MemberRow& member, const core::InboundMessage& message, bool lesson);

/// The kept text a reply id names (the part after its prefix), removed; nullopt when it was already chosen or
/// is not this member's.
std::optional<store::HeldText> take_held(Context& ctx, const store::MemberRow& member, std::string_view id_tail);

/// A kept text as the member's own text message again (its id and its quote), for the feature it goes to.
core::InboundMessage held_message(const store::HeldText& held, const core::InboundMessage& tap);

/// Whether a text from a member with no prompt waiting still looks like an answer to one: a bare number,
/// one letter, or a yes/no word of any language (`yes_no` tells from the rooms' command table).
bool looks_like_answer(std::string_view text, bool yes_no);

/// Owns the kept texts for "my data" and "forget me"; handles no message.
class ChatHold final : public Feature {
public:
    std::string_view name() const override { return "chat"; }
    void forget(Context& ctx, const store::MemberRow& member) override;
    void describe(Context& ctx, const store::MemberRow& member, std::vector<std::string>& lines) override;
};

}  // namespace delvex::events
