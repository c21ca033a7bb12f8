// The rooms' digests and catch-up: what a member missed, as one text ("*Alias*: words", newest first, edits
// marked, reactions counted), with a button per file or place in it. A member who comes back gets it at once
// (the gate calls catch_up); the daily digest job sends it to members in their window and one short template
// to the others (their reply brings the text). The text itself is the decider's (rooms::missed_lines).

#include <date/date.h>
#include <date/tz.h>
#include <spdlog/spdlog.h>

#include <chrono>

#include "bot/events/rooms_feature.hpp"
#include "bot/events/rooms_util.hpp"
#include "bot/rooms/protocol.hpp"

namespace delvex::events {
namespace {

using store::DeliveryMode;
using store::MembershipState;

/// "YYYY-MM-DD" in the zone.
std::string local_day(const std::string& zone, std::int64_t now_ms) {
    const auto* tz = date::locate_zone(zone);
    const auto local = tz->to_local(date::sys_time<std::chrono::milliseconds>{std::chrono::milliseconds{now_ms}});
    return date::format("%F", date::floor<date::days>(local));
}

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

void Rooms::plan_digest(Context& ctx, const std::string& room_id) {
    const auto* room = regions_.find(room_id);
    if (room == nullptr) {
        return;
    }
    using namespace std::chrono;
    const auto* tz = date::locate_zone(room->time_zone);
    const auto local = tz->to_local(date::sys_time<milliseconds>{milliseconds{ctx.now_ms}});
    auto day = date::floor<date::days>(local);
    auto target = date::local_time<milliseconds>{day} + hours{settings_.digest_hour};
    if (target <= local) {
        day += date::days{1};
        target = date::local_time<milliseconds>{day} + hours{settings_.digest_hour};
    }
    const auto due = tz->to_sys(target, date::choose::earliest);
    const std::int64_t due_ms = due.time_since_epoch().count();
    const rooms::DigestJob job{room->id, date::format("%F", day)};
    ctx.jobs.schedule(job.key(), std::string(rooms::DigestJob::kKind), due_ms, due_ms + 6 * 3600 * 1000, room->id,
                      ctx.now_ms);
}

void Rooms::on_job(Context& ctx, const store::Job& job) {
    if (job.kind == rooms::DigestJob::kKind) {
        digest(ctx, job.payload);
    }
}

void Rooms::digest(Context& ctx, const std::string& room_id) {
    const auto* room = regions_.find(room_id);
    if (room == nullptr) {
        return;
    }
    auto& st = room_store(ctx);
    const std::string day = local_day(room->time_zone, ctx.now_ms);
    const std::string logical = rooms::DigestJob{room->id, day}.key();
    std::size_t templates = 0;
    std::size_t texts = 0;
    for (const auto& m : st.room_members(room->id, 0)) {
        if (m.mode == DeliveryMode::kMuted || m.digest_day == day) {
            continue;  // before counting: a muted member costs no query
        }
        const auto total = st.count_after(room->id, m.seen_post, m.id);
        switch (rooms::digest_action(m, day, total, ctx.now_ms)) {
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
                st.set_digest(m.id, day, false);
                ++texts;
                break;
            }
            case rooms::DigestAction::kTemplate:
                // Outside the window: one short template a day; the reply brings the posts (catch_up).
                ctx.outbox.text(logical, m.key,
                                text(m.language, "rooms.digest",
                                     {{"count", std::to_string(total)}, {"room", room->name(m.language)}}),
                                "rooms.digest");
                st.set_digest(m.id, day, true);
                ++templates;
                break;
        }
    }
    log_->info("digest room={} day={} texts={} templates={}", room->id, day, texts, templates);
}

}  // namespace delvex::events
