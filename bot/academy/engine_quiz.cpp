// Questions and answers in a lesson: a question drawn as buttons or a list, the answer checked with its
// feedback, a typed answer or question while a lesson waits, and the end of a module (score, certificate,
// first spaced review).

#include <algorithm>
#include <stdexcept>
#include <string>

#include "bot/academy/answers.hpp"
#include "bot/academy/certificate_text.hpp"
#include "bot/academy/engine.hpp"
#include "bot/academy/engine_turn.hpp"
#include "bot/academy/limits.hpp"
#include "bot/academy/local_media.hpp"
#include "bot/academy/openers.hpp"
#include "bot/academy/quiz_odds.hpp"
#include "bot/core/text.hpp"

namespace delvex::academy {
namespace {

using detail::chars;
using detail::cut;
using detail::is_quiz;
using detail::join_body;
using detail::kDayMs;
using detail::split;
using detail::to_int;
using core::trim;

}  // namespace

core::OutgoingBody Engine::render_question(Turn& t, const Located& at, std::string prefix,
                                           const std::string& review_tail) const {
    const Step& s = *at.step;
    const Question& q = s.question;
    const std::string verb = !review_tail.empty() ? "academy:rev:" : "academy:ans:";
    // A review answer names its learner: on a shared phone someone else may be in a lesson meanwhile.
    const std::string& suffix = review_tail;
    std::string prompt = q.prompt.in(t.lang);
    if (q.style == QuestionStyle::kTyped) {
        std::string body = prefix.empty() ? prompt : prefix + "\n\n" + prompt;
        return core::OutgoingText{body + "\n\n" + tr(t, "answer.type"), false};
    }
    std::string body = join_body(prefix, prompt);
    if (!prefix.empty()) {
        t.text(prefix);
    }
    if (q.style == QuestionStyle::kList) {
        core::ListMessage list;
        list.header = cut(at.lesson->title.in(t.lang), limits::kHeaderText);
        list.body = body;
        list.button = cut(q.list_button.in(t.lang).empty() ? tr(t, "answer.choose") : q.list_button.in(t.lang),
                          limits::kListButton);
        core::ListSection section;
        for (const auto& o : q.options) {
            section.rows.push_back({verb + s.id + ":" + o.id + suffix, cut(o.title.in(t.lang), limits::kRowTitle),
                                    cut(o.description.in(t.lang), limits::kRowDescription)});
        }
        list.sections.push_back(std::move(section));
        return list;
    }
    core::ReplyButtons b;
    b.header.kind = core::InteractiveHeader::Kind::kText;
    b.header.text = cut(at.lesson->title.in(t.lang), limits::kHeaderText);
    b.body = body;
    if (q.style == QuestionStyle::kTrueFalse) {
        b.buttons.push_back({verb + s.id + ":true" + suffix, cut(tr(t, "button.true"), limits::kButtonTitle)});
        b.buttons.push_back({verb + s.id + ":false" + suffix, cut(tr(t, "button.false"), limits::kButtonTitle)});
    } else {
        for (const auto& o : q.options) {
            b.buttons.push_back({verb + s.id + ":" + o.id + suffix, cut(o.title.in(t.lang), limits::kButtonTitle)});
        }
    }
    return b;
}

void Engine::advance(Turn& t, Progress& p, std::string prefix) const {
    ++p.position;
    p.tries_used = 0;
    p.updated_ms = t.now_ms;
    send_step(t, p, std::move(prefix));
    t.store.save_progress(p);
    if (p.status == Status::kInProgress) {
        plan_nudge(t);
    }
}

void Engine::finish(Turn& t, Progress& p, std::string prefix) const {
    const Module* m = find_module(p.module_id);
    p.position = static_cast<int>(p.plan.size());
    p.score = quiz_score(p.quiz_right, p.quiz_total);
    p.status = p.score >= p.pass_mark ? Status::kPassed : Status::kFailed;
    p.completed_ms = t.now_ms;
    p.updated_ms = t.now_ms;
    t.session.mode = Mode::kIdle;
    t.dirty();
    const std::string title = m ? m->title.in(t.lang) : p.module_id;
    const Profile* pr = t.profile();
    const std::string name = pr ? pr->name : std::string();
    core::ReplyButtons b;
    std::optional<Certificate> certificate_image;
    if (p.status == Status::kPassed) {
        auto cert = t.store.certificate_for(p.profile_id, p.module_id);
        if (!cert) {
            Certificate c;
            for (int i = 0; i < 8; ++i) {
                c.code = new_code();
                if (!t.store.certificate(c.code)) {
                    break;
                }
                if (i == 7) {
                    throw std::runtime_error("could not find a free certificate code");
                }
            }
            c.profile_id = p.profile_id;
            c.module_id = p.module_id;
            c.module_version = p.module_version;
            c.learner_name = name;
            c.module_title = m ? m->title.in("en") : p.module_id;
            c.score = p.score;
            c.issued_ms = t.now_ms;
            c.lang = t.lang;
            t.store.add_certificate(c);
            cert = c;
        }
        b.body = tr(t, "done.passed",
                    {{"name", name}, {"module", title}, {"score", std::to_string(p.score)}, {"code", cert->code}});
        certificate_image = *cert;
        if (!options_.review_days.empty()) {
            // The first review asks again a quiz question the learner got wrong on the first try, if any.
            ReviewTurn first;
            for (const auto& id : t.store.missed_first_tries(p.profile_id, p.module_id, p.started_ms)) {
                const Located at = locate(id);
                if (at.step != nullptr && at.step->kind == StepKind::kQuestion && detail::is_quiz(at.lesson) &&
                    at.step->question.style != QuestionStyle::kTyped) {
                    first.step_id = id;
                    break;
                }
            }
            plan_review(t, p, first, t.now_ms + options_.review_days.front() * kDayMs);
        }
    } else {
        b.body = tr(t, "done.failed",
                    {{"name", name}, {"module", title}, {"score", std::to_string(p.score)},
                     {"pass", std::to_string(p.pass_mark)}});
        b.buttons.push_back({"academy:retry:" + p.module_id, cut(tr(t, "button.retry"), limits::kButtonTitle)});
    }
    b.body = join_body(prefix, b.body);
    if (!prefix.empty()) {
        t.text(prefix);
    }
    b.buttons.push_back({"academy:lessons", cut(tr(t, "button.lessons"), limits::kButtonTitle)});
    t.send(std::move(b));
    if (certificate_image) {
        send_certificate(t, *certificate_image);
    }
}

void Engine::answer(Turn& t, const std::string& step_id, std::string_view choice, bool typed) const {
    const Profile* pr = t.profile();
    auto p = pr ? t.store.progress(pr->id, t.session.module_id) : std::nullopt;
    if (!p || p->status != Status::kInProgress) {
        start(t);
        return;
    }
    t.session.mode = Mode::kLesson;
    t.dirty();
    // Skip over vanished steps first so that the position names an existing step.
    while (p->position < static_cast<int>(p->plan.size()) &&
           locate(p->plan[static_cast<std::size_t>(p->position)]).step == nullptr) {
        ++p->position;
        p->tries_used = 0;
    }
    if (p->position >= static_cast<int>(p->plan.size()) || p->plan[static_cast<std::size_t>(p->position)] != step_id) {
        // An answer to an older question (tapped twice, or scrolled up): show where the learner is.
        send_step(t, *p, {});
        t.store.save_progress(*p);
        return;
    }
    const Located at = locate(step_id);
    if (at.step->kind != StepKind::kQuestion) {
        send_step(t, *p, {});
        return;
    }
    const Question& q = at.step->question;
    bool right = false;
    std::string feedback;
    const Option* picked = nullptr;
    const Option* correct = nullptr;
    for (const auto& o : q.options) {
        if (o.correct) {
            correct = &o;
        }
        if (o.id == choice) {
            picked = &o;
        }
    }
    switch (q.style) {
        case QuestionStyle::kButtons:
        case QuestionStyle::kList:
            if (picked == nullptr) {
                send_step(t, *p, {});
                return;
            }
            right = picked->correct;
            feedback = picked->feedback.in(t.lang);
            break;
        case QuestionStyle::kTrueFalse:
            if (choice != "true" && choice != "false") {
                send_step(t, *p, tr(t, "answer.tap"));
                return;
            }
            right = (choice == "true") == q.correct_is_true;
            feedback = right ? q.feedback_right.in(t.lang) : q.feedback_wrong.in(t.lang);
            break;
        case QuestionStyle::kTyped:
            if (!typed) {
                send_step(t, *p, {});
                return;
            }
            right = accepts(q, t.lang, choice);
            feedback = right ? q.feedback_right.in(t.lang) : q.feedback_wrong.in(t.lang);
            break;
    }
    t.store.record_answer(AnswerRecord{pr->id, p->module_id, step_id, cut(choice, 200), right, t.now_ms});
    const bool quiz = is_quiz(at.lesson);
    if (right) {
        if (quiz) {
            // Only a first-try answer counts towards the pass mark: with further tries, tapping through the
            // options finds every answer, and the certificate would say nothing.
            ++p->quiz_total;
            p->quiz_right += p->tries_used == 0 ? 1 : 0;
        }
        advance(t, *p, with_verdict(tr(t, "answer.right"), feedback));
        return;
    }
    ++p->tries_used;
    const int tries = std::max(1, q.tries);
    if (p->tries_used < tries) {
        std::string prefix = with_verdict(tr(t, "answer.wrong"), feedback);
        if (!q.hint.empty()) {
            prefix += "\n" + tr(t, "answer.hint", {{"hint", q.hint.in(t.lang)}});
        }
        prefix += "\n" + tr(t, "answer.again");
        p->updated_ms = t.now_ms;
        send_step(t, *p, std::move(prefix));
        t.store.save_progress(*p);
        plan_nudge(t);
        return;
    }
    // Out of tries: the why, then the right answer, then move on.
    if (quiz) {
        ++p->quiz_total;
    }
    std::string prefix = with_verdict(tr(t, "answer.wrong"), feedback);
    std::string right_answer;
    std::string right_why;
    if (q.style == QuestionStyle::kTyped) {
        right_answer = q.answer.in(t.lang);
    } else if (q.style == QuestionStyle::kTrueFalse) {
        right_answer = tr(t, q.correct_is_true ? "button.true" : "button.false");
        right_why = q.feedback_right.in(t.lang);
    } else if (correct != nullptr) {
        right_answer = correct->title.in(t.lang);
        right_why = correct->feedback.in(t.lang);
    }
    prefix += "\n" + tr(t, "answer.correct_was", {{"answer", right_answer}});
    if (!right_why.empty()) {
        prefix += " " + right_why;
    }
    advance(t, *p, std::move(prefix));
}

void Engine::plain_text_in_lesson(Turn& t, std::string_view text) const {
    const Profile* pr = t.profile();
    auto p = pr ? t.store.progress(pr->id, t.session.module_id) : std::nullopt;
    if (!p || p->status != Status::kInProgress) {
        t.session.mode = Mode::kIdle;
        t.dirty();
        module_list(t);
        return;
    }
    while (p->position < static_cast<int>(p->plan.size()) &&
           locate(p->plan[static_cast<std::size_t>(p->position)]).step == nullptr) {
        ++p->position;
    }
    if (p->position >= static_cast<int>(p->plan.size())) {
        send_step(t, *p, {});
        t.store.save_progress(*p);
        return;
    }
    const std::string step_id = p->plan[static_cast<std::size_t>(p->position)];
    const Located at = locate(step_id);
    const std::string norm = normalize_answer(text);
    if (at.step->kind != StepKind::kQuestion) {
        if (keyword("next", norm)) {
            advance(t, *p, {});
        } else if (!glossary_reply(t, *p, norm)) {
            send_step(t, *p, tr(t, "next.tap"));
        }
        return;
    }
    const Question& q = at.step->question;
    switch (q.style) {
        case QuestionStyle::kTyped:
            answer(t, step_id, text, true);
            return;
        case QuestionStyle::kTrueFalse:
            // The buttons' numbers and letters count too: True is the first, False the second.
            if (keyword("true", norm) || norm == "1" || norm == "a") {
                answer(t, step_id, "true", false);
            } else if (keyword("false", norm) || norm == "2" || norm == "b") {
                answer(t, step_id, "false", false);
            } else if (!glossary_reply(t, *p, norm)) {
                send_step(t, *p, tr(t, "answer.tap"));
            }
            return;
        case QuestionStyle::kButtons:
        case QuestionStyle::kList: {
            // A typed option number ("2"), letter ("b") or title counts as tapping it: some phones show no buttons.
            const auto n = to_int(norm);
            for (std::size_t i = 0; i < q.options.size(); ++i) {
                const bool letter = norm.size() == 1 && norm[0] == static_cast<char>('a' + i);
                if (n == static_cast<std::int64_t>(i + 1) || letter ||
                    normalize_answer(q.options[i].title.in(t.lang)) == norm) {
                    answer(t, step_id, q.options[i].id, false);
                    return;
                }
            }
            if (!glossary_reply(t, *p, norm)) {
                send_step(t, *p, tr(t, "answer.tap"));
            }
            return;
        }
    }
}

}  // namespace delvex::academy
