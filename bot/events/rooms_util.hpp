#pragma once

// Small helpers shared by the rooms' source files (rooms_feature, rooms_gate, rooms_posts, rooms_digest,
// rooms_media), and the turn: everything
// about the message being handled.

#include <array>
#include <cstddef>
#include <string>
#include <string_view>

#include "bot/core/message_ref.hpp"
#include "bot/core/outgoing.hpp"
#include "bot/delivery/codec.hpp"
#include "bot/events/rooms_feature.hpp"
#include "bot/rooms/onboarding.hpp"
#include "bot/core/text.hpp"

namespace delvex::events::rooms_detail {

/// At most `n` code points of `s` (list titles ≤ 24, descriptions ≤ 72, button titles ≤ 20).
using core::clip;

/// The languages a member may choose (bot/rooms/onboarding.hpp).
using rooms::kLanguages;
using rooms::Language;

inline core::OutgoingMessage to(const std::string& member_key, core::OutgoingBody body) {
    core::OutgoingMessage m;
    m.to = delivery::recipient_of(member_key);
    m.body = std::move(body);
    return m;
}

/// Whether a post of this kind carries a file or a place that can be sent again on request.
inline bool carries_media(std::string_view kind) {
    return kind == "image" || kind == "audio" || kind == "video" || kind == "document" || kind == "sticker" ||
           kind == "location";
}

}  // namespace delvex::events::rooms_detail

namespace delvex::events {

/// Everything about the message being handled.
struct Rooms::Turn {
    Context& ctx;
    store::CommunityRepository& repo;
    const store::MemberRow& row;
    store::Profile me;
    const core::InboundMessage& msg;

    const std::string& lang() const { return me.language; }
    /// A logical key unique to this inbound message (a redelivered webhook queues nothing twice).
    std::string key(std::string_view what) const { return std::string(what) + ":" + core::message_ref(msg.id); }
    void say(std::string_view what, std::string body) { ctx.outbox.text(key(what), me.key, std::move(body)); }
    bool send(std::string_view what, core::OutgoingBody body, std::string purpose = {}) {
        return ctx.outbox.send(key(what), rooms_detail::to(me.key, std::move(body)), std::move(purpose));
    }
};

}  // namespace delvex::events
