// A member imported with a national number ("0712 345 678") is the member who then writes from
// 254712345678: the import normalised the number with the room's countries (issue 16).

#include <gtest/gtest.h>

#include <SQLiteCpp/Database.h>

#include <fstream>

#include "bot/store/community_repository.hpp"
#include "tests/integration/chat_fixture.hpp"
#include "tests/support/process.hpp"

namespace delvex {
namespace {

class MembersImportChat : public testing::ChatScenario {
protected:
    MembersImportChat() { db_file = "import.db"; }
};

TEST_F(MembersImportChat, AMemberImportedWithANationalNumberIsRecognisedWhenWritingFromTheFullNumber) {
    const auto file = dir.file("members.csv");
    std::ofstream(file, std::ios::binary) << "wa_id;alias;room;language;role\r\n"
                                             "0712 345 678;Mama Dhahabu;east-africa;en;\r\n";
    const auto run = testing::run_delvex("members import " + file, "cd " + dir.path() + " && DELVEX_HOME=" +
                                                                        std::string(DELVEX_SOURCE_DIR) +
                                                                        " DELVEX_DB=" + dir.file(db_file));
    ASSERT_EQ(run.code, 0) << run.output;
    EXPECT_NE(run.output.find("1 number(s) written without a country code read as +254"), std::string::npos)
        << run.output;

    const Member mama{"254712345678", "Mama"};
    say(mama, "habari");
    // Known: asked for consent under the imported alias, not onboarded from the start (language, room, alias).
    const auto got = to(mama);
    ASSERT_FALSE(got.empty());
    EXPECT_NE(got.back().text.find("Mama Dhahabu"), std::string::npos) << got.back().text;
    EXPECT_EQ(got.back().text.find("Which regional room"), std::string::npos) << got.back().text;

    SQLite::Database db(dir.file(db_file));
    store::CommunityRepository repo(db);
    const auto profile = repo.profile("254712345678");
    ASSERT_TRUE(profile);
    EXPECT_EQ(profile->alias, "Mama Dhahabu");
    EXPECT_EQ(profile->current_room, "east-africa");
    EXPECT_FALSE(repo.profile("0712345678"));
    EXPECT_EQ(db.execAndGet("SELECT COUNT(*) FROM members").getInt(), 1);
}

}  // namespace
}  // namespace delvex
