// Aliases that imitate someone, end to end (security review M-6, §12.8): members of each language try a no-break
// space, a zero-width space, a right-to-left override and Cyrillic look-alikes of an existing alias, and the
// team's names, while onboarding and with NAME; each is refused in their language and nothing is stored.

#include <gtest/gtest.h>

#include <SQLiteCpp/Database.h>

#include <string>
#include <vector>

#include "bot/core/i18n.hpp"
#include "tests/integration/chat_fixture.hpp"

namespace delvex {
namespace {

class AliasScenario : public testing::ChatScenario {
protected:
    AliasScenario() { db_file = "alias.db"; }

    struct Attempt {
        std::string alias;
        std::string refusal;  ///< locale key of the answer
    };
};

TEST_F(AliasScenario, LookAlikesHiddenCharactersAndTheTeamsNamesAreRefusedInEveryLanguage) {
    const auto catalog = core::Catalog::load(std::string(DELVEX_SOURCE_DIR) + "/config/locales");
    const Member asha{"254700000001", "Asha"};
    onboard(asha, "en", "east-africa", "Asha Moyo");
    ASSERT_NE(to(asha).back().text.find("*Asha Moyo*"), std::string::npos) << to(asha).back().text;

    const std::vector<Attempt> attempts = {
        {"Asha\u00A0Moyo", "rooms.alias_hidden_chars"},                                // no-break space
        {"Asha\u200B Moyo", "rooms.alias_hidden_chars"},                               // zero-width space
        {"\u202EoyoM ahsA", "rooms.alias_hidden_chars"},                               // right-to-left override
        {"Asha M\u043Eyo", "rooms.alias_mixed_letters"},                               // one Cyrillic о
        {"\u0410\u0455\u04BB\u0430 \u041C\u043E\u0443\u043E", "rooms.alias_taken"},  // Аѕһа Моуо, all Cyrillic
        {"ASHA M0Y0", "rooms.alias_taken"},                                            // zeros for O
        {"Announcement", "rooms.alias_reserved"},
        {"\U0001F4E2 Announcement", "rooms.alias_reserved"},
        {"\U0001F4E2 Asha", "rooms.alias_reserved"},
        {"Moderator", "rooms.alias_reserved"},
        {"Admin", "rooms.alias_reserved"},
        {"Delve", "rooms.alias_reserved"},
        {"Delve Exchange", "rooms.alias_reserved"},
        {"Modérateur", "rooms.alias_reserved"},
        {"Moderador", "rooms.alias_reserved"},
        {"Msimamizi", "rooms.alias_reserved"},
        {"Tangazo", "rooms.alias_reserved"},
        {"Anuncio", "rooms.alias_reserved"},
        {"Annonce", "rooms.alias_reserved"},
        {"Anúncio", "rooms.alias_reserved"},
    };
    const std::vector<std::pair<std::string, Member>> members = {
        {"en", {"254700000011", "Ben"}},   {"fr", {"243810000012", "Jean"}}, {"es", {"240222000013", "Rosa"}},
        {"pt", {"258840000014", "Ana"}},   {"sw", {"255700000015", "Neema"}},
    };
    for (const auto& [lang, who] : members) {
        say(who, "hello");
        choose(who, "rooms:lang:" + lang, lang);
        choose(who, "rooms:room:east-africa", "East Africa");
        for (const auto& attempt : attempts) {
            say(who, attempt.alias);
            const auto expected = catalog.text(lang, attempt.refusal, {{"alias", attempt.alias}});
            EXPECT_EQ(to(who).back().text, expected) << lang << ": " << attempt.alias;
        }
        // Nothing was taken: their own name still is, and then the same attempts as a NAME command.
        say(who, who.name + " Kito");
        choose(who, "rooms:consent:yes", "yes");
        const auto name_word = catalog.text(lang, "commands.alias").substr(0, catalog.text(lang, "commands.alias").find('|'));
        for (const auto& attempt : attempts) {
            say(who, name_word + " " + attempt.alias);
            const auto expected = catalog.text(lang, attempt.refusal, {{"alias", attempt.alias}});
            EXPECT_EQ(to(who).back().text, expected) << lang << ": NAME " << attempt.alias;
        }
    }

    SQLite::Database db(dir.file("alias.db"));
    SQLite::Statement aliases(db, "SELECT alias FROM members WHERE alias IS NOT NULL ORDER BY id");
    std::vector<std::string> stored;
    while (aliases.executeStep()) {
        stored.push_back(aliases.getColumn(0).getString());
    }
    EXPECT_EQ(stored, (std::vector<std::string>{"Asha Moyo", "Ben Kito", "Jean Kito", "Rosa Kito", "Ana Kito",
                                                "Neema Kito"}));
}

}  // namespace
}  // namespace delvex
