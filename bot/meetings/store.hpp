#pragma once

// What the forums' decisions (service.hpp) need from the outside, as interfaces: the rooms' zones, the stored
// series and RSVPs (bot/store/forum_repository implements ForumStore on SQLite), and the scheduler's durable
// jobs (bot/store/forum_jobs). Tests implement them in memory.

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bot/meetings/rows.hpp"

namespace delvex::meetings {

/// The rooms as the forums' decisions see them (config/regions.yaml).
class RoomCatalog {
public:
    virtual ~RoomCatalog() = default;
    virtual std::vector<std::string> rooms() const = 0;
    virtual bool has_room(std::string_view room) const = 0;
    /// IANA zone of the room.
    virtual std::string zone(std::string_view room) const = 0;
    /// The room's name in `language` (falling back to English).
    virtual std::string name(std::string_view room, std::string_view language) const = 0;
};

/// Series, exceptions, RSVPs and members' own zones.
class ForumStore {
public:
    virtual ~ForumStore() = default;
    /// Inserts a series (id, sequence and times from the row are ignored). Returns the new id.
    virtual std::int64_t insert_series(const ForumSeriesRow& row, std::int64_t now_ms) = 0;
    /// Replaces the editable fields and bumps the sequence. False if there is no such series.
    virtual bool update_series(const ForumSeriesRow& row, std::int64_t now_ms) = 0;
    virtual std::optional<ForumSeriesRow> find_series(std::int64_t id) = 0;
    /// Series of a room (or of every room when `room` is empty), oldest first.
    virtual std::vector<ForumSeriesRow> list_series(std::string_view room, bool include_cancelled) = 0;
    /// Marks a series cancelled and bumps its sequence. False if unknown or already cancelled.
    virtual bool cancel_series(std::int64_t id, std::int64_t now_ms) = 0;
    /// Bumps the sequence (an occurrence was cancelled or moved).
    virtual void touch_series(std::int64_t id, std::int64_t now_ms) = 0;
    virtual void set_text(std::int64_t series_id, const ForumText& text) = 0;
    virtual std::vector<ForumText> texts(std::int64_t series_id) = 0;
    /// Records a cancel or a move of one occurrence (replacing an earlier exception for it).
    virtual void set_override(std::int64_t series_id, const ForumOverrideRow& row, std::int64_t now_ms) = 0;
    virtual std::vector<ForumOverrideRow> overrides(std::int64_t series_id) = 0;
    virtual std::optional<RsvpRow> rsvp(std::int64_t series_id, std::string_view occurrence,
                                        std::string_view member_key) = 0;
    virtual void save_rsvp(const RsvpRow& row) = 0;
    /// Going and holding a seat (not waitlisted).
    virtual std::int64_t seated(std::int64_t series_id, std::string_view occurrence) = 0;
    /// The waitlisted members, earliest since_ms first.
    virtual std::vector<RsvpRow> waitlist(std::int64_t series_id, std::string_view occurrence) = 0;
    /// Records that a member came (source 1: marked by a moderator, 2: said so themselves); once per occurrence.
    virtual void mark_attendance(std::int64_t series_id, std::string_view occurrence, std::string_view member_key,
                                 int source, std::int64_t now_ms) = 0;
    /// A member's 1–5 rating of an occurrence (replacing an earlier one).
    virtual void save_feedback(std::int64_t series_id, std::string_view occurrence, std::string_view member_key,
                               int rating, std::string_view comment, std::int64_t now_ms) = 0;
    /// The member's own zone, if they set one.
    virtual std::optional<std::string> member_zone(std::string_view member_key) = 0;
    virtual void set_member_zone(std::string_view member_key, std::string_view tz) = 0;
};

/// A waiting job as the planner sees it.
struct PlannedJob {
    std::int64_t id = 0;
    std::string key;
    std::string kind;
    std::int64_t due_ms = 0;
};

/// The scheduler's durable jobs (unique by key).
class JobPlanner {
public:
    virtual ~JobPlanner() = default;
    /// Creates the job unless one with this key exists (then nothing changes).
    virtual void schedule(const std::string& key, std::string_view kind, std::int64_t due_ms, std::int64_t expires_ms,
                          const std::string& payload, std::int64_t now_ms) = 0;
    /// Waiting jobs whose key starts with `prefix`.
    virtual std::vector<PlannedJob> waiting(std::string_view prefix) = 0;
    /// A waiting job no longer wanted (the series was edited, moved or cancelled).
    virtual void drop(std::int64_t id, std::int64_t now_ms) = 0;
};

}  // namespace delvex::meetings
