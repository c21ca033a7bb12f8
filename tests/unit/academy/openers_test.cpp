// Feedback that opens with its own verdict is neither doubled by the engine nor let through the checker
// silently; the verdict words know every locale's own "right" and "not quite" lines.

#include "bot/academy/openers.hpp"

#include <gtest/gtest.h>

#include <string>

#include "bot/core/i18n.hpp"

namespace delvex::academy {
namespace {

TEST(AcademyOpeners, KnowEveryLocalesOwnRightAndNotQuiteLines) {
    const core::Catalog catalog = core::Catalog::load(std::string(DELVEX_SOURCE_DIR) + "/config/locales");
    for (const auto& lang : core::Catalog::supported_languages()) {
        for (const char* key : {"academy.answer.right", "academy.answer.wrong"}) {
            ASSERT_TRUE(catalog.has(lang, key)) << lang << " " << key;
            const std::string line = catalog.text(lang, key);
            const auto space = line.find(' ');
            ASSERT_NE(space, std::string::npos) << lang << ": '" << line << "' has no mark before its words";
            // The words as a writer would put them at the start of a feedback.
            const std::string words = line.substr(space + 1) + " The reason.";
            EXPECT_FALSE(verdict_opener(words).empty()) << lang << ": '" << words << "'";
            // With such a feedback the engine keeps only its mark, and the verdict is said once.
            EXPECT_EQ(with_verdict(line, words), line.substr(0, space) + " " + words) << lang;
        }
    }
}

TEST(AcademyOpeners, FindTheVerdictBeforeTheFirstSentenceMarkOnly) {
    EXPECT_EQ(verdict_opener("Right, it is false."), "Right");
    EXPECT_EQ(verdict_opener("Not quite. It is a retort."), "Not quite");
    EXPECT_EQ(verdict_opener("Así es. El mercurio…"), "Así es");
    EXPECT_EQ(verdict_opener("¡Correcto! Es falso."), "¡Correcto");
    EXPECT_EQ(verdict_opener("Exact, c'est faux."), "Exact");
    EXPECT_EQ(verdict_opener("Não é bem assim: o mercúrio…"), "Não é bem assim");
    EXPECT_EQ(verdict_opener("Si sahihi kabisa. Zebaki…"), "Si sahihi kabisa");
    // A verdict word that starts a longer phrase, or an answer to the statement, is content.
    EXPECT_EQ(verdict_opener("Right at the river, mud settles."), "");
    EXPECT_EQ(verdict_opener("Yes, wet dust stays down."), "");
    EXPECT_EQ(verdict_opener("No. Children belong in school."), "");
    EXPECT_EQ(verdict_opener("It is false: the vapour has no smell."), "");
    EXPECT_EQ(verdict_opener(""), "");
}

TEST(AcademyOpeners, TheEngineLineIsWholeUnlessTheFeedbackHasItsOwnVerdict) {
    EXPECT_EQ(with_verdict("✅ Right!", "Yes, wet dust stays down."), "✅ Right! Yes, wet dust stays down.");
    EXPECT_EQ(with_verdict("✅ Right!", "Right, it has no smell."), "✅ Right, it has no smell.");
    EXPECT_EQ(with_verdict("❌ Not quite.", "Not quite. It is a retort."), "❌ Not quite. It is a retort.");
    EXPECT_EQ(with_verdict("❌ Not quite.", ""), "❌ Not quite.");
    // A verdict line without a mark is dropped rather than doubled.
    EXPECT_EQ(with_verdict("Right!", "Right, it has no smell."), "Right, it has no smell.");
}

}  // namespace
}  // namespace delvex::academy
