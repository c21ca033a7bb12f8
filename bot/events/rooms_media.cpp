// The rooms' photos, voice notes, videos, documents, stickers, places and contact cards: one member's copy of
// a post, the numbered offer after a catch-up (a tap sends the item), what a moderator sees of a held or
// reported post, and the author's yes before a contact card's numbers reach the room.
//
// Files always go by the member's inbound media id (core::MediaSource::by_inbound): the dispatcher downloads
// the file once, uploads it once and sends every copy with the uploaded id (docs/DELIVERY.md).

#include <spdlog/spdlog.h>

#include <algorithm>

#include "bot/core/redact.hpp"
#include "bot/core/window.hpp"
#include "bot/events/rooms_feature.hpp"
#include "bot/events/rooms_util.hpp"
#include "bot/rooms/protocol.hpp"

namespace delvex::events {

using rooms_detail::carries_media;
using rooms_detail::clip;
using rooms_detail::to;
using store::DeliveryMode;
using store::MembershipState;
using store::PostState;

void Rooms::send_copy(Context& ctx, const store::Post& post, const std::string& member_key, const std::string& lang,
                      const std::string& header, const std::string& logical, const std::string& head_logical,
                      const std::string& context_message_id) {
    core::OutgoingMessage out;
    out.to = delivery::recipient_of(member_key);
    out.context_message_id = context_message_id;
    if (post.kind == "text" || post.kind == "contacts") {
        out.body = core::OutgoingText{header + "\n" + post.body, false};
    } else if (post.kind == "location") {
        const auto* room = regions_.find(post.room);
        core::OutgoingLocation loc;
        loc.latitude = post.latitude.value_or(0);
        loc.longitude = post.longitude.value_or(0);
        loc.name = post.author_alias + " · " + (room != nullptr ? room->name(lang) : post.room);
        loc.address = post.body;
        out.body = loc;
    } else {
        const auto kind = core::media_kind_from(post.kind);
        core::OutgoingMedia media;
        media.kind = kind.value_or(core::MediaKind::kDocument);
        media.source = core::MediaSource::by_inbound(post.media_id);
        if (media.kind == core::MediaKind::kAudio || media.kind == core::MediaKind::kSticker) {
            // No caption on audio and stickers: say who it is from just before.
            core::OutgoingMessage head;
            head.to = out.to;
            head.context_message_id = out.context_message_id;
            head.body = core::OutgoingText{header + "\n" + text(lang, "rooms.kind_" + post.kind), false};
            ctx.outbox.send(head_logical, head);
            out.context_message_id.clear();
        } else {
            media.caption = clip(header + (post.body.empty() ? "" : "\n" + post.body), 1024);
            media.filename = post.filename;
        }
        out.body = media;
    }
    ctx.outbox.send(logical, out);
}

namespace {

/// "1️⃣ 🎤 Amina": the number of the item in the catch-up text, what it is, and who sent it.
std::string offer_title(std::size_t n, const std::string& label, const std::string& alias) {
    const std::string number = n == 10 ? std::string("🔟") : std::to_string(n) + "\xEF\xB8\x8F\xE2\x83\xA3";
    // The label's emoji ("🎤 voice message" → "🎤") keeps the title short; the alias says who.
    const auto space = label.find(' ');
    const std::string icon = space == std::string::npos ? label : label.substr(0, space);
    return number + " " + icon + " " + alias;
}

}  // namespace

void Rooms::send_offer(Context& ctx, const std::string& member_key, const std::string& lang,
                       const std::string& logical, const std::vector<store::Post>& items) {
    if (items.empty()) {
        return;
    }
    std::vector<std::pair<std::string, std::string>> choices;  // id, title
    std::vector<std::string> details;
    for (std::size_t i = 0; i < items.size() && i < 10; ++i) {
        const auto& p = items[i];
        choices.emplace_back(rooms::GetButton{p.id}.encode(),
                             offer_title(i + 1, text(lang, "rooms.kind_" + p.kind), p.author_alias));
        details.push_back(!p.filename.empty() ? p.filename : p.body);
    }
    core::OutgoingMessage out;
    out.to = delivery::recipient_of(member_key);
    if (choices.size() <= 3) {
        // Up to three: a button each, one tap.
        core::ReplyButtons b;
        b.body = text(lang, "rooms.offer_body");
        for (const auto& [id, title] : choices) {
            b.buttons.push_back({id, clip(title, 20)});
        }
        out.body = b;
    } else {
        core::ListMessage list;
        list.body = text(lang, "rooms.offer_body");
        list.button = clip(text(lang, "rooms.offer_button"), 20);
        core::ListSection section;
        for (std::size_t i = 0; i < choices.size(); ++i) {
            section.rows.push_back({choices[i].first, clip(choices[i].second, 24), clip(details[i], 72)});
        }
        list.sections.push_back(std::move(section));
        out.body = list;
    }
    ctx.outbox.send(logical, out);
}

void Rooms::get_item(Turn& t, std::int64_t post_id) {
    std::optional<store::Post> post = t.repo.post(post_id);
    // Only a relayed file or place of a room the member reads, and never their own.
    std::optional<store::Membership> membership;
    if (post) {
        membership = t.repo.membership(post->room, t.me.id);
    }
    if (!post || post->state != PostState::kRelayed || !carries_media(post->kind) || post->author_alias.empty() ||
        !membership ||
        (membership->state != MembershipState::kActive && membership->state != MembershipState::kSilenced)) {
        t.say("rooms.get_gone", text(t.lang(), "rooms.get_gone"));
        return;
    }
    const auto* room = regions_.find(post->room);
    const std::string header = text(t.lang(), "rooms.header",
                                    {{"alias", post->author_alias}, {"room", room != nullptr ? room->name(t.lang()) : post->room}});
    // Keyed by the tap: asking again later sends it again.
    send_copy(t.ctx, *post, t.me.key, t.lang(), header, t.key("rooms.get"), t.key("rooms.gethead"));
    log_->info("item sent on request room={} post={}", post->room, post->id);
}

void Rooms::confirm_contacts(Turn& t, const store::Post& post, const community::Room& room) {
    std::size_t numbers = 0;
    for (const auto& card : t.msg.contacts) {
        numbers += card.phones.size();
    }
    // Everyone who can read the room: live members now, digest members later. Muted members read nothing.
    const std::size_t readers = rooms::readers(t.repo.room_members(room.id, t.me.id));
    core::ReplyButtons b;
    b.body = clip(text(t.lang(), "rooms.contacts_confirm",
                       {{"numbers", std::to_string(numbers)},
                        {"count", std::to_string(readers)},
                        {"room", room.name(t.lang())}}) +
                      "\n\n" + post.body,
                  1024);
    b.buttons.push_back({rooms::ContactsButton{true, post.id}.encode(), clip(text(t.lang(), "rooms.contacts_yes"), 20)});
    b.buttons.push_back({rooms::ContactsButton{false, post.id}.encode(), clip(text(t.lang(), "rooms.contacts_no"), 20)});
    t.send("rooms.contacts", b);
}

void Rooms::answer_contacts(Turn& t, bool yes, std::int64_t post_id) {
    auto post = t.repo.post(post_id);
    if (!post || post->author_id != t.me.id || post->state != PostState::kPending) {
        return;  // someone else's card, or already answered (a second tap does nothing)
    }
    if (!yes) {
        t.repo.set_post_state(post->id, PostState::kRejected);
        t.say("rooms.contacts_kept", text(t.lang(), "rooms.contacts_kept"));
        return;
    }
    const auto* room = regions_.find(post->room);
    const auto state = rooms::confirm_contacts_state(room, t.repo.membership(post->room, t.me.id),
                                                     t.repo.count_shared_posts(t.me.id));
    if (!state) {
        t.repo.set_post_state(post->id, PostState::kRejected);
        t.say("rooms.no_room", text(t.lang(), "rooms.no_room"));
        return;
    }
    const bool hold = *state == PostState::kHeld;
    post->state = *state;
    post->author_alias = t.me.alias;
    t.repo.set_post_state(post->id, post->state);
    t.repo.count_post(t.me.id);
    publish(t, *post, *room, hold);
}

}  // namespace delvex::events
