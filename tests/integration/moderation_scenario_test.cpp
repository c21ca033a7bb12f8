// The moderators' toolkit end to end, in English and in French: signed webhooks into the real service,
// messages out through the real Graph client to the strict fake Graph API, state in a real SQLite file.
// One test per command (QUEUE with approve/reject from it, TAKE DOWN, LIFT, a room argument or the question
// when it is ambiguous, LOG, the automatic hold after reports, APPOINT/DEMOTE by an admin), and the report
// alert that reaches a moderator whose window is closed as a template the fake accepts.

#include <gtest/gtest.h>

#include <SQLiteCpp/Database.h>

#include "bot/moderation/protocol.hpp"
#include "tests/integration/chat_fixture.hpp"
#include "tests/support/harness.hpp"

namespace delvex {
namespace {

using namespace std::chrono_literals;

/// A moderator's words and what the service answers, in one language.
struct Words {
    std::string lang;
    std::string queue, takedown, lift, ban, hold, log, appoint, unappoint, report;
    std::string east;          ///< "East Africa" in this language
    std::string waiting;       ///< the queue's head
    std::string taken_down;    ///< the moderator's answer to TAKE DOWN
    std::string told_author;   ///< what the author of a taken-down post reads
    std::string lifted;        ///< the answer to LIFT
    std::string which_room;    ///< the question when the room is ambiguous
    std::string banned_verb;   ///< how LOG writes "ban"
    std::string appointed;     ///< what a new moderator reads
    std::string hidden;        ///< the alert line of an automatic hold
};

const Words kEnglish{"en", "queue", "take down", "lift", "ban", "hold", "log", "appoint", "demote", "report",
                     "East Africa", "Waiting, oldest first", "is taken down", "took down your post",
                     "can post in East Africa again", "Which room for", "banned", "You are now a moderator",
                     "it is hidden until a moderator decides"};
const Words kFrench{"fr", "file", "dépublier", "lever", "bannir", "moderer", "journal", "nommer", "destituer",
                    "signaler", "Afrique de l'Est", "En attente, les plus anciens", "est dépublié",
                    "a retiré votre message", "peut de nouveau écrire dans Afrique de l'Est", "Quel salon pour",
                    "a banni", "Vous êtes maintenant modérateur", "il est caché jusqu'à la décision"};

const std::string kRegions =
    "admins: [\"+254700000099\"]\n"
    "rooms:\n"
    "  - id: east-africa\n"
    "    names: {en: East Africa, fr: Afrique de l'Est}\n"
    "    time_zone: Africa/Nairobi\n"
    "    languages: [en, fr]\n"
    "    countries: [\"254\", \"255\"]\n"
    "    moderators: [\"+254700000009\"]\n"
    "  - id: west-africa\n"
    "    names: {en: West Africa, fr: Afrique de l'Ouest}\n"
    "    time_zone: Africa/Abidjan\n"
    "    languages: [fr, en]\n"
    "    countries: [\"221\"]\n"
    "    moderators: [\"+254700000009\"]\n";

class ModerationScenario : public testing::ChatScenario, public ::testing::WithParamInterface<Words> {
protected:
    ModerationScenario() { db_file = "moderation.db"; }
    void SetUp() override {
        ChatScenario::SetUp();
        use_regions(kRegions);
    }
    const Words& w() const { return GetParam(); }
    void join(const Member& who, const std::string& alias, const std::string& room = "east-africa") {
        onboard(who, w().lang, room, alias);
    }
    /// The newest post's number, as the queue and LOG show it.
    std::int64_t last_post() {
        SQLite::Database db(dir.file(db_file));
        return db.execAndGet("SELECT max(id) FROM posts").getInt64();
    }
    int post_state(std::int64_t id) {
        SQLite::Database db(dir.file(db_file));
        SQLite::Statement q(db, "SELECT state FROM posts WHERE id = ?");
        q.bind(1, id);
        return q.executeStep() ? q.getColumn(0).getInt() : -1;
    }
    /// The rows of the last list sent to `who`.
    std::vector<core::ListRow> rows(const Member& who) {
        const auto got = to(who);
        for (auto it = got.rbegin(); it != got.rend(); ++it) {
            if (const auto* l = std::get_if<core::ListMessage>(&it->message.body)) {
                return l->sections.empty() ? std::vector<core::ListRow>{} : l->sections.front().rows;
            }
        }
        return {};
    }

    const Member mod{"254700000009", "Neema"};
    const Member admin{"254700000099", "Boss"};
    const Member amina{"254700000001", "Amina"};
    const Member baraka{"255700000002", "Baraka"};
    const Member chloe{"254700000003", "Chloe"};
    const Member didier{"254700000004", "Didier"};
};

TEST_P(ModerationScenario, TheQueueListsWhatWaitsAndItsButtonsApproveAndReject) {
    // A new member's first post waits for a moderator here.
    use_regions("admins: []\nrooms:\n  - id: east-africa\n    names: {en: East Africa, fr: Afrique de l'Est}\n"
                "    time_zone: Africa/Nairobi\n    languages: [en, fr]\n    countries: [\"254\"]\n"
                "    moderators: [\"+254700000009\"]\n    hold_first_posts: 1\n");
    join(mod, "Neema");
    join(amina, "Amina");
    join(baraka, "Baraka");
    join(chloe, "Chloe");
    say(amina, "Where to buy a retort?");
    const auto first = last_post();
    say(baraka, "Selling gold cheap, call me");
    const auto second = last_post();
    ASSERT_NE(first, second);

    say(mod, w().queue);
    const auto queue = to(mod).back();
    EXPECT_NE(queue.text.find(w().waiting), std::string::npos) << queue.text;
    EXPECT_LT(queue.text.find("retort"), queue.text.find("gold cheap")) << "oldest first";
    const auto r = rows(mod);
    ASSERT_EQ(r.size(), 4u);
    choose(mod, r[0].id, r[0].title);  // approve the first
    EXPECT_EQ(count_containing(chloe, "Where to buy a retort?"), 1u);
    choose(mod, r[3].id, r[3].title);  // reject the second
    EXPECT_EQ(post_state(second), 2);
    EXPECT_EQ(count_containing(chloe, "gold cheap"), 0u);
    say(mod, w().queue);
    EXPECT_EQ(to(mod).back().text.find("retort"), std::string::npos) << "decided posts leave the queue";
}

TEST_P(ModerationScenario, TakeDownHidesAPostFromCatchUpAndTellsItsAuthor) {
    join(chloe, "Chloe");
    clock.advance(25h);  // Chloe's window closes: posts wait for her catch-up
    join(mod, "Neema");
    join(amina, "Amina");
    join(baraka, "Baraka");
    say(amina, "Buy mercury from me, best price");
    const auto post = last_post();
    EXPECT_EQ(count_containing(baraka, "Buy mercury"), 1u);
    say(amina, "Shaking tables work well");

    say(mod, w().takedown + " " + std::to_string(post));
    EXPECT_NE(to(mod).back().text.find(w().taken_down), std::string::npos) << to(mod).back().text;
    EXPECT_NE(to(amina).back().text.find(w().told_author), std::string::npos) << to(amina).back().text;
    EXPECT_EQ(post_state(post), 5);

    say(chloe, "hello");  // her catch-up
    EXPECT_EQ(count_containing(chloe, "Buy mercury"), 0u);
    EXPECT_EQ(count_containing(chloe, "Shaking tables"), 1u);
}

TEST_P(ModerationScenario, LiftUndoesABanAndAHold) {
    join(mod, "Neema");
    join(amina, "Amina");
    join(baraka, "Baraka");
    say(mod, w().ban + " Amina");
    say(amina, "Am I still here?");
    EXPECT_EQ(count_containing(baraka, "still here"), 0u);
    say(mod, w().lift + " Amina");
    EXPECT_NE(to(mod).back().text.find(w().lifted), std::string::npos) << to(mod).back().text;
    say(amina, "Back again");
    EXPECT_EQ(count_containing(baraka, "Back again"), 1u);

    say(mod, w().hold + " Baraka");
    say(baraka, "This one waits");
    EXPECT_EQ(count_containing(amina, "This one waits"), 0u);
    say(mod, w().lift + " Baraka");
    say(baraka, "This one does not");
    EXPECT_EQ(count_containing(amina, "This one does not"), 1u);
}

TEST_P(ModerationScenario, LiftAlsoDropsTheBanKeptForTheNumberOfAMemberWhoWasForgotten) {
    join(mod, "Neema");
    join(amina, "Amina");
    join(baraka, "Baraka");
    say(mod, w().ban + " Amina");
    choose(amina, "rooms:forget:yes", "Yes");  // FORGET ME: the ban is kept for her number only
    {
        SQLite::Database db(dir.file(db_file));
        EXPECT_EQ(db.execAndGet("SELECT count(*) FROM identity_bars WHERE room = 'east-africa'").getInt(), 1);
    }
    // She comes back from the same number: East Africa refuses her, she settles in West Africa.
    say(amina, "hello again");
    choose(amina, "rooms:lang:" + w().lang, w().lang);
    choose(amina, "rooms:room:east-africa", "East Africa");
    choose(amina, "rooms:room:west-africa", "West Africa");
    say(amina, "Amina");
    choose(amina, "rooms:consent:yes", "yes");
    {
        SQLite::Database db(dir.file(db_file));
        EXPECT_EQ(db.execAndGet("SELECT r.state FROM room_members r JOIN members m ON m.id = r.member_id WHERE "
                                "r.room = 'east-africa' AND m.member_key = '254700000001'").getInt(),
                  3) << "refused by the kept ban";
    }
    say(mod, w().lift + " Amina " + w().east);
    EXPECT_NE(to(mod).back().text.find(w().lifted), std::string::npos) << to(mod).back().text;
    SQLite::Database db(dir.file(db_file));
    EXPECT_EQ(db.execAndGet("SELECT count(*) FROM identity_bars WHERE room = 'east-africa'").getInt(), 0);
    choose(amina, "rooms:room:east-africa", "East Africa");
    say(amina, "Glad to be back");
    EXPECT_EQ(count_containing(baraka, "Glad to be back"), 1u);
}

TEST_P(ModerationScenario, AModeratorOfTwoRoomsIsAskedWhichOneOrNamesIt) {
    join(mod, "Neema");
    join(amina, "Amina");
    choose(amina, "rooms:room:west-africa", "West Africa");  // Amina is in both rooms
    choose(amina, "rooms:room:east-africa", "East Africa");
    say(mod, w().ban + " Amina");
    EXPECT_NE(to(mod).back().text.find(w().which_room), std::string::npos) << to(mod).back().text;
    const auto r = rows(mod);
    ASSERT_EQ(r.size(), 2u);
    const auto west = r[0].id.find("west-africa") != std::string::npos ? r[0] : r[1];
    choose(mod, west.id, west.title);
    SQLite::Database db(dir.file(db_file));
    EXPECT_EQ(db.execAndGet("SELECT state FROM room_members WHERE room = 'west-africa' AND member_id = "
                            "(SELECT id FROM members WHERE member_key = '254700000001')").getInt(), 3);
    EXPECT_EQ(db.execAndGet("SELECT state FROM room_members WHERE room = 'east-africa' AND member_id = "
                            "(SELECT id FROM members WHERE member_key = '254700000001')").getInt(), 0);
    // Naming the room (in the moderator's language) acts at once.
    say(mod, w().ban + " Amina " + w().east);
    EXPECT_EQ(db.execAndGet("SELECT state FROM room_members WHERE room = 'east-africa' AND member_id = "
                            "(SELECT id FROM members WHERE member_key = '254700000001')").getInt(), 3);
}

TEST_P(ModerationScenario, TheLogShowsTheLastActionsWithAliasesNeverNumbers) {
    join(mod, "Neema");
    join(amina, "Amina");
    join(baraka, "Baraka");
    say(mod, w().ban + " Amina");
    say(mod, w().lift + " Amina");
    say(mod, w().log);
    const auto log = to(mod).back().text;
    EXPECT_NE(log.find("*Neema* " + w().banned_verb + " *Amina*"), std::string::npos) << log;
    EXPECT_EQ(log.find("254700"), std::string::npos) << log;
    SQLite::Database db(dir.file(db_file));
    EXPECT_EQ(db.execAndGet("SELECT count(*) FROM audit_log WHERE action = 'moderation.ban' AND actor LIKE 'member:%'")
                  .getInt(), 1);
    EXPECT_EQ(db.execAndGet("SELECT count(*) FROM audit_log WHERE actor LIKE '%254%' OR detail LIKE '%254700%'").getInt(),
              0);
}

TEST_P(ModerationScenario, ThreeReportsHideAPostUntilAModeratorDecides) {
    join(didier, "Didier");
    clock.advance(25h);  // Didier reads by catch-up
    join(mod, "Neema");
    join(amina, "Amina");
    join(baraka, "Baraka");
    join(chloe, "Chloe");
    join(admin, "Boss");
    say(amina, "Mercury for sale, cheap");
    const auto post = last_post();
    for (const Member* m : {&baraka, &chloe, &admin}) {
        reply_to(*m, to(*m).back().wamid, w().report);
    }
    EXPECT_EQ(post_state(post), 6);
    EXPECT_NE(to(mod).back().text.find(w().hidden), std::string::npos) << to(mod).back().text;
    say(didier, "hello");
    EXPECT_EQ(count_containing(didier, "Mercury for sale"), 0u) << "out of catch-up while it is hidden";
    say(mod, w().queue);
    EXPECT_NE(to(mod).back().text.find("Mercury for sale"), std::string::npos);
    const auto r = rows(mod);
    ASSERT_EQ(r.size(), 2u);
    choose(mod, r[1].id, r[1].title);  // take it down
    EXPECT_EQ(post_state(post), 5);
}

TEST_P(ModerationScenario, AnAdminAppointsAndDemotesModeratorsFromChat) {
    join(admin, "Boss");
    join(amina, "Amina");
    join(baraka, "Baraka");
    say(baraka, w().appoint + " Amina");  // not an admin: an ordinary post
    EXPECT_EQ(count_containing(amina, w().appointed), 0u);
    say(admin, w().appoint + " Amina " + w().east);
    EXPECT_NE(to(amina).back().text.find(w().appointed), std::string::npos) << to(amina).back().text;
    say(amina, w().ban + " Baraka");
    SQLite::Database db(dir.file(db_file));
    EXPECT_EQ(db.execAndGet("SELECT state FROM room_members WHERE room = 'east-africa' AND member_id = "
                            "(SELECT id FROM members WHERE member_key = '255700000002')").getInt(), 3);
    say(admin, w().unappoint + " Amina " + w().east);
    EXPECT_EQ(db.execAndGet("SELECT role FROM room_members WHERE room = 'east-africa' AND member_id = "
                            "(SELECT id FROM members WHERE member_key = '254700000001')").getInt(), 0);
}

TEST_P(ModerationScenario, AReportReachesAModeratorOutsideTheWindowAsATemplateThatActs) {
    join(mod, "Neema");
    clock.advance(26h);  // the moderator has been away for a day
    join(amina, "Amina");
    join(baraka, "Baraka");
    say(amina, "Buy mercury here");
    const auto post = last_post();
    reply_to(baraka, to(baraka).back().wamid, w().report);
    const auto alert = to(mod).back();
    ASSERT_EQ(alert.type, "template") << alert.raw_json;
    EXPECT_EQ(alert.text, "delvex_moderator_report");
    const auto& t = std::get<core::OutgoingTemplate>(alert.message.body);
    ASSERT_EQ(t.quick_reply_payloads.size(), 2u);
    EXPECT_NE(t.body_parameters.at(0).text.find("Buy mercury here"), std::string::npos);
    EXPECT_EQ(alert.raw_json.find(baraka.wa_id), std::string::npos) << "the reporter is never named";
    tap_template_button(mod, t.quick_reply_payloads[1], "Take down");
    EXPECT_EQ(post_state(post), 5);
    EXPECT_EQ(harness->fake().stats().refused, 0u);
}

INSTANTIATE_TEST_SUITE_P(Languages, ModerationScenario, ::testing::Values(kEnglish, kFrench),
                         [](const ::testing::TestParamInfo<Words>& p) { return p.param.lang; });

}  // namespace
}  // namespace delvex
