#pragma once

// The forums' stored state as plain structs: series, their per-occurrence exceptions, RSVPs and the
// moderators' chat drafts. bot/store/forum_repository keeps them in SQLite (meetings::ForumStore); the
// decisions in bot/meetings read and change them through that interface only.
// Times are UTC epoch milliseconds; an occurrence is named by its rule-generated local start in iCalendar basic
// form ("20270107T150000"), which stays its name when it is moved.

#include <cstdint>
#include <string>

namespace delvex::meetings {

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
    std::string data;  ///< meetings::FlowDraft in its stored form (protocol.hpp)
    std::int64_t updated_ms = 0;
};

}  // namespace delvex::meetings
