// The rooms' digests and catch-up: what a member missed, as one text ("*Alias*: words", newest first, edits
// marked, reactions counted), with a button per file or place in it. A member who comes back gets it at once
// (the gate calls catch_up); the daily digest job sends it to members in their window and one short template
// to the others (their reply brings the text). The text itself is the decider's (rooms::missed_lines).

#include <spdlog/spdlog.h>

#include <algorithm>
#include <string_view>
#include <vector>

#include "bot/events/rooms_feature.hpp"
#include "bot/events/rooms_util.hpp"
#include "bot/rooms/protocol.hpp"

namespace delvex::events {
namespace {

using store::DeliveryMode;
using store::MembershipState;

constexpr std::int64_t kDay = 24LL * 3600 * 1000;

}  // namespace

void Rooms::catch_up(Turn& t) {
    if (t.me.mode == DeliveryMode::kMuted) {
        return;
    }
    auto& st = room_store(t.ctx);
    const bool owed = t.me.digest_owed;
    for (const auto& m : t.repo.memberships(t.me.id)) {
        if (m.state != MembershipState::kActive && m.state != MembershipState::kSilenced) {
            continue;
        }
        if (t.me.mode == DeliveryMode::kDigest && !owed) {
            continue;
        }
        const auto total = st.count_after(m.room, m.seen_post, t.me.id);
        if (total == 0) {
            continue;
        }
        const community::Room* room = regions_.find(m.room);
        if (room == nullptr) {
            continue;
        }
        const auto posts = st.posts_after(m.room, m.seen_post, t.me.id, 50);
        if (posts.empty()) {
            continue;
        }
        const std::string head = text(t.lang(), "rooms.catchup",
                                      {{"count", std::to_string(total)}, {"room", room->name(t.lang())}});
        const auto missed = rooms::missed_lines(catalog_, t.lang(), posts, total, settings_.max_text);
        const std::string newest = std::to_string(posts.front().id);
        t.ctx.outbox.text("rooms.catchup:" + m.room + ":" + newest, t.me.key, head + "\n\n" + missed.text);
        send_offer(t.ctx, t.me.key, t.lang(), "rooms.offer:" + m.room + ":" + newest, missed.offered);
        st.set_seen(m.room, t.me.id, posts.front().id);
    }
    if (owed) {
        st.set_digest(t.me.id, t.me.digest_day, false);
    }
}

void Rooms::plan_digest(Context& ctx, const std::string& room_id, std::int64_t until_ms) {
    // The next run: the next time the digest hour begins in the room's zone or in one of its members' own
    // zones. Each run plans the next while someone is still owed one, so every member is served at their hour.
    const auto* room = regions_.find(room_id);
    if (room == nullptr) {
        return;
    }
    std::vector<std::string> zones{room->time_zone};
    for (const auto& [id, zone] : room_store(ctx).own_zones(room->id)) {
        if (std::find(zones.begin(), zones.end(), zone) == zones.end()) {
            zones.push_back(zone);
        }
    }
    const std::int64_t due_ms = rooms::next_digest_ms(zones, settings_.digest_hour, ctx.now_ms);
    if (due_ms == 0 || (until_ms != 0 && due_ms > until_ms)) {
        return;
    }
    const rooms::DigestJob job{room->id, due_ms};
    // Expires when the hour is over: a run after that would find nobody at their digest hour.
    ctx.jobs.schedule(job.key(), std::string(rooms::DigestJob::kKind), due_ms, due_ms + 3600 * 1000, room->id,
                      ctx.now_ms);
}

void Rooms::on_job(Context& ctx, const store::Job& job) {
    if (job.kind == rooms::DigestJob::kKind) {
        digest(ctx, job.payload);
    }
}

void Rooms::digest(Context& ctx, const std::string& room_id) {
    // Runs at each member's digest hour (their own zone, else the room's): sends to those whose local clock
    // reads it and who had none this local day; the others wait for a later run.
    const auto* room = regions_.find(room_id);
    if (room == nullptr) {
        return;
    }
    auto& st = room_store(ctx);
    const auto own = st.own_zones(room->id);
    std::size_t templates = 0;
    std::size_t texts = 0;
    bool later = false;  // someone still owed a digest at a later hour: plan the next run
    for (const auto& m : st.room_members(room->id, 0)) {
        if (m.mode == DeliveryMode::kMuted) {
            continue;  // before counting: a muted member costs no query
        }
        const auto zone = own.find(m.id);
        const auto when = rooms::digest_time(zone == own.end() ? std::string_view{} : std::string_view{zone->second},
                                             room->time_zone, settings_.digest_hour, ctx.now_ms);
        if (m.digest_day == when.day) {
            continue;
        }
        if (!when.due) {
            later = later || st.count_after(room->id, m.seen_post, m.id) > 0;
            continue;
        }
        const auto total = st.count_after(room->id, m.seen_post, m.id);
        const std::string logical = rooms::DigestKey{room->id, when.day}.encode();
        switch (rooms::digest_action(m, when.day, total, ctx.now_ms)) {
            case rooms::DigestAction::kSkip:
                break;
            case rooms::DigestAction::kText: {
                const auto posts = st.posts_after(room->id, m.seen_post, m.id, 50);
                if (posts.empty()) {
                    break;
                }
                const auto missed = rooms::missed_lines(catalog_, m.language, posts, total, settings_.max_text);
                const std::string body =
                    text(m.language, "rooms.catchup", {{"count", std::to_string(total)}, {"room", room->name(m.language)}}) +
                    "\n\n" + missed.text;
                ctx.outbox.text(logical, m.key, body);
                send_offer(ctx, m.key, m.language, "rooms.offer:" + room->id + ":" + std::to_string(posts.front().id),
                           missed.offered);
                st.set_seen(room->id, m.id, posts.front().id);
                st.set_digest(m.id, when.day, false);
                ++texts;
                break;
            }
            case rooms::DigestAction::kTemplate:
                // Outside the window: one short template a day; the reply brings the posts (catch_up).
                ctx.outbox.text(logical, m.key,
                                text(m.language, "rooms.digest",
                                     {{"count", std::to_string(total)}, {"room", room->name(m.language)}}),
                                "rooms.digest");
                st.set_digest(m.id, when.day, true);
                ++templates;
                break;
        }
    }
    if (later) {
        // Runs follow a post for a day (as the one daily run did): a member who never replies is not sent a
        // template every day for the same old posts.
        const auto newest = st.posts_after(room->id, 0, 0, 1);
        if (!newest.empty()) {
            plan_digest(ctx, room->id, newest.front().created_ms + kDay);
        }
    }
    log_->info("digest room={} texts={} templates={} later={}", room->id, texts, templates, later);
}

}  // namespace delvex::events
