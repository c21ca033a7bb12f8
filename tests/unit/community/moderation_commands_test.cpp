// The moderators' words (QUEUE, TAKE DOWN, LIFT, LOG, APPOINT, DEMOTE) in five languages, and the admins of
// regions.yaml.

#include <gtest/gtest.h>

#include <fstream>

#include "bot/community/commands.hpp"
#include "bot/community/regions.hpp"
#include "bot/core/i18n.hpp"

namespace delvex::community {
namespace {

const CommandTable& table() {
    static const auto catalog = core::Catalog::load(std::string(DELVEX_SOURCE_DIR) + "/config/locales");
    static const auto t = CommandTable::from(catalog);
    return t;
}

TEST(ModerationCommands, EachLanguagesWordsNameTheCommandAndKeepTheArgument) {
    struct Case {
        const char* text;
        const char* lang;
        Command command;
        const char* argument;
    };
    for (const auto& c : std::vector<Case>{
             {"queue", "en", Command::kQueue, ""},
             {"File", "fr", Command::kQueue, ""},
             {"cola Latin America", "es", Command::kQueue, "Latin America"},
             {"fila", "pt", Command::kQueue, ""},
             {"foleni", "sw", Command::kQueue, ""},
             {"take down 812", "en", Command::kTakeDown, "812"},
             {"Dépublier #812", "fr", Command::kTakeDown, "#812"},
             {"ocultar 812", "es", Command::kTakeDown, "812"},
             {"ficha 812", "sw", Command::kTakeDown, "812"},
             {"unban Amina", "en", Command::kLift, "Amina"},
             {"lever Mama Dhahabu", "fr", Command::kLift, "Mama Dhahabu"},
             {"levantar Amina", "pt", Command::kLift, "Amina"},
             {"log", "en", Command::kLog, ""},
             {"journal", "fr", Command::kLog, ""},
             {"registo", "pt", Command::kLog, ""},
             {"kumbukumbu", "sw", Command::kLog, ""},
             {"appoint Amina East Africa", "en", Command::kAppoint, "Amina East Africa"},
             {"nombrar Amina", "es", Command::kAppoint, "Amina"},
             {"teua Amina", "sw", Command::kAppoint, "Amina"},
             {"demote Amina", "en", Command::kUnappoint, "Amina"},
             {"ondoa usimamizi Amina", "sw", Command::kUnappoint, "Amina"},
             {"destituir Amina", "pt", Command::kUnappoint, "Amina"},
         }) {
        const auto parsed = table().parse(c.text, c.lang);
        EXPECT_EQ(parsed.command, c.command) << c.text;
        EXPECT_EQ(parsed.argument, c.argument) << c.text;
    }
    // Words that were commands before keep their meaning ("remove" is not "remove moderator").
    EXPECT_EQ(table().parse("remove Amina", "en").command, Command::kRemove);
    EXPECT_EQ(table().parse("retirer Amina", "fr").command, Command::kRemove);
}

TEST(Regions, AdminsAreReadFromTheTopOfTheFileAndMustBeNumbers) {
    const std::string path = ::testing::TempDir() + "regions_admins.yaml";
    const std::string room = "rooms:\n  - id: east\n    names: {en: East}\n    time_zone: UTC\n";
    std::ofstream(path) << "admins: [\"+254700000099\", \"255700000001\"]\n" << room;
    const auto regions = Regions::load(path);
    EXPECT_TRUE(regions.is_admin("254700000099"));
    EXPECT_TRUE(regions.is_admin("255700000001"));
    EXPECT_FALSE(regions.is_admin("254700000001"));
    EXPECT_FALSE(regions.is_admin(""));
    std::ofstream(path) << room;
    EXPECT_TRUE(Regions::load(path).admins().empty()) << "no admins: none";
    std::ofstream(path) << "admins: [\"boss\"]\n" << room;
    try {
        (void)Regions::load(path);
        ADD_FAILURE() << "accepted a name as an admin";
    } catch (const std::runtime_error& e) {
        EXPECT_NE(std::string(e.what()).find(":1: admin must be a phone number"), std::string::npos) << e.what();
    }
}

}  // namespace
}  // namespace delvex::community
