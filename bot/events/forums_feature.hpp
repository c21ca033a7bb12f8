#pragma once

// Monthly regional forums in chat: the thin adapter between the inbox/scheduler and the forums' decisions in
// bot/meetings (ForumsService, the typed protocols). It turns jobs and messages into service calls and
// messages in each member's language and zone. Split by concern: forums_feature.cpp (dispatch, RSVP),
// forums_jobs.cpp (announcements, reminders, notices), forums_flow.cpp (the moderators' flow),
// forums_zone.cpp (a member's own zone), forums_after.cpp (attendance, feedback, recaps), forums_next.cpp,
// forums_calendar.cpp (.ics feeds), forums_cli.cpp (`delvex forums …`), forums_text.* (shared wording).
// Everything runs on the writer thread inside the caller's transaction.

#include <SQLiteCpp/Database.h>

#include <chrono>
#include <cstdint>
#include <iosfwd>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bot/core/i18n.hpp"
#include "bot/events/feature.hpp"
#include "bot/store/forum_repository.hpp"
#include "bot/store/job_repository.hpp"
#include "bot/meetings/protocol.hpp"
#include "bot/meetings/service.hpp"
#include "forums/ical.hpp"
#include "forums/result.hpp"
#include "forums/series.hpp"

namespace delvex::community {
class Regions;
}

namespace delvex::events {

/// A member of a room as the forums need them.
struct ForumMember {
    std::string member_key;
    std::string language;
};

/// Rooms and their people, as the forums see them (the rooms feature owns them). Calls with a database run
/// on the writer thread.
class RoomDirectory : public meetings::RoomCatalog {
public:
    /// Active members who may receive messages.
    virtual std::vector<ForumMember> members(SQLite::Database& db, std::string_view room) = 0;
    virtual bool is_moderator(SQLite::Database& db, std::string_view room, std::string_view member_key) = 0;
    /// Whether the member is in the room now: among members() (active or held by a moderator; not left,
    /// removed, banned or stopped). Only they may answer its forums and hear reminders and notices of them.
    virtual bool is_member(SQLite::Database& db, std::string_view room, std::string_view member_key) {
        for (const auto& m : members(db, room)) {
            if (m.member_key == member_key) {
                return true;
            }
        }
        return false;
    }
};

/// The rooms of config/regions.yaml with their members and moderators from the rooms' tables.
class CommunityRooms final : public RoomDirectory {
public:
    /// `regions` must outlive this object (the rooms feature owns it).
    explicit CommunityRooms(const community::Regions& regions) : regions_(regions) {}
    std::vector<std::string> rooms() const override;
    bool has_room(std::string_view room) const override;
    std::string zone(std::string_view room) const override;
    std::string name(std::string_view room, std::string_view language) const override;
    std::vector<ForumMember> members(SQLite::Database& db, std::string_view room) override;
    bool is_moderator(SQLite::Database& db, std::string_view room, std::string_view member_key) override;
    bool is_member(SQLite::Database& db, std::string_view room, std::string_view member_key) override;

private:
    const community::Regions& regions_;
};

struct ForumsSettings {
    /// Reminders before each occurrence to those going or maybe.
    std::vector<std::chrono::minutes> reminder_offsets{std::chrono::minutes(24 * 60), std::chrono::minutes(60)};
    /// The room is told this long before each occurrence (with RSVP buttons).
    std::chrono::minutes announce_before{3 * 24 * 60};
    /// Jobs are planned for occurrences this far ahead; a daily "forums.plan" job moves the horizon.
    std::chrono::hours horizon{60 * 24};
    /// Public base URL of this service ("https://bot.example.org"): the RSVP confirmation carries the
    /// event's .ics as a document fetched from <public_url>/forums/<room>.ics. Empty: a text only.
    std::string public_url;
    /// Keys the feed links sent to members (`?k=`): only a feed asked for with the room's key carries the
    /// forums' join links and meeting places; the public feed has times and titles only. Empty: never.
    std::string feed_key{};
    /// How many zones the time-zone command offers at most (a WhatsApp list holds 10 rows).
    std::size_t zone_choices = 8;
    /// An RSVP tap from someone who is not in the forum's room now (left, removed, banned) is not counted and
    /// is answered at most once per this long (security review L-2): one line, not one per tap.
    std::chrono::minutes refused_rsvp_answer_every{10};
};

/// Why an operation was refused; `message` is safe to show to an API client, `problem` names it in the
/// member's language (forums.errors.*).
using ForumError = meetings::ForumError;
template <typename T>
using ForumResult = meetings::ForumResult<T>;

/// "<series>-<YYYYMMDDTHHMMSS>": an occurrence as button ids name it (meetings::OccurrenceRef).
std::string occurrence_token(std::int64_t series_id, forums::LocalTime original);

using meetings::resolve_occurrence;
using meetings::series_of;

/// "Thursday 7 January, 15:00 (Lima time)" in `language`, in `zone` (its city in that language).
std::string format_when(const core::Catalog& catalog, std::string_view language, forums::Instant t,
                        const date::time_zone& zone);

/// The series title in `language` (the row's own when it has no text in it).
std::string forum_title(const store::ForumSeriesRow& row, const std::vector<store::ForumText>& texts,
                        std::string_view language);
/// "Join: <link>" / "Place: …" / the WhatsApp call line, in `language`; empty when there is nothing to say.
std::string forum_join_line(const core::Catalog& catalog, std::string_view language, const store::ForumSeriesRow& row);
/// The Going / Maybe / Can't buttons of an occurrence (as in the invitations) under `body`.
core::ReplyButtons forum_rsvp_buttons(const core::Catalog& catalog, std::string_view language,
                                      const std::string& token, std::string body);

/// Options of `delvex forums add|list|cancel`.
struct ForumsCliOptions {
    std::string room;
    std::string title;
    std::string agenda;
    std::string rrule;
    std::string start;  ///< local "YYYY-MM-DDTHH:MM[:SS]"
    std::string tz;     ///< empty: the room's zone
    std::string join_kind = "link";
    std::string join_info;
    int capacity = 0;
    int duration_min = 60;
    std::int64_t id = 0;     ///< cancel: the series
    std::string occurrence;  ///< cancel: only this local start
};

class ForumsFeature;

/// `delvex forums add`: creates a series in `db` (jobs planned; a running service sends them). Exit code.
int run_forums_add(SQLite::Database& db, ForumsFeature& forums, const ForumsCliOptions& options, std::int64_t now_ms,
                   std::ostream& out, std::ostream& err);
/// `delvex forums list`: one line per series with its next occurrence.
int run_forums_list(SQLite::Database& db, ForumsFeature& forums, const ForumsCliOptions& options,
                    std::int64_t now_ms, std::ostream& out, std::ostream& err);
/// `delvex forums cancel`: the whole series, or one occurrence with `occurrence`.
int run_forums_cancel(SQLite::Database& db, ForumsFeature& forums, const ForumsCliOptions& options,
                      std::int64_t now_ms, std::ostream& out, std::ostream& err);

class ForumsFeature final : public Feature {
public:
    ForumsFeature(RoomDirectory& rooms, ForumsSettings settings = {});
    /// Owns its room directory.
    ForumsFeature(std::unique_ptr<RoomDirectory> rooms, ForumsSettings settings = {});

    std::string_view name() const override { return "forums"; }
    /// The one forums service (chat, admin API and CLI all go through it).
    const meetings::ForumsService& service() const { return service_; }
    bool on_message(Context& ctx, const store::MemberRow& member, const core::InboundMessage& message) override;
    void on_job(Context& ctx, const store::Job& job) override;
    void forget(Context& ctx, const store::MemberRow& member) override;
    /// MENU or HELP: a moderator's flow or recap in progress is over.
    void drop_prompt(Context& ctx, const store::MemberRow& member) override;
    /// A member asks when the next forum is ("forum", "foro", "jukwaa", …): the next forum of their room, in
    /// their zone and language, with the RSVP buttons (forums_next.cpp). False when the text is not that word.
    bool on_next_forum(Context& ctx, const store::MemberRow& member, const core::InboundMessage& message);
    void describe(Context& ctx, const store::MemberRow& member, std::vector<std::string>& lines) override;

    // The service's operations on one connection, for callers that hold a write transaction and a
    // JobRepository (tests, the scheduler). The admin API and the CLI use service() with store::ForumWork.

    /// Checks and stores a new series (tz defaults to the room's), plans its jobs and the "scheduled"
    /// announcement. Returns the id.
    ForumResult<std::int64_t> create_series(SQLite::Database& db, store::JobRepository& jobs, std::int64_t now_ms,
                                            store::ForumSeriesRow row, const std::vector<store::ForumText>& texts);
    /// Replaces a series' fields (sequence bumped) and re-plans its jobs.
    ForumResult<bool> update_series(SQLite::Database& db, store::JobRepository& jobs, std::int64_t now_ms,
                                    store::ForumSeriesRow row, const std::vector<store::ForumText>& texts);
    /// Cancels the whole series: waiting jobs dropped; the room and everyone who answered are told.
    ForumResult<bool> cancel_series(SQLite::Database& db, store::JobRepository& jobs, std::int64_t now_ms,
                                    std::int64_t id);
    /// Cancels one occurrence (named by its rule-generated local start) without touching the series.
    ForumResult<bool> cancel_occurrence(SQLite::Database& db, store::JobRepository& jobs, std::int64_t now_ms,
                                        std::int64_t id, forums::LocalTime original);
    /// Moves one occurrence to another local start in the series zone.
    ForumResult<bool> move_occurrence(SQLite::Database& db, store::JobRepository& jobs, std::int64_t now_ms,
                                      std::int64_t id, forums::LocalTime original, forums::LocalTime to);

    /// Plans (idempotently) the announce and reminder jobs of a series for occurrences within the horizon and
    /// drops its waiting jobs that no longer match (edited, moved, cancelled).
    void plan(SQLite::Database& db, store::JobRepository& jobs, std::int64_t now_ms, std::int64_t id);
    /// Plans every active series and makes sure tomorrow's "forums.plan" job exists.
    void plan_all(SQLite::Database& db, store::JobRepository& jobs, std::int64_t now_ms);

    /// The calendar feed of a room (or of one series of it when `only_series` is non-zero).
    /// nullopt if the room is unknown.
    /// Join links and meeting places are in it only `with_join` (asked for with feed_token(room)): room ids are
    /// public, and a call link or a meeting place of informal miners must not be (security review M-8).
    std::optional<std::string> calendar(SQLite::Database& db, std::string_view room, std::int64_t only_series,
                                        bool with_join = false);
    /// The key of a room's feed links sent to members (hex); empty when no feed key is set.
    std::string feed_token(std::string_view room) const;

    /// Validates the stored form of a row (zone, rule, start, fields) without storing it.
    ForumResult<forums::Series> check(const store::ForumSeriesRow& row, std::int64_t now_ms) const {
        return service_.check(row, now_ms);
    }

    RoomDirectory& rooms() { return rooms_; }
    const ForumsSettings& settings() const { return settings_; }

private:
    struct Flow;
    bool on_rsvp(Context& ctx, const store::MemberRow& member, const core::InboundMessage& message,
                 const meetings::RsvpButton& answer);
    bool on_flow(Context& ctx, const store::MemberRow& member, const core::InboundMessage& message);
    void flow_step(Flow& flow);
    void flow_choice(Flow& flow, const meetings::FlowChoice& choice);
    void flow_menu(Flow& flow);
    void flow_ask_ordinal(Flow& flow);
    void flow_ask_weekday(Flow& flow);
    void flow_ask_time(Flow& flow);
    void flow_ask_join(Flow& flow);
    void flow_confirm(Flow& flow);
    void flow_create(Flow& flow);
    void flow_list(Flow& flow);
    void flow_pick_cancel(Flow& flow);
    void flow_pick(Flow& flow, std::int64_t id);
    void flow_cancel(Flow& flow, const meetings::FlowChoice& choice);
    std::vector<std::string> moderated_rooms(Context& ctx, const std::string& member_key);
    void run_reminder(Context& ctx, const store::Job& job, const meetings::JobKey& key);
    void run_announce(Context& ctx, const store::Job& job, const meetings::JobKey& key);
    void run_notice(Context& ctx, const store::Job& job, const meetings::JobKey& key);
    // A member's own zone (forums_zone.cpp): the command offers zones from their number's country.
    bool on_zone_command(Context& ctx, const store::MemberRow& member, const core::InboundMessage& message);
    bool on_zone_choice(Context& ctx, const store::MemberRow& member, const core::InboundMessage& message,
                        const meetings::FlowChoice& choice);
    // After the forum: attendance, feedback and the moderator's recap.
    void run_followup(Context& ctx, const store::Job& job, const meetings::JobKey& key);
    bool on_followup_reply(Context& ctx, const store::MemberRow& member, const core::InboundMessage& message);
    bool on_after(Context& ctx, const store::MemberRow& member, const core::InboundMessage& message);
    std::size_t relay_recap(Context& ctx, const store::ForumSeriesRow& row, const std::string& author,
                            const core::InboundMessage& message);
    void tell_promoted(Context& ctx, store::ForumRepository& repo, const meetings::RsvpOutcome& outcome);

    store::ForumRepository& message_repo(SQLite::Database& db);

    std::unique_ptr<RoomDirectory> owned_rooms_;
    RoomDirectory& rooms_;
    ForumsSettings settings_;
    meetings::ForumsService service_;
    std::unique_ptr<store::ForumRepository> message_repo_;  // writer thread only
    const SQLite::Database* message_repo_db_ = nullptr;
};

}  // namespace delvex::events
