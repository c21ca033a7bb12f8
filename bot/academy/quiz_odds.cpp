#include "bot/academy/quiz_odds.hpp"

namespace delvex::academy {

int quiz_score(int right, int total) {
    if (total <= 0) {
        return 100;
    }
    return (right * 100 + total / 2) / total;
}

double first_try_chance(const Question& q) {
    switch (q.style) {
        case QuestionStyle::kButtons:
        case QuestionStyle::kList:
            return q.options.empty() ? 0.0 : 1.0 / static_cast<double>(q.options.size());
        case QuestionStyle::kTrueFalse:
            return 0.5;
        case QuestionStyle::kTyped:
            break;
    }
    return 0.0;
}

std::vector<const Question*> quiz_questions(const Module& module) {
    std::vector<const Question*> out;
    for (const auto& lesson : module.lessons) {
        if (!lesson.quiz) {
            continue;
        }
        for (const auto& step : lesson.steps) {
            if (step.kind == StepKind::kQuestion) {
                out.push_back(&step.question);
            }
        }
    }
    return out;
}

double random_pass_chance(const Module& module) {
    const auto questions = quiz_questions(module);
    // ways[k]: the chance of exactly k first-try right answers among the questions seen so far. Questions
    // are independent for a tapper, so each one splits every row into "right" and "not right".
    std::vector<double> ways(questions.size() + 1, 0.0);
    ways[0] = 1.0;
    for (std::size_t i = 0; i < questions.size(); ++i) {
        const double p = first_try_chance(*questions[i]);
        for (std::size_t k = i + 1; k > 0; --k) {
            ways[k] = ways[k] * (1.0 - p) + ways[k - 1] * p;
        }
        ways[0] *= 1.0 - p;
    }
    const int total = static_cast<int>(questions.size());
    double pass = 0.0;
    for (int k = 0; k <= total; ++k) {
        if (quiz_score(k, total) >= module.pass_mark) {
            pass += ways[static_cast<std::size_t>(k)];
        }
    }
    return pass;
}

}  // namespace delvex::academy
