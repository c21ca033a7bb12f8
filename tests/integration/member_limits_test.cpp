// Security review L-2 end to end (signed webhooks in, the real Graph client out to the strict fake Graph API, a
// real SQLite file, a FakeClock the test moves): reactions count only from members who are in the post's room
// now; a forum answer counts only from a member of the forum's room, and reminders skip those who left or were
// put out; reactions, REPORTs and chat commands are limited per member in a fixed window, the refusal said once
// a window, the window kept across a restart and opened again by the clock.

#include <gtest/gtest.h>

#include <SQLiteCpp/Database.h>
#include <date/date.h>

#include "tests/integration/chat_fixture.hpp"
#include "tests/support/harness.hpp"

namespace delvex {
namespace {

using namespace std::chrono_literals;

constexpr const char* kAdminToken = "limits-admin-token-0123456789abcdef";

class MemberLimits : public testing::ChatScenario {
protected:
    MemberLimits() { db_file = "limits.db"; }

    void SetUp() override {
        ChatScenario::SetUp();
        harness->config().admin_token = core::Secret(kAdminToken);
        use_regions(
            "rooms:\n"
            "  - id: east-africa\n"
            "    names: {en: East Africa, sw: Afrika Mashariki, fr: \"Afrique de l'Est\"}\n"
            "    time_zone: Africa/Nairobi\n"
            "    languages: [sw, en]\n"
            "    countries: [\"254\", \"255\"]\n"
            "    moderators: [\"+254700000009\"]\n"
            "    hold_first_posts: 0\n");
        onboard(mod, "en", "east-africa", "Neema Mod");
        onboard(amina, "en", "east-africa", "Amina");
        onboard(baraka, "en", "east-africa", "Baraka");
    }

    std::size_t reactions_to(const Member& who) const {
        std::size_t n = 0;
        for (const auto& m : to(who)) {
            n += m.type == "reaction" ? 1 : 0;
        }
        return n;
    }
    std::int64_t query(const std::string& sql) const {
        SQLite::Database db(dir.file(db_file), SQLite::OPEN_READONLY);
        return db.execAndGet(sql).getInt64();
    }
    /// Amina posts; returns Baraka's copy of it (what he reacts to or quotes).
    std::string amina_posts(const std::string& text) {
        say(amina, text);
        const auto copy = to(baraka).back();
        EXPECT_NE(copy.text.find(text), std::string::npos) << copy.text;
        return copy.wamid;
    }
    /// A forum in East Africa through the admin API; `start` is local Nairobi time.
    void create_forum(const std::string& start, const std::string& title) {
        const auto created = testing::http_request(
            harness->port(), "POST", "/api/v1/forums",
            R"({"room":"east-africa","title":")" + title + R"(","rrule":"FREQ=WEEKLY","start":")" + start +
                R"(","join_kind":"call"})",
            {{"Authorization", std::string("Bearer ") + kAdminToken}, {"Content-Type", "application/json"}});
        ASSERT_EQ(created.status, 201) << created.body;
        settle();
    }
    /// The member asks for the next forum and gets its "Going" button id.
    std::string going_button(const Member& who) {
        say(who, "forum");
        const auto got = to(who).back();
        if (const auto* b = std::get_if<core::ReplyButtons>(&got.message.body)) {
            for (const auto& button : b->buttons) {
                if (button.id.starts_with("forums:rsvp:") && button.id.ends_with(":A")) {
                    return button.id;
                }
            }
        }
        ADD_FAILURE() << "no Going button in " << got.raw_json;
        return {};
    }

    const Member mod{"254700000009", "Neema"};
    const Member amina{"254700000001", "Amina"};
    const Member baraka{"255700000002", "Baraka"};
};

// ---- the gates ----------------------------------------------------------------------------------------------

TEST_F(MemberLimits, ABannedOrRemovedMembersReactionIsNotCountedNorShownToTheAuthor) {
    const Member chloe{"254700000003", "Chloe"};
    onboard(chloe, "en", "east-africa", "Chloe");
    const std::string b_copy = amina_posts("Who has a shaking table?");
    const std::string c_copy = to(chloe).back().wamid;
    say(mod, "ban Baraka");
    say(mod, "remove Chloe");
    const auto baraka_before = to(baraka).size();
    const auto chloe_before = to(chloe).size();

    react(baraka, b_copy, "👍");
    react(chloe, c_copy, "❤️");
    EXPECT_EQ(reactions_to(amina), 0u);  // her message carries no reaction from them
    EXPECT_EQ(query("SELECT count(*) FROM post_reactions"), 0);
    // Silence to them: an answer per reaction would turn a flood into as many messages.
    EXPECT_EQ(to(baraka).size(), baraka_before);
    EXPECT_EQ(to(chloe).size(), chloe_before);

    // A member who is still in the room is counted as before.
    const Member dora{"254700000004", "Dora"};
    onboard(dora, "en", "east-africa", "Dora");
    say(amina, "Second question");
    react(dora, to(dora).back().wamid, "👍");
    EXPECT_EQ(reactions_to(amina), 1u);
}

TEST_F(MemberLimits, AMemberWhoLeftTheRoomNoLongerReactsInIt) {
    const std::string copy = amina_posts("Mercury-free today");
    say(baraka, "leave");
    react(baraka, copy, "👍");
    EXPECT_EQ(reactions_to(amina), 0u);
    EXPECT_EQ(query("SELECT count(*) FROM post_reactions"), 0);
}

TEST_F(MemberLimits, ARemovedMembersForumAnswerIsNotCountedAndIsAnsweredOnce) {
    create_forum("2027-03-04T15:00", "Safer pits");  // Thursday 4 March, 12:00 UTC
    const std::string going = going_button(baraka);
    ASSERT_FALSE(going.empty());
    say(mod, "remove Baraka");

    auto before = to(baraka).size();
    choose(baraka, going, "Going");
    EXPECT_EQ(query("SELECT count(*) FROM forum_rsvps"), 0);
    ASSERT_EQ(to(baraka).size(), before + 1);
    const auto answer = to(baraka).back().text;
    EXPECT_NE(answer.find("You are not in East Africa now"), std::string::npos) << answer;
    EXPECT_EQ(answer.find("Join"), std::string::npos) << answer;  // no join line, no calendar link

    // More taps: still not counted, and no answer per tap.
    before = to(baraka).size();
    choose(baraka, going, "Going");
    choose(baraka, going, "Going");
    EXPECT_EQ(to(baraka).size(), before);
    EXPECT_EQ(query("SELECT count(*) FROM forum_rsvps"), 0);

    // A member of the room answers as before.
    choose(amina, going, "Going");
    EXPECT_EQ(query("SELECT count(*) FROM forum_rsvps"), 1);
    EXPECT_NE(to(amina).back().text.find("You are going to *Safer pits*"), std::string::npos) << to(amina).back().text;
}

TEST_F(MemberLimits, RemindersSkipAMemberBannedAfterAnswering) {
    create_forum("2027-03-04T15:00", "Safer pits");  // Thursday 4 March, 12:00 UTC
    const std::string going = going_button(amina);
    choose(amina, going, "Going");
    choose(baraka, going, "Going");
    ASSERT_EQ(query("SELECT count(*) FROM forum_rsvps"), 2);
    say(mod, "ban Baraka");
    const auto amina_before = to(amina).size();
    const auto baraka_before = to(baraka).size();

    // An hour before the forum: the reminder (and the room's "soon" announcement) go out.
    clock.set(core::TimePoint{date::sys_days{date::year{2027} / 3 / 4} + 11h + 1min});
    harness->service().run_scheduler();
    settle();
    EXPECT_GT(to(amina).size(), amina_before);
    EXPECT_EQ(to(baraka).size(), baraka_before) << to(baraka).back().raw_json;
}

// ---- the rate limits ------------------------------------------------------------------------------------------

// Security review §12.11: reactions are rate-limited per member.
TEST_F(MemberLimits, ReactionsAreRateLimitedPerMemberWithOneRefusalAndTheWindowSurvivesARestart) {
    const std::string copy = amina_posts("Who has a shaking table?");
    // Each of his reactions flips the bot's reaction on her message: one message to her each (default: 30 a
    // window of 10 minutes).
    for (int i = 0; i < 20; ++i) {
        react(baraka, copy, i % 2 == 0 ? "👍" : "");
    }
    EXPECT_EQ(reactions_to(amina), 20u);
    harness->stop_service();  // the window is kept in the database
    harness->start_service();
    for (int i = 20; i < 40; ++i) {
        react(baraka, copy, i % 2 == 0 ? "👍" : "");
    }
    EXPECT_EQ(reactions_to(amina), 30u);
    EXPECT_EQ(count_containing(baraka, "Many reactions at once"), 1u);  // said once, not once per reaction
    // The last one counted (the 30th) took his reaction back; the ten refused ones changed nothing.
    EXPECT_EQ(query("SELECT count(*) FROM post_reactions"), 0);

    // The window ends on the clock: his reactions count again.
    clock.advance(10min);
    react(baraka, copy, "👍");
    EXPECT_EQ(reactions_to(amina), 31u);
    EXPECT_EQ(query("SELECT count(*) FROM post_reactions"), 1);
    EXPECT_EQ(count_containing(baraka, "Many reactions at once"), 1u);
}

TEST_F(MemberLimits, AFloodOfCommandsIsCutWithOneRefusalAndTheClockOpensANewWindow) {
    // Default: 20 commands a window of 10 minutes, typed or tapped in the menu.
    const auto help_before = count_containing(baraka, "How Delve Exchange works");
    const auto amina_before = to(amina).size();
    for (int i = 0; i < 15; ++i) {
        say(baraka, "help");
    }
    harness->stop_service();
    harness->start_service();
    for (int i = 0; i < 10; ++i) {
        say(baraka, "help");
    }
    EXPECT_EQ(count_containing(baraka, "How Delve Exchange works") - help_before, 20u);
    EXPECT_EQ(count_containing(baraka, "many commands at once"), 1u);
    // Over the limit, a command is not a post either: nothing reached the room.
    EXPECT_EQ(to(amina).size(), amina_before);

    clock.advance(10min + 1s);
    say(baraka, "help");
    EXPECT_EQ(count_containing(baraka, "How Delve Exchange works") - help_before, 21u);
    // Posts are not commands: he still writes to the room.
    say(baraka, "Gold at 60 in Geita");
    EXPECT_EQ(count_containing(amina, "Gold at 60 in Geita"), 1u);
}

TEST_F(MemberLimits, AFloodOfReportsIsCutWithOneRefusal) {
    const std::string copy = amina_posts("Buy mercury here");
    const auto mod_before = to(mod).size();
    // Default: 10 REPORTs a window of one hour.
    for (int i = 0; i < 14; ++i) {
        reply_to(baraka, copy, "report");
    }
    EXPECT_EQ(count_containing(baraka, "Thank you. The moderators will look at it"), 10u);
    EXPECT_EQ(count_containing(baraka, "You sent many reports"), 1u);
    EXPECT_EQ(query("SELECT count(*) FROM post_reports"), 1);  // one member, one report of a post
    EXPECT_GT(to(mod).size(), mod_before);                     // the moderators were told once

    clock.advance(1h);
    reply_to(baraka, copy, "report");
    EXPECT_EQ(count_containing(baraka, "Thank you. The moderators will look at it"), 11u);
}

}  // namespace
}  // namespace delvex
