// The moderators' guided chat flow: "forum" → new / list / cancel, with lists and buttons.

#include <gtest/gtest.h>

#include "tests/support/harness.hpp"
#include "tests/unit/forums_app/forums_rig.hpp"

namespace delvex::testing {
namespace {

class ForumsFlowTest : public ::testing::Test {
protected:
    void SetUp() override {
        rooms.rooms_by_id["andes"] = {"America/Lima", {{"5100000001", "en"}, {"5100000002", "es"}}, {"5100000001"}};
        rooms.rooms_by_id["london"] = {"Europe/London", {{"4400000001", "en"}}, {"4400000001"}};
        add_member(db, "5100000001", "en", now_ms(clock));
        add_member(db, "5100000002", "es", now_ms(clock));
        add_member(db, "4400000001", "en", now_ms(clock));
    }

    /// Sends a text or a choice and returns what the bot answered (the last row queued to the member).
    store::OutboxRow turn(const std::string& member, const std::string& text, const std::string& reply_id = {}) {
        handled = say(db, feature, catalog, now_ms(clock), member, text, "wamid.f" + std::to_string(++n), reply_id);
        store::OutboxRepository outbox(db.sql());
        store::OutboxRow last;
        for (const auto& row : outbox.all()) {
            if (row.recipient == member) {
                last = row;
            }
        }
        return last;
    }

    TempDir dir;
    store::Database db{store::DatabaseOptions{dir.file("flow.db"), false, 5000, false}};
    core::FakeClock clock{core::TimePoint{date::sys_days{date::year{2027} / 1 / 1}}};
    core::Catalog catalog = load_catalog();
    FakeRooms rooms;
    events::ForumsFeature feature{rooms};
    bool handled = false;
    int n = 0;
};

TEST_F(ForumsFlowTest, ModeratorSchedulesAMonthlyForumStepByStep) {
    auto r = turn("5100000001", "Forum");
    ASSERT_TRUE(handled);
    EXPECT_EQ(choices(r), (std::vector<std::string>{"forums:flow:new", "forums:flow:list", "forums:flow:cancel"}));
    r = turn("5100000001", "", "forums:flow:new");
    EXPECT_NE(shown_text(r).find("title"), std::string::npos) << "one room moderated: straight to the title";
    r = turn("5100000001", "Safer pits");
    EXPECT_EQ(choices(r).size(), 6u) << "1st, 2nd, 3rd, 4th, last, every week";
    r = turn("5100000001", "", "forums:flow:ord:1");
    EXPECT_EQ(choices(r).size(), 7u) << "the weekdays";
    r = turn("5100000001", "", "forums:flow:day:TH");
    EXPECT_NE(shown_text(r).find("Lima time"), std::string::npos) << shown_text(r);
    EXPECT_EQ(shown_text(r).find("America/"), std::string::npos) << "a city, not a zone id: " << shown_text(r);
    EXPECT_EQ(choices(r).size(), 9u) << "times to choose from (any other may be typed)";
    r = turn("5100000001", "3pm");
    EXPECT_NE(shown_text(r).find("15:00"), std::string::npos) << "asked again: " << shown_text(r);
    r = turn("5100000001", "15:00");
    EXPECT_EQ(choices(r), (std::vector<std::string>{"forums:flow:join:link", "forums:flow:join:place",
                                                    "forums:flow:join:call"}));
    r = turn("5100000001", "", "forums:flow:join:link");
    r = turn("5100000001", "https://meet.example.org/pits");
    EXPECT_EQ(choices(r), (std::vector<std::string>{"forums:flow:yes", "forums:flow:no"}));
    const auto confirm = shown_text(r);
    EXPECT_NE(confirm.find("Safer pits"), std::string::npos) << confirm;
    EXPECT_NE(confirm.find("1st Thursday of each month"), std::string::npos) << confirm;
    EXPECT_NE(confirm.find("Thursday 7 January, 15:00 (Lima time)"), std::string::npos) << confirm;
    r = turn("5100000001", "", "forums:flow:yes");
    EXPECT_NE(shown_text(r).find("Scheduled"), std::string::npos) << shown_text(r);

    store::ForumRepository repo(db.sql());
    const auto all = repo.list_series("andes", false);
    ASSERT_EQ(all.size(), 1u);
    EXPECT_EQ(all[0].rrule, "FREQ=MONTHLY;BYDAY=1TH");
    EXPECT_EQ(all[0].dtstart_local, "2027-01-07T15:00:00");
    EXPECT_EQ(all[0].tz, "America/Lima");
    EXPECT_EQ(all[0].join_info, "https://meet.example.org/pits");
    EXPECT_EQ(all[0].created_by, "5100000001");
    EXPECT_FALSE(repo.draft("5100000001").has_value());

    // Afterwards, ordinary text is not taken by the flow.
    turn("5100000001", "hello room");
    EXPECT_FALSE(handled);

    // List, then cancel the whole series.
    turn("5100000001", "forum");
    r = turn("5100000001", "", "forums:flow:list");
    EXPECT_NE(shown_text(r).find("Safer pits"), std::string::npos) << shown_text(r);
    turn("5100000001", "forum");
    r = turn("5100000001", "", "forums:flow:cancel");
    const auto pick = "forums:flow:pick:" + std::to_string(all[0].id);
    ASSERT_EQ(choices(r), std::vector<std::string>{pick});
    r = turn("5100000001", "", pick);
    ASSERT_EQ(choices(r).size(), 3u);
    EXPECT_EQ(choices(r)[0], "forums:flow:c1:" + std::to_string(all[0].id) + ":20270107T150000");
    r = turn("5100000001", "", choices(r)[1]);
    EXPECT_NE(shown_text(r).find("series is cancelled"), std::string::npos) << shown_text(r);
    EXPECT_TRUE(repo.find_series(all[0].id)->cancelled);
}

TEST_F(ForumsFlowTest, TypedPatternAndOneDateCancelled) {
    turn("4400000001", "forum");
    turn("4400000001", "", "forums:flow:new");
    turn("4400000001", "Buyers' panel");
    turn("4400000001", "last Friday, monthly");  // typed instead of the two lists
    turn("4400000001", "18:30");
    auto r = turn("4400000001", "", "forums:flow:join:call");
    EXPECT_NE(shown_text(r).find("Last Friday of each month"), std::string::npos) << shown_text(r);
    EXPECT_NE(shown_text(r).find("Friday 29 January, 18:30 (London time)"), std::string::npos) << shown_text(r);
    turn("4400000001", "", "forums:flow:yes");
    store::ForumRepository repo(db.sql());
    const auto all = repo.list_series("london", false);
    ASSERT_EQ(all.size(), 1u);
    EXPECT_EQ(all[0].rrule, "FREQ=MONTHLY;BYDAY=-1FR");
    EXPECT_EQ(all[0].join_kind, "call");

    turn("4400000001", "forum");
    turn("4400000001", "", "forums:flow:cancel");
    r = turn("4400000001", "", "forums:flow:pick:" + std::to_string(all[0].id));
    r = turn("4400000001", "", choices(r)[0]);
    EXPECT_NE(shown_text(r).find("Cancelled for Friday 29 January"), std::string::npos) << shown_text(r);
    const auto overrides = repo.overrides(all[0].id);
    ASSERT_EQ(overrides.size(), 1u);
    EXPECT_EQ(overrides[0].original_local, "20270129T183000");
    EXPECT_FALSE(repo.find_series(all[0].id)->cancelled);
}

TEST_F(ForumsFlowTest, AModeratorWhoMovesOnFromTheMenuPostsAsUsual) {
    turn("5100000001", "forum");
    ASSERT_TRUE(handled);
    turn("5100000001", "Good morning everyone");
    EXPECT_FALSE(handled) << "free text at a menu is a post for the room, not an answer";
    store::ForumRepository repo(db.sql());
    EXPECT_FALSE(repo.draft("5100000001").has_value());
    // A draft left for more than 30 minutes lapses too.
    turn("5100000001", "forum");
    turn("5100000001", "", "forums:flow:new");
    clock.advance(std::chrono::minutes(31));
    turn("5100000001", "A title typed much later");
    EXPECT_FALSE(handled);
}

TEST_F(ForumsFlowTest, MembersWhoAreNotModeratorsAreLeftToTheRooms) {
    // A member's "forum" asks for the next forum (forums_next.cpp): answered, but never the moderators' flow.
    turn("5100000002", "forum");
    EXPECT_TRUE(handled);
    EXPECT_FALSE(store::ForumRepository(db.sql()).draft("5100000002").has_value());
    turn("5100000002", "forum night at the market was good");
    EXPECT_FALSE(handled);
    // A moderator of andes cannot pick a london series or room by a forged id.
    turn("5100000001", "forum");
    turn("5100000001", "", "forums:flow:room:london");
    store::ForumRepository repo(db.sql());
    EXPECT_FALSE(repo.draft("5100000001").has_value() && repo.draft("5100000001")->data.find("london") != std::string::npos);
}

}  // namespace
}  // namespace delvex::testing
