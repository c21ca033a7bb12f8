// What a typed text means to the Academy. One conversation, one context: the Academy claims a text only when
// it waits for an answer and the text plausibly is one. A plain answer (an option's number, letter or word)
// is taken while the prompt is recent; words for a name or a typed question only then. What could be either
// an answer or a room post is not guessed at: the caller keeps it and asks the member (Effects::ask).

#include <string>

#include "bot/academy/answers.hpp"
#include "bot/academy/engine.hpp"
#include "bot/academy/engine_turn.hpp"
#include "bot/academy/glossary.hpp"

namespace delvex::academy {
namespace {

bool all_digits(std::string_view s) {
    return !s.empty() && s.find_first_not_of("0123456789") == std::string_view::npos;
}

}  // namespace

bool Engine::reserved(std::string_view normalized) const {
    static constexpr std::string_view kOwn[] = {"start", "menu",  "pause", "progress", "verify", "yes",
                                                "no",    "next",  "true",  "false",    "glossary", "tip"};
    for (const auto key : kOwn) {
        if (keyword(key, normalized)) {
            return true;
        }
    }
    return options_.reserved_word && options_.reserved_word(normalized);
}

Engine::Fit Engine::lesson_fit(Turn& t, std::string_view norm) const {
    const Profile* pr = t.profile();
    const auto p = pr ? t.store.progress(pr->id, t.session.module_id) : std::nullopt;
    if (!p || p->status != Status::kInProgress) {
        return Fit::kNothing;
    }
    auto position = static_cast<std::size_t>(std::max(0, p->position));
    while (position < p->plan.size() && locate(p->plan[position]).step == nullptr) {
        ++position;
    }
    if (position >= p->plan.size()) {
        return Fit::kNothing;
    }
    if (keyword("glossary", norm) || (!content_.glossary.empty() && find_term(content_.glossary, norm) != nullptr)) {
        return Fit::kPlain;
    }
    const Step& s = *locate(p->plan[position]).step;
    if (s.kind != StepKind::kQuestion) {
        return keyword("next", norm) ? Fit::kPlain : Fit::kNothing;
    }
    const Question& q = s.question;
    switch (q.style) {
        case QuestionStyle::kTyped:
            return Fit::kTyped;
        case QuestionStyle::kTrueFalse:
            return keyword("true", norm) || keyword("false", norm) || norm == "1" || norm == "2" || norm == "a" ||
                           norm == "b"
                       ? Fit::kPlain
                       : Fit::kNothing;
        case QuestionStyle::kButtons:
        case QuestionStyle::kList: {
            const auto n = detail::to_int(norm);
            for (std::size_t i = 0; i < q.options.size(); ++i) {
                const bool letter = norm.size() == 1 && norm[0] == static_cast<char>('a' + i);
                if (n == static_cast<std::int64_t>(i + 1) || letter ||
                    normalize_answer(q.options[i].title.in(t.lang)) == norm) {
                    return Fit::kPlain;
                }
            }
            return Fit::kNothing;
        }
    }
    return Fit::kNothing;
}

void Engine::on_text(Turn& t, const core::InboundMessage& message, bool as_answer) const {
    const std::string norm = normalize_answer(message.text);
    const auto space = norm.find(' ');
    const std::string first = norm.substr(0, space);
    // "verify" and a code-like word only: a room message that merely starts with the word stays a post.
    if (space != std::string::npos && keyword("verify", first) && detail::looks_like_code(norm.substr(space + 1))) {
        t.fx.handled = true;
        verify(t, std::string_view(norm).substr(space + 1));
        return;
    }
    // The Academy spoke last at updated_ms (every turn that asks something saves the session).
    const bool fresh = as_answer || t.now_ms - t.session.updated_ms <= options_.answer_window_ms;
    switch (t.session.mode) {
        case Mode::kAwaitName:
            if (fresh) {
                t.fx.handled = true;
                if (all_digits(norm) || reserved(norm)) {
                    // "2" or "menu" is not a name: ask again (the question is new again).
                    t.dirty();
                    t.text(tr(t, "name.not_word"));
                    return;
                }
                take_name(t, message.text);
                return;
            }
            // An old question: the text is someone's post, and the question is over.
            t.session.mode = Mode::kIdle;
            t.dirty();
            break;
        case Mode::kAwaitConsent:
            if (keyword("yes", norm) || keyword("no", norm)) {
                if (fresh) {
                    t.fx.handled = true;
                    consent(t, keyword("yes", norm));
                } else {
                    t.fx.ask = true;
                }
                return;
            }
            // Anything else while we wait for a tap: leave the question quietly.
            t.session.mode = Mode::kIdle;
            t.dirty();
            break;
        case Mode::kChooseProfile: {
            const auto profiles = t.store.profiles(t.learner.member_key);
            const auto n = detail::to_int(norm);
            const Profile* named = nullptr;
            for (std::size_t i = 0; i < profiles.size(); ++i) {
                if (n == static_cast<std::int64_t>(i + 1) || normalize_answer(profiles[i].name) == norm) {
                    named = &profiles[i];
                }
            }
            const bool someone_new = n == static_cast<std::int64_t>(profiles.size() + 1) ||
                                     (!norm.empty() && normalize_answer(tr(t, "who.new")) == norm);
            if (named != nullptr || someone_new) {
                if (!fresh) {
                    t.fx.ask = true;
                    return;
                }
                t.fx.handled = true;
                if (named != nullptr) {
                    choose_profile(t, named->id);
                } else {
                    t.session.mode = Mode::kAwaitName;
                    t.dirty();
                    t.text(tr(t, "name.ask"));
                }
                return;
            }
            t.session.mode = Mode::kIdle;
            t.dirty();
            break;
        }
        case Mode::kLesson: {
            if (keyword("start", norm) || keyword("progress", norm)) {
                break;  // the Academy's own words, below
            }
            if (keyword("menu", norm)) {
                // Leaves the lesson; the main menu belongs to another feature.
                t.session.mode = Mode::kIdle;
                t.dirty();
                return;
            }
            if (keyword("pause", norm)) {
                t.fx.handled = true;
                pause(t);
                return;
            }
            const Fit fit = as_answer ? Fit::kPlain : lesson_fit(t, norm);
            if (fit == Fit::kPlain || (fit == Fit::kTyped && fresh)) {
                if (fresh) {
                    t.fx.handled = true;
                    plain_text_in_lesson(t, message.text);
                } else {
                    t.fx.ask = true;  // "2" weeks later: the old question's answer, or a post?
                }
                return;
            }
            if (fresh) {
                t.fx.ask = true;  // words in the middle of a lesson that do not answer it
            }
            return;  // an old lesson does not claim a post; it stays open for its buttons
        }
        case Mode::kIdle:
            break;
    }
    if (keyword("start", norm)) {
        t.fx.handled = true;
        start(t);
    } else if (keyword("progress", norm) && !t.store.profiles(t.learner.member_key).empty()) {
        t.fx.handled = true;
        progress_report(t);
    } else if (as_answer) {
        // The member said "for the lesson" but nothing waits any more: show where they are.
        t.fx.handled = true;
        if (t.profile() != nullptr && !t.session.module_id.empty()) {
            continue_module(t, {});
        } else {
            start(t);
        }
    }
}

void Engine::drop_prompt(LearnerStore& store, const Learner& learner, std::int64_t now_ms) const {
    Session s = store.session(learner.member_key);
    if (s.mode == Mode::kIdle) {
        return;
    }
    s.mode = Mode::kIdle;
    s.updated_ms = now_ms;
    store.save_session(s);
}

}  // namespace delvex::academy
