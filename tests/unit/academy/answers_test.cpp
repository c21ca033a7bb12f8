#include "bot/academy/answers.hpp"

#include <gtest/gtest.h>

namespace delvex::academy {
namespace {

TEST(AcademyAnswers, NormalizesCaseAccentsPunctuationAndSpaces) {
    EXPECT_EQ(normalize_answer("  Monóxido de  Carbono! "), "monoxido de carbono");
    EXPECT_EQ(normalize_answer("Une CORNUE."), "une cornue");
    EXPECT_EQ(normalize_answer("«décantation»"), "decantation");
    EXPECT_EQ(normalize_answer("Dieciséis"), "dieciseis");
    EXPECT_EQ(normalize_answer("16g"), "16g");
    EXPECT_EQ(normalize_answer("cœur ça niño"), "coeur ca nino");
    EXPECT_EQ(normalize_answer("?!"), "");
}

TEST(AcademyAnswers, AcceptsAVariantInTheLearnersLanguageOrInEnglish) {
    Question q;
    q.style = QuestionStyle::kTyped;
    q.accept = {{"en", {"retort", "a retort"}}, {"fr", {"cornue", "une cornue"}}, {"es", {"retorta"}}};
    EXPECT_TRUE(accepts(q, "fr", "Une cornue !"));
    EXPECT_TRUE(accepts(q, "fr", "RETORT"));      // English is always accepted
    EXPECT_TRUE(accepts(q, "es", "Retorta."));
    EXPECT_TRUE(accepts(q, "sw", "a retort"));    // no Swahili variants: English
    EXPECT_FALSE(accepts(q, "es", "cornue"));     // another language's variant is not
    EXPECT_FALSE(accepts(q, "en", "pot"));
    EXPECT_FALSE(accepts(q, "en", "   "));
}

}  // namespace
}  // namespace delvex::academy
