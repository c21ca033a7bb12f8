// The forums' typed protocols: every id, key and draft parses back to what was encoded, the stored forms
// stay those of earlier versions (buttons already sent and jobs already planned still parse), and anything
// forged or truncated is refused.

#include <gtest/gtest.h>

#include "bot/meetings/protocol.hpp"

namespace delvex::meetings {
namespace {

forums::LocalTime local(const char* basic) {
    return forums::parse_local_basic(basic).value();
}

TEST(ForumProtocol, OccurrenceTokenRoundTrips) {
    const OccurrenceRef ref{12, local("20270107T150000")};
    EXPECT_EQ(ref.encode(), "12-20270107T150000");
    EXPECT_EQ(ref.name(), "20270107T150000");
    EXPECT_EQ(OccurrenceRef::parse(ref.encode()), ref);
    for (const char* bad : {"", "12", "12-", "-20270107T150000", "x-20270107T150000", "12-2027-01-07", "0-20270107T150000"}) {
        EXPECT_FALSE(OccurrenceRef::parse(bad).has_value()) << bad;
    }
}

TEST(ForumProtocol, RsvpButtonsKeepTheirFormAndRefuseForgeries) {
    const OccurrenceRef ref{3, local("20270107T150000")};
    EXPECT_EQ((RsvpButton{ref, RsvpStatus::kAccepted}.encode()), "forums:rsvp:3-20270107T150000:A");
    EXPECT_EQ((RsvpButton{ref, RsvpStatus::kTentative}.encode()), "forums:rsvp:3-20270107T150000:T");
    EXPECT_EQ((RsvpButton{ref, RsvpStatus::kDeclined}.encode()), "forums:rsvp:3-20270107T150000:D");
    for (auto s : {RsvpStatus::kAccepted, RsvpStatus::kTentative, RsvpStatus::kDeclined}) {
        const RsvpButton b{ref, s};
        EXPECT_EQ(RsvpButton::parse(b.encode()), b);
    }
    for (const char* bad : {"forums:rsvp:3-20270107T150000:X", "forums:rsvp:3-20270107T150000", "forums:rsvp:",
                            "forums:attend:3-20270107T150000:A", "forums:rsvp:3-2027:A"}) {
        EXPECT_FALSE(RsvpButton::parse(bad).has_value()) << bad;
    }
}

TEST(ForumProtocol, AttendanceAndFeedback) {
    const OccurrenceRef ref{9, local("20270301T090000")};
    EXPECT_EQ((AttendButton{ref, true}.encode()), "forums:attend:9-20270301T090000:Y");
    EXPECT_EQ(AttendButton::parse("forums:attend:9-20270301T090000:N"), (AttendButton{ref, false}));
    EXPECT_FALSE(AttendButton::parse("forums:attend:9-20270301T090000:maybe").has_value());
    EXPECT_EQ((FeedbackChoice{ref, 4}.encode()), "forums:feedback:9-20270301T090000:4");
    EXPECT_EQ(FeedbackChoice::parse("forums:feedback:9-20270301T090000:5"), (FeedbackChoice{ref, 5}));
    EXPECT_FALSE(FeedbackChoice::parse("forums:feedback:9-20270301T090000:6").has_value());
    EXPECT_FALSE(FeedbackChoice::parse("forums:feedback:9-20270301T090000:0").has_value());
}

TEST(ForumProtocol, FlowChoicesAreCheckedWhenParsed) {
    const std::vector<std::pair<std::string, FlowChoice>> good = {
        {"forums:flow:new", {FlowAction::kNew, {}, {}}},
        {"forums:flow:list", {FlowAction::kList, {}, {}}},
        {"forums:flow:cancel", {FlowAction::kCancel, {}, {}}},
        {"forums:flow:room:andes", {FlowAction::kRoom, "andes", {}}},
        {"forums:flow:ord:-1", {FlowAction::kOrdinal, "-1", {}}},
        {"forums:flow:ord:0", {FlowAction::kOrdinal, "0", {}}},
        {"forums:flow:day:TH", {FlowAction::kWeekday, "TH", {}}},
        {"forums:flow:time:14:00", {FlowAction::kTime, "14:00", {}}},
        {"forums:flow:join:place", {FlowAction::kJoin, "place", {}}},
        {"forums:flow:yes", {FlowAction::kYes, {}, {}}},
        {"forums:flow:no", {FlowAction::kNo, {}, {}}},
        {"forums:flow:pick:7", {FlowAction::kPick, "7", {}}},
        {"forums:flow:c1:7:20270129T183000", {FlowAction::kCancelOne, "7", "20270129T183000"}},
        {"forums:flow:ca:7", {FlowAction::kCancelAll, "7", {}}},
        {"forums:flow:zone:America/Argentina/Buenos_Aires", {FlowAction::kZone, "America/Argentina/Buenos_Aires", {}}},
    };
    for (const auto& [id, choice] : good) {
        EXPECT_EQ(FlowChoice::parse(id), choice) << id;
        EXPECT_EQ(choice.encode(), id);
    }
    for (const char* bad : {"forums:flow:", "forums:flow:ord:5", "forums:flow:day:XX", "forums:flow:time:25:00",
                            "forums:flow:join:smoke", "forums:flow:pick:abc", "forums:flow:pick:-3",
                            "forums:flow:c1:7", "forums:flow:c1:7:tomorrow", "forums:flow:zone:../../etc",
                            "forums:flow:new:extra", "forums:flow:launch", "forums:rsvp:3-20270107T150000:A"}) {
        EXPECT_FALSE(FlowChoice::parse(bad).has_value()) << bad;
    }
}

TEST(ForumProtocol, JobKeysKeepTheirStoredForms) {
    JobKey reminder;
    reminder.kind = JobKind::kReminder;
    reminder.series_id = 4;
    reminder.sequence = 2;
    reminder.occurrence = "20270107T150000";
    reminder.offset_min = 1440;
    EXPECT_EQ(reminder.encode(), "forums.reminder:4:2:20270107T150000:1440m");
    EXPECT_EQ(JobKey::parse(reminder.encode()), reminder);
    EXPECT_EQ(JobKey::series_prefix(JobKind::kReminder, 4), "forums.reminder:4:");

    JobKey announce = reminder;
    announce.kind = JobKind::kAnnounce;
    announce.offset_min = 0;
    EXPECT_EQ(announce.encode(), "forums.announce:4:2:20270107T150000");
    EXPECT_EQ(JobKey::parse(announce.encode()), announce);

    JobKey notice;
    notice.kind = JobKind::kNotice;
    notice.series_id = 4;
    notice.sequence = 3;
    notice.notice = NoticeWhat::kCancel;
    EXPECT_EQ(notice.encode(), "forums.notice:4:3:cancel");
    EXPECT_EQ(JobKey::parse(notice.encode()), notice);

    JobKey scheduled;
    scheduled.kind = JobKind::kScheduled;
    scheduled.series_id = 4;
    EXPECT_EQ(scheduled.encode(), "forums.scheduled:4:0");
    EXPECT_EQ(JobKey::parse(scheduled.encode()), scheduled);

    JobKey plan;
    plan.kind = JobKind::kPlan;
    plan.day = "2027-01-02";
    EXPECT_EQ(plan.encode(), "forums.plan:2027-01-02");
    EXPECT_EQ(JobKey::parse(plan.encode()), plan);

    for (const char* bad : {"forums.reminder:4:2:20270107T150000", "forums.reminder:4:2:20270107T150000:60",
                            "forums.announce:x:2:20270107T150000", "forums.notice:4:3:explode", "forums.zap:1:2",
                            "rooms.digest:1", "forums.plan:", "forums.scheduled:4"}) {
        EXPECT_FALSE(JobKey::parse(bad).has_value()) << bad;
    }
}

TEST(ForumProtocol, NoticePayloads) {
    EXPECT_EQ((NoticePayload{NoticeWhat::kSeries, {}}.encode()), "series");
    EXPECT_EQ((NoticePayload{NoticeWhat::kMove, "20270107T150000"}.encode()), "move 20270107T150000");
    EXPECT_EQ(NoticePayload::parse("cancel 20270107T150000"), (NoticePayload{NoticeWhat::kCancel, "20270107T150000"}));
    EXPECT_EQ(NoticePayload::parse("series"), (NoticePayload{NoticeWhat::kSeries, {}}));
    EXPECT_FALSE(NoticePayload::parse("cancel").has_value());
    EXPECT_FALSE(NoticePayload::parse("cancel soon").has_value());
    EXPECT_FALSE(NoticePayload::parse("series 20270107T150000").has_value());
}

TEST(ForumProtocol, FlowStepsAndDraftsRoundTrip) {
    for (auto step : {FlowStep::kMenu, FlowStep::kRoom, FlowStep::kTitle, FlowStep::kOrdinal, FlowStep::kWeekday,
                      FlowStep::kTime, FlowStep::kJoin, FlowStep::kJoinInfo, FlowStep::kConfirm, FlowStep::kPick,
                      FlowStep::kScope, FlowStep::kRecap, FlowStep::kZone}) {
        EXPECT_EQ(parse_step(step_name(step)), step);
    }
    EXPECT_EQ(step_name(FlowStep::kJoinInfo), "join_info");
    EXPECT_EQ(parse_step("warp"), FlowStep::kNone);
    EXPECT_TRUE(step_takes_text(FlowStep::kTime));
    EXPECT_FALSE(step_takes_text(FlowStep::kMenu));

    FlowDraft d;
    d.room = "andes";
    d.title = "Safer pits\nsecond line";
    d.ordinal = "-1";
    d.weekday = "FR";
    d.time = "18:30";
    d.join_kind = "place";
    d.join_info = "Market hall = upstairs";
    d.series_id = 5;
    d.occurrence = "20270129T183000";
    const auto decoded = FlowDraft::decode(d.encode());
    EXPECT_EQ(decoded.title, "Safer pits second line") << "one line each";
    EXPECT_EQ(decoded.join_info, "Market hall = upstairs") << "only the first '=' splits";
    d.title = decoded.title;
    EXPECT_EQ(decoded, d);
    // The form drafts had before the typed draft (a map written key=value).
    const auto old = FlowDraft::decode("day=TH\nord=1\nroom=andes\ntime=15:00\ntitle=Safer pits\n");
    EXPECT_EQ(old.weekday, "TH");
    EXPECT_EQ(old.ordinal, "1");
    EXPECT_EQ(old.time, "15:00");
    EXPECT_EQ(FlowDraft::decode("garbage\n=\nseries=x\n"), FlowDraft{});
}

TEST(ForumProtocol, Clock) {
    EXPECT_EQ(parse_clock("14:00"), 14 * 60);
    EXPECT_EQ(parse_clock(" 9:05 "), 9 * 60 + 5);
    EXPECT_EQ(parse_clock("14h30"), 14 * 60 + 30);
    EXPECT_EQ(parse_clock("14.30"), 14 * 60 + 30);
    for (const char* bad : {"3pm", "24:00", "14:60", "14", ":30", "14:3", "abc"}) {
        EXPECT_FALSE(parse_clock(bad).has_value()) << bad;
    }
    EXPECT_EQ(format_clock(9 * 60 + 5), "09:05");
}

}  // namespace
}  // namespace delvex::meetings
