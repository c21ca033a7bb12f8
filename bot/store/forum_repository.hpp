#pragma once

// Forum series, their per-occurrence exceptions, RSVPs (with a waitlist), attendance, feedback, recaps and
// moderators' chat drafts. Times are UTC epoch milliseconds; an occurrence is named by its rule-generated
// local start in iCalendar basic form ("20270107T150000"), which stays its name when it is moved.

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bot/meetings/rows.hpp"
#include "bot/meetings/store.hpp"

namespace delvex::store {

// The rows are the domain's (bot/meetings/rows.hpp); the names stay here for the store's callers.
using meetings::ForumDraft;
using meetings::ForumOverrideKind;
using meetings::ForumOverrideRow;
using meetings::ForumSeriesRow;
using meetings::ForumText;
using meetings::RsvpRecipient;
using meetings::RsvpRow;
using meetings::RsvpStatus;

/// One answer to an occurrence as the console lists it: the member by id and alias (never the number); the key
/// is there for the writer to act on and is not shown.
struct RsvpListing {
    std::int64_t member_id = 0;
    std::string alias{};       ///< "" once forgotten
    std::string member_key{};  ///< not for display
    RsvpStatus status = RsvpStatus::kAccepted;
    bool waitlisted = false;
    bool attended = false;
};

class ForumRepository final : public meetings::ForumStore {
public:
    explicit ForumRepository(SQLite::Database& db);

    /// Inserts a series (id, sequence and times from the row are ignored). Returns the new id.
    std::int64_t insert_series(const ForumSeriesRow& row, std::int64_t now_ms) override;
    /// Replaces the editable fields and bumps the sequence. False if there is no such series.
    bool update_series(const ForumSeriesRow& row, std::int64_t now_ms) override;
    std::optional<ForumSeriesRow> find_series(std::int64_t id) override;
    /// Series of a room (or of every room when `room` is empty), oldest first.
    std::vector<ForumSeriesRow> list_series(std::string_view room, bool include_cancelled) override;
    /// Marks a series cancelled and bumps its sequence. False if unknown or already cancelled.
    bool cancel_series(std::int64_t id, std::int64_t now_ms) override;
    /// Bumps the sequence (an occurrence was cancelled or moved).
    void touch_series(std::int64_t id, std::int64_t now_ms) override;

    void set_text(std::int64_t series_id, const ForumText& text) override;
    std::vector<ForumText> texts(std::int64_t series_id) override;

    /// Records a cancel or a move of one occurrence (replacing an earlier exception for it).
    void set_override(std::int64_t series_id, const ForumOverrideRow& row, std::int64_t now_ms) override;
    std::vector<ForumOverrideRow> overrides(std::int64_t series_id) override;

    std::optional<RsvpRow> rsvp(std::int64_t series_id, std::string_view occurrence, std::string_view member_key) override;
    void save_rsvp(const RsvpRow& row) override;
    /// Going and holding a seat (not waitlisted).
    std::int64_t seated(std::int64_t series_id, std::string_view occurrence) override;
    std::int64_t count_status(std::int64_t series_id, std::string_view occurrence, RsvpStatus status);
    /// The first waitlisted member (earliest since_ms).
    std::vector<RsvpRow> waitlist(std::int64_t series_id, std::string_view occurrence) override;
    /// Everyone who answered the occurrence (Going, waitlisted, Maybe, Can't): told when it is cancelled.
    std::vector<RsvpRecipient> answered(std::int64_t series_id, std::string_view occurrence);
    /// Seated Going plus Maybe: who gets reminders.
    std::vector<RsvpRecipient> reminder_recipients(std::int64_t series_id, std::string_view occurrence);

    void mark_attendance(std::int64_t series_id, std::string_view occurrence, std::string_view member_key,
                         int source, std::int64_t now_ms) override;
    std::int64_t attendance_count(std::int64_t series_id, std::string_view occurrence);
    /// Everyone who answered the occurrence, Going first, then Maybe, then Can't, each by when they answered,
    /// with whether they came.
    std::vector<RsvpListing> rsvp_list(std::int64_t series_id, std::string_view occurrence);
    void save_feedback(std::int64_t series_id, std::string_view occurrence, std::string_view member_key, int rating,
                       std::string_view comment, std::int64_t now_ms) override;
    void add_recap(std::int64_t series_id, std::string_view occurrence, std::string_view member_key,
                   std::string_view kind, std::string_view body, std::int64_t now_ms);

    std::optional<ForumDraft> draft(std::string_view member_key);
    void save_draft(const ForumDraft& draft);
    void delete_draft(std::string_view member_key);

    /// The member's own zone, if they set one.
    std::optional<std::string> member_zone(std::string_view member_key) override;
    void set_member_zone(std::string_view member_key, std::string_view tz) override;
    /// Every member's own zone, by member key (one query, for a fan-out to a whole room).
    std::map<std::string, std::string, std::less<>> member_zones();

    /// How many RSVPs the member has (for "my data").
    std::int64_t rsvp_count(std::string_view member_key);
    /// Erases the member's RSVPs, attendance, feedback, drafts and zone; their recaps stay without author.
    void forget_member(std::string_view member_key);

private:
    SQLite::Database& db_;
    SQLite::Statement find_series_;
    SQLite::Statement find_rsvp_;
    SQLite::Statement save_rsvp_;
};

/// Whether the member (by key) is in the room now as the rooms see it: active or held by a moderator, not left,
/// removed or banned, onboarded and not stopped (security review L-2: who may answer a forum and hear of it).
bool in_room(SQLite::Database& db, std::string_view room, std::string_view member_key);

}  // namespace delvex::store
