// Surprises 8 and 9 end to end (signed webhooks in, the real Graph client out to the fake Graph API, a real
// SQLite file): a post its author deletes in WhatsApp leaves digests and catch-up and, if it still waited for
// a moderator, never reaches the room; an edit changes what digests and catch-up show; reactions are counted
// per member and post, shown in digests and catch-up, and the author's message carries the most given one —
// without a message per reaction to anyone else.

#include <gtest/gtest.h>

#include <SQLiteCpp/Database.h>
#include <date/date.h>

#include "bot/store/community_repository.hpp"
#include "tests/integration/chat_fixture.hpp"
#include "tests/support/harness.hpp"

namespace delvex {
namespace {

using namespace std::chrono_literals;

class RoomsChanges : public testing::ChatScenario {
protected:
    RoomsChanges() { db_file = "changes.db"; }

    /// Moves to 18:01 in Nairobi the same day (the digest job's hour) and runs the due jobs.
    void run_digest() {
        clock.set(core::TimePoint{date::floor<date::days>(clock.now()) + 15h + 1min});
        harness->service().run_scheduler();
        settle();
    }
    std::size_t reactions_to(const Member& who) const {
        std::size_t n = 0;
        for (const auto& m : to(who)) {
            n += m.type == "reaction" ? 1 : 0;
        }
        return n;
    }

    const Member amina{"254700000001", "Amina"};
    const Member baraka{"255700000002", "Baraka"};
    const Member chloe{"254700000003", "Chloe"};
    const Member dora{"254700000004", "Dora"};
    const Member eli{"254700000005", "Eli"};
};

TEST_F(RoomsChanges, APostItsAuthorDeletesLeavesTheDigestAndTheCatchUp) {
    onboard(amina, "en", "east-africa", "Amina");
    onboard(baraka, "en", "east-africa", "Baraka");
    onboard(chloe, "en", "east-africa", "Chloe");
    clock.advance(25h);  // Chloe's window closes; Amina and Baraka write again
    say(baraka, "menu");
    say(amina, "Gold at 60 in Geita");
    say(amina, "Wrong post, call me on my number");
    const std::string wrong = last_wamid;
    say(baraka, "Second post");
    EXPECT_EQ(count_containing(baraka, "Wrong post"), 1u);  // his copy went out before she deleted it

    const auto before = to(baraka).size();
    revoke(amina, wrong);
    EXPECT_EQ(to(baraka).size(), before);  // nothing more to anyone (a sent copy cannot be unsent)

    run_digest();
    const auto digest = to(chloe).back();
    EXPECT_EQ(digest.type, "template");
    EXPECT_NE(digest.raw_json.find("2 new posts in East Africa"), std::string::npos) << digest.raw_json;
    say(chloe, "ok");
    const auto catchup = to(chloe).back().text;
    EXPECT_NE(catchup.find("Gold at 60"), std::string::npos) << catchup;
    EXPECT_NE(catchup.find("Second post"), std::string::npos) << catchup;
    EXPECT_EQ(catchup.find("Wrong post"), std::string::npos) << catchup;
    EXPECT_EQ(count_containing(chloe, "Wrong post"), 0u);

    // Someone else cannot take her post out by naming it.
    say(amina, "Still here");
    const std::string still = last_wamid;
    revoke(baraka, still);

    // Her deleted words are gone from the database; the other post is whole.
    SQLite::Database db(dir.file(db_file));
    SQLite::Statement gone(db, "SELECT count(*) FROM posts WHERE body LIKE '%Wrong post%'");
    ASSERT_TRUE(gone.executeStep());
    EXPECT_EQ(gone.getColumn(0).getInt(), 0);
    SQLite::Statement kept(db, "SELECT count(*) FROM posts WHERE body = 'Still here' AND state = 0");
    ASSERT_TRUE(kept.executeStep());
    EXPECT_EQ(kept.getColumn(0).getInt(), 1);
}

TEST_F(RoomsChanges, AHeldPostItsAuthorDeletesNeverReachesTheRoom) {
    use_regions(
        "rooms:\n"
        "  - id: east-africa\n"
        "    names: {en: East Africa, sw: Afrika Mashariki}\n"
        "    time_zone: Africa/Nairobi\n"
        "    languages: [sw, en]\n"
        "    countries: [\"254\", \"255\"]\n"
        "    moderators: [\"+254700000009\"]\n"
        "    hold_first_posts: 1\n");
    const Member mod{"254700000009", "Neema"};
    onboard(mod, "en", "east-africa", "Neema Mod");
    onboard(amina, "en", "east-africa", "Amina");
    onboard(baraka, "en", "east-africa", "Baraka");

    say(amina, "Selling mercury cheap");
    const std::string held_wamid = last_wamid;
    const auto held = to(mod).back();
    ASSERT_EQ(held.type, "interactive");
    const auto approve_id = std::get<core::ReplyButtons>(held.message.body).buttons.at(0).id;

    revoke(amina, held_wamid);
    choose(mod, approve_id, "Approve");
    EXPECT_NE(to(mod).back().text.find("already handled"), std::string::npos) << to(mod).back().text;
    EXPECT_EQ(count_containing(baraka, "mercury"), 0u);
}

TEST_F(RoomsChanges, AnEditChangesWhatTheDigestShowsWithoutAMessageToThoseWhoHadIt) {
    onboard(amina, "en", "east-africa", "Amina");
    onboard(baraka, "en", "east-africa", "Baraka");
    onboard(chloe, "en", "east-africa", "Chloe");
    clock.advance(25h);
    say(baraka, "menu");
    say(amina, "Gold at 60 in Geita");
    const std::string post = last_wamid;
    const auto before = to(baraka).size();
    edit(amina, post, "Gold at 62 in Geita");
    EXPECT_EQ(to(baraka).size(), before);  // no follow-up per edit: decided, see docs/WHATSAPP.md §3

    // Another member's "edit" naming her message changes nothing.
    edit(baraka, post, "Gold is worthless");

    run_digest();
    say(chloe, "ok");
    const auto catchup = to(chloe).back().text;
    EXPECT_NE(catchup.find("*Amina*: Gold at 62 in Geita (edited)"), std::string::npos) << catchup;
    EXPECT_EQ(catchup.find("Gold at 60"), std::string::npos) << catchup;
    EXPECT_EQ(catchup.find("worthless"), std::string::npos) << catchup;
}

TEST_F(RoomsChanges, ReactionsAreCountedTheAuthorSeesTheMostGivenAndNobodyElseIsBuzzed) {
    for (const auto* m : {&amina, &baraka, &chloe, &dora, &eli}) {
        onboard(*m, "en", "east-africa", m->name);
    }
    clock.advance(25h);  // Eli stays away; the others write again
    for (const auto* m : {&amina, &baraka, &chloe, &dora}) {
        say(*m, "menu");
    }
    say(amina, "Who has a shaking table?");
    const std::string post = last_wamid;
    const auto b_copy = to(baraka).back().wamid;
    const auto c_copy = to(chloe).back().wamid;
    const auto d_copy = to(dora).back().wamid;
    const auto b_before = to(baraka).size();
    const auto c_before = to(chloe).size();
    const auto d_before = to(dora).size();

    react(baraka, b_copy, "👍");  // the first: her message shows 👍
    ASSERT_EQ(reactions_to(amina), 1u);
    EXPECT_NE(to(amina).back().raw_json.find(post), std::string::npos);
    EXPECT_NE(to(amina).back().raw_json.find("👍"), std::string::npos);

    react(chloe, c_copy, "❤️");  // a tie: what she sees stays
    EXPECT_EQ(reactions_to(amina), 1u);
    react(dora, d_copy, "❤️");  // ❤️ 2, 👍 1: her message now shows ❤️
    ASSERT_EQ(reactions_to(amina), 2u);
    EXPECT_NE(to(amina).back().raw_json.find("❤️"), std::string::npos);

    react(chloe, c_copy, "👍");  // Chloe changes hers: 👍 2, ❤️ 1
    ASSERT_EQ(reactions_to(amina), 3u);
    EXPECT_NE(to(amina).back().raw_json.find("👍"), std::string::npos);
    react(dora, d_copy, "");  // Dora takes hers back: 👍 2, nothing to change
    EXPECT_EQ(reactions_to(amina), 3u);
    react(baraka, b_copy, "👍");  // the same again counts once
    react(amina, post, "😂");      // one's own post: not counted

    // Nobody else got a message for any of it.
    EXPECT_EQ(to(baraka).size(), b_before);
    EXPECT_EQ(to(chloe).size(), c_before);
    EXPECT_EQ(to(dora).size(), d_before);

    // Eli, back, reads the count in the catch-up.
    say(eli, "hi");
    const auto catchup = to(eli).back().text;
    EXPECT_NE(catchup.find("*Amina*: Who has a shaking table?  👍 2"), std::string::npos) << catchup;
    EXPECT_EQ(catchup.find("❤️"), std::string::npos) << catchup;
    EXPECT_EQ(catchup.find("😂"), std::string::npos) << catchup;

    // MY DATA counts them; FORGET ME takes them away.
    say(baraka, "my data");
    EXPECT_NE(to(baraka).back().text.find("Reactions given: 1"), std::string::npos) << to(baraka).back().text;
    say(chloe, "forget me");
    choose(chloe, "rooms:forget:yes", "Yes");
    SQLite::Database db(dir.file(db_file));
    SQLite::Statement q(db, "SELECT count(*) FROM post_reactions");
    ASSERT_TRUE(q.executeStep());
    EXPECT_EQ(q.getColumn(0).getInt(), 1);  // Baraka's
}

}  // namespace
}  // namespace delvex
