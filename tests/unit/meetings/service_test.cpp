// The forums decider (meetings::ForumsService) on in-memory stores: no database, no event loop. What each
// operation stores and which jobs it plans or drops; the RSVP waitlist; patterns typed in five languages; the
// zones offered from a number.

#include <gtest/gtest.h>

#include <set>

#include "bot/meetings/pattern.hpp"
#include "bot/meetings/service.hpp"
#include "bot/meetings/zones.hpp"
#include "tests/unit/meetings/memory_store.hpp"

namespace delvex::meetings {
namespace {

using testing::MemoryJobs;
using testing::MemoryRooms;
using testing::MemoryStore;

// 2027-01-01T00:00:00Z
constexpr std::int64_t kNow = 1798761600000;
constexpr std::int64_t kDay = 24LL * 60 * 60 * 1000;

class ForumDecider : public ::testing::Test {
protected:
    void SetUp() override { rooms.zones = {{"andes", "America/Lima"}, {"east", "Africa/Nairobi"}}; }

    ForumSeriesRow monthly() const {
        ForumSeriesRow row;
        row.room = "andes";
        row.title = "Safer pits";
        row.rrule = "FREQ=MONTHLY;BYDAY=1TH";
        row.dtstart_local = "2027-01-07T15:00";
        return row;
    }

    MemoryRooms rooms;
    MemoryStore store;
    MemoryJobs jobs;
    ForumsService service{rooms, Schedule{}};
};

TEST_F(ForumDecider, CreatePlansAnnouncementsRemindersAndFollowUps) {
    const auto id = service.create_series(store, jobs, kNow, monthly(), {});
    ASSERT_TRUE(id) << id.error().message;
    const auto row = store.find_series(*id);
    EXPECT_EQ(row->tz, "America/Lima") << "the room's zone by default";
    EXPECT_EQ(row->dtstart_local, "2027-01-07T15:00:00") << "stored form";
    EXPECT_NE(jobs.find("forums.scheduled:1:0"), nullptr);
    EXPECT_NE(jobs.find("forums.reminder:1:0:20270107T150000:1440m"), nullptr);
    EXPECT_NE(jobs.find("forums.reminder:1:0:20270107T150000:60m"), nullptr);
    EXPECT_NE(jobs.find("forums.announce:1:0:20270107T150000"), nullptr);
    EXPECT_NE(jobs.find("forums.followup:1:0:20270107T150000"), nullptr);
    EXPECT_NE(jobs.find("forums.plan:2027-01-02"), nullptr);
    // 60 days ahead: January and February occurrences only.
    EXPECT_EQ(jobs.live("forums.announce:").size(), 2u);
    // Lima is UTC-5: 15:00 local is 20:00Z; the 1-hour reminder is due at 19:00Z.
    EXPECT_EQ(jobs.find("forums.reminder:1:0:20270107T150000:60m")->job.due_ms, kNow + 6 * kDay + 19 * 3600 * 1000);
}

TEST_F(ForumDecider, RefusalsCarryAProblemTheChatCanTranslate) {
    auto row = monthly();
    row.room = "moon";
    EXPECT_EQ(service.create_series(store, jobs, kNow, row, {}).error().problem, Problem::kUnknownRoom);
    row = monthly();
    row.title = std::string(201, 'x');
    EXPECT_EQ(service.create_series(store, jobs, kNow, row, {}).error().problem, Problem::kTitle);
    row = monthly();
    row.rrule = "FREQ=SOMETIMES";
    EXPECT_EQ(service.create_series(store, jobs, kNow, row, {}).error().problem, Problem::kRule);
    row = monthly();
    row.tz = "Mars/Olympus";
    EXPECT_EQ(service.create_series(store, jobs, kNow, row, {}).error().problem, Problem::kZone);
    row = monthly();
    row.rrule = "FREQ=MONTHLY;BYDAY=1TH;COUNT=1";
    row.dtstart_local = "2026-01-01T15:00";
    EXPECT_EQ(service.create_series(store, jobs, kNow, row, {}).error().problem, Problem::kNoOccurrenceAhead);
    EXPECT_TRUE(store.series.empty());
    EXPECT_TRUE(jobs.rows.empty()) << "nothing planned for a refused series";
    EXPECT_EQ(problem_key(Problem::kPast), "forums.errors.past");
}

TEST_F(ForumDecider, EditingReplansAndDropsTheOldJobs) {
    const auto id = *service.create_series(store, jobs, kNow, monthly(), {});
    auto row = *store.find_series(id);
    row.dtstart_local = "2027-01-07T16:00";
    ASSERT_TRUE(service.update_series(store, jobs, kNow, row, {}));
    EXPECT_TRUE(jobs.live("forums.reminder:1:0:").empty()) << "sequence 0 jobs dropped";
    EXPECT_EQ(jobs.live("forums.reminder:1:1:").size(), 4u);
}

TEST_F(ForumDecider, CancellingOneDateAndTheSeries) {
    const auto id = *service.create_series(store, jobs, kNow, monthly(), {});
    const auto jan = forums::parse_local_basic("20270107T150000").value();
    ASSERT_TRUE(service.cancel_occurrence(store, jobs, kNow, id, jan));
    EXPECT_EQ(store.overrides(id).size(), 1u);
    EXPECT_TRUE(jobs.live("forums.announce:1:1:20270107T150000").empty());
    EXPECT_EQ(jobs.live("forums.announce:1:1:20270204T150000").size(), 1u);
    const auto* notice = jobs.find("forums.notice:1:1:cancel");
    ASSERT_NE(notice, nullptr);
    EXPECT_EQ(notice->payload, "cancel 20270107T150000");
    EXPECT_EQ(service.cancel_occurrence(store, jobs, kNow, id, jan).error().problem, Problem::kNotAnOccurrence);

    const auto past = forums::parse_local_basic("20261201T150000").value();
    const auto feb = forums::parse_local_basic("20270204T150000").value();
    EXPECT_EQ(service.move_occurrence(store, jobs, kNow, id, feb, past).error().problem, Problem::kPast);

    ASSERT_TRUE(service.cancel_series(store, jobs, kNow, id));
    EXPECT_TRUE(jobs.live("forums.announce:").empty());
    EXPECT_TRUE(jobs.live("forums.reminder:").empty());
    EXPECT_NE(jobs.find("forums.notice:1:2:series"), nullptr);
    EXPECT_EQ(service.cancel_series(store, jobs, kNow, id).error().problem, Problem::kNoSeries);
}

TEST_F(ForumDecider, RsvpWaitlistAndPromotion) {
    auto row = monthly();
    row.capacity = 1;
    const auto id = *service.create_series(store, jobs, kNow, row, {});
    const OccurrenceRef jan{id, forums::parse_local_basic("20270107T150000").value()};
    auto a = service.rsvp(store, kNow, "amina", {jan, RsvpStatus::kAccepted});
    EXPECT_FALSE(a.closed);
    EXPECT_FALSE(a.saved.waitlisted);
    auto b = service.rsvp(store, kNow + 1000, "baraka", {jan, RsvpStatus::kAccepted});
    EXPECT_TRUE(b.saved.waitlisted) << "one seat only";
    auto change = service.rsvp(store, kNow + 2000, "amina", {jan, RsvpStatus::kDeclined});
    ASSERT_EQ(change.promoted.size(), 1u);
    EXPECT_EQ(change.promoted[0].member_key, "baraka");
    EXPECT_FALSE(store.rsvp(id, "20270107T150000", "baraka")->waitlisted);

    const OccurrenceRef not_one{id, forums::parse_local_basic("20270108T150000").value()};
    EXPECT_TRUE(service.rsvp(store, kNow, "amina", {not_one, RsvpStatus::kAccepted}).closed);
    EXPECT_TRUE(service.rsvp(store, kNow + 40 * kDay, "amina", {jan, RsvpStatus::kAccepted}).closed) << "over";
}

// Security review L-2: a seat freed goes to the first waiting who is still in the room; one who left keeps their
// place on the list but is passed over.
TEST_F(ForumDecider, AFreedSeatSkipsWhoeverIsNoLongerInTheRoom) {
    auto row = monthly();
    row.capacity = 1;
    const auto id = *service.create_series(store, jobs, kNow, row, {});
    const OccurrenceRef jan{id, forums::parse_local_basic("20270107T150000").value()};
    std::set<std::string> gone{"baraka"};
    const ForumsService::InRoom in_room = [&](std::string_view room, std::string_view key) {
        EXPECT_EQ(room, row.room);
        return gone.count(std::string(key)) == 0;
    };
    service.rsvp(store, kNow, "amina", {jan, RsvpStatus::kAccepted}, in_room);
    EXPECT_TRUE(service.rsvp(store, kNow + 1000, "baraka", {jan, RsvpStatus::kAccepted}, in_room).saved.waitlisted);
    EXPECT_TRUE(service.rsvp(store, kNow + 2000, "chloe", {jan, RsvpStatus::kAccepted}, in_room).saved.waitlisted);
    const auto change = service.rsvp(store, kNow + 3000, "amina", {jan, RsvpStatus::kDeclined}, in_room);
    ASSERT_EQ(change.promoted.size(), 1u);
    EXPECT_EQ(change.promoted[0].member_key, "chloe");
    EXPECT_TRUE(store.rsvp(id, "20270107T150000", "baraka")->waitlisted) << "keeps their place, not the seat";
    EXPECT_EQ(store.seated(id, "20270107T150000"), 1);
}

TEST_F(ForumDecider, AttendanceAndFeedbackOnlyForRealOccurrences) {
    const auto id = *service.create_series(store, jobs, kNow, monthly(), {});
    const OccurrenceRef jan{id, forums::parse_local_basic("20270107T150000").value()};
    EXPECT_TRUE(service.record_attendance(store, kNow, jan, "amina", ForumsService::Attendance::kSelf));
    EXPECT_TRUE(service.record_attendance(store, kNow, jan, "amina", ForumsService::Attendance::kByModerator));
    EXPECT_EQ(store.attendance, std::vector<std::string>{"1|20270107T150000|amina|2"}) << "once per occurrence";
    EXPECT_TRUE(service.record_feedback(store, kNow, jan, "amina", 4));
    EXPECT_EQ((store.ratings["1|20270107T150000|amina"]), 4);
    EXPECT_EQ(service.record_feedback(store, kNow, jan, "amina", 9).error().problem, Problem::kOther);
    const OccurrenceRef forged{id, forums::parse_local_basic("20270108T150000").value()};
    EXPECT_EQ(service.record_attendance(store, kNow, forged, "amina", ForumsService::Attendance::kSelf).error().problem,
              Problem::kNotAnOccurrence);
    const OccurrenceRef unknown{99, jan.original};
    EXPECT_EQ(service.record_feedback(store, kNow, unknown, "amina", 3).error().problem, Problem::kNoSeries);
    EXPECT_EQ(store.attendance.size(), 1u);
}

TEST_F(ForumDecider, MemberZone) {
    EXPECT_TRUE(service.set_member_zone(store, "amina", "America/Bogota"));
    EXPECT_EQ(store.member_zone("amina"), "America/Bogota");
    EXPECT_EQ(service.set_member_zone(store, "amina", "Nowhere/Land").error().problem, Problem::kZone);
    EXPECT_EQ(store.member_zone("amina"), "America/Bogota");
}

TEST_F(ForumDecider, FirstStartOfAPattern) {
    const auto* lima = forums::find_zone("America/Lima").value();
    const forums::Instant now{std::chrono::seconds{kNow / 1000}};
    auto p = first_start("1", "TH", 15 * 60, *lima, now);
    ASSERT_TRUE(p);
    EXPECT_EQ(p->rrule, "FREQ=MONTHLY;BYDAY=1TH");
    EXPECT_EQ(forums::format_local_basic(p->start), "20270107T150000");
    p = first_start("-1", "FR", 18 * 60 + 30, *lima, now);
    EXPECT_EQ(forums::format_local_basic(p->start), "20270129T183000");
    p = first_start("0", "TU", 9 * 60, *lima, now);
    EXPECT_EQ(p->rrule, "FREQ=WEEKLY;BYDAY=TU");
    EXPECT_EQ(forums::format_local_basic(p->start), "20270105T090000");
    EXPECT_FALSE(first_start("5", "TU", 0, *lima, now));
    EXPECT_FALSE(first_start("1", "XX", 0, *lima, now));
}

PatternWords words(std::map<std::string, std::vector<std::string>> ordinals,
                   std::map<std::string, std::vector<std::string>> days) {
    return PatternWords{std::move(ordinals), std::move(days)};
}

TEST(ForumPattern, TypedInTheModeratorsLanguage) {
    const auto fr = words({{"1", {"premier", "1er"}}, {"-1", {"dernier", "dernière"}}, {"0", {"chaque"}}},
                          {{"TH", {"jeudi"}}, {"FR", {"vendredi"}}});
    EXPECT_EQ(parse_pattern("Premier jeudi du mois", fr), (Pattern{"1", "TH"}));
    EXPECT_EQ(parse_pattern("chaque vendredi", fr), (Pattern{"0", "FR"}));
    EXPECT_EQ(parse_pattern("le dernier vendredi", fr), (Pattern{"-1", "FR"}));
    EXPECT_FALSE(parse_pattern("jeudi", fr)) << "which week?";
    EXPECT_FALSE(parse_pattern("premier dernier jeudi", fr));
    EXPECT_FALSE(parse_pattern("premier jeudi ou vendredi", fr));

    const auto es = words({{"-1", {"último", "última"}}, {"2", {"segundo", "segunda"}}}, {{"FR", {"viernes"}}});
    EXPECT_EQ(parse_pattern("ÚLTIMO VIERNES", es), (Pattern{"-1", "FR"}));

    // Portuguese: "segunda" is both "second" and Monday (segunda-feira).
    const auto pt = words({{"2", {"segunda", "segundo"}}, {"4", {"quarta", "quarto"}}},
                          {{"MO", {"segunda-feira"}}, {"WE", {"quarta-feira"}}});
    EXPECT_EQ(parse_pattern("segunda segunda-feira", pt), (Pattern{"2", "MO"}));
    EXPECT_EQ(parse_pattern("quarta quarta-feira do mês", pt), (Pattern{"4", "WE"}));

    const auto sw = words({{"1", {"kwanza"}}, {"0", {"kila"}}}, {{"TH", {"Alhamisi"}}, {"SU", {"Jumapili"}}});
    EXPECT_EQ(parse_pattern("Alhamisi ya kwanza", sw), (Pattern{"1", "TH"}));
    EXPECT_EQ(parse_pattern("kila Jumapili", sw), (Pattern{"0", "SU"}));
}

TEST(ForumZones, CitiesInTheMembersLanguage) {
    EXPECT_EQ(zone_city("Africa/Nairobi", "en"), "Nairobi");
    EXPECT_EQ(zone_city("America/Lima", "es"), "Lima");
    EXPECT_EQ(zone_city("Africa/Cairo", "fr"), "Le Caire");
    EXPECT_EQ(zone_city("Africa/Dar_es_Salaam", "en"), "Dar es Salaam");
    EXPECT_EQ(zone_city("Asia/Kolkata", "en"), "Kolkata");
    EXPECT_EQ(zone_city("Etc/Unknown_Place", "en"), "Unknown Place") << "fallback: the id's last part";
}

TEST(ForumZones, SuggestedFromTheCallingCode) {
    EXPECT_EQ(region_of_number("254712345678"), "KE");
    EXPECT_EQ(region_of_number("+258841234567"), "MZ");
    EXPECT_EQ(region_of_number("5511912345678"), "BR");
    EXPECT_EQ(region_of_number("919812345678"), "IN");
    EXPECT_EQ(region_of_number("12025550123"), "US");
    EXPECT_EQ(region_of_number("999"), "");

    constexpr std::int64_t kZonesAt = 1796169600000;  // 2026-12-02T00:00Z: the offsets of that day
    const auto kenya = zones_for_region("KE", "sw", 8, kZonesAt);
    ASSERT_EQ(kenya.size(), 1u);
    EXPECT_EQ(kenya[0].tz, "Africa/Nairobi");
    EXPECT_NE(kenya[0].description.find("GMT+03:00"), std::string::npos) << kenya[0].description;

    const auto india = zones_for_region("IN", "en", 8, kZonesAt);
    ASSERT_EQ(india.size(), 1u);
    EXPECT_EQ(india[0].tz, "Asia/Kolkata") << "not Manila";

    // One choice per local time, named by the region's reference city.
    const auto brazil = zones_for_region("BR", "pt", 8, kZonesAt);
    std::vector<std::string> tzs;
    for (const auto& z : brazil) {
        tzs.push_back(z.tz);
    }
    EXPECT_NE(std::find(tzs.begin(), tzs.end(), "America/Sao_Paulo"), tzs.end());
    EXPECT_NE(std::find(tzs.begin(), tzs.end(), "America/Manaus"), tzs.end());
    EXPECT_LE(brazil.size(), 8u);
    EXPECT_LT(brazil.size(), 8u) << "not every Brazilian zone id: one per local time";
    EXPECT_TRUE(zones_for_region("", "en", 8, kZonesAt).empty());
}

}  // namespace
}  // namespace delvex::meetings
