// The forums adapter: construction, the rooms as the forums see them, message dispatch, RSVPs, and the
// service's operations on one connection. Decisions live in bot/meetings (ForumsService).

#include "bot/events/forums_feature.hpp"

#include "bot/community/regions.hpp"
#include "bot/core/crypto.hpp"
#include "bot/core/message_ref.hpp"
#include "bot/delivery/codec.hpp"
#include "bot/events/forums_text.hpp"
#include "bot/meetings/zones.hpp"
#include "bot/store/community_repository.hpp"
#include "bot/store/forum_work.hpp"
#include "bot/store/member_limits.hpp"
#include "bot/store/repositories.hpp"

namespace delvex::events {

using namespace forums_text;

namespace {

std::string day_key(int weekday) {
    static const char* const kDays[] = {"sun", "mon", "tue", "wed", "thu", "fri", "sat"};
    return std::string("forums.days.") + kDays[weekday];
}

std::string month_key(unsigned month) {
    static const char* const kMonths[] = {"jan", "feb", "mar", "apr", "may", "jun",
                                          "jul", "aug", "sep", "oct", "nov", "dec"};
    return std::string("forums.months.") + kMonths[(month - 1) % 12];
}

meetings::Schedule schedule_of(const ForumsSettings& s) {
    return meetings::Schedule{s.reminder_offsets, s.announce_before, s.horizon};
}

}  // namespace

std::string occurrence_token(std::int64_t series_id, forums::LocalTime original) {
    return meetings::OccurrenceRef{series_id, original}.encode();
}

std::string format_when(const core::Catalog& catalog, std::string_view language, forums::Instant t,
                        const date::time_zone& zone) {
    const auto info = forums::zone_info(zone, t);
    const auto local = date::local_seconds{t.time_since_epoch() + info.offset};
    const auto day = date::floor<date::days>(local);
    const date::year_month_day ymd{day};
    const date::weekday wd{day};
    const date::hh_mm_ss<std::chrono::seconds> hms{local - day};
    return catalog.text(language, "forums.when",
                        {{"weekday", catalog.text(language, day_key(static_cast<int>(wd.c_encoding())))},
                         {"day", std::to_string(static_cast<unsigned>(ymd.day()))},
                         {"month", catalog.text(language, month_key(static_cast<unsigned>(ymd.month())))},
                         {"time", meetings::format_clock(static_cast<int>(hms.hours().count() * 60 +
                                                                          hms.minutes().count()))},
                         {"zone", meetings::zone_city(zone.name(), language)}});
}

std::string forum_title(const store::ForumSeriesRow& row, const std::vector<store::ForumText>& texts,
                        std::string_view language) {
    return localized(row, texts, language).title;
}

std::string forum_join_line(const core::Catalog& catalog, std::string_view language, const store::ForumSeriesRow& row) {
    return join_line(catalog, language, row);
}

core::ReplyButtons forum_rsvp_buttons(const core::Catalog& catalog, std::string_view language,
                                      const std::string& token, std::string body) {
    return rsvp_buttons(catalog, language, token, std::move(body));
}

ForumsFeature::ForumsFeature(RoomDirectory& rooms, ForumsSettings settings)
    : rooms_(rooms), settings_(std::move(settings)), service_(rooms_, schedule_of(settings_)) {}

ForumsFeature::ForumsFeature(std::unique_ptr<RoomDirectory> rooms, ForumsSettings settings)
    : owned_rooms_(std::move(rooms)),
      rooms_(*owned_rooms_),
      settings_(std::move(settings)),
      service_(rooms_, schedule_of(settings_)) {}

std::vector<std::string> CommunityRooms::rooms() const {
    std::vector<std::string> out;
    for (const auto& room : regions_.rooms()) {
        out.push_back(room.id);
    }
    return out;
}

bool CommunityRooms::has_room(std::string_view room) const {
    return regions_.find(room) != nullptr;
}

std::string CommunityRooms::zone(std::string_view room) const {
    const auto* r = regions_.find(room);
    return r != nullptr ? r->time_zone : std::string("UTC");
}

std::string CommunityRooms::name(std::string_view room, std::string_view language) const {
    const auto* r = regions_.find(room);
    return r != nullptr ? r->name(language) : std::string(room);
}

std::vector<ForumMember> CommunityRooms::members(SQLite::Database& db, std::string_view room) {
    store::CommunityRepository repo(db);
    std::vector<ForumMember> out;
    for (auto& m : repo.room_members(room, 0)) {
        out.push_back({std::move(m.key), std::move(m.language)});
    }
    return out;
}

bool CommunityRooms::is_moderator(SQLite::Database& db, std::string_view room, std::string_view member_key) {
    if (regions_.is_configured_moderator(room, member_key)) {
        return true;
    }
    store::CommunityRepository repo(db);
    for (const auto& m : repo.moderators(room)) {
        if (m.key == member_key) {
            return true;
        }
    }
    return false;
}

bool CommunityRooms::is_member(SQLite::Database& db, std::string_view room, std::string_view member_key) {
    return store::in_room(db, room, member_key);
}

ForumResult<std::int64_t> ForumsFeature::create_series(SQLite::Database& db, store::JobRepository& jobs,
                                                       std::int64_t now_ms, store::ForumSeriesRow row,
                                                       const std::vector<store::ForumText>& texts) {
    store::ForumRepository repo(db);
    store::ForumJobs planner(jobs);
    return service_.create_series(repo, planner, now_ms, std::move(row), texts);
}

ForumResult<bool> ForumsFeature::update_series(SQLite::Database& db, store::JobRepository& jobs, std::int64_t now_ms,
                                               store::ForumSeriesRow row, const std::vector<store::ForumText>& texts) {
    store::ForumRepository repo(db);
    store::ForumJobs planner(jobs);
    return service_.update_series(repo, planner, now_ms, std::move(row), texts);
}

ForumResult<bool> ForumsFeature::cancel_series(SQLite::Database& db, store::JobRepository& jobs, std::int64_t now_ms,
                                               std::int64_t id) {
    store::ForumRepository repo(db);
    store::ForumJobs planner(jobs);
    return service_.cancel_series(repo, planner, now_ms, id);
}

ForumResult<bool> ForumsFeature::cancel_occurrence(SQLite::Database& db, store::JobRepository& jobs,
                                                   std::int64_t now_ms, std::int64_t id, forums::LocalTime original) {
    store::ForumRepository repo(db);
    store::ForumJobs planner(jobs);
    return service_.cancel_occurrence(repo, planner, now_ms, id, original);
}

ForumResult<bool> ForumsFeature::move_occurrence(SQLite::Database& db, store::JobRepository& jobs,
                                                 std::int64_t now_ms, std::int64_t id, forums::LocalTime original,
                                                 forums::LocalTime to) {
    store::ForumRepository repo(db);
    store::ForumJobs planner(jobs);
    return service_.move_occurrence(repo, planner, now_ms, id, original, to);
}

void ForumsFeature::plan(SQLite::Database& db, store::JobRepository& jobs, std::int64_t now_ms, std::int64_t id) {
    store::ForumRepository repo(db);
    store::ForumJobs planner(jobs);
    service_.plan(repo, planner, now_ms, id);
}

void ForumsFeature::plan_all(SQLite::Database& db, store::JobRepository& jobs, std::int64_t now_ms) {
    store::ForumRepository repo(db);
    store::ForumJobs planner(jobs);
    service_.plan_all(repo, planner, now_ms);
}

store::ForumRepository& ForumsFeature::message_repo(SQLite::Database& db) {
    // Every message of every member is looked at (a draft in progress?): prepare the statements once per
    // connection, not per message.
    if (message_repo_ == nullptr || message_repo_db_ != &db) {
        message_repo_ = std::make_unique<store::ForumRepository>(db);
        message_repo_db_ = &db;
    }
    return *message_repo_;
}

void ForumsFeature::drop_prompt(Context& ctx, const store::MemberRow& member) {
    message_repo(ctx.db).delete_draft(member.member_key);
}

bool ForumsFeature::on_message(Context& ctx, const store::MemberRow& member, const core::InboundMessage& message) {
    if (message.reply_id.starts_with(meetings::RsvpButton::kPrefix)) {
        const auto answer = meetings::RsvpButton::parse(message.reply_id);
        return !answer || on_rsvp(ctx, member, message, *answer);  // ours, even when not a reply we sent
    }
    if (message.reply_id.starts_with(meetings::AttendButton::kPrefix) ||
        message.reply_id.starts_with(meetings::FeedbackChoice::kPrefix)) {
        return on_followup_reply(ctx, member, message);
    }
    if (const auto choice = meetings::FlowChoice::parse(message.reply_id);
        choice && choice->action == meetings::FlowAction::kZone) {
        return on_zone_choice(ctx, member, message, *choice);
    }
    if (on_after(ctx, member, message)) {
        return true;
    }
    return on_flow(ctx, member, message) || on_zone_command(ctx, member, message) ||
           on_next_forum(ctx, member, message);
}

bool ForumsFeature::on_rsvp(Context& ctx, const store::MemberRow& member, const core::InboundMessage& message,
                            const meetings::RsvpButton& answer) {
    const auto lang = language_or_en(member.language);
    const auto reply_key = "forums.rsvp:" + core::message_ref(message.id);
    store::ForumRepository repo(ctx.db);
    // Only a member who is in the forum's room now may answer (security review L-2): a banned, removed or
    // departed member's tap is not counted and does not get the join link. They get one short line a window,
    // not one per tap: a tap expects an answer, but a flood of taps must not become a flood of ours.
    if (const auto asked = repo.find_series(answer.occurrence.series_id);
        asked && !rooms_.is_member(ctx.db, asked->room, member.member_key)) {
        const std::int64_t every_ms =
            std::chrono::duration_cast<std::chrono::milliseconds>(settings_.refused_rsvp_answer_every).count();
        const auto counted =
            store::MemberLimits(ctx.db).count(member.id, "rsvp_refused", community::RateLimit{1, every_ms}, ctx.now_ms);
        if (!counted.refused) {
            ctx.outbox.text(reply_key, member.member_key,
                            ctx.catalog.text(lang, "forums.rsvp_not_member", {{"room", rooms_.name(asked->room, lang)}}));
        }
        return true;
    }
    const auto outcome =
        service_.rsvp(repo, ctx.now_ms, member.member_key, answer, [&](std::string_view room, std::string_view key) {
            return rooms_.is_member(ctx.db, room, key);
        });
    if (outcome.closed) {
        ctx.outbox.text(reply_key, member.member_key, ctx.catalog.text(lang, "forums.rsvp_closed"));
        return true;
    }
    tell_promoted(ctx, repo, outcome);

    const auto& row = outcome.series;
    const auto status = outcome.saved.status;
    const auto* zone = outcome.zone;
    if (auto own = repo.member_zone(member.member_key)) {
        zone = zone_or(*own, zone);
    }
    const auto loc = localized(row, repo.texts(row.id), lang);
    const char* text_key = outcome.saved.waitlisted                    ? "forums.rsvp_waitlisted"
                           : status == store::RsvpStatus::kAccepted  ? "forums.rsvp_going"
                           : status == store::RsvpStatus::kTentative ? "forums.rsvp_maybe"
                                                                     : "forums.rsvp_cant";
    auto body = ctx.catalog.text(lang, text_key,
                                 {{"title", loc.title},
                                  {"when", format_when(ctx.catalog, lang, outcome.occurrence.start, *zone)},
                                  {"join", join_line(ctx.catalog, lang, row)}});
    body += "\n" + ctx.catalog.text(lang, "forums.rsvp_change");
    core::OutgoingText confirmation{std::move(body), false};
    if (status != store::RsvpStatus::kDeclined && !settings_.public_url.empty()) {
        // A link to the room's calendar feed, not an .ics document: text/calendar is not among the document
        // types Meta accepts, and a refused document would take the confirmation (its caption) with it.
        // With the room's key: this member may see the join link in their calendar too.
        const auto key = feed_token(row.room);
        confirmation.body += "\n" + ctx.catalog.text(lang, "forums.rsvp_calendar",
                                                     {{"link", settings_.public_url + "/forums/" + row.room +
                                                                   ".ics?series=" + std::to_string(row.id) +
                                                                   (key.empty() ? "" : "&k=" + key)}});
    }
    core::OutgoingMessage reply;
    reply.to = delivery::recipient_of(member.member_key);
    reply.body = std::move(confirmation);
    ctx.outbox.send(reply_key, reply);
    return true;
}

void ForumsFeature::tell_promoted(Context& ctx, store::ForumRepository& repo, const meetings::RsvpOutcome& outcome) {
    const auto& row = outcome.series;
    const auto texts = repo.texts(row.id);
    store::MemberRepository members(ctx.db);
    for (const auto& next : outcome.promoted) {
        if (!rooms_.is_member(ctx.db, row.room, next.member_key)) {
            continue;  // no longer in the room: not told (security review L-2)
        }
        const auto who = members.find(next.member_key);
        const auto lang = language_or_en(who ? who->language : std::string());
        const auto* zone = outcome.zone;
        if (auto own = repo.member_zone(next.member_key)) {
            zone = zone_or(*own, zone);
        }
        ctx.outbox.text("forums.promoted:" + std::to_string(row.id) + ":" + next.occurrence + ":" +
                            std::to_string(ctx.now_ms),
                        next.member_key,
                        ctx.catalog.text(lang, "forums.promoted",
                                         {{"title", localized(row, texts, lang).title},
                                          {"when", format_when(ctx.catalog, lang, outcome.occurrence.start, *zone)}}),
                        std::string(kPurpose));
    }
}

std::vector<std::string> ForumsFeature::moderated_rooms(Context& ctx, const std::string& member_key) {
    std::vector<std::string> out;
    for (const auto& room : rooms_.rooms()) {
        if (rooms_.is_moderator(ctx.db, room, member_key)) {
            out.push_back(room);
        }
    }
    return out;
}

void ForumsFeature::forget(Context& ctx, const store::MemberRow& member) {
    store::ForumRepository repo(ctx.db);
    repo.forget_member(member.member_key);
}

void ForumsFeature::describe(Context& ctx, const store::MemberRow& member, std::vector<std::string>& lines) {
    store::ForumRepository repo(ctx.db);
    const auto n = repo.rsvp_count(member.member_key);
    const auto lang = language_or_en(member.language);
    lines.push_back(ctx.catalog.text(lang, "forums.my_data", {{"n", std::to_string(n)}}));
    if (auto zone = repo.member_zone(member.member_key)) {
        lines.push_back(ctx.catalog.text(lang, "forums.my_zone", {{"zone", meetings::zone_city(*zone, lang)}}));
    }
}

std::string ForumsFeature::feed_token(std::string_view room) const {
    if (settings_.feed_key.empty()) {
        return {};
    }
    return core::hmac_sha256_hex(settings_.feed_key, "forums-feed:" + std::string(room)).substr(0, 32);
}

}  // namespace delvex::events
