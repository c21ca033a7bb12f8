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

namespace delvex::store {

struct ForumSeriesRow {
    std::int64_t id = 0;
    std::string room;
    std::string title;
    std::string agenda;
    std::string join_kind = "link";  ///< "link", "place" or "call" (a WhatsApp call)
    std::string join_info;
    std::string rrule;          ///< RRULE value without prefix
    std::string tz;             ///< IANA zone of dtstart_local
    std::string dtstart_local;  ///< "YYYY-MM-DDTHH:MM:SS"
    int duration_min = 60;
    int capacity = 0;  ///< seats for Going; 0 = no limit
    std::string hosts;
    std::string created_by;
    bool cancelled = false;
    int sequence = 0;  ///< iCalendar SEQUENCE: bumped on every change members should see
    std::int64_t created_ms = 0;
    std::int64_t updated_ms = 0;
};

/// A title and agenda in one language (the series row holds the default).
struct ForumText {
    std::string language;
    std::string title;
    std::string agenda;
};

enum class ForumOverrideKind : int { kCancel = 1, kMove = 2 };

struct ForumOverrideRow {
    std::string original_local;  ///< "YYYYMMDDTHHMMSS"
    ForumOverrideKind kind = ForumOverrideKind::kCancel;
    std::string moved_to_local;  ///< "YYYYMMDDTHHMMSS" for a move
};

/// RFC 5545 PARTSTAT values we keep.
enum class RsvpStatus : int { kAccepted = 1, kTentative = 2, kDeclined = 3 };

struct RsvpRow {
    std::int64_t series_id = 0;
    std::string occurrence;
    std::string member_key;
    RsvpStatus status = RsvpStatus::kAccepted;
    bool waitlisted = false;
    std::int64_t since_ms = 0;  ///< when the member asked for a seat (waitlist order)
    std::int64_t updated_ms = 0;
};

/// A reminder recipient: an RSVP joined with the member's language and own zone (empty when unset).
struct RsvpRecipient {
    std::string member_key;
    std::string language;
    std::string tz;
    RsvpStatus status = RsvpStatus::kAccepted;
};

struct ForumDraft {
    std::string member_key;
    std::string step;
    std::string data;  ///< JSON object, owned by the chat flow
    std::int64_t updated_ms = 0;
};

class ForumRepository {
public:
    explicit ForumRepository(SQLite::Database& db);

    /// Inserts a series (id, sequence and times from the row are ignored). Returns the new id.
    std::int64_t insert_series(const ForumSeriesRow& row, std::int64_t now_ms);
    /// Replaces the editable fields and bumps the sequence. False if there is no such series.
    bool update_series(const ForumSeriesRow& row, std::int64_t now_ms);
    std::optional<ForumSeriesRow> find_series(std::int64_t id);
    /// Series of a room (or of every room when `room` is empty), oldest first.
    std::vector<ForumSeriesRow> list_series(std::string_view room, bool include_cancelled);
    /// Marks a series cancelled and bumps its sequence. False if unknown or already cancelled.
    bool cancel_series(std::int64_t id, std::int64_t now_ms);
    /// Bumps the sequence (an occurrence was cancelled or moved).
    void touch_series(std::int64_t id, std::int64_t now_ms);

    void set_text(std::int64_t series_id, const ForumText& text);
    std::vector<ForumText> texts(std::int64_t series_id);

    /// Records a cancel or a move of one occurrence (replacing an earlier exception for it).
    void set_override(std::int64_t series_id, const ForumOverrideRow& row, std::int64_t now_ms);
    std::vector<ForumOverrideRow> overrides(std::int64_t series_id);

    std::optional<RsvpRow> rsvp(std::int64_t series_id, std::string_view occurrence, std::string_view member_key);
    void save_rsvp(const RsvpRow& row);
    /// Going and holding a seat (not waitlisted).
    std::int64_t seated(std::int64_t series_id, std::string_view occurrence);
    std::int64_t count_status(std::int64_t series_id, std::string_view occurrence, RsvpStatus status);
    /// The first waitlisted member (earliest since_ms).
    std::optional<RsvpRow> first_waitlisted(std::int64_t series_id, std::string_view occurrence);
    /// Seated Going plus Maybe: who gets reminders.
    std::vector<RsvpRecipient> reminder_recipients(std::int64_t series_id, std::string_view occurrence);

    void mark_attendance(std::int64_t series_id, std::string_view occurrence, std::string_view member_key,
                         int source, std::int64_t now_ms);
    std::int64_t attendance_count(std::int64_t series_id, std::string_view occurrence);
    void save_feedback(std::int64_t series_id, std::string_view occurrence, std::string_view member_key, int rating,
                       std::string_view comment, std::int64_t now_ms);
    void add_recap(std::int64_t series_id, std::string_view occurrence, std::string_view member_key,
                   std::string_view kind, std::string_view body, std::int64_t now_ms);

    std::optional<ForumDraft> draft(std::string_view member_key);
    void save_draft(const ForumDraft& draft);
    void delete_draft(std::string_view member_key);

    /// The member's own zone, if they set one.
    std::optional<std::string> member_zone(std::string_view member_key);
    void set_member_zone(std::string_view member_key, std::string_view tz);
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

}  // namespace delvex::store
