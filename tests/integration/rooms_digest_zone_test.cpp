// The daily digest at the member's own hour (issue 15, surprise 5): one zone per room (Manila for Asia &
// Pacific, India included), but a member who set their own zone with TIME ZONE gets the digest at 18:00 in
// it; the others at 18:00 in the room's. Through the real webhook path, the real scheduler and the fake Graph
// API; the clock moves half an hour at a time over two days.

#include <gtest/gtest.h>

#include <SQLiteCpp/Database.h>
#include <date/date.h>

#include <map>
#include <string>
#include <vector>

#include "tests/integration/chat_fixture.hpp"
#include "tests/support/harness.hpp"

namespace delvex {
namespace {

using namespace std::chrono_literals;

class RoomsDigestZone : public testing::ChatScenario {
protected:
    RoomsDigestZone() { db_file = "rooms_digest_zone.db"; }

    std::size_t digests(const Member& who) const {
        std::size_t n = 0;
        for (const auto& m : to(who)) {
            n += m.type == "template" && m.text == "delvex_room_digest" ? 1 : 0;
        }
        return n;
    }

    const Member ana{"639170000001", "Ana"};     // the Philippines: the room's zone
    const Member maria{"639170000002", "Maria"};  // the Philippines, no own zone
    const Member priya{"919800000003", "Priya"};  // India: sets Asia/Kolkata (2 h 30 behind Manila)
};

TEST_F(RoomsDigestZone, EachMemberGetsTheDigestAtEighteenInTheirOwnZoneOnce) {
    onboard(ana, "en", "asia-pacific", "Ana");
    onboard(maria, "en", "asia-pacific", "Maria");
    onboard(priya, "en", "asia-pacific", "Priya");

    // Priya sets her own zone (the forums' TIME ZONE command).
    say(priya, "time zone");
    choose(priya, "forums:flow:zone:Asia/Kolkata", "Kolkata");
    {
        SQLite::Database db(dir.file(db_file), SQLite::OPEN_READONLY);
        ASSERT_EQ(db.execAndGet("SELECT tz FROM forum_member_zones WHERE member_key = '" + priya.wa_id + "'")
                      .getString(),
                  "Asia/Kolkata");
    }

    // 2027-03-02 09:00 UTC (17:00 Manila, 14:30 Kolkata): Maria's and Priya's windows closed (onboarded a day
    // earlier), so Ana's post waits for their digest.
    const auto day2 = core::TimePoint{date::sys_days{date::year{2027} / 3 / 2}};
    clock.set(day2 + 9h);
    say(ana, "Mercury buyers at the Davao market today");
    EXPECT_EQ(count_containing(maria, "Mercury buyers"), 0u);
    EXPECT_EQ(count_containing(priya, "Mercury buyers"), 0u);

    // Half an hour at a time for two days; the scheduler runs twice each step (a repeated run sends nothing).
    std::map<std::string, std::vector<core::TimePoint>> got;  // who -> when each digest arrived
    for (auto t = day2 + 9h + 30min; t <= day2 + 57h; t += 30min) {
        clock.set(t);
        for (int pass = 0; pass < 2; ++pass) {
            harness->service().run_scheduler();
            settle();
        }
        for (const Member* who : {&ana, &maria, &priya}) {
            while (got[who->name].size() < digests(*who)) {
                got[who->name].push_back(t);
            }
        }
    }

    // Maria: 18:00 in Manila = 10:00 UTC. Priya: 18:00 in Kolkata = 12:30 UTC. Once each; none the next day
    // (no new post). Ana wrote the only post: nothing for her.
    ASSERT_EQ(got["Maria"].size(), 1u);
    EXPECT_EQ(got["Maria"][0], day2 + 10h);
    ASSERT_EQ(got["Priya"].size(), 1u);
    EXPECT_EQ(got["Priya"][0], day2 + 12h + 30min);
    EXPECT_TRUE(got["Ana"].empty());
    const auto priya_digest = to(priya);
    ASSERT_FALSE(priya_digest.empty());
    EXPECT_NE(priya_digest.back().raw_json.find("1 new posts in Asia"), std::string::npos) << priya_digest.back().raw_json;

    // Each member's local day is recorded against a repeat.
    SQLite::Database db(dir.file(db_file), SQLite::OPEN_READONLY);
    EXPECT_EQ(db.execAndGet("SELECT digest_day FROM members WHERE member_key = '" + priya.wa_id + "'").getString(),
              "2027-03-02");
    EXPECT_EQ(db.execAndGet("SELECT count(*) FROM outbox WHERE logical_key = 'rooms.digest:asia-pacific:2027-03-02'")
                  .getInt(),
              2);
}

}  // namespace
}  // namespace delvex
