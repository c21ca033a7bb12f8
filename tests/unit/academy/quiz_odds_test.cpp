// A learner who taps at random must not pass a quiz: the exact odds of every shipped quiz, and a check that
// the engine scores the way those odds assume (seeded random tappers through the real engine).

#include "bot/academy/quiz_odds.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <random>
#include <string>
#include <string_view>

#include "bot/academy/engine.hpp"
#include "bot/academy/loader.hpp"
#include "tests/unit/academy/memory_store.hpp"

namespace delvex::academy {
namespace {

constexpr double kBound = 0.10;

const Content& shipped() {
    static const Content c = load_content(std::string(DELVEX_SOURCE_DIR) + "/academy-content");
    return c;
}

std::vector<std::string> shipped_ids() {
    std::vector<std::string> out;
    for (const auto& m : shipped().modules) {
        out.push_back(m.id);
    }
    return out;
}

const Module* shipped_module(const std::string& id) {
    for (const auto& m : shipped().modules) {
        if (m.id == id) {
            return &m;
        }
    }
    return nullptr;
}

class RandomTapper : public ::testing::TestWithParam<std::string> {};

TEST_P(RandomTapper, PassesTheQuizLessThanOneTimeInTen) {
    const Module* m = shipped_module(GetParam());
    ASSERT_NE(m, nullptr);
    const auto questions = quiz_questions(*m);
    ASSERT_FALSE(questions.empty()) << m->id << " has no quiz";
    const double chance = random_pass_chance(*m);
    std::printf("[   odds   ] %s: %zu quiz questions, pass mark %d %%, a random tapper passes %.1f %%\n",
                m->id.c_str(), questions.size(), m->pass_mark, 100.0 * chance);
    RecordProperty("random_pass_percent", std::to_string(100.0 * chance));
    EXPECT_LT(chance, kBound) << m->id << ": a random tapper passes " << 100.0 * chance << " % of the time";
}

INSTANTIATE_TEST_SUITE_P(AcademyQuizOdds, RandomTapper, ::testing::ValuesIn(shipped_ids()),
                         [](const ::testing::TestParamInfo<std::string>& param) {
                             std::string name = param.param;
                             std::replace(name.begin(), name.end(), '-', '_');
                             return name;
                         });

TEST(AcademyQuizOdds, TheShippedContentLoadsAndEveryModuleIsChecked) {
    EXPECT_EQ(shipped().errors(), 0u);
    EXPECT_GE(shipped().modules.size(), 8u);
}

Question choice(std::size_t options) {
    Question q;
    q.style = QuestionStyle::kButtons;
    q.options.resize(options);
    return q;
}

Module module_of(std::vector<Question> questions, int pass_mark) {
    Module m;
    m.pass_mark = pass_mark;
    Lesson practice;
    Step s;
    s.kind = StepKind::kQuestion;
    s.question = choice(2);
    practice.steps.push_back(s);  // practice questions never count
    m.lessons.push_back(practice);
    Lesson quiz;
    quiz.quiz = true;
    for (auto& q : questions) {
        s.question = std::move(q);
        quiz.steps.push_back(s);
    }
    m.lessons.push_back(quiz);
    return m;
}

TEST(AcademyQuizOdds, ScoresRoundHalfUpAndCountOnlyQuizQuestions) {
    EXPECT_EQ(quiz_score(0, 0), 100);
    EXPECT_EQ(quiz_score(2, 3), 67);
    EXPECT_EQ(quiz_score(1, 3), 33);
    EXPECT_EQ(quiz_score(1, 2), 50);
    EXPECT_EQ(quiz_score(3, 5), 60);
    EXPECT_EQ(quiz_questions(module_of({choice(3), choice(4)}, 50)).size(), 2u);
}

TEST(AcademyQuizOdds, ExactOddsMatchHandWorkedCases) {
    Question tf;
    tf.style = QuestionStyle::kTrueFalse;
    Question typed;
    typed.style = QuestionStyle::kTyped;
    Question list = choice(4);
    list.style = QuestionStyle::kList;
    EXPECT_DOUBLE_EQ(first_try_chance(tf), 0.5);
    EXPECT_DOUBLE_EQ(first_try_chance(typed), 0.0);
    EXPECT_DOUBLE_EQ(first_try_chance(list), 0.25);
    EXPECT_DOUBLE_EQ(first_try_chance(choice(3)), 1.0 / 3);
    // Two true/false, half to pass: at least one of two coin flips.
    EXPECT_DOUBLE_EQ(random_pass_chance(module_of({tf, tf}, 50)), 0.75);
    // A typed question can only be missed: 1 of 2 is the best a tapper does (50 %).
    EXPECT_DOUBLE_EQ(random_pass_chance(module_of({tf, typed}, 50)), 0.5);
    EXPECT_DOUBLE_EQ(random_pass_chance(module_of({tf, typed}, 60)), 0.0);
    // 3 buttons, 4 rows, true/false at 60 %: two of three right (67 %) or all three.
    const double a = 1.0 / 3;
    const double b = 0.25;
    const double c = 0.5;
    const double two_or_more = a * b * (1 - c) + a * (1 - b) * c + (1 - a) * b * c + a * b * c;
    EXPECT_NEAR(random_pass_chance(module_of({choice(3), list, tf}, 60)), two_or_more, 1e-12);
    EXPECT_NEAR(random_pass_chance(module_of({choice(3), list, tf}, 100)), a * b * c, 1e-12);
}

// The odds above assume the engine counts first tries only. Random tappers run through the real engine on
// the test module (3 buttons, a 3-row list, a typed answer and a true/false; pass mark 60 %: three of four)
// must pass as often as the exact figure says: 1/3 · 1/3 · 1/2 = 1/18. Counting second tries too would
// make it about 15 % (5/9 · 5/9 · 1/2: a tapper may tap the same wrong option twice), which this catches.
TEST(AcademyQuizOdds, RandomTappersThroughTheEnginePassAsOftenAsTheExactOddsSay) {
    static const core::Catalog catalog = core::Catalog::load(std::string(DELVEX_SOURCE_DIR) + "/config/locales");
    Content content = load_content(std::string(DELVEX_SOURCE_DIR) + "/tests/fixtures/academy/learner");
    ASSERT_EQ(content.errors(), 0u);
    ASSERT_EQ(content.modules.size(), 1u);
    const double exact = random_pass_chance(content.modules.front());
    EXPECT_NEAR(exact, 1.0 / 18, 1e-12);
    EngineOptions options;
    options.random_bytes = [n = 0](std::size_t k) mutable { return std::string(k, static_cast<char>(++n)); };
    const Engine engine(std::move(content), catalog, options);

    std::mt19937 rng(20261206);
    constexpr int kLearners = 3000;
    int passed = 0;
    for (int i = 0; i < kLearners; ++i) {
        testing::MemoryStore store;
        Learner learner;
        learner.member_id = 1;
        learner.member_key = "254700000001";
        std::int64_t now = 1'800'000'000'000;
        Effects fx;
        auto say = [&](const std::string& text) {
            core::InboundMessage m;
            m.type = core::MessageType::kText;
            m.text = text;
            now += 1000;
            learner.last_inbound = now / 1000;
            fx = engine.on_message(store, learner, m, now);
        };
        auto tap = [&](const std::string& id) {
            core::InboundMessage m;
            m.type = core::MessageType::kInteractive;
            m.reply_id = id;
            now += 1000;
            learner.last_inbound = now / 1000;
            fx = engine.on_message(store, learner, m, now);
        };
        say("learn");
        say("Tapper");
        tap("academy:consent:yes");
        tap("academy:mod:learner-demo");
        for (int guard = 0; guard < 100; ++guard) {
            std::vector<std::string> answers;
            std::string next;
            for (const auto& body : fx.messages) {
                std::vector<std::string> ids;
                if (const auto* b = std::get_if<core::ReplyButtons>(&body)) {
                    for (const auto& x : b->buttons) {
                        ids.push_back(x.id);
                    }
                } else if (const auto* l = std::get_if<core::ListMessage>(&body)) {
                    for (const auto& r : l->sections.front().rows) {
                        ids.push_back(r.id);
                    }
                }
                for (const auto& id : ids) {
                    if (id.starts_with("academy:ans:")) {
                        answers.push_back(id);
                    } else if (id.starts_with("academy:next:")) {
                        next = id;
                    }
                }
            }
            const auto p = store.progress(store.session(learner.member_key).profile_id, "learner-demo");
            if (p && p->status != Status::kInProgress) {
                passed += p->status == Status::kPassed ? 1 : 0;
                break;
            }
            if (!answers.empty()) {
                tap(answers[std::uniform_int_distribution<std::size_t>(0, answers.size() - 1)(rng)]);
            } else if (!next.empty()) {
                tap(next);
            } else {
                say("no idea");  // a typed question: a tapper does not know the word
            }
        }
    }
    const double seen = static_cast<double>(passed) / kLearners;
    std::printf("[   odds   ] learner-demo through the engine: %d of %d random tappers passed (%.1f %%, exact %.1f %%)\n",
                passed, kLearners, 100.0 * seen, 100.0 * exact);
    // Five standard deviations of a binomial proportion at 3000 learners is about 2 points.
    EXPECT_NEAR(seen, exact, 0.02);
}

}  // namespace
}  // namespace delvex::academy
