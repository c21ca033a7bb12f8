#pragma once

// The one forums service: every change to a forum series (create, update, cancel, cancel or move one
// occurrence), the job plan that follows from it, RSVPs with their waitlist, and a member's own zone.
// The chat flow, the admin API and the CLI all call these, so they cannot drift. Pure: it reads and changes
// state only through meetings::ForumStore and meetings::JobPlanner (no SQLite, no event loop); the caller
// owns the unit of work (bot/store/forum_work.hpp opens one per operation for the API and the CLI; in chat,
// the inbox consumer's transaction is it).

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bot/meetings/errors.hpp"
#include "bot/meetings/protocol.hpp"
#include "bot/meetings/rows.hpp"
#include "bot/meetings/store.hpp"
#include "forums/series.hpp"

namespace delvex::meetings {

/// When jobs are planned (ForumsSettings in bot/events holds the configured values).
struct Schedule {
    /// Reminders before each occurrence to those going or maybe.
    std::vector<std::chrono::minutes> reminder_offsets{std::chrono::minutes(24 * 60), std::chrono::minutes(60)};
    /// The room is told this long before each occurrence (with RSVP buttons).
    std::chrono::minutes announce_before{3 * 24 * 60};
    /// Jobs are planned for occurrences this far ahead; a daily "forums.plan" job moves the horizon.
    std::chrono::hours horizon{60 * 24};
};

/// A follow-up found due later than this after its forum ended (downtime) is dropped: too late to ask.
inline constexpr std::int64_t kFollowupUsefulMs = 3LL * 24 * 60 * 60 * 1000;

/// The pure-library series of a stored row with its cancels and moves.
ForumResult<forums::Series> series_of(const ForumSeriesRow& row, const std::vector<ForumOverrideRow>& overrides);

/// The occurrence a rule instance has become (moved, or nullopt if cancelled or not an instance).
std::optional<forums::Occurrence> resolve_occurrence(const forums::Series& series, forums::LocalTime original);

/// The first day matching a monthly ordinal ("1".."4", "-1") or weekly ("0") weekday pattern at `minutes`
/// after midnight in `zone` whose start is after `now`, with its RRULE. nullopt if the pattern is malformed.
struct PatternStart {
    std::string rrule;
    forums::LocalTime start{};
};
std::optional<PatternStart> first_start(std::string_view ordinal, std::string_view weekday, int minutes,
                                        const date::time_zone& zone, forums::Instant now);

/// What an RSVP did.
struct RsvpOutcome {
    bool closed = false;  ///< the occurrence is over, cancelled or unknown: nothing stored
    ForumSeriesRow series{};
    forums::Occurrence occurrence{};
    const date::time_zone* zone = nullptr;  ///< the series zone
    RsvpRow saved{};
    /// Members moved from the waitlist to a seat because this answer freed one (tell them).
    std::vector<RsvpRow> promoted{};
};

/// A series with its next occurrence (for lists).
struct SeriesView {
    ForumSeriesRow row{};
    std::optional<forums::Occurrence> next{};
    const date::time_zone* zone = nullptr;
};

class ForumsService {
public:
    ForumsService(const RoomCatalog& rooms, Schedule schedule) : rooms_(rooms), schedule_(std::move(schedule)) {}

    /// Brings untrusted input to its stored form: canonical RRULE, "YYYY-MM-DDTHH:MM:SS", the room's zone by
    /// default.
    ForumResult<bool> normalise(ForumSeriesRow& row) const;
    /// Validates the stored form of a row (room, fields, zone, rule, start) without storing it.
    ForumResult<forums::Series> check(const ForumSeriesRow& row, std::int64_t now_ms) const;

    /// Checks and stores a new series (tz defaults to the room's), plans its jobs and the "scheduled"
    /// announcement. Returns the id.
    ForumResult<std::int64_t> create_series(ForumStore& store, JobPlanner& jobs, std::int64_t now_ms,
                                            ForumSeriesRow row, const std::vector<ForumText>& texts) const;
    /// Replaces a series' fields (sequence bumped) and re-plans its jobs.
    ForumResult<bool> update_series(ForumStore& store, JobPlanner& jobs, std::int64_t now_ms, ForumSeriesRow row,
                                    const std::vector<ForumText>& texts) const;
    /// Cancels the whole series: waiting jobs dropped, a notice job told to tell the room.
    ForumResult<bool> cancel_series(ForumStore& store, JobPlanner& jobs, std::int64_t now_ms, std::int64_t id) const;
    /// Cancels one occurrence (named by its rule-generated local start) without touching the series.
    ForumResult<bool> cancel_occurrence(ForumStore& store, JobPlanner& jobs, std::int64_t now_ms, std::int64_t id,
                                        forums::LocalTime original) const;
    /// Moves one occurrence to another local start in the series zone.
    ForumResult<bool> move_occurrence(ForumStore& store, JobPlanner& jobs, std::int64_t now_ms, std::int64_t id,
                                      forums::LocalTime original, forums::LocalTime to) const;

    /// Plans (idempotently) the announce, reminder and follow-up jobs of a series for occurrences within the
    /// horizon and drops its waiting jobs that no longer match (edited, moved, cancelled).
    void plan(ForumStore& store, JobPlanner& jobs, std::int64_t now_ms, std::int64_t id) const;
    /// Plans every active series and makes sure tomorrow's "forums.plan" job exists.
    void plan_all(ForumStore& store, JobPlanner& jobs, std::int64_t now_ms) const;

    /// Series of a room (every room when empty) with their next occurrence after `now_ms`.
    std::vector<SeriesView> list(ForumStore& store, std::string_view room, bool include_cancelled,
                                 std::int64_t now_ms) const;

    /// Whether a member is in a room now (active, or held by a moderator).
    using InRoom = std::function<bool(std::string_view room, std::string_view member_key)>;
    /// A member's answer to an invitation: stored with the waitlist rule (a Going beyond capacity waits; a
    /// seat freed by a change goes to the first waiting who is still in the room, when `in_room` is given;
    /// one who is not keeps their place on the list, should they come back).
    RsvpOutcome rsvp(ForumStore& store, std::int64_t now_ms, std::string_view member_key, const RsvpButton& answer,
                     const InRoom& in_room = {}) const;

    /// Who marked a member present.
    enum class Attendance : int { kByModerator = 1, kSelf = 2 };
    /// A member came to an occurrence (they said so, or a moderator marked them). Refused for an unknown series
    /// or a time that is not one of its occurrences.
    ForumResult<bool> record_attendance(ForumStore& store, std::int64_t now_ms, const OccurrenceRef& occurrence,
                                        std::string_view member_key, Attendance source) const;
    /// A member's 1–5 rating of an occurrence.
    ForumResult<bool> record_feedback(ForumStore& store, std::int64_t now_ms, const OccurrenceRef& occurrence,
                                      std::string_view member_key, int rating) const;

    /// Sets a member's own zone (a valid IANA name).
    ForumResult<bool> set_member_zone(ForumStore& store, std::string_view member_key, std::string_view tz) const;

    const RoomCatalog& rooms() const { return rooms_; }
    const Schedule& schedule() const { return schedule_; }

private:
    void ensure_plan_job(JobPlanner& jobs, std::int64_t now_ms) const;
    const RoomCatalog& rooms_;
    Schedule schedule_;
};

}  // namespace delvex::meetings
