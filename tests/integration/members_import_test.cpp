// `delvex members import`: the real binary on a real SQLite file.

#include <gtest/gtest.h>

#include <SQLiteCpp/Database.h>

#include <fstream>

#include "bot/community/csv.hpp"
#include "bot/store/community_repository.hpp"
#include "bot/store/database.hpp"
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
