// Jobs for the Academy: the nudge to a learner who left a module open (and its planning), and on_job, which
// runs a nudge or a spaced review (review.cpp) when its time comes.

#include <string>

#include "bot/academy/engine.hpp"
#include "bot/academy/engine_turn.hpp"
#include "bot/academy/limits.hpp"
#include "bot/core/window.hpp"

namespace delvex::academy {
namespace {

using detail::cut;
using detail::kDayMs;

}  // namespace

// One waiting nudge per member. Activity does not move it (an UPDATE per answer would cost more than the
// rest of the answer): when it comes due and the learner was active meanwhile, it plans the next one for
// `nudge_after_days` after that activity. A job key is used once, hence the counter in it.
void Engine::plan_nudge(Turn& t, std::int64_t due) const {
    if (options_.nudge_after_days <= 0) {
        return;
    }
    if (due == 0) {
        due = t.now_ms + options_.nudge_after_days * kDayMs;
    }
    t.fx.jobs.push_back(JobPlan{"academy.nudge:m" + std::to_string(t.learner.member_id) + ":" +
                                    std::to_string(t.session.nudges),
                                "academy.nudge", due, due + kDayMs, "m" + std::to_string(t.learner.member_id)});
}

Effects Engine::on_job(LearnerStore& store, const Learner& learner, std::string_view kind, std::string_view payload,
                       std::int64_t now_ms) const {
    Turn t{store, learner, now_ms, learner.language.empty() ? std::string("en") : learner.language,
           store.session(learner.member_key), {}, false, std::nullopt};
    Effects fx;
    if (kind == "academy.nudge") {
        fx = nudge(t);
    } else if (kind == "academy.review") {
        fx = review(t, payload);
    }
    if (t.session_dirty) {
        // updated_ms stays the time of the member's last turn: a nudge is no new question to answer.
        store.save_session(t.session);
    }
    return fx;
}

// Free-form messages reach a member only within 24 h of their last message; a nudge outside it would need
// a paid template, and a reminder that costs the network money is not worth sending: it is dropped.
Effects Engine::nudge(Turn& t) const {
    ++t.session.nudges;
    t.dirty();
    const bool in_window = core::window_open(t.learner.last_inbound, t.now_ms);
    const Profile* pr = t.profile();
    auto p = pr ? t.store.progress(pr->id, t.session.module_id) : std::nullopt;
    const std::int64_t idle_ms = options_.nudge_after_days * kDayMs;
    if (!p || p->status != Status::kInProgress) {
        return std::move(t.fx);
    }
    if (t.now_ms - p->updated_ms < idle_ms) {
        plan_nudge(t, p->updated_ms + idle_ms);  // active since it was planned
        return std::move(t.fx);
    }
    if (!in_window) {
        return std::move(t.fx);
    }
    const Module* m = find_module(p->module_id);
    core::ReplyButtons b;
    b.body = tr(t, "nudge", {{"name", pr->name},
                            {"module", m ? m->title.in(t.lang) : p->module_id},
                            {"n", std::to_string(p->position + 1)},
                            {"total", std::to_string(p->plan.size())}});
    b.buttons.push_back({"academy:resume", cut(tr(t, "button.continue"), limits::kButtonTitle)});
    b.buttons.push_back({"academy:pause", cut(tr(t, "button.later"), limits::kButtonTitle)});
    t.send(std::move(b));
    return std::move(t.fx);
}

}  // namespace delvex::academy
