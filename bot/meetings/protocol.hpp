#pragma once

// The forums' internal protocols, each defined once with its encoder and parser: the ids of the buttons and
// list rows members tap (RSVP, attendance, feedback, the moderators' flow), the scheduler's job keys and
// payloads, and the moderators' flow draft. The text forms are stable: buttons already sent and jobs already
// planned must still parse after an upgrade.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "bot/meetings/rows.hpp"
#include "forums/zone.hpp"

namespace delvex::meetings {

/// An occurrence as ids and keys name it: "<series>-<YYYYMMDDTHHMMSS>" (its rule-generated local start).
struct OccurrenceRef {
    std::int64_t series_id = 0;
    forums::LocalTime original{};

    /// The occurrence's stored name ("20270107T150000").
    std::string name() const;
    std::string encode() const;
    static std::optional<OccurrenceRef> parse(std::string_view token);
    bool operator==(const OccurrenceRef&) const = default;
};

/// "forums:rsvp:<occurrence>:A|T|D": Going / Maybe / Can't under an invitation.
struct RsvpButton {
    OccurrenceRef occurrence;
    RsvpStatus answer = RsvpStatus::kAccepted;

    static constexpr std::string_view kPrefix = "forums:rsvp:";
    std::string encode() const;
    /// nullopt when `id` does not start with kPrefix or is malformed.
    static std::optional<RsvpButton> parse(std::string_view id);
    bool operator==(const RsvpButton&) const = default;
};

/// "forums:attend:<occurrence>:Y|N": did you come?
struct AttendButton {
    OccurrenceRef occurrence;
    bool attended = false;

    static constexpr std::string_view kPrefix = "forums:attend:";
    std::string encode() const;
    static std::optional<AttendButton> parse(std::string_view id);
    bool operator==(const AttendButton&) const = default;
};

/// "forums:feedback:<occurrence>:1..5": how useful was it?
struct FeedbackChoice {
    OccurrenceRef occurrence;
    int rating = 0;

    static constexpr std::string_view kPrefix = "forums:feedback:";
    std::string encode() const;
    static std::optional<FeedbackChoice> parse(std::string_view id);
    bool operator==(const FeedbackChoice&) const = default;
};

/// What a moderator (or a member choosing a zone) tapped in a forums flow.
enum class FlowAction {
    kNew,         ///< "new"
    kList,        ///< "list"
    kCancel,      ///< "cancel"
    kRoom,        ///< "room:<room>"
    kOrdinal,     ///< "ord:<1|2|3|4|-1|0>" (0: every week)
    kWeekday,     ///< "day:<MO..SU>"
    kTime,        ///< "time:<HH:MM>"
    kJoin,        ///< "join:<link|place|call>"
    kYes,         ///< "yes"
    kNo,          ///< "no"
    kPick,        ///< "pick:<series>"
    kCancelOne,   ///< "c1:<series>:<YYYYMMDDTHHMMSS>"
    kCancelAll,   ///< "ca:<series>"
    kZone,        ///< "zone:<IANA zone>" (a member's own zone)
};

/// "forums:flow:<action>[:<arg>[:<arg2>]]".
struct FlowChoice {
    FlowAction action = FlowAction::kNew;
    std::string arg;
    std::string arg2;

    static constexpr std::string_view kPrefix = "forums:flow:";
    std::string encode() const;
    /// nullopt for an unknown action or arguments that do not fit it (checked: ordinals, weekdays, times,
    /// join kinds, series ids, dates).
    static std::optional<FlowChoice> parse(std::string_view id);
    bool operator==(const FlowChoice&) const = default;
};

/// The scheduler's forums jobs.
enum class JobKind { kPlan, kScheduled, kAnnounce, kReminder, kFollowup, kNotice };
std::string_view job_kind_name(JobKind kind);  ///< "forums.reminder", …
std::optional<JobKind> parse_job_kind(std::string_view name);

/// What a notice job tells: the series ended, or one occurrence was cancelled or moved.
enum class NoticeWhat { kSeries, kCancel, kMove };

/// A job's key. Forms (all stable):
///   forums.plan:<YYYY-MM-DD>                      (day)
///   forums.scheduled:<id>:0
///   forums.announce:<id>:<seq>:<occ>
///   forums.reminder:<id>:<seq>:<occ>:<offset>m
///   forums.followup:<id>:<seq>:<occ>
///   forums.notice:<id>:<seq>:<series|cancel|move>
struct JobKey {
    JobKind kind = JobKind::kPlan;
    std::int64_t series_id = 0;
    int sequence = 0;
    std::string occurrence;       ///< "YYYYMMDDTHHMMSS" (announce, reminder, followup)
    std::int64_t offset_min = 0;  ///< reminder
    NoticeWhat notice = NoticeWhat::kSeries;
    std::string day;              ///< plan: "YYYY-MM-DD"

    std::string encode() const;
    static std::optional<JobKey> parse(std::string_view key);
    /// "forums.reminder:<id>:" — every key of this kind for one series starts so.
    static std::string series_prefix(JobKind kind, std::int64_t series_id);
    bool operator==(const JobKey&) const = default;
};

/// A notice job's payload: "series", "cancel <occ>" or "move <occ>".
struct NoticePayload {
    NoticeWhat what = NoticeWhat::kSeries;
    std::string occurrence;  ///< cancel and move

    std::string encode() const;
    static std::optional<NoticePayload> parse(std::string_view payload);
    bool operator==(const NoticePayload&) const = default;
};

/// Where a moderator (or a member) is in a forums conversation.
enum class FlowStep {
    kNone,
    kMenu,
    kRoom,
    kTitle,
    kOrdinal,
    kWeekday,
    kTime,
    kJoin,
    kJoinInfo,
    kConfirm,
    kPick,
    kScope,
    kRecap,  ///< the moderator's next message is the recap
    kZone,   ///< a member was offered zones to choose from
};
std::string_view step_name(FlowStep step);  ///< the stored form ("join_info", …)
FlowStep parse_step(std::string_view name);  ///< kNone for an unknown name
/// Steps that take typed text as an answer (elsewhere, a text ends the flow and goes to the room).
bool step_takes_text(FlowStep step);

/// The flow's answers so far. Stored as "key=value" lines (values on one line).
struct FlowDraft {
    std::string room;
    std::string title;
    std::string ordinal;    ///< "1".."4", "-1" (last) or "0" (weekly)
    std::string weekday;    ///< "MO".."SU"
    std::string time;       ///< "HH:MM"
    std::string join_kind;
    std::string join_info;
    std::string rrule;      ///< set at the confirmation
    std::string start;      ///< "YYYY-MM-DDTHH:MM:SS", set at the confirmation
    std::int64_t series_id = 0;  ///< recap
    std::string occurrence;      ///< recap

    std::string encode() const;
    /// Unknown keys are ignored; never fails (a draft is only a convenience).
    static FlowDraft decode(std::string_view text);
    bool operator==(const FlowDraft&) const = default;
};

/// "HH:MM", "H:MM", "14h00", "14.00" → minutes after midnight; nullopt otherwise.
std::optional<int> parse_clock(std::string_view text);
/// Minutes after midnight → "HH:MM".
std::string format_clock(int minutes);

/// Weekday codes in order Monday..Sunday, and the index (Sunday = 0, date's c_encoding) of one.
inline constexpr std::string_view kWeekdayCodes[] = {"MO", "TU", "WE", "TH", "FR", "SA", "SU"};
/// 0..6 (Sunday = 0), or 7 if `code` is not a weekday code.
unsigned weekday_index(std::string_view code);

}  // namespace delvex::meetings
