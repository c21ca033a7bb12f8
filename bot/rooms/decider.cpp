#include "bot/rooms/decider.hpp"

#include <date/date.h>
#include <date/tz.h>

#include <algorithm>
#include <chrono>
#include <stdexcept>

#include "bot/core/window.hpp"

namespace delvex::rooms {
namespace {

bool reads(MembershipState s) {
    return s == MembershipState::kActive || s == MembershipState::kSilenced;
}

bool carries_media(std::string_view kind) {
    return kind == "image" || kind == "audio" || kind == "video" || kind == "document" || kind == "sticker" ||
           kind == "location";
}

/// The number a file or place has in a catch-up ("1️⃣" … "🔟"): a member taps the button with the same number.
std::string keycap(std::size_t n) {
    return n == 10 ? std::string("🔟") : std::to_string(n) + "\xEF\xB8\x8F\xE2\x83\xA3";
}

}  // namespace

Flood count_flood(const Profile& author, std::int64_t now_ms, const Limits& limits) {
    Flood f;
    if (now_ms - author.flood_start_ms < limits.flood_window_ms) {
        f.start_ms = author.flood_start_ms;
        f.count = author.flood_count + 1;
        f.refused = author.flood_count >= limits.flood_posts;
        f.warn = author.flood_count == limits.flood_posts;
    } else {
        f.start_ms = now_ms;
        f.count = 1;
    }
    return f;
}

bool holds(MembershipState state, int hold_first_posts, std::int64_t shared_posts) {
    return state == MembershipState::kSilenced || (hold_first_posts > 0 && shared_posts < hold_first_posts);
}

const char* post_kind(core::MessageType type) {
    switch (type) {
        case core::MessageType::kText:
            return "text";
        case core::MessageType::kImage:
            return "image";
        case core::MessageType::kAudio:
            return "audio";
        case core::MessageType::kVideo:
            return "video";
        case core::MessageType::kDocument:
            return "document";
        case core::MessageType::kSticker:
            return "sticker";
        case core::MessageType::kLocation:
            return "location";
        case core::MessageType::kContacts:
            return "contacts";
        default:
            return nullptr;
    }
}

PostDecision decide_post(const PostInput& in, const Limits& limits) {
    PostDecision d;
    const char* kind = post_kind(in.type);
    if (kind == nullptr) {
        d.answer = Say{"rooms.unsupported", {}};
        return d;
    }
    if (in.room == nullptr || !in.membership || in.membership->state == MembershipState::kLeft) {
        d.answer = Say{"rooms.no_room", {}};
        return d;
    }
    if (in.membership->state == MembershipState::kRemoved || in.membership->state == MembershipState::kBanned) {
        d.answer = Say{"rooms.cannot_post", {{"room", in.room->name(in.author->language)}}};
        return d;
    }
    d.write_flood = true;
    d.flood = count_flood(*in.author, in.now_ms, limits);
    if (d.flood.refused) {
        if (d.flood.warn) {
            d.answer = Say{"rooms.flood",
                           {{"count", std::to_string(limits.flood_posts)},
                            {"minutes", std::to_string(limits.flood_window_ms / 60000)}}};
        }
        return d;
    }
    d.store = true;
    d.state = std::string_view(kind) == "contacts" ? PostState::kPending
              : holds(in.membership->state, in.room->hold_first_posts, in.shared_posts) ? PostState::kHeld
                                                                                       : PostState::kRelayed;
    return d;
}

std::optional<PostState> confirm_contacts_state(const community::Room* room, const std::optional<Membership>& m,
                                                std::int64_t shared_posts) {
    if (room == nullptr || !m || !reads(m->state)) {
        return std::nullopt;
    }
    return holds(m->state, room->hold_first_posts, shared_posts) ? PostState::kHeld : PostState::kRelayed;
}

std::size_t readers(const std::vector<RoomMember>& members) {
    return static_cast<std::size_t>(std::count_if(members.begin(), members.end(),
                                                  [](const RoomMember& m) { return m.mode != DeliveryMode::kMuted; }));
}

Delivery delivery_of(const RoomMember& member, std::int64_t now_ms) {
    if (member.mode == DeliveryMode::kMuted) {
        return Delivery::kNever;
    }
    return member.mode == DeliveryMode::kLive && core::window_open(member.last_inbound, now_ms) ? Delivery::kNow
                                                                                               : Delivery::kLater;
}

std::vector<Copy> plan_relay(const core::Catalog& catalog, const community::Room& room, const Post& post,
                             const std::optional<Post>& quoted, const std::vector<RoomMember>& members,
                             std::int64_t now_ms) {
    std::vector<Copy> out;
    for (std::size_t i = 0; i < members.size(); ++i) {
        const auto& m = members[i];
        if (m.id == post.author_id || delivery_of(m, now_ms) != Delivery::kNow) {
            continue;
        }
        Copy c;
        c.member = i;
        const auto& lang = m.language;
        if (quoted) {
            const std::string to_alias =
                quoted->author_alias.empty() ? catalog.text(lang, "rooms.deleted") : quoted->author_alias;
            c.header = catalog.text(lang, "rooms.reply_header",
                                    {{"alias", post.author_alias}, {"room", room.name(lang)}, {"to", to_alias}});
            c.quote = m.id == quoted->author_id ? Copy::Quote::kOwn : Copy::Quote::kCopy;
        } else {
            c.header = catalog.text(lang, "rooms.header", {{"alias", post.author_alias}, {"room", room.name(lang)}});
        }
        out.push_back(std::move(c));
    }
    return out;
}

Missed missed_lines(const core::Catalog& catalog, const std::string& lang, const std::vector<Post>& posts,
                    std::int64_t total, std::size_t max_chars) {
    Missed out;
    for (const auto& p : posts) {
        std::string body = p.body;
        std::string number;
        if (p.state == PostState::kDeleted) {
            body = catalog.text(lang, "rooms.deleted");
        } else if (p.kind != "text" && p.kind != "contacts") {  // a card's text starts with its own 👤
            const std::string label = catalog.text(lang, "rooms.kind_" + p.kind);
            body = body.empty() ? label : label + ": " + body;
            if (carries_media(p.kind) && out.offered.size() < 10) {
                number = keycap(out.offered.size() + 1) + " ";
            }
        }
        if (p.edited && p.state != PostState::kDeleted) {
            body += " " + catalog.text(lang, "rooms.edited");
        }
        const std::string reactions = reaction_summary(p.reactions);
        if (!reactions.empty()) {
            body += "  " + reactions;
        }
        const std::string alias = p.author_alias.empty() ? catalog.text(lang, "rooms.deleted") : p.author_alias;
        std::string line = number + "*" + alias + "*: " + body + "\n";
        if (out.text.size() + line.size() > max_chars) {
            break;
        }
        out.text += line;
        if (!number.empty()) {
            out.offered.push_back(p);
        }
        ++out.shown;
    }
    if (out.shown < total) {
        out.text += catalog.text(lang, "rooms.more", {{"count", std::to_string(total - out.shown)}});
    }
    return out;
}

namespace {

const date::time_zone* find_zone(std::string_view name) {
    if (name.empty()) {
        return nullptr;
    }
    try {
        return date::locate_zone(name);
    } catch (const std::runtime_error&) {
        return nullptr;  // a zone name the tz database does not know (an old or hand-edited row)
    }
}

}  // namespace

DigestTime digest_time(std::string_view own_zone, std::string_view room_zone, int digest_hour, std::int64_t now_ms) {
    using namespace std::chrono;
    DigestTime out;
    const date::time_zone* tz = find_zone(own_zone);
    out.zone = std::string(tz != nullptr ? own_zone : room_zone);
    if (tz == nullptr) {
        tz = find_zone(room_zone);
    }
    if (tz == nullptr) {
        return out;
    }
    const auto local = tz->to_local(date::sys_time<milliseconds>{milliseconds{now_ms}});
    const auto day = date::floor<date::days>(local);
    out.day = date::format("%F", day);
    const auto hour = duration_cast<hours>(local - date::local_time<milliseconds>{day}).count();
    out.due = hour == digest_hour;
    return out;
}

std::int64_t next_digest_ms(const std::vector<std::string>& zones, int digest_hour, std::int64_t now_ms) {
    using namespace std::chrono;
    std::int64_t best = 0;
    for (const auto& name : zones) {
        const date::time_zone* tz = find_zone(name);
        if (tz == nullptr) {
            continue;
        }
        const auto local = tz->to_local(date::sys_time<milliseconds>{milliseconds{now_ms}});
        auto day = date::floor<date::days>(local);
        auto target = date::local_time<milliseconds>{day} + hours{digest_hour};
        if (target <= local) {
            day += date::days{1};
            target = date::local_time<milliseconds>{day} + hours{digest_hour};
        }
        const std::int64_t at = tz->to_sys(target, date::choose::earliest).time_since_epoch().count();
        if (best == 0 || at < best) {
            best = at;
        }
    }
    return best;
}

DigestAction digest_action(const RoomMember& member, std::string_view day, std::int64_t unseen, std::int64_t now_ms) {
    if (member.mode == DeliveryMode::kMuted || member.digest_day == day || unseen <= 0) {
        return DigestAction::kSkip;
    }
    return core::window_open(member.last_inbound, now_ms) ? DigestAction::kText : DigestAction::kTemplate;
}

std::string top_reaction(const std::vector<ReactionCount>& counts) {
    const ReactionCount* best = nullptr;
    for (const auto& c : counts) {
        if (c.count > 0 && !c.emoji.empty() && (best == nullptr || c.count > best->count)) {
            best = &c;
        }
    }
    return best != nullptr ? best->emoji : std::string();
}

std::string reaction_summary(const std::vector<ReactionCount>& counts, std::size_t max) {
    std::vector<const ReactionCount*> sorted;
    for (const auto& c : counts) {
        if (c.count > 0 && !c.emoji.empty()) {
            sorted.push_back(&c);
        }
    }
    std::stable_sort(sorted.begin(), sorted.end(),
                     [](const ReactionCount* a, const ReactionCount* b) { return a->count > b->count; });
    std::string out;
    for (std::size_t i = 0; i < sorted.size() && i < max; ++i) {
        out += (out.empty() ? "" : " · ") + sorted[i]->emoji + " " + std::to_string(sorted[i]->count);
    }
    return out;
}

bool in_room(const std::optional<Membership>& membership) {
    return membership && (membership->state == MembershipState::kActive || membership->state == MembershipState::kSilenced);
}

bool reaction_counts(const std::optional<Post>& target, std::int64_t reactor_id,
                     const std::optional<Membership>& reactor) {
    return target && target->author_id != reactor_id && target->state == PostState::kRelayed &&
           in_room(reactor) && reactor->room == target->room;
}

std::optional<std::string> author_reaction(const std::string& shown, const std::vector<ReactionCount>& counts) {
    const std::string top = top_reaction(counts);
    if (top == shown) {
        return std::nullopt;
    }
    // A tie keeps what is shown: the author's phone is not buzzed for a reaction that is no more given.
    const auto it = std::find_if(counts.begin(), counts.end(), [&](const ReactionCount& c) { return c.emoji == shown; });
    const auto best = std::find_if(counts.begin(), counts.end(), [&](const ReactionCount& c) { return c.emoji == top; });
    if (!shown.empty() && it != counts.end() && best != counts.end() && it->count == best->count) {
        return std::nullopt;
    }
    return top;
}

Change decide_change(const std::optional<Post>& target, std::int64_t member_id, const core::InboundMessage& message) {
    Change c;
    if (!target || target->author_id != member_id || target->wamid != message.original_message_id ||
        message.original_message_id.empty()) {
        return c;
    }
    // A post held after reports is still its author's (the room saw it; moderators have yet to decide); one a
    // moderator took down, or already deleted, is not followed any more.
    const bool live = target->state == PostState::kRelayed || target->state == PostState::kHeld ||
                      target->state == PostState::kPending || target->state == PostState::kHeldForReports;
    if (!live) {
        return c;
    }
    if (message.type == core::MessageType::kRevoke) {
        c.kind = Change::Kind::kRevoke;
        return c;
    }
    if (message.type != core::MessageType::kEdit) {
        return c;
    }
    if (target->kind == "text" && !message.text.empty()) {
        c.kind = Change::Kind::kEdit;
        c.body = message.text;
    } else if (carries_media(target->kind) && target->kind != "location" && message.media) {
        c.kind = Change::Kind::kEdit;
        c.body = message.media->caption;
    }
    if (c.kind == Change::Kind::kEdit && c.body == target->body) {
        c.kind = Change::Kind::kNone;  // nothing changed in what the room reads
    }
    return c;
}

}  // namespace delvex::rooms
