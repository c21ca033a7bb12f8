// The rooms' posts: a member's message becomes a post (the decider says whether: flood limit, held for a
// moderator, a contact card waiting for its author's yes), goes to the moderators or to the room (live
// members in their window get a copy now, the others through digest or catch-up), collects reactions, and
// follows its author's edits and deletions in WhatsApp. A held post is handed to moderation (set_on_held);
// a post a moderator approved comes back through relay_post.

#include <spdlog/spdlog.h>

#include "bot/core/message_ref.hpp"
#include "bot/core/window.hpp"
#include "bot/events/rooms_feature.hpp"
#include "bot/events/rooms_util.hpp"
#include "bot/rooms/protocol.hpp"
#include "bot/store/media_repository.hpp"

namespace delvex::events {
namespace {

using rooms_detail::clip;
using rooms_detail::to;
using store::MembershipState;
using store::PostState;

}  // namespace

void Rooms::post(Turn& t) {
    auto& repo = t.repo;
    const auto& msg = t.msg;
    store::Post post;
    // A reply to a relayed post goes to that post's room (if the member is still in it).
    if (msg.context) {
        if (auto quoted = repo.post_by_wamid(msg.context->id)) {
            const auto m = repo.membership(quoted->room, t.me.id);
            if (m && (m->state == MembershipState::kActive || m->state == MembershipState::kSilenced)) {
                post.room = quoted->room;
                post.reply_to = quoted->id;
            }
        }
    }
    if (post.room.empty()) {
        post.room = t.me.current_room;
    }
    const auto now = t.ctx.now_ms;
    rooms::PostInput in;
    in.author = &t.me;
    in.room = regions_.find(post.room);
    in.type = msg.type;
    in.now_ms = now;
    if (in.room != nullptr) {
        in.membership = repo.membership(in.room->id, t.me.id);
        in.shared_posts = in.room->hold_first_posts > 0 ? repo.count_shared_posts(t.me.id) : 0;
    }
    const auto decision = rooms::decide_post(in, limits());
    if (decision.write_flood) {
        repo.set_flood(t.me.id, decision.flood.start_ms, decision.flood.count);
    }
    if (decision.answer) {
        t.say(decision.answer->key, text(t.lang(), decision.answer->key, decision.answer->vars));
    }
    if (!decision.store) {
        return;
    }
    const community::Room* room = in.room;
    const char* kind = rooms::post_kind(msg.type);
    post.author_id = t.me.id;
    post.wamid = msg.id;
    post.kind = kind;
    post.created_ms = now;
    if (msg.type == core::MessageType::kText) {
        post.body = msg.text;
    } else if (msg.type == core::MessageType::kLocation && msg.location) {
        post.latitude = msg.location->latitude;
        post.longitude = msg.location->longitude;
        post.body = msg.location->name;
        if (!msg.location->address.empty()) {
            post.body += (post.body.empty() ? "" : ", ") + msg.location->address;
        }
    } else if (msg.type == core::MessageType::kContacts) {
        // The cards as the room will read them: "👤 Name: +254 7…". They wait for the author's yes.
        for (const auto& card : msg.contacts) {
            std::string numbers;
            for (const auto& phone : card.phones) {
                numbers += (numbers.empty() ? "" : ", ") + phone;
            }
            post.body += std::string(post.body.empty() ? "" : "\n") + "👤 " + card.formatted_name +
                         (numbers.empty() ? "" : ": " + numbers);
        }
    } else if (msg.media) {
        post.media_id = msg.media->id;
        post.mime_type = msg.media->mime_type;
        post.filename = msg.media->filename;
        post.body = msg.media->caption;
        post.voice = msg.media->voice;
    }
    const bool hold = decision.state == PostState::kHeld;
    const bool pending = decision.state == PostState::kPending;
    post.state = decision.state;
    const auto id = repo.add_post(post);
    if (!id) {
        return;  // this message was already posted (a webhook delivered twice)
    }
    post.id = *id;
    if (msg.media) {
        store::note_member_media(t.ctx.db, post.media_id, t.me.id, t.lang(), post.kind, msg.media->sha256,
                                 post.mime_type, now);
    }
    post.author_alias = t.me.alias;
    if (pending) {
        confirm_contacts(t, post, *room);
        return;
    }
    repo.count_post(t.me.id);
    publish(t, post, *room, hold);
}

void Rooms::publish(Turn& t, const store::Post& post, const community::Room& room_ref, bool hold) {
    auto& repo = t.repo;
    const community::Room* room = &room_ref;
    if (hold) {
        if (on_held_) {
            on_held_(t.ctx, post.id);  // the room's moderators are asked (bot/events/moderation_feature)
        }
        t.say("rooms.held", text(t.lang(), "rooms.held", {{"room", room->name(t.lang())}}));
        return;
    }
    relay(t.ctx, repo, post);
}

void Rooms::relay(Context& ctx, store::CommunityRepository& repo, const store::Post& post) {
    const community::Room* room = regions_.find(post.room);
    if (room == nullptr) {
        return;
    }
    std::optional<store::Post> quoted;
    if (post.reply_to) {
        quoted = repo.post(*post.reply_to);
    }
    const std::string logical = rooms::RelayKey{post.id, false}.encode();
    const std::string head_logical = rooms::RelayKey{post.id, true}.encode();
    const auto members = repo.room_members(room->id, post.author_id);
    const auto copies = rooms::plan_relay(catalog_, *room, post, quoted, members, ctx.now_ms);
    for (const auto& copy : copies) {
        const auto& m = members[copy.member];
        std::string context;
        if (copy.quote == rooms::Copy::Quote::kOwn) {
            context = quoted->wamid;
        } else if (copy.quote == rooms::Copy::Quote::kCopy) {
            context = repo.copy_wamid(quoted->id, m.key);
        }
        send_copy(ctx, post, m.key, m.language, copy.header, logical, head_logical, context);
        repo.set_seen(room->id, m.id, post.id);
    }
    const std::size_t live = copies.size();
    plan_digest(ctx, room->id);
    log_->info("post relayed room={} post={} live={} members={}", room->id, post.id, live, members.size());
}

void Rooms::relay_post(Context& ctx, std::int64_t post_id) {
    auto& repo = repository(ctx);
    if (const auto post = repo.post(post_id)) {
        relay(ctx, repo, *post);
    }
}

void Rooms::react(Turn& t) {
    // Each member has one reaction per post (a new emoji replaces theirs, an empty one takes it back). They are
    // counted for digests and catch-up ("👍 3"); nobody gets a message per reaction. The author's own message
    // carries the bot's one reaction (WhatsApp keeps one per sender): the most given emoji, changed only when
    // that changes, and only inside the author's window (a reaction is not worth a paid template).
    // Only a member who is in the post's room now counts (security review L-2): a banned, removed or departed
    // member's reaction is dropped without an answer (they were told when they left or were put out, and an
    // answer per reaction would turn a flood into as many messages). A flood of reactions is cut per member.
    auto& st = room_store(t.ctx);
    const auto target = st.post_by_wamid(t.msg.reaction_message_id);
    const auto reactor = target ? st.membership(target->room, t.me.id) : std::nullopt;
    if (!rooms::reaction_counts(target, t.me.id, reactor)) {
        return;
    }
    if (!within_limit(t, "react", settings_.react_limit, settings_.react_window_ms, "rooms.react_flood")) {
        return;
    }
    st.set_reaction(target->id, t.me.id, t.msg.reaction_emoji, t.ctx.now_ms);
    const auto shown = rooms::author_reaction(st.shown_reaction(target->id), st.reactions(target->id));
    if (!shown) {
        return;
    }
    const auto author = t.repo.profile(target->author_id);
    if (!author || author->stopped || author->forgotten || !core::window_open(author->last_inbound, t.ctx.now_ms)) {
        return;
    }
    core::OutgoingReaction r{target->wamid, *shown};
    if (t.ctx.outbox.send("rooms.react:" + core::message_ref(t.msg.id), to(author->key, r))) {
        st.set_shown_reaction(target->id, *shown);
    }
}

void Rooms::change(Turn& t) {
    auto& st = room_store(t.ctx);
    const auto target = st.post_by_wamid(t.msg.original_message_id);
    const auto c = rooms::decide_change(target, t.me.id, t.msg);
    switch (c.kind) {
        case rooms::Change::Kind::kNone:
            return;
        case rooms::Change::Kind::kRevoke: {
            // Out of digests, catch-up and the moderators' queue; copies still queued are withdrawn. Copies
            // already delivered stay on members' phones: the Cloud API cannot delete a sent message.
            const int withdrawn = st.revoke_post(target->id);
            log_->info("post deleted by its author room={} post={} withdrawn={}", target->room, target->id, withdrawn);
            return;
        }
        case rooms::Change::Kind::kEdit:
            // Digests and catch-up show the new words, marked "(edited)"; a held post is judged (and relayed) as
            // it reads now. No follow-up to members who already got it: one message per member per edit costs
            // their data for a typo.
            st.edit_post(target->id, c.body);
            log_->info("post edited by its author room={} post={}", target->room, target->id);
            return;
    }
}

}  // namespace delvex::events
