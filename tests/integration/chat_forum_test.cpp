// Forum words in chat (issue surprises 2 and 3), end to end: a forum created through the admin API, members and
// a moderator chatting through signed webhooks, the real service and SQLite file, the strict fake Graph API.

#include <gtest/gtest.h>

#include <SQLiteCpp/Database.h>

#include "tests/integration/chat_fixture.hpp"

namespace delvex {
namespace {

using namespace std::chrono_literals;

constexpr const char* kAdminToken = "chat-forum-admin-token-0123456789";

class ChatForum : public testing::ChatScenario {
protected:
    ChatForum() { db_file = "forum.db"; }

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
    }

    /// A forum in East Africa; `start` is local Nairobi time.
    void create_forum(const std::string& start, const std::string& title) {
        const auto created = testing::http_request(
            harness->port(), "POST", "/api/v1/forums",
            R"({"room":"east-africa","title":")" + title + R"(","rrule":"FREQ=WEEKLY","start":")" + start +
                R"(","join_kind":"call"})",
            {{"Authorization", std::string("Bearer ") + kAdminToken}, {"Content-Type", "application/json"}});
        ASSERT_EQ(created.status, 201) << created.body;
        settle();
    }
    /// Whether `who` got a relayed room post (a header with an alias, then `text`).
    bool relayed_to(const Member& who, const std::string& text) const {
        for (const auto& m : to(who)) {
            if (m.text.starts_with("*") && m.text.find("·") != std::string::npos &&
                m.text.find("\n" + text) != std::string::npos) {
                return true;
            }
        }
        return false;
    }
    std::int64_t attendance() const {
        SQLite::Database db(dir.file(db_file), SQLite::OPEN_READONLY);
        return db.execAndGet("SELECT count(*) FROM forum_attendance").getInt64();
    }

    const Member mod{"254700000009", "Neema"};
    const Member mama{"254700000001", "Mama"};
    const Member juma{"254700000002", "Juma"};
};

struct AttendedCase {
    std::string lang;
    std::string keyword;
    std::string done;     ///< start of forums.attended_done after the alias
    std::string unknown;  ///< start of forums.attended_unknown
};

class ChatForumAttended : public ChatForum, public ::testing::WithParamInterface<AttendedCase> {};

// Surprise 2: an alias of two words (the README's own example) is an alias, and an unknown one is an error.
TEST_P(ChatForumAttended, AModeratorMarksAMultiWordAliasPresentAndAnUnknownOneIsAnErrorNeverAPost) {
    const auto& c = GetParam();
    onboard(mod, c.lang, "east-africa", "Neema Mod");
    onboard(mama, "sw", "east-africa", "Mama Dhahabu");
    onboard(juma, "en", "east-africa", "Juma");
    create_forum("2027-03-01T12:00", "Safer pits");  // 09:00 UTC; the clock is at 08:00 UTC
    clock.advance(150min);                            // the forum is over

    auto mark = to(mod).size();
    say(mod, c.keyword + " Mama Dhahabu");
    ASSERT_GT(to(mod).size(), mark);
    EXPECT_NE(to(mod).back().text.find("Mama Dhahabu" + c.done), std::string::npos) << to(mod).back().text;
    EXPECT_EQ(attendance(), 1);
    EXPECT_FALSE(relayed_to(juma, c.keyword + " Mama Dhahabu"));

    // Case and spacing as typed do not matter; an "@" before the alias neither.
    say(mod, c.keyword + " @mama   dhahabu");
    EXPECT_NE(to(mod).back().text.find("Mama Dhahabu" + c.done), std::string::npos) << to(mod).back().text;

    // An alias nobody has: a clear error to the moderator, nothing to the room.
    mark = to(mod).size();
    say(mod, c.keyword + " Mama Dhahab");
    ASSERT_GT(to(mod).size(), mark);
    EXPECT_NE(to(mod).back().text.find(c.unknown), std::string::npos) << to(mod).back().text;
    EXPECT_FALSE(relayed_to(juma, c.keyword + " Mama Dhahab"));
    EXPECT_FALSE(relayed_to(mama, c.keyword + " Mama Dhahab"));
    EXPECT_EQ(attendance(), 1);

    // A sentence after the word stays a post.
    say(mod, c.keyword + " the forum, it was good");
    EXPECT_TRUE(relayed_to(juma, c.keyword + " the forum, it was good"));
}

INSTANTIATE_TEST_SUITE_P(
    Languages, ChatForumAttended,
    ::testing::Values(AttendedCase{"en", "attended", " is marked present", "No member is called"},
                      AttendedCase{"sw", "alihudhuria", " amewekwa kama aliyehudhuria", "Hakuna mwanachama"}),
    [](const ::testing::TestParamInfo<AttendedCase>& param) { return param.param.lang; });

struct NextCase {
    std::string lang;
    std::string word;     ///< the forum word typed
    std::string none;     ///< start of forums.next_none
    std::string next;     ///< start of forums.next
};

class ChatForumNext : public ChatForum, public ::testing::WithParamInterface<NextCase> {};

// Surprise 3: "forum" is a question, not a post; the answer is the next forum with its RSVP buttons.
TEST_P(ChatForumNext, AMemberAsksForTheNextForumAndGetsItInTheirZoneAndLanguageWithRsvpButtons) {
    const auto& c = GetParam();
    onboard(mama, c.lang, "east-africa", "Mama Dhahabu");
    onboard(juma, "en", "east-africa", "Juma");
    onboard(mod, "en", "east-africa", "Neema Mod");

    // No forum yet: said plainly, nothing relayed.
    say(mama, c.word);
    EXPECT_NE(to(mama).back().text.find(c.none), std::string::npos) << to(mama).back().text;
    EXPECT_FALSE(relayed_to(juma, c.word));

    // A forum on Thursday 4 March, 15:00 in Nairobi.
    create_forum("2027-03-04T15:00", "Safer pits");
    auto mark = to(mama).size();
    say(mama, c.word);
    ASSERT_GT(to(mama).size(), mark);
    auto got = to(mama).back();
    EXPECT_NE(got.text.find(c.next), std::string::npos) << got.text;
    EXPECT_NE(got.text.find("Safer pits"), std::string::npos) << got.text;
    EXPECT_NE(got.text.find("15:00"), std::string::npos) << got.text;
    EXPECT_NE(got.text.find("Nairobi"), std::string::npos) << got.text;
    EXPECT_FALSE(relayed_to(juma, c.word));
    std::string going;
    if (const auto* b = std::get_if<core::ReplyButtons>(&got.message.body)) {
        for (const auto& button : b->buttons) {
            if (button.id.starts_with("forums:rsvp:") && button.id.ends_with(":A")) {
                going = button.id;
            }
        }
    }
    ASSERT_FALSE(going.empty()) << got.raw_json;
    choose(mama, going, "Going");
    {
        SQLite::Database db(dir.file(db_file), SQLite::OPEN_READONLY);
        EXPECT_EQ(db.execAndGet("SELECT count(*) FROM forum_rsvps").getInt64(), 1);
    }

    // In the member's own zone when they have one (Kinshasa is two hours behind Nairobi).
    {
        SQLite::Database db(dir.file(db_file), SQLite::OPEN_READWRITE);
        db.exec("INSERT INTO forum_member_zones (member_key, tz) VALUES ('" + mama.wa_id + "', 'Africa/Kinshasa')");
    }
    say(mama, c.word);
    got = to(mama).back();
    EXPECT_NE(got.text.find("13:00"), std::string::npos) << got.text;
    EXPECT_NE(got.text.find("Kinshasa"), std::string::npos) << got.text;

    // A moderator's "forum" still opens the moderators' flow.
    say(mod, "forum");
    EXPECT_NE(to(mod).back().text.find("Forums: what do you want to do?"), std::string::npos) << to(mod).back().text;
}

INSTANTIATE_TEST_SUITE_P(
    Languages, ChatForumNext,
    ::testing::Values(NextCase{"en", "forum", "No forum is planned in East Africa", "📅 Next forum in East Africa"},
                      NextCase{"sw", "Jukwaa", "Bado hakuna jukwaa lililopangwa katika Afrika Mashariki",
                               "📅 Jukwaa lijalo la Afrika Mashariki"},
                      NextCase{"fr", "Prochain forum", "Aucun forum n’est prévu dans Afrique de l'Est",
                               "📅 Prochain forum de Afrique de l'Est"}),
    [](const ::testing::TestParamInfo<NextCase>& param) { return param.param.lang; });

}  // namespace
}  // namespace delvex
