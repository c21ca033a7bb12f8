// `delvex members import`: the real binary on a real SQLite file.

#include <gtest/gtest.h>

#include <SQLiteCpp/Database.h>

#include <cctype>
#include <fstream>
#include <sstream>

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

// Issue 16: French, Spanish and Portuguese spreadsheets write semicolons; numbers are normalised with the
// room's countries.
TEST(MembersImport, ASemicolonFileWithBomAndCrlfAndNationalNumbers) {
    testing::TempDir dir;
    const auto run = import(dir,
                            "\xEF\xBB\xBFwa_id;alias;room;language;role\r\n"
                            "0712 345 678;\"Jean; le mineur\";east-africa;;moderator\r\n"
                            "+254 712 000 001;Amina;East Africa;sw;\r\n"
                            "00243812345678;Didier;central-africa;fr;member\r\n"
                            "081 234 5679;Kanku;central-africa;;\r\n"
                            "987 654 321;Rosa;latin-america;es;member\r\n");
    ASSERT_EQ(run.code, 0) << run.output;
    EXPECT_NE(run.output.find("imported 5 member(s) (5 new"), std::string::npos) << run.output;
    EXPECT_EQ(run.output.find("712345678"), std::string::npos) << run.output;  // no full number in output

    store::Database db(store::DatabaseOptions{dir.file("m.db"), false});
    store::CommunityRepository repo(db.sql());
    const auto jean = repo.profile("254712345678");
    ASSERT_TRUE(jean);
    EXPECT_EQ(jean->alias, "Jean; le mineur");
    EXPECT_EQ(jean->language, "sw");  // guessed from the normalised number (+254)
    EXPECT_EQ(repo.membership("east-africa", jean->id)->role, store::RoomRole::kModerator);
    EXPECT_TRUE(repo.profile("254712000001"));
    EXPECT_TRUE(repo.profile("243812345678"));
    ASSERT_TRUE(repo.profile("243812345679"));
    EXPECT_EQ(repo.profile("243812345679")->language, "fr");
    EXPECT_TRUE(repo.profile("51987654321"));  // Peru: latin-america's first country
}

/// "Miner baa", "Miner bab", …: aliases hold no runs of digits.
std::string alias_of(std::size_t i) {
    std::string letters;
    for (int k = 0; k < 3; ++k, i /= 26) {
        letters.insert(letters.begin(), static_cast<char>('a' + i % 26));
    }
    return "Miner b" + letters;
}

std::string rows_of(std::size_t n, const std::string& number_prefix, const std::string& room) {
    std::string csv = "wa_id,alias,room,language,role\n";
    for (std::size_t i = 0; i < n; ++i) {
        csv += number_prefix + std::to_string(100000 + i) + "," + alias_of(i) + "," + room + ",sw,\n";
    }
    return csv;
}

TEST(MembersImport, TwoHundredBadRowsPrintFiftyLinesAndACountPerKind) {
    testing::TempDir dir;
    // Congolese national numbers (0812…) in the East Africa room, and one bad role.
    auto csv = rows_of(200, "0812", "east-africa");
    csv += "0712345678,Juma,east-africa,sw,boss\n";
    const auto run = import(dir, csv);
    EXPECT_EQ(run.code, 1) << run.output;
    const std::string file = dir.file("members.csv");
    std::size_t numbered = 0;
    std::size_t lines = 0;
    std::istringstream out(run.output);
    for (std::string line; std::getline(out, line);) {
        ++lines;
        numbered += line.starts_with(file + ":") && std::isdigit(static_cast<unsigned char>(line[file.size() + 1]));
    }
    EXPECT_EQ(numbered, 50u) << run.output;
    EXPECT_EQ(lines, 52u) << run.output;
    EXPECT_NE(run.output.find(file + ":2: wa_id '…0000' is not a valid number of room east-africa's countries"),
              std::string::npos) << run.output;
    EXPECT_NE(run.output.find(file + ": and 151 more: 150 \xC3\x97 number not valid for room east-africa; 1 "
                                     "\xC3\x97 role not member, moderator or admin"),
              std::string::npos) << run.output;
    EXPECT_NE(run.output.find(file + ": 201 problem(s); nothing was imported"), std::string::npos) << run.output;
}

TEST(MembersImport, OneBadRowAtTheEndOfALongFileImportsNothing) {
    testing::TempDir dir;
    auto csv = rows_of(300, "0712", "east-africa");
    csv += "0712999999,Juma,atlantis,sw,\n";
    const auto run = import(dir, csv);
    EXPECT_EQ(run.code, 1) << run.output;
    EXPECT_NE(run.output.find(dir.file("members.csv") + ":302: room 'atlantis'"), std::string::npos) << run.output;
    store::Database db(store::DatabaseOptions{dir.file("m.db"), false});
    EXPECT_FALSE(store::CommunityRepository(db.sql()).profile("254712100000"));
    EXPECT_EQ(db.sql().execAndGet("SELECT COUNT(*) FROM members").getInt(), 0);

    // Without it, all 300 go in, numbers normalised.
    const auto good = import(dir, rows_of(300, "0712", "east-africa"));
    ASSERT_EQ(good.code, 0) << good.output;
    EXPECT_NE(good.output.find("imported 300 member(s) (300 new"), std::string::npos) << good.output;
    EXPECT_NE(good.output.find("300 number(s) written without a country code read as +254"), std::string::npos)
        << good.output;
    EXPECT_TRUE(store::CommunityRepository(db.sql()).profile("254712100299"));
}

TEST(Csv, TheSeparatorIsTheHeadersCommaOrSemicolon) {
    auto records = community::parse_csv("\xEF\xBB\xBF\r\na;\"b,c\";d\r\n1;\"2;\"\"3\"\"\";4\r\n");
    ASSERT_EQ(records.size(), 2u);
    EXPECT_EQ(records[0].line, 2u);
    EXPECT_EQ(records[0].fields, (std::vector<std::string>{"a", "b,c", "d"}));
    EXPECT_EQ(records[1].fields, (std::vector<std::string>{"1", "2;\"3\"", "4"}));
    // Commas win a tie and a header with neither; a semicolon inside quotes does not count.
    EXPECT_EQ(community::parse_csv("\"x;y;z\",b\n")[0].fields, (std::vector<std::string>{"x;y;z", "b"}));
    EXPECT_EQ(community::parse_csv("a\n1;2\n")[1].fields, (std::vector<std::string>{"1;2"}));
    // Read as a stream, in pieces larger than the reader's buffer.
    std::string big = "wa_id;alias\n";
    for (int i = 0; i < 20000; ++i) {
        big += std::to_string(i) + ";\"alias " + std::to_string(i) + "\"\n";
    }
    std::istringstream in(big);
    community::CsvReader reader(in);
    community::CsvRecord record;
    std::size_t n = 0;
    while (reader.next(record)) {
        ASSERT_EQ(record.fields.size(), 2u);
        ASSERT_EQ(record.line, n + 1);
        ++n;
    }
    EXPECT_EQ(n, 20001u);
    EXPECT_EQ(reader.separator(), ';');
    EXPECT_EQ(community::csv_field("a;b", ';'), "\"a;b\"");
    EXPECT_EQ(community::csv_field("say \"hi\"", ','), "\"say \"\"hi\"\"\"");
    EXPECT_EQ(community::csv_field("plain", ','), "plain");
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
