#include "bot/community/language.hpp"

#include <gtest/gtest.h>

#include "bot/community/welcome.hpp"
#include "bot/core/i18n.hpp"

namespace delvex::community {
namespace {

TEST(Language, GuessesFromTheCountryCallingCode) {
    EXPECT_EQ(guess_language("243810000001"), "fr");  // DR Congo
    EXPECT_EQ(guess_language("+255700000001"), "sw");  // Tanzania
    EXPECT_EQ(guess_language("51987000001"), "es");    // Peru
    EXPECT_EQ(guess_language("258840000001"), "pt");   // Mozambique
    EXPECT_EQ(guess_language("5511900000001"), "pt");  // Brazil
    EXPECT_EQ(guess_language("233240000001"), "en");   // Ghana
    EXPECT_EQ(guess_language("16505551234"), "en");
    EXPECT_EQ(guess_language(""), "en");
}

TEST(Locales, EveryLanguageHasEveryKey) {
    const auto catalog = core::Catalog::load(std::string(DELVEX_SOURCE_DIR) + "/config/locales");
    const auto english = catalog.keys("en");
    ASSERT_FALSE(english.empty());
    for (const auto& lang : core::Catalog::supported_languages()) {
        for (const auto& key : english) {
            EXPECT_TRUE(catalog.has(lang, key)) << lang << " lacks " << key;
        }
        EXPECT_EQ(catalog.keys(lang).size(), english.size()) << lang << " has keys English lacks";
    }
}

TEST(Welcome, UsesTheNameButNeverANumberLikeName) {
    core::Catalog c;
    c.set("en", "welcome.first", "Welcome, {name}!");
    c.set("en", "welcome.friend", "friend");
    c.set("fr", "welcome.first", "Bienvenue, {name} !");
    EXPECT_EQ(welcome_message(c, "en", "Amina"), "Welcome, Amina!");
    EXPECT_EQ(welcome_message(c, "en", "+254 700 000 001"), "Welcome, friend!");
    EXPECT_EQ(welcome_message(c, "en", ""), "Welcome, friend!");
    EXPECT_EQ(welcome_message(c, "fr", "Jean"), "Bienvenue, Jean !");
    // Missing key in a language falls back to English.
    EXPECT_EQ(welcome_message(c, "sw", "Juma"), "Welcome, Juma!");
}

}  // namespace
}  // namespace delvex::community
