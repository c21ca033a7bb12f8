#include "bot/academy/loader.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace delvex::academy {
namespace {

namespace fs = std::filesystem;

const fs::path kFixtures = fs::path(DELVEX_SOURCE_DIR) / "tests/fixtures/academy";

std::vector<std::string> lines_of(const Content& content, Severity severity) {
    std::vector<std::string> out;
    for (const auto& d : content.diagnostics) {
        if (d.severity == severity) {
            out.push_back(format_diagnostic(d, ""));
        }
    }
    return out;
}

std::vector<std::string> errors_in(const std::string& fixture) {
    return lines_of(load_content(kFixtures / fixture), Severity::kError);
}

TEST(AcademyShippedContent, PassesTheCheckerWithFourModulesInEnglishFrenchAndSpanish) {
    const Content content = load_content(fs::path(DELVEX_SOURCE_DIR) / "academy-content");
    EXPECT_EQ(content.errors(), 0u) << ::testing::PrintToString(lines_of(content, Severity::kError));
    ASSERT_GE(content.modules.size(), 4u);
    std::set<std::string> ids;
    for (const auto& m : content.modules) {
        ids.insert(m.id);
        for (const char* lang : {"en", "fr", "es"}) {
            EXPECT_NE(std::find(m.languages.begin(), m.languages.end(), lang), m.languages.end())
                << m.id << " lacks " << lang;
        }
        EXPECT_FALSE(m.sources.empty()) << m.id;
        const auto quizzes = std::count_if(m.lessons.begin(), m.lessons.end(), [](const Lesson& l) { return l.quiz; });
        EXPECT_GE(quizzes, 1) << m.id;
        EXPECT_GE(m.lessons.size() - static_cast<std::size_t>(quizzes), 3u) << m.id;
        EXPECT_LE(m.lessons.size() - static_cast<std::size_t>(quizzes), 5u) << m.id;
    }
    EXPECT_TRUE(ids.count("mercury-free-gold"));
    EXPECT_TRUE(ids.count("pit-safety"));
}

TEST(AcademyShippedContent, HasNoTranslationGapsInTheLanguagesEachModuleOffers) {
    const Content content = load_content(fs::path(DELVEX_SOURCE_DIR) / "academy-content");
    for (const auto& d : content.diagnostics) {
        EXPECT_EQ(d.message.find("translation"), std::string::npos) << format_diagnostic(d, "");
    }
}

TEST(AcademyChecker, AcceptsValidContentAndCountsCodePointsNotBytes) {
    const Content content = load_content(kFixtures / "valid");
    EXPECT_EQ(content.errors(), 0u) << ::testing::PrintToString(lines_of(content, Severity::kError));
    ASSERT_EQ(content.modules.size(), 1u);
    const Module& m = content.modules.front();
    EXPECT_EQ(m.id, "demo");
    EXPECT_EQ(m.pass_mark, 50);
    ASSERT_EQ(m.lessons.size(), 1u);
    const Lesson& quiz = m.lessons.front();
    EXPECT_TRUE(quiz.quiz);
    ASSERT_EQ(quiz.steps.size(), 3u);
    EXPECT_EQ(quiz.steps[1].kind, StepKind::kImage);
    EXPECT_EQ(quiz.steps[1].media.mime_type, "image/png");
    EXPECT_GT(quiz.steps[1].media.bytes, 0u);
    const Question& q = quiz.steps[2].question;
    EXPECT_EQ(q.style, QuestionStyle::kButtons);
    EXPECT_EQ(q.tries, 2);  // the default
    ASSERT_EQ(q.options.size(), 2u);
    EXPECT_TRUE(q.options[0].correct);
    EXPECT_GT(q.options[1].title.in("fr").size(), 20u);  // bytes: the 20-character limit must not count these
    EXPECT_EQ(q.options[1].title.in("sw"), "Second");    // falls back to English
}

TEST(AcademyChecker, RefusesMoreThanThreeReplyButtons) {
    EXPECT_EQ(errors_in("too-many-buttons"),
              std::vector<std::string>{"demo/quiz.yaml:22: error: step 'demo-q' has 4 options; reply buttons take at "
                                       "most 3 (use style: list for up to 10)"});
}

TEST(AcademyChecker, RefusesAButtonTitleOverTwentyCharacters) {
    EXPECT_EQ(errors_in("title-too-long"),
              std::vector<std::string>{"demo/quiz.yaml:32: error: 'title' of option 'b' (en) is 21 characters; a reply "
                                       "button title takes at most 20"});
}

TEST(AcademyChecker, RefusesAStepIdUsedTwiceInTheTree) {
    EXPECT_EQ(errors_in("duplicate-id"),
              std::vector<std::string>{
                  "demo/more.yaml:6: error: duplicate step id 'demo-intro' (first used at demo/quiz.yaml:7)"});
}

TEST(AcademyChecker, RefusesAMediaFileThatIsNotThere) {
    EXPECT_EQ(errors_in("dangling-media"),
              std::vector<std::string>{"demo/quiz.yaml:14: error: media file 'media/missing.png' not found"});
}

TEST(AcademyChecker, RefusesAMediaPathThatLeavesTheModuleFolderEvenWhenTheFileExists) {
    EXPECT_EQ(errors_in("path-escape"),
              std::vector<std::string>{"demo/quiz.yaml:14: error: media path '../outside.png' leaves the module folder "
                                       "('..' is not allowed)"});
}

TEST(AcademyChecker, RefusesATextWithoutEnglish) {
    EXPECT_EQ(errors_in("missing-english"),
              std::vector<std::string>{
                  "demo/quiz.yaml:32: error: 'title' of option 'b' has no English (en) text; English is required"});
}

TEST(AcademyChecker, ReportsAMissingTranslationAsAWarningOnly) {
    const Content content = load_content(kFixtures / "missing-translation");
    EXPECT_EQ(content.errors(), 0u);
    const auto warnings = lines_of(content, Severity::kWarning);
    EXPECT_NE(std::find(warnings.begin(), warnings.end(),
                        "demo/quiz.yaml:35: warning: missing 'fr' translation for 1 text in this file (first here); "
                        "learners get English"),
              warnings.end())
        << ::testing::PrintToString(warnings);
}

TEST(AcademyChecker, ReportsYamlSyntaxErrorsWithTheirLine) {
    EXPECT_EQ(errors_in("bad-yaml"),
              std::vector<std::string>{"demo/module.yaml:7: error: YAML syntax: end of sequence flow not found"});
}

TEST(AcademyChecker, RefusesAValueOfTheWrongType) {
    EXPECT_EQ(errors_in("wrong-type"),
              std::vector<std::string>{"demo/quiz.yaml:15: error: 'tries' must be a whole number from 1 to 5"});
}

TEST(AcademyChecker, RefusesAFileWhoseBytesDoNotMatchItsExtension) {
    EXPECT_EQ(errors_in("fake-png"),
              std::vector<std::string>{
                  "demo/quiz.yaml:14: error: 'media/photo.png': not a PNG file, although it is named .png"});
}

TEST(AcademyChecker, SaysWhichLanguagesAModuleDoesNotOffer) {
    const auto warnings = lines_of(load_content(kFixtures / "valid"), Severity::kWarning);
    EXPECT_NE(std::find(warnings.begin(), warnings.end(),
                        "demo/module.yaml:6: warning: not offered in es, pt, sw; learners who chose them get English"),
              warnings.end())
        << ::testing::PrintToString(warnings);
}

TEST(AcademyCheckCommand, PrintsProblemsUnderTheGivenFolderAndExitsNonZeroOnError) {
    const std::string dir = (kFixtures / "dangling-media").string();
    std::ostringstream out;
    std::ostringstream err;
    EXPECT_EQ(run_check(dir, out, err), 1);
    EXPECT_NE(out.str().find(dir + "/demo/quiz.yaml:14: error: media file 'media/missing.png' not found\n"),
              std::string::npos)
        << out.str();
    EXPECT_NE(out.str().find("academy check: 1 module, 1 lesson, 3 steps (1 question); 1 error, 2 warnings\n"),
              std::string::npos)
        << out.str();
    EXPECT_TRUE(err.str().empty());
}

TEST(AcademyCheckCommand, ExitsZeroOnWarningsOnlyAndTwoOnAMissingFolder) {
    std::ostringstream out;
    std::ostringstream err;
    EXPECT_EQ(run_check((kFixtures / "missing-translation").string(), out, err), 0);
    EXPECT_EQ(run_check((kFixtures / "no-such-folder").string(), out, err), 2);
    EXPECT_NE(err.str().find("is not a folder"), std::string::npos);
}

}  // namespace
}  // namespace delvex::academy
