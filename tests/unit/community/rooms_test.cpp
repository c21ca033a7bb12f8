#include <gtest/gtest.h>

#include <fstream>

#include "bot/community/alias.hpp"
#include "bot/community/commands.hpp"
#include "bot/community/regions.hpp"
#include "bot/core/i18n.hpp"

namespace delvex::community {
namespace {

const core::Catalog& catalog() {
    static const auto c = core::Catalog::load(std::string(DELVEX_SOURCE_DIR) + "/config/locales");
    return c;
}

TEST(Commands, StopWordsOfEveryLanguageWinWhateverTheMembersLanguage) {
    const auto table = CommandTable::from(catalog());
    for (const char* word : {"STOP", "stop", "Arrêt !", "ARRET", "PARAR", "sitisha", " Stop. "}) {
        for (const char* lang : {"en", "fr", "es", "pt", "sw"}) {
            EXPECT_EQ(table.parse(word, lang).command, Command::kStop) << word << " in " << lang;
        }
    }
    // Words that are ordinary words elsewhere stop only members of their own language.
    for (const auto& [word, own] : std::vector<std::pair<std::string, std::string>>{
             {"acha", "sw"}, {"SAIR", "pt"}, {"baja", "es"}, {"Alto!", "es"}}) {
        for (const char* lang : {"en", "fr", "es", "pt", "sw"}) {
            EXPECT_EQ(table.parse(word, lang).command, lang == own ? Command::kStop : Command::kNone)
                << word << " in " << lang;
        }
    }
    // Only the whole message: a post that starts with the word is a post.
    EXPECT_EQ(table.parse("stop using mercury near the river", "en").command, Command::kNone);
    EXPECT_EQ(table.parse("acha nikueleze", "sw").command, Command::kNone);
    EXPECT_EQ(table.parse("START", "en").command, Command::kStart);
    EXPECT_EQ(table.parse("voltar", "en").command, Command::kStart);
}

TEST(Commands, TheMembersLanguageWinsWhereLanguagesDisagree) {
    const auto table = CommandTable::from(catalog());
    // "silence" mutes in French; in English a moderator would write HOLD.
    EXPECT_EQ(table.parse("silence", "fr").command, Command::kMute);
    EXPECT_EQ(table.parse("hold Juma", "en").command, Command::kSilence);
    EXPECT_EQ(table.parse("résumé", "fr").command, Command::kDigest);
}

TEST(Commands, ArgumentsKeepTheirCaseAndLongerPhrasesWin) {
    const auto table = CommandTable::from(catalog());
    auto p = table.parse("join East Africa", "en");
    EXPECT_EQ(p.command, Command::kJoin);
    EXPECT_EQ(p.argument, "East Africa");
    p = table.parse("/name  Mama Gold ", "en");
    EXPECT_EQ(p.command, Command::kAlias);
    EXPECT_EQ(p.argument, "Mama Gold");
    p = table.parse("announce all Forum moved to Friday", "en");
    EXPECT_EQ(p.command, Command::kAnnounceAll);
    EXPECT_EQ(p.argument, "Forum moved to Friday");
    EXPECT_EQ(table.parse("oublie-moi", "fr").command, Command::kForget);
    EXPECT_EQ(table.parse("Forget me", "sw").command, Command::kForget);
    EXPECT_EQ(table.parse("mis datos", "es").command, Command::kMyData);
    EXPECT_EQ(table.parse("", "en").command, Command::kNone);
    EXPECT_EQ(table.parse("   ", "en").command, Command::kNone);
}

TEST(Commands, EveryCommandHasWordsInEveryLanguage) {
    for (const auto& lang : core::Catalog::supported_languages()) {
        for (const auto& [name, command] : CommandTable::names()) {
            EXPECT_TRUE(catalog().has(lang, "commands." + std::string(name))) << lang << " " << name;
        }
    }
}

TEST(Fold, LowercasesFoldsAccentsAndTrimsPunctuation) {
    EXPECT_EQ(fold("  Arrêt! "), "arret");
    EXPECT_EQ(fold("OLVÍDAME"), "olvidame");
    EXPECT_EQ(fold("olvídame"), "olvidame");
    EXPECT_EQ(fold("Esqueça-me"), "esqueca-me");
    EXPECT_EQ(fold("/menu"), "menu");
}

TEST(Alias, RefusesNumbersLinksFormattingAndBadLengths) {
    EXPECT_EQ(alias_problem("Mama Dhahabu"), std::nullopt);
    EXPECT_EQ(alias_problem("Zé"), std::nullopt);
    EXPECT_EQ(alias_problem("Jean 2"), std::nullopt);
    EXPECT_EQ(alias_problem("x"), "rooms.alias_bad_length");
    EXPECT_EQ(alias_problem("a name far too long for anyone"), "rooms.alias_bad_length");
    EXPECT_EQ(alias_problem("+254 700 000 001"), "rooms.alias_no_numbers");
    EXPECT_EQ(alias_problem("Juma0712345"), "rooms.alias_no_numbers");
    EXPECT_EQ(alias_problem("Juma 07-12-34"), "rooms.alias_no_numbers");
    EXPECT_EQ(alias_problem("www.gold.com"), "rooms.alias_no_links");
    EXPECT_EQ(alias_problem("see https://x"), "rooms.alias_no_links");
    EXPECT_EQ(alias_problem("*bold*"), "rooms.alias_bad_chars");
    EXPECT_EQ(alias_problem("a@b"), "rooms.alias_bad_chars");
    // Digits of other scripts are digits too (security review L-22): Arabic-Indic, Eastern Arabic-Indic,
    // Devanagari, full-width, mathematical bold; a few of them stay allowed as in "Jean 2".
    EXPECT_EQ(alias_problem("Juma ٠٧١٢٣٤"), "rooms.alias_no_numbers");
    EXPECT_EQ(alias_problem("Juma ۰۷۱۲"), "rooms.alias_no_numbers");
    EXPECT_EQ(alias_problem("Juma ०७१२"), "rooms.alias_no_numbers");
    EXPECT_EQ(alias_problem("Juma ０７１２"), "rooms.alias_no_numbers");
    EXPECT_EQ(alias_problem("Juma 𝟎𝟕𝟏𝟐"), "rooms.alias_no_numbers");
    EXPECT_EQ(alias_problem("Ju ٠٧ ma ١٢ ٣٤ X"), "rooms.alias_no_numbers") << "six digits in all";
    EXPECT_EQ(alias_problem("Jean ٢"), std::nullopt);
    EXPECT_EQ(alias_problem("Nguyễn Thị Hoa"), std::nullopt);
    EXPECT_EQ(alias_key("Mama  Gold"), "mamagold");
    EXPECT_EQ(tidy_alias("  Mama   Gold \n"), "Mama Gold");
    EXPECT_EQ(utf8_length("Zé"), 2u);
}

TEST(Regions, TheShippedFileHasSixRoomsWithNamesZonesAndSuggestions) {
    const auto regions = Regions::load(std::string(DELVEX_SOURCE_DIR) + "/config/regions.yaml");
    ASSERT_EQ(regions.rooms().size(), 6u);
    for (const auto& room : regions.rooms()) {
        for (const auto& lang : core::Catalog::supported_languages()) {
            EXPECT_FALSE(room.name(lang).empty()) << room.id << " " << lang;
        }
    }
    ASSERT_NE(regions.suggest("254700000001"), nullptr);
    EXPECT_EQ(regions.suggest("254700000001")->id, "east-africa");
    EXPECT_EQ(regions.suggest("+243810000002")->id, "central-africa");
    EXPECT_EQ(regions.suggest("51987000003")->id, "latin-america");
    EXPECT_EQ(regions.suggest("5598700000")->id, "latin-america");  // Brazil
    EXPECT_EQ(regions.suggest("1202555"), nullptr);
    EXPECT_EQ(regions.find("east-africa")->name("sw"), "Afrika Mashariki");
}

TEST(Regions, ABadFileSaysWhereAndWhat) {
    const std::string path = ::testing::TempDir() + "regions_bad.yaml";
    auto expect_error = [&](const std::string& yaml, const std::string& needle) {
        std::ofstream(path) << yaml;
        try {
            (void)Regions::load(path);
            ADD_FAILURE() << "accepted: " << yaml;
        } catch (const std::runtime_error& e) {
            EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
            EXPECT_EQ(std::string(e.what()).rfind(path + ":", 0), 0u) << e.what();
        }
    };
    expect_error("rooms: []\n", "non-empty list");
    expect_error("rooms:\n  - id: East Africa\n    names: {en: x}\n    time_zone: Africa/Nairobi\n", "room id");
    expect_error("rooms:\n  - id: east\n    names: {fr: x}\n    time_zone: Africa/Nairobi\n", "English name");
    expect_error("rooms:\n  - id: east\n    names: {en: x}\n    time_zone: Africa/Narobi\n", ":4: room east: unknown IANA");
    expect_error("rooms:\n  - id: east\n    names: {en: x}\n    time_zone: UTC\n    moderators: [\"call me\"]\n",
                 "moderator must be a phone number");
    expect_error("rooms:\n  - id: a\n    names: {en: x}\n    time_zone: UTC\n  - id: a\n    names: {en: y}\n    time_zone: UTC\n",
                 "duplicate room id a");
    expect_error("rooms: [\n", "");
}

}  // namespace
}  // namespace delvex::community
