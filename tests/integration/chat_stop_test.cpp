// Stop and start words (issue surprise 10), end to end through the real service: a word that means "stop" in
// one language and something else in another stops only members of its language; STOP and the unambiguous
// words stop anyone; a start word from someone who never stopped gets the menu, not "on again".

#include <gtest/gtest.h>

#include <SQLiteCpp/Database.h>

#include "tests/integration/chat_fixture.hpp"

namespace delvex {
namespace {

class ChatStop : public testing::ChatScenario {
protected:
    ChatStop() { db_file = "stop.db"; }

    bool stopped(const Member& who) const {
        SQLite::Database db(dir.file(db_file), SQLite::OPEN_READONLY);
        SQLite::Statement q(db, "SELECT stopped FROM members WHERE member_key = :key");
        q.bind(":key", who.wa_id);
        return q.executeStep() && q.getColumn(0).getInt() != 0;
    }
    bool relayed_to(const Member& who, const std::string& text) const {
        for (const auto& m : to(who)) {
            if (m.text.starts_with("*") && m.text.find("\n" + text) != std::string::npos) {
                return true;
            }
        }
        return false;
    }

    const Member neema{"254700000001", "Neema"};   // Swahili
    const Member joao{"258840000002", "João"};     // Portuguese
    const Member lucia{"51900000003", "Lucía"};    // Spanish
    const Member grace{"254700000004", "Grace"};   // English
};

TEST_F(ChatStop, AmbiguousStopWordsStopOnlyTheirOwnLanguageAndStopStopsAnyone) {
    onboard(neema, "sw", "east-africa", "Neema");
    onboard(joao, "pt", "east-africa", "Joao");
    onboard(lucia, "es", "east-africa", "Lucia");
    onboard(grace, "en", "east-africa", "Grace");

    // Portuguese "acha" (thinks), Swahili "sair", "baja", "alto": ordinary words for them, posts in the room.
    say(joao, "acha");
    say(neema, "alto");
    say(grace, "baja");
    say(lucia, "sair");
    EXPECT_FALSE(stopped(joao));
    EXPECT_FALSE(stopped(neema));
    EXPECT_FALSE(stopped(grace));
    EXPECT_FALSE(stopped(lucia));
    EXPECT_EQ(count_containing(joao, "vai mais receber"), 0u);
    EXPECT_EQ(count_containing(neema, "Hutapokea tena"), 0u);

    // In their own language they stop.
    say(neema, "ACHA");
    EXPECT_TRUE(stopped(neema));
    EXPECT_NE(to(neema).back().text.find("Hutapokea tena"), std::string::npos) << to(neema).back().text;
    say(joao, "sair");
    EXPECT_TRUE(stopped(joao));
    EXPECT_NE(to(joao).back().text.find("vai mais receber"), std::string::npos) << to(joao).back().text;
    say(lucia, "Alto!");
    EXPECT_TRUE(stopped(lucia));

    // STOP, and an unambiguous word of another language, stop anyone.
    say(grace, "Arrêt");
    EXPECT_TRUE(stopped(grace));
}

TEST_F(ChatStop, AStartWordFromSomeoneWhoNeverStoppedGetsTheMenuNotOnAgain) {
    onboard(grace, "en", "east-africa", "Grace");
    onboard(neema, "sw", "east-africa", "Neema");
    say(grace, "start");
    EXPECT_EQ(count_containing(grace, "on again"), 0u);
    EXPECT_NE(to(grace).back().text.find("What do you want to do?"), std::string::npos) << to(grace).back().text;
    say(neema, "anza");
    EXPECT_EQ(count_containing(neema, "Karibu tena"), 0u);
    EXPECT_NE(to(neema).back().text.find("Unataka kufanya nini?"), std::string::npos) << to(neema).back().text;
    EXPECT_FALSE(relayed_to(grace, "anza"));
    // Someone who did stop is welcomed back.
    say(grace, "stop");
    say(grace, "start");
    EXPECT_FALSE(stopped(grace));
    EXPECT_NE(to(grace).back().text.find("on again"), std::string::npos) << to(grace).back().text;
}

}  // namespace
}  // namespace delvex
