#include "bot/events/chat_hold.hpp"

#include <charconv>

#include "bot/community/commands.hpp"
#include "bot/core/message_ref.hpp"
#include "bot/delivery/codec.hpp"

namespace delvex::events {
namespace {

/// At most `n` code points of `s`.
std::string first_chars(std::string_view s, std::size_t n) {
    std::size_t count = 0;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) {
            if (count == n) {
                return std::string(s.substr(0, i)) + "…";
            }
            ++count;
        }
    }
    return std::string(s);
}

std::string lang_of(const store::MemberRow& member) {
    return member.language.empty() ? std::string("en") : member.language;
}

}  // namespace

void hold_and_ask(Context& ctx, const store::MemberRow& member, const core::InboundMessage& message, bool lesson) {
    store::HeldText held;
    held.member_id = member.id;
    held.wamid = message.id;
    held.body = message.text;
    held.context_wamid = message.context ? message.context->id : std::string();
    held.created_ms = ctx.now_ms;
    const auto id = store::HeldRepository(ctx.db).hold(held);
    if (!id) {
        return;  // a webhook delivered twice: the question went the first time
    }
    const std::string lang = lang_of(member);
    const std::string tail = std::to_string(*id);
    core::ReplyButtons b;
    b.body = ctx.catalog.text(lang, lesson ? "chat.ask_lesson" : "chat.ask_room",
                              {{"text", first_chars(message.text, 300)}});
    b.buttons.push_back({std::string(kHeldPostPrefix) + tail, first_chars(ctx.catalog.text(lang, "chat.to_room"), 20)});
    if (lesson) {
        b.buttons.push_back(
            {std::string(kHeldAnswerPrefix) + tail, first_chars(ctx.catalog.text(lang, "chat.to_lesson"), 20)});
    } else {
        b.buttons.push_back({std::string(kHeldMenuPrefix) + tail, first_chars(ctx.catalog.text(lang, "chat.menu"), 20)});
    }
    core::OutgoingMessage out;
    out.to = delivery::recipient_of(member.member_key);
    out.body = std::move(b);
    ctx.outbox.send("chat.ask:" + core::message_ref(message.id), out);
}

std::optional<store::HeldText> take_held(Context& ctx, const store::MemberRow& member, std::string_view id_tail) {
    std::int64_t id = 0;
    const auto* end = id_tail.data() + id_tail.size();
    const auto [ptr, ec] = std::from_chars(id_tail.data(), end, id);
    if (ec != std::errc() || ptr != end || id <= 0) {
        return std::nullopt;
    }
    return store::HeldRepository(ctx.db).take(id, member.id);
}

core::InboundMessage held_message(const store::HeldText& held, const core::InboundMessage& tap) {
    core::InboundMessage m;
    m.id = held.wamid;
    m.sender = tap.sender;
    m.timestamp = tap.timestamp;
    m.type = core::MessageType::kText;
    m.type_name = "text";
    m.text = held.body;
    if (!held.context_wamid.empty()) {
        m.context = core::ReplyContext{{}, held.context_wamid, false, false};
    }
    return m;
}

bool looks_like_answer(std::string_view text, bool yes_no) {
    if (yes_no) {
        return true;
    }
    const std::string folded = community::fold(text);
    if (folded.empty()) {
        return false;
    }
    const bool digits = folded.size() <= 3 && folded.find_first_not_of("0123456789") == std::string::npos;
    const bool letter = folded.size() == 1 && folded[0] >= 'a' && folded[0] <= 'z';
    return digits || letter;
}

void ChatHold::forget(Context& ctx, const store::MemberRow& member) {
    store::HeldRepository(ctx.db).forget(member.id);
}

void ChatHold::describe(Context& ctx, const store::MemberRow& member, std::vector<std::string>& lines) {
    const auto n = store::HeldRepository(ctx.db).count(member.id);
    if (n > 0) {
        lines.push_back(ctx.catalog.text(lang_of(member), "chat.describe", {{"count", std::to_string(n)}}));
    }
}

}  // namespace delvex::events
