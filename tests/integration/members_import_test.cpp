// `delvex members import`: the real binary on a real SQLite file.

#include <gtest/gtest.h>

#include <SQLiteCpp/Database.h>

#include <fstream>

#include "bot/community/csv.hpp"
#include "bot/store/community_repository.hpp"
#include "bot/store/database.hpp"
#include "bot/store/identity_repository.hpp"
#include "tests/support/harness.hpp"
#include "tests/support/process.hpp"

namespace delvex {
namespace {

testing::CommandRun import(const testing::TempDir& dir, const std::string& csv) {
    const auto file = dir.file("members.csv");
    std::ofstream(file, std::ios::binary) << csv;
    // Only `delvex serve` creates a database; here the test does, as a first start of the service would.
    { store::Database create(store::DatabaseOptions{dir.file("m.db"), false}); }
    return testing::run_delvex("members import " + file, "cd " + dir.path() + " && DELVEX_HOME=" +
                                                             std::string(DELVEX_SOURCE_DIR) + " DELVEX_DB=" +
                                                             dir.file("m.db"));
}

TEST(MembersImport, ImportsEveryRowAsMembersWaitingForConsent) {
    testing::TempDir dir;
    const auto run = import(dir,
                            "\xEF\xBB\xBFwa_id,alias,room,language,role\r\n"
                            "+254 700 000 001,Mama Dhahabu,east-africa,sw,moderator\r\n"
                            "243810000002,\"Jean, le mineur\",Central Africa,,\r\n"
                            "\r\n"
                            "51987000003,Rosa,latin-america,es,member\r\n");
    ASSERT_EQ(run.code, 0) << run.output;
    EXPECT_NE(run.output.find("imported 3 member(s) (3 new"), std::string::npos) << run.output;
    EXPECT_EQ(run.output.find("254700000001"), std::string::npos) << run.output;  // no full number in output

    store::Database db(store::DatabaseOptions{dir.file("m.db"), false});
    store::CommunityRepository repo(db.sql());
    const auto mama = repo.profile("254700000001");
    ASSERT_TRUE(mama);
    EXPECT_EQ(mama->alias, "Mama Dhahabu");
    EXPECT_EQ(mama->language, "sw");
    EXPECT_EQ(mama->stage, store::Stage::kConsent);  // asked for consent with the first message
    EXPECT_EQ(mama->current_room, "east-africa");
    ASSERT_TRUE(repo.membership("east-africa", mama->id));
    EXPECT_EQ(repo.membership("east-africa", mama->id)->role, store::RoomRole::kModerator);
    const auto jean = repo.profile("243810000002");
    ASSERT_TRUE(jean);
    EXPECT_EQ(jean->alias, "Jean, le mineur");
    EXPECT_EQ(jean->language, "fr");  // guessed from +243
    EXPECT_EQ(jean->current_room, "central-africa");

    // Importing again is harmless: the same members, nobody duplicated.
    const auto again = import(dir, "wa_id,alias,room,language,role\n254700000001,Mama Dhahabu,east-africa,sw,\n");
    ASSERT_EQ(again.code, 0) << again.output;
    EXPECT_NE(again.output.find("0 new, 1 already known"), std::string::npos) << again.output;
}

TEST(MembersImport, ABadFileNamesEveryProblemByLineAndImportsNothing) {
    testing::TempDir dir;
    const auto run = import(dir,
                            "wa_id,alias,room,language,role\n"
                            "254700000001,Amina,east-africa,sw,member\n"
                            "call me,Juma,east-africa,sw,member\n"
                            "254700000003,amina,east-africa,sw,member\n"
                            "254700000004,Neema,atlantis,sw,member\n"
                            "254700000005,Zawadi,east-africa,de,member\n"
                            "254700000006,Baraka,east-africa,sw,boss\n"
                            "254700000007,http://x.example,east-africa,sw,member\n"
                            "254700000001,Other,east-africa,sw,member\n");
    EXPECT_EQ(run.code, 1) << run.output;
    const std::string file = dir.file("members.csv");
    for (const std::string& expected : std::vector<std::string>
         {file + ":3: wa_id", file + ":4: alias 'amina' repeats line 2", file + ":5: room 'atlantis'",
          file + ":6: language 'de'", file + ":7: role 'boss'", file + ":8: alias must not hold a link",
          file + ":9: wa_id repeats line 2", "nothing was imported"}) {
        EXPECT_NE(run.output.find(expected), std::string::npos) << expected << "\n" << run.output;
    }
    store::Database db(store::DatabaseOptions{dir.file("m.db"), false});
    EXPECT_FALSE(store::CommunityRepository(db.sql()).profile("254700000001"));

    const auto header = import(dir, "number,alias\n1,2\n");
    EXPECT_EQ(header.code, 1);
    EXPECT_NE(header.output.find(":1: the header lacks 'wa_id'"), std::string::npos) << header.output;
    const auto quote = import(dir, "wa_id,alias,room,language,role\n254700000001,\"Amina,east-africa,sw,member\n");
    EXPECT_EQ(quote.code, 1);
    EXPECT_NE(quote.output.find(":2: a quoted field is never closed"), std::string::npos) << quote.output;
}

// Issue 15, surprise 7: a file imported again never undoes what members and moderators decided.
TEST(MembersImport, ImportingAgainKeepsWhatMembersAndModeratorsDecided) {
    testing::TempDir dir;
    const std::string rows =
        "wa_id,alias,room,language,role\n"
        "254700000001,Amina,east-africa,en,member\n"    // wrote, then chose Swahili and another alias
        "254700000002,Baraka,east-africa,en,member\n"   // left the room
        "254700000003,Chausiku,east-africa,en,member\n" // on hold
        "254700000004,Daudi,east-africa,en,member\n"    // removed
        "254700000005,Eliya,east-africa,en,member\n"     // banned: a role in the file does not lift it
        "254700000006,Faraji,east-africa,en,member\n"   // never wrote: the file may still correct them
        "254700000007,Gati,east-africa,en,member\n";    // banned, then FORGET ME: only the kept bar remains
    ASSERT_EQ(import(dir, rows).code, 0);
    {
        store::Database db(store::DatabaseOptions{dir.file("m.db"), false});
        store::CommunityRepository repo(db.sql());
        const auto id = [&](const char* key) { return repo.profile(key)->id; };
        db.sql().exec("UPDATE members SET last_inbound = 1700000000 WHERE member_key = '254700000001'");
        repo.set_language(id("254700000001"), "sw");
        ASSERT_TRUE(repo.set_alias(id("254700000001"), "Mama Amina"));
        repo.set_membership_state("east-africa", id("254700000002"), store::MembershipState::kLeft);
        repo.set_membership_state("east-africa", id("254700000003"), store::MembershipState::kSilenced);
        repo.set_membership_state("east-africa", id("254700000004"), store::MembershipState::kRemoved);
        repo.set_membership_state("east-africa", id("254700000005"), store::MembershipState::kBanned);
        repo.set_membership_state("east-africa", id("254700000007"), store::MembershipState::kBanned);
        repo.forget(*repo.profile("254700000007"), 1700000000000);
    }

    auto again = rows;
    again.replace(again.find("254700000006,Faraji,east-africa,en"), 34, "254700000006,Faraji,east-africa,sw");
    again.replace(again.find("Eliya,east-africa,en,member"), 27, "Eliya,east-africa,en,moderator");
    const auto run = import(dir, again);
    ASSERT_EQ(run.code, 0) << run.output;
    const std::string file = dir.file("members.csv");
    for (const std::string& expected :
         {file + ":3: kept out of east-africa: left it", file + ":5: kept out of east-africa: removed from it",
          file + ":6: kept out of east-africa: banned from it", file + ":8: kept out of east-africa: banned from it",
          std::string("imported 7 member(s) (1 new, 6 already known; 4 kept out of their room")}) {
        EXPECT_NE(run.output.find(expected), std::string::npos) << expected << "\n" << run.output;
    }
    EXPECT_EQ(run.output.find(":4: kept out"), std::string::npos) << run.output;  // held, still in the room
    EXPECT_EQ(run.output.find("254700000"), std::string::npos) << run.output;

    store::Database db(store::DatabaseOptions{dir.file("m.db"), false});
    store::CommunityRepository repo(db.sql());
    const auto amina = repo.profile("254700000001");
    EXPECT_EQ(amina->language, "sw");
    EXPECT_EQ(amina->alias, "Mama Amina");
    EXPECT_EQ(repo.profile("254700000006")->language, "sw");  // never wrote: the corrected file wins
    const auto state = [&](const char* key) { return repo.membership("east-africa", repo.profile(key)->id)->state; };
    EXPECT_EQ(state("254700000002"), store::MembershipState::kLeft);
    EXPECT_EQ(state("254700000003"), store::MembershipState::kSilenced);
    EXPECT_EQ(state("254700000004"), store::MembershipState::kRemoved);
    EXPECT_EQ(state("254700000005"), store::MembershipState::kBanned);
    EXPECT_EQ(state("254700000007"), store::MembershipState::kBanned);  // the bar kept through FORGET ME
    EXPECT_EQ(repo.membership("east-africa", repo.profile("254700000005")->id)->role, store::RoomRole::kMember);
}

TEST(Csv, QuotesLineBreaksAndErrors) {
    const auto records = community::parse_csv("a,\"b,\"\"c\"\"\",d\n\n\"multi\nline\",x\r\nlast");
    ASSERT_EQ(records.size(), 3u);
    EXPECT_EQ(records[0].fields, (std::vector<std::string>{"a", "b,\"c\"", "d"}));
    EXPECT_EQ(records[1].line, 3u);
    EXPECT_EQ(records[1].fields, (std::vector<std::string>{"multi\nline", "x"}));
    EXPECT_EQ(records[2].line, 5u);
    EXPECT_EQ(records[2].fields, (std::vector<std::string>{"last"}));
    EXPECT_EQ(community::parse_csv("a,,\n")[0].fields, (std::vector<std::string>{"a", "", ""}));
    EXPECT_THROW(community::parse_csv("a\"b\n"), community::CsvError);
    EXPECT_THROW(community::parse_csv("\"a\"b\n"), community::CsvError);
    EXPECT_THROW(community::parse_csv("x\n\"open"), community::CsvError);
}

}  // namespace
}  // namespace delvex
