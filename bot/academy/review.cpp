// Spaced review of passed modules: one quiz question about 2, 7 and 21 days after passing (review_days),
// each review planned when the one before goes out; a missed question comes back sooner. Only inside the
// 24 h window; outside it the review waits a day and tries again.

#include <algorithm>

#include "bot/academy/engine.hpp"
#include "bot/academy/engine_turn.hpp"
#include "bot/academy/openers.hpp"
#include "bot/core/window.hpp"

namespace delvex::academy {
namespace {

using detail::cut;
using detail::is_quiz;
using detail::kDayMs;
using detail::split;
using detail::to_int;

// Before the sequence there was a single review, a week after passing, whose payload ended after the retry
// count: such a job is the 7-day stage.
constexpr int kSingleReviewStage = 1;

int to_small_int(std::string_view s) {
    const std::int64_t v = to_int(s);
    return v < 0 || v > 1000 ? -1 : static_cast<int>(v);
}

}  // namespace

// Job keys are used once, so every stage, re-ask and retry has a key of its own; planning the same review
// twice (a re-ask goes out and plans the next stage again) keeps the first.
// Payload: "m<member>\n<profile>\n<module>\n<retry>\n<stage>\n<again>\n<step>" (no phone number).
void Engine::plan_review(Turn& t, const Progress& p, const ReviewTurn& r, std::int64_t due_ms) const {
    const std::string profile = std::to_string(p.profile_id);
    t.fx.jobs.push_back(JobPlan{"academy.review:" + profile + ":" + p.module_id + ":" + std::to_string(p.attempts) +
                                    ":" + std::to_string(r.stage) + ":" + std::to_string(r.again) + ":" +
                                    std::to_string(r.retry),
                                "academy.review", due_ms, due_ms + kDayMs,
                                "m" + std::to_string(t.learner.member_id) + "\n" + profile + "\n" + p.module_id +
                                    "\n" + std::to_string(r.retry) + "\n" + std::to_string(r.stage) + "\n" +
                                    std::to_string(r.again) + "\n" + r.step_id});
}

Effects Engine::review(Turn& t, std::string_view payload) const {
    const auto parts = split(payload, '\n');
    if (parts.size() < 4) {
        return std::move(t.fx);
    }
    const std::int64_t profile_id = to_int(parts[1]);
    const std::string module_id(parts[2]);
    ReviewTurn r;
    r.retry = std::max(0, to_small_int(parts[3]));
    if (parts.size() >= 7) {
        r.stage = to_small_int(parts[4]);
        r.again = std::max(0, to_small_int(parts[5]));
        r.step_id = std::string(parts[6]);
    } else {
        r.stage = kSingleReviewStage;
    }
    const auto& days = options_.review_days;
    if (r.stage < 0 || r.stage >= static_cast<int>(days.size())) {
        return std::move(t.fx);  // the sequence was shortened since this job was planned
    }
    const auto pr = t.store.profile(profile_id);
    const auto p = pr ? t.store.progress(profile_id, module_id) : std::nullopt;
    if (!p || p->status != Status::kPassed) {
        return std::move(t.fx);
    }
    const auto stage = static_cast<std::size_t>(r.stage);
    const auto plan_next_stage = [&] {
        if (stage + 1 < days.size()) {
            const int gap = std::max(1, days[stage + 1] - days[stage]);
            plan_review(t, *p, ReviewTurn{r.stage + 1, 0, 0, {}}, t.now_ms + gap * kDayMs);
        }
    };
    if (!core::window_open(t.learner.last_inbound, t.now_ms)) {
        // Try again tomorrow, a few times: the learner may write again soon. Someone away longer still gets
        // the next stage.
        if (r.retry < options_.review_retries) {
            ReviewTurn again = r;
            ++again.retry;
            plan_review(t, *p, again, t.now_ms + kDayMs);
        } else {
            plan_next_stage();
        }
        return std::move(t.fx);
    }
    // Choice questions of the quiz lessons the learner's version had: the one missed, or one chosen by the day.
    std::vector<Located> pool;
    std::optional<Located> missed;
    for (const auto& id : p->plan) {
        const Located at = locate(id);
        if (at.step != nullptr && at.step->kind == StepKind::kQuestion && is_quiz(at.lesson) &&
            at.step->question.style != QuestionStyle::kTyped) {
            pool.push_back(at);
            if (id == r.step_id) {
                missed = at;
            }
        }
    }
    if (pool.empty()) {
        return std::move(t.fx);
    }
    const auto pick = static_cast<std::size_t>((t.now_ms / kDayMs + profile_id + r.stage) %
                                               static_cast<std::int64_t>(pool.size()));
    const Module* m = find_module(module_id);
    std::string intro = tr(t, "review.intro", {{"name", pr->name}, {"module", m ? m->title.in(t.lang) : module_id}});
    const std::string tail =
        ":" + std::to_string(profile_id) + ":" + std::to_string(r.stage) + ":" + std::to_string(r.again);
    t.send(render_question(t, missed ? *missed : pool[pick], std::move(intro), tail));
    plan_next_stage();
    return std::move(t.fx);
}

void Engine::review_answer(Turn& t, const std::string& step_id, std::string_view choice, std::int64_t profile_id,
                           int stage, int again) const {
    const Located at = locate(step_id);
    if (at.step == nullptr || at.step->kind != StepKind::kQuestion) {
        return;
    }
    const Question& q = at.step->question;
    bool right = false;
    std::string feedback;
    std::string right_answer;
    if (q.style == QuestionStyle::kTrueFalse) {
        right = (choice == "true") == q.correct_is_true;
        feedback = right ? q.feedback_right.in(t.lang) : q.feedback_wrong.in(t.lang);
        right_answer = tr(t, q.correct_is_true ? "button.true" : "button.false");
    } else {
        for (const auto& o : q.options) {
            if (o.id == choice) {
                right = o.correct;
                feedback = o.feedback.in(t.lang);
            }
            if (o.correct) {
                right_answer = o.title.in(t.lang);
            }
        }
    }
    const auto pr = profile_id > 0 ? t.store.profile(profile_id) : std::nullopt;
    if (pr && pr->member_key == t.learner.member_key) {
        t.store.record_answer(
            AnswerRecord{pr->id, at.module->id, "review:" + step_id, cut(choice, 200), right, t.now_ms});
        // A missed question comes back sooner than the next stage (which stays planned), a few times at most.
        if (!right && stage >= 0 && again < options_.review_again_max && options_.review_again_days > 0) {
            const auto p = t.store.progress(pr->id, at.module->id);
            if (p && p->status == Status::kPassed) {
                plan_review(t, *p, ReviewTurn{stage, again + 1, 0, step_id},
                            t.now_ms + options_.review_again_days * kDayMs);
            }
        }
    }
    std::string body = with_verdict(tr(t, right ? "answer.right" : "answer.wrong"), feedback);
    if (!right) {
        body += "\n" + tr(t, "answer.correct_was", {{"answer", right_answer}});
    }
    core::ReplyButtons b;
    b.body = cut(body, limits::kInteractiveBody);
    b.buttons.push_back({"academy:lessons", cut(tr(t, "button.lessons"), limits::kButtonTitle)});
    t.send(std::move(b));
}

}  // namespace delvex::academy
