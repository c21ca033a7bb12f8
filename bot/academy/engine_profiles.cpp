// Who is learning: the profile question asked at every start (a phone is often shared), a new learner's
// name, and the consent to keep their progress, then back to the module they were on or the list.

#include <string>

#include "bot/academy/answers.hpp"
#include "bot/academy/engine.hpp"
#include "bot/academy/engine_turn.hpp"
#include "bot/academy/limits.hpp"
#include "bot/core/text.hpp"

namespace delvex::academy {
namespace {

using detail::chars;
using detail::cut;
using core::trim;

constexpr std::size_t kMaxProfiles = 9;     // a list holds 10 rows; one is "Someone new"
constexpr std::size_t kMaxNameChars = 20;   // a reply button title

}  // namespace

// Every start asks who is learning: on a shared phone the last learner is a poor guess.
void Engine::start(Turn& t) const {
    ask_profile(t);
}

void Engine::ask_profile(Turn& t) const {
    const auto profiles = t.store.profiles(t.learner.member_key);
    if (profiles.empty()) {
        t.session.mode = Mode::kAwaitName;
        t.session.profile_id = 0;
        t.dirty();
        t.text(tr(t, "name.first"));
        return;
    }
    t.session.mode = Mode::kChooseProfile;
    t.dirty();
    const std::string body = tr(t, "who.body");
    const std::string someone_new = cut(tr(t, "who.new"), limits::kButtonTitle);
    if (profiles.size() <= 2) {
        core::ReplyButtons b;
        b.body = body;
        for (const auto& p : profiles) {
            b.buttons.push_back({"academy:who:" + std::to_string(p.id), cut(p.name, limits::kButtonTitle)});
        }
        if (profiles.size() < kMaxProfiles) {
            b.buttons.push_back({"academy:who:new", someone_new});
        }
        t.send(std::move(b));
        return;
    }
    core::ListMessage list;
    list.body = body;
    list.button = cut(tr(t, "who.button"), limits::kListButton);
    core::ListSection section;
    for (const auto& p : profiles) {
        if (section.rows.size() == kMaxProfiles) {
            break;
        }
        section.rows.push_back({"academy:who:" + std::to_string(p.id), cut(p.name, limits::kRowTitle), {}});
    }
    if (profiles.size() < kMaxProfiles) {
        section.rows.push_back({"academy:who:new", someone_new, {}});
    }
    list.sections.push_back(std::move(section));
    t.send(std::move(list));
}

void Engine::choose_profile(Turn& t, std::int64_t profile_id) const {
    const auto p = profile_id > 0 ? t.store.profile(profile_id) : std::nullopt;
    if (!p || p->member_key != t.learner.member_key) {
        ask_profile(t);
        return;
    }
    const std::int64_t previous = t.session.profile_id;
    t.session.profile_id = p->id;
    t.profile_cache = p;
    t.dirty();
    if (previous != 0 && previous != p->id) {
        // The module in the session was the other learner's; this one's own open module, if any.
        t.session.module_id.clear();
        std::int64_t latest = 0;
        for (const auto& g : t.store.progress_of(p->id)) {
            if (g.status == Status::kInProgress && g.updated_ms >= latest) {
                latest = g.updated_ms;
                t.session.module_id = g.module_id;
            }
        }
    }
    if (p->consent_ms == 0) {
        t.session.mode = Mode::kAwaitConsent;
        core::ReplyButtons b;
        b.body = tr(t, "consent.body", {{"name", p->name}});
        b.buttons.push_back({"academy:consent:yes", cut(tr(t, "button.yes"), limits::kButtonTitle)});
        b.buttons.push_back({"academy:consent:no", cut(tr(t, "button.no"), limits::kButtonTitle)});
        t.send(std::move(b));
        return;
    }
    t.session.mode = Mode::kIdle;
    resume_or_list(t);
}

// After the profile (and consent) questions: straight back to the module chosen before them or left open,
// but never into a fresh attempt of a module already finished.
void Engine::resume_or_list(Turn& t) const {
    if (!t.session.module_id.empty()) {
        const auto g = t.store.progress(t.session.profile_id, t.session.module_id);
        if (!g || g->status == Status::kInProgress) {
            open_module(t, t.session.module_id, false);
            return;
        }
    }
    module_list(t);
}

void Engine::take_name(Turn& t, std::string_view text) const {
    std::string name = trim(text);
    // Names show as buttons, so they must be short and on one line.
    std::replace(name.begin(), name.end(), '\n', ' ');
    // A name equal to the "Someone new" button would make two buttons with one title (WhatsApp refuses it).
    if (name.empty() || chars(name) > kMaxNameChars || !limits::utf8_length(name) ||
        normalize_answer(name) == normalize_answer(tr(t, "who.new"))) {
        t.text(tr(t, "name.bad"));
        return;
    }
    const auto profiles = t.store.profiles(t.learner.member_key);
    for (const auto& p : profiles) {
        if (normalize_answer(p.name) == normalize_answer(name)) {
            choose_profile(t, p.id);
            return;
        }
    }
    if (profiles.size() >= kMaxProfiles) {
        t.session.mode = Mode::kIdle;
        t.dirty();
        t.text(tr(t, "name.full"));
        return;
    }
    Profile p;
    p.member_key = t.learner.member_key;
    p.name = name;
    p.created_ms = t.now_ms;
    p.id = t.store.add_profile(p);
    choose_profile(t, p.id);
}

void Engine::consent(Turn& t, bool yes, std::int64_t profile_id) const {
    if (profile_id > 0 && profile_id != t.session.profile_id) {
        const auto named = t.store.profile(profile_id);
        if (!named || named->member_key != t.learner.member_key) {
            start(t);
            return;
        }
        t.session.profile_id = named->id;
        t.profile_cache = named;
        t.dirty();
    }
    // A tap on the question's buttons answers it whatever came in between (a post, the menu): sending the
    // learner back to "Who is learning?" made a loop of Yes taps. Typed yes/no reach here only while it waits.
    const Profile* p = t.profile();
    if (p == nullptr) {
        start(t);
        return;
    }
    if (p->consent_ms != 0) {
        // Given already (a second tap, an older question): on to the lessons, never the question again.
        t.session.mode = Mode::kIdle;
        t.dirty();
        resume_or_list(t);
        return;
    }
    if (!yes) {
        const std::string name = p->name;
        t.store.remove_profile(p->id);
        t.session = Session{t.learner.member_key, 0, Mode::kIdle, {}, t.session.low_data, t.session.nudges, 0};
        t.profile_cache.reset();
        t.dirty();
        t.text(tr(t, "consent.no", {{"name", name}}));
        return;
    }
    t.store.set_consent(p->id, t.now_ms);
    t.profile_cache->consent_ms = t.now_ms;
    t.session.mode = Mode::kIdle;
    t.dirty();
    resume_or_list(t);
}

}  // namespace delvex::academy
