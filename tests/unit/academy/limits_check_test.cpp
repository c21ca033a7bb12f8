// The checker's WhatsApp limits and schema rules on small content trees written to a temporary folder.

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "bot/academy/loader.hpp"

namespace delvex::academy {
namespace {

namespace fs = std::filesystem;

class TempContent {
public:
    explicit TempContent(const std::map<std::string, std::string>& files)
        : root_(fs::temp_directory_path() /
                ("delvex-academy-" + std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()))) {
        fs::remove_all(root_);
        for (const auto& [rel, text] : files) {
            fs::create_directories((root_ / rel).parent_path());
            std::ofstream(root_ / rel) << text;
        }
    }
    ~TempContent() {
        std::error_code ec;
        fs::remove_all(root_, ec);
    }
    Content load() const { return load_content(root_); }

private:
    fs::path root_;
};

const std::string kModule = R"(id: demo
version: 1
title: {en: Demo}
languages: [en]
pass_mark: 50
sources: [Test]
lessons: [quiz.yaml]
)";

std::string quiz_with(const std::string& step) {
    return "id: demo-quiz\nquiz: true\ntitle: {en: Quiz}\nsteps:\n" + step;
}

std::string rows(int n, const std::string& title_prefix = "Row ") {
    std::string out;
    for (int i = 0; i < n; ++i) {
        out += "      - {id: r" + std::to_string(i) + ", title: {en: " + title_prefix + std::to_string(i) +
               "}, feedback: {en: Why.}" + (i == 0 ? ", correct: true" : "") + "}\n";
    }
    return out;
}

std::vector<std::string> errors_of(const Content& c) {
    std::vector<std::string> out;
    for (const auto& d : c.diagnostics) {
        if (d.severity == Severity::kError) {
            out.push_back(format_diagnostic(d, ""));
        }
    }
    return out;
}

std::vector<std::string> warnings_of(const Content& c) {
    std::vector<std::string> out;
    for (const auto& d : c.diagnostics) {
        if (d.severity == Severity::kWarning) {
            out.push_back(format_diagnostic(d, ""));
        }
    }
    return out;
}

bool has(const std::vector<std::string>& lines, const std::string& line) {
    return std::find(lines.begin(), lines.end(), line) != lines.end();
}

TEST(AcademyListLimits, RefusesElevenRowsLongRowsAndALongListButton) {
    const std::string step = "  - id: q\n    type: question\n    style: list\n    prompt: {en: Pick.}\n"
                             "    hint: {en: Hint.}\n    list_button: {en: Open the list of answers}\n    options:\n" +
                             rows(10) +
                             "      - {id: long, title: {en: Twenty-five characters!!!}, description: {en: " +
                             std::string(73, 'd') + "}, feedback: {en: Why.}}\n";
    const auto errors = errors_of(TempContent({{"demo/module.yaml", kModule}, {"demo/quiz.yaml", quiz_with(step)}}).load());
    EXPECT_EQ(errors.size(), 4u) << ::testing::PrintToString(errors);
    EXPECT_TRUE(has(errors, "demo/quiz.yaml:10: error: 'list_button' (en) is 24 characters; a list button label takes "
                            "at most 20"))
        << ::testing::PrintToString(errors);
    EXPECT_TRUE(has(errors, "demo/quiz.yaml:12: error: step 'q' has 11 options; a list takes at most 10 rows"))
        << ::testing::PrintToString(errors);
    EXPECT_TRUE(has(errors, "demo/quiz.yaml:22: error: 'title' of option 'long' (en) is 25 characters; a list row "
                            "title takes at most 24"))
        << ::testing::PrintToString(errors);
    EXPECT_TRUE(has(errors, "demo/quiz.yaml:22: error: 'description' of option 'long' (en) is 73 characters; a list "
                            "row description takes at most 72"))
        << ::testing::PrintToString(errors);
}

TEST(AcademyChoiceRules, NeedsExactlyOneCorrectOptionAndUniqueTitles) {
    const std::string step = "  - id: q\n    type: question\n    style: buttons\n    prompt: {en: Pick.}\n"
                             "    hint: {en: Hint.}\n    options:\n"
                             "      - {id: a, title: {en: Same}, feedback: {en: Why.}, correct: true}\n"
                             "      - {id: b, title: {en: Same}, feedback: {en: Why.}, correct: true}\n";
    const auto errors = errors_of(TempContent({{"demo/module.yaml", kModule}, {"demo/quiz.yaml", quiz_with(step)}}).load());
    // A block sequence's line is that of its first item.
    EXPECT_EQ(errors, (std::vector<std::string>{
                          "demo/quiz.yaml:11: error: step 'q' has 2 options marked 'correct: true'; a single-choice "
                          "question needs exactly 1",
                          "demo/quiz.yaml:12: error: options 'a' and 'b' have the same title 'Same' (en)",
                      }));
}

TEST(AcademySchema, RefusesAnUnknownKeyAndAModuleIdUsedByTwoFolders) {
    const std::string tf = "  - id: tf\n    type: question\n    style: true_false\n    prompt: {en: Yes or no}\n"
                           "    correct: true\n    hint: {en: Hint.}\n    feedback_right: {en: Yes.}\n"
                           "    feedback_wrong: {en: No.}\n    captoin: {en: typo}\n";
    std::string other = kModule;
    other.replace(other.find("quiz.yaml"), 9, "other.yaml");
    const std::string other_quiz = "id: other-quiz\nquiz: true\ntitle: {en: Quiz}\nsteps:\n" +
                                   std::string("  - id: tf2\n    type: question\n    style: true_false\n") +
                                   "    prompt: {en: Yes or no}\n    correct: false\n    tries: 1\n"
                                   "    feedback_right: {en: Yes.}\n    feedback_wrong: {en: No.}\n";
    const auto errors = errors_of(TempContent({{"a/module.yaml", kModule},
                                               {"a/quiz.yaml", quiz_with(tf)},
                                               {"b/module.yaml", other},
                                               {"b/other.yaml", other_quiz}})
                                      .load());
    EXPECT_EQ(errors, (std::vector<std::string>{
                          "a/quiz.yaml:13: error: unknown key 'captoin' in a true_false question",
                          "b/module.yaml:1: error: duplicate module id 'demo' (first used at a/module.yaml:1)",
                      }));
}

TEST(AcademyAdvice, WarnsOnLongMessagesAndRefusesAStepOverTheInteractiveBodyLimit) {
    const std::string step = "  - id: long\n    type: text\n    text: {en: " + std::string(700, 'x') +
                             "}\n  - id: too-long\n    type: text\n    text: {en: " + std::string(1025, 'y') + "}\n" +
                             "  - id: q\n    type: question\n    style: buttons\n    prompt: {en: Yes or no}\n"
                             "    options:\n" + rows(2);
    const Content c = TempContent({{"demo/module.yaml", kModule}, {"demo/quiz.yaml", quiz_with(step)}}).load();
    EXPECT_EQ(errors_of(c), (std::vector<std::string>{"demo/quiz.yaml:10: error: 'text' (en) is 1025 characters; an "
                                                      "interactive message body takes at most 1024"}));
    const auto warnings = warnings_of(c);
    EXPECT_TRUE(has(warnings, "demo/quiz.yaml:7: warning: 'text' (en) is 700 characters; keep a message under about 600"))
        << ::testing::PrintToString(warnings);
    EXPECT_TRUE(has(warnings, "demo/quiz.yaml:11: warning: step 'q' has no 'hint' for the next try"))
        << ::testing::PrintToString(warnings);
}

TEST(AcademySchema, RefusesMoreThanOneTryAtATrueFalseQuestionInAQuizOnly) {
    auto tf = [](const std::string& id, const std::string& tries) {
        return "  - id: " + id + "\n    type: question\n    style: true_false\n    prompt: {en: Yes or no}\n" +
               "    correct: true\n    hint: {en: Hint.}\n" + tries +
               "    feedback_right: {en: Yes.}\n    feedback_wrong: {en: No.}\n";
    };
    std::string module = kModule;
    module.replace(module.find("[quiz.yaml]"), 11, "[practice.yaml, quiz.yaml]");
    const std::string practice = "id: demo-practice\ntitle: {en: Practice}\nsteps:\n" + tf("p2", "    tries: 2\n");
    const Content c = TempContent({{"demo/module.yaml", module},
                                   {"demo/practice.yaml", practice},
                                   {"demo/quiz.yaml", quiz_with(tf("q2", "    tries: 2\n") + tf("q3", "    tries: 3\n") +
                                                                tf("q1", "    tries: 1\n") + tf("qd", ""))}})
                          .load();
    EXPECT_EQ(errors_of(c),
              (std::vector<std::string>{
                  "demo/quiz.yaml:11: error: step 'q2' is true/false in a quiz and has 'tries: 2'; a quiz gives a "
                  "true/false question 1 try (the second one could not be wrong)",
                  "demo/quiz.yaml:20: error: step 'q3' is true/false in a quiz and has 'tries: 3'; a quiz gives a "
                  "true/false question 1 try (the second one could not be wrong)",
              }));
    // Without `tries`, a quiz true/false has its single try; a practice one keeps the usual two.
    ASSERT_EQ(c.modules.size(), 1u);
    ASSERT_EQ(c.modules[0].lessons.size(), 2u);
    EXPECT_EQ(c.modules[0].lessons[0].steps[0].question.tries, 2);
    EXPECT_EQ(c.modules[0].lessons[1].steps[3].question.tries, 1);
}

TEST(AcademyAdvice, WarnsAboutFeedbackThatOpensWithTheEnginesOwnVerdict) {
    const std::string step =
        "  - id: q\n    type: question\n    style: buttons\n    prompt: {en: Pick.}\n    hint: {en: Hint.}\n"
        "    options:\n"
        "      - id: a\n        correct: true\n        title: {en: A}\n"
        "        feedback:\n          en: Right, A is the one.\n          fr: \"Exact : c'est A.\"\n"
        "      - id: b\n        title: {en: B}\n        feedback: {en: \"Not quite. B is not.\"}\n"
        "  - id: tf\n    type: question\n    style: true_false\n    prompt: {en: Yes or no}\n"
        "    correct: true\n    feedback_right: {en: \"¡Correcto! Yes.\"}\n"
        "    feedback_wrong: {en: Right at the start it is true.}\n";
    std::string module = kModule;
    module.replace(module.find("[en]"), 4, "[en, fr]");
    const Content c = TempContent({{"demo/module.yaml", module}, {"demo/quiz.yaml", quiz_with(step)}}).load();
    EXPECT_EQ(c.errors(), 0u) << ::testing::PrintToString(errors_of(c));
    std::vector<std::string> openers;
    for (const auto& w : warnings_of(c)) {
        if (w.find("opens with") != std::string::npos) {
            openers.push_back(w);
        }
    }
    const std::string tail = "; the engine already says right or not quite before it, so the learner would read it "
                             "twice: start with the reason";
    EXPECT_EQ(openers, (std::vector<std::string>{
                           "demo/quiz.yaml:15: warning: 'feedback' of option 'a' (en) opens with 'Right'" + tail,
                           "demo/quiz.yaml:16: warning: 'feedback' of option 'a' (fr) opens with 'Exact'" + tail,
                           "demo/quiz.yaml:19: warning: 'feedback' of option 'b' (en) opens with 'Not quite'" + tail,
                           "demo/quiz.yaml:25: warning: 'feedback_right' (en) opens with '¡Correcto'" + tail,
                       }));
}

TEST(AcademyLayout, WarnsAboutUnlistedLessonFilesAndFoldersWithoutModuleYaml) {
    const std::string step = "  - id: q\n    type: question\n    style: true_false\n    prompt: {en: Yes or no}\n"
                             "    correct: true\n    tries: 1\n    feedback_right: {en: Yes.}\n"
                             "    feedback_wrong: {en: No.}\n";
    const Content c = TempContent({{"demo/module.yaml", kModule},
                                   {"demo/quiz.yaml", quiz_with(step)},
                                   {"demo/draft.yaml", "id: draft\n"},
                                   {"notes/todo.txt", "later\n"}})
                          .load();
    EXPECT_EQ(c.errors(), 0u) << ::testing::PrintToString(errors_of(c));
    const auto warnings = warnings_of(c);
    EXPECT_TRUE(has(warnings, "demo/module.yaml:1: warning: 'draft.yaml' is not listed under 'lessons' and is ignored"))
        << ::testing::PrintToString(warnings);
    EXPECT_TRUE(has(warnings, "notes: warning: no module.yaml here; folder skipped")) << ::testing::PrintToString(warnings);
}

}  // namespace
}  // namespace delvex::academy
