// The console's texts: every key the pages ask for exists in English, and French, Spanish and Portuguese have
// every English key (Swahili falls back to English on purpose, docs/CONSOLE.md).

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "bot/core/i18n.hpp"

namespace delvex {
namespace {

const std::string kDir = std::string(DELVEX_SOURCE_DIR) + "/config/console";

TEST(ConsoleTexts, EveryLanguageOfTheConsoleHasEveryEnglishText) {
    const auto catalog = core::Catalog::load(kDir);
    const auto english = catalog.keys("en");
    ASSERT_GT(english.size(), 50U);
    for (const char* lang : {"fr", "es", "pt"}) {
        const auto keys = catalog.keys(lang);
        const std::set<std::string> have(keys.begin(), keys.end());
        for (const auto& key : english) {
            EXPECT_TRUE(have.count(key)) << lang << " lacks " << key;
        }
        EXPECT_EQ(keys.size(), english.size()) << lang << " has keys English does not";
    }
}

TEST(ConsoleTexts, EveryKeyThePagesUseIsInEnglish) {
    const auto catalog = core::Catalog::load(kDir);
    // t("section.key") and t("section.key", {...}) in bot/console; keys built at run time ("role." + role,
    // "nav." + path, "forums.done_" + done) are checked through their stems below.
    const std::regex literal(R"re(\bt\("([a-z_]+\.[a-z_]+)"\s*[,)])re");
    std::size_t seen = 0;
    for (const auto& entry : std::filesystem::directory_iterator(std::string(DELVEX_SOURCE_DIR) + "/bot/console")) {
        std::ifstream in(entry.path());
        std::stringstream text;
        text << in.rdbuf();
        const std::string source = text.str();
        for (std::sregex_iterator it(source.begin(), source.end(), literal), end; it != end; ++it) {
            ++seen;
            EXPECT_TRUE(catalog.has("en", (*it)[1].str())) << entry.path().filename() << ": " << (*it)[1];
        }
    }
    EXPECT_GT(seen, 100U);
    for (const char* key : {"role.admin", "role.staff", "role.moderator", "nav.overview", "nav.members",
                            "nav.moderation", "nav.forums", "nav.academy", "nav.delivery", "nav.rooms", "nav.reports",
                            "nav.audit", "nav.accounts", "forums.done_created", "forums.done_cancelled",
                            "forums.done_moved", "accounts.done_added", "accounts.done_disabled",
                            "accounts.done_enabled", "accounts.done_password", "accounts.done_token",
                            "accounts.done_revoked"}) {
        EXPECT_TRUE(catalog.has("en", key)) << key;
    }
}

}  // namespace
}  // namespace delvex
