#include "bot/academy/engine.hpp"

#include <algorithm>
#include <charconv>
#include <ctime>
#include <set>
#include <stdexcept>

#include "bot/academy/answers.hpp"
#include "bot/academy/certificate_text.hpp"
#include "bot/academy/engine_turn.hpp"
#include "bot/academy/limits.hpp"
#include "bot/academy/local_media.hpp"
#include "bot/academy/openers.hpp"
#include "bot/academy/quiz_odds.hpp"
#include "bot/core/crypto.hpp"
#include "bot/core/window.hpp"
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

constexpr std::size_t kMaxListModules = 8;  // + "From the network" + "My progress" (+ "Low data")
constexpr std::string_view kAlphabet = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ";

using Vars = std::vector<std::pair<std::string, std::string>>;

using core::trim;

std::string date_of(std::int64_t ms) {
    return certificate_date(ms);
}

std::string size_text(std::uintmax_t bytes) {
    if (bytes >= 1'000'000) {
        const auto tenths = (bytes + 50'000) / 100'000;
        return std::to_string(tenths / 10) + "." + std::to_string(tenths % 10) + " MB";
    }
    return std::to_string(std::max<std::uintmax_t>(1, (bytes + 500) / 1000)) + " KB";
}

}  // namespace

Engine::Engine(Content content, const core::Catalog& catalog, EngineOptions options)
    : content_(std::move(content)), catalog_(catalog), options_(std::move(options)) {
    for (const auto& m : content_.modules) {
        for (const auto& l : m.lessons) {
            for (const auto& s : l.steps) {
                steps_[s.id] = Located{&m, &l, &s};
            }
        }
    }
    if (!options_.random_bytes) {
        options_.random_bytes = [](std::size_t n) {
            const std::string hex = core::random_hex(n);
            std::string out(n, '\0');
            for (std::size_t i = 0; i < n; ++i) {
                out[i] = static_cast<char>(core::hex_value(hex[2 * i]) * 16 + core::hex_value(hex[2 * i + 1]));
            }
            return out;
        };
    }
}

std::string Engine::tr(const Turn& t, std::string_view key, const Vars& vars) const {
    return catalog_.text(t.lang, std::string("academy.") + std::string(key), vars);
}

const Module* Engine::find_module(std::string_view id) const {
    for (const auto& m : content_.modules) {
        if (m.id == id) {
            return &m;
        }
    }
    return nullptr;
}

Engine::Located Engine::locate(std::string_view step_id) const {
    const auto it = steps_.find(step_id);
    return it == steps_.end() ? Located{} : it->second;
}

// Keywords work in every language: a shared phone's learners each speak their own, and the member's
// language is only a guess from the calling code.
bool Engine::keyword(std::string_view key, std::string_view normalized) const {
    if (normalized.empty()) {
        return false;
    }
    for (const auto& lang : core::Catalog::supported_languages()) {
        const std::string full = "academy.words." + std::string(key);
        if (!catalog_.has(lang, full)) {
            continue;
        }
        const std::string list = catalog_.text(lang, full);
        for (auto word : split(list, '|')) {
            if (normalize_answer(word) == normalized) {
                return true;
            }
        }
    }
    return false;
}

std::int64_t Engine::job_member(std::string_view payload) {
    const std::string_view first = payload.substr(0, payload.find('\n'));
    return first.starts_with('m') ? to_int(first.substr(1)) : -1;
}

std::string Engine::new_code() const {
    // 60 random bits, 5 per character of an alphabet without 0/O or 1/I (security review L-13). A guesser is
    // held to the public lookup rate, 100 a second for every caller together (DbReaderOptions): 3.2e9 guesses
    // a year. Against 100,000 certificates a guess hits with odds 1e5 / 2^60 = 8.7e-14, so a year of guessing
    // finds one with odds 3e-4 — once in about 3,700 years. The old 40-bit codes (8 characters) gave odds
    // 1e5 / 2^40 = 9.1e-8 per guess: about one learner's name a day. Old codes stay valid (clean_code).
    const std::string bytes = options_.random_bytes(8);
    std::uint64_t bits = 0;
    for (char c : bytes) {
        bits = (bits << 8) | static_cast<unsigned char>(c);
    }
    std::string code(kCodeLength, ' ');
    for (std::size_t i = kCodeLength; i-- > 0;) {
        code[i] = kAlphabet[bits & 31u];
        bits >>= 5;
    }
    return code;
}

std::string Engine::clean_code(std::string_view typed) {
    std::string out;
    for (char c : typed) {
        if (c == ' ' || c == '-') {
            continue;
        }
        if (c >= 'a' && c <= 'z') {
            c = static_cast<char>(c - 'a' + 'A');
        }
        if (kAlphabet.find(c) == std::string_view::npos) {
            return {};
        }
        out += c;
    }
    return out.size() == kCodeLength || out.size() == kOldCodeLength ? out : std::string();
}

core::ListRow Engine::menu_row(std::string_view lang) const {
    return core::ListRow{"academy:menu", cut(catalog_.text(lang, "academy.menu_row.title"), limits::kRowTitle),
                         cut(catalog_.text(lang, "academy.menu_row.description"), limits::kRowDescription)};
}

// ---------------------------------------------------------------------------------------------------------
// Messages

Effects Engine::on_message(LearnerStore& store, const Learner& learner, const core::InboundMessage& message,
                           std::int64_t now_ms, bool as_answer) const {
    Turn t{store, learner, now_ms, learner.language.empty() ? std::string("en") : learner.language,
           store.session(learner.member_key), {}, false, std::nullopt};
    const std::string& id = message.reply_id;
    const bool reply = (message.type == core::MessageType::kInteractive || message.type == core::MessageType::kButton);
    if (reply && id.starts_with("academy:")) {
        t.fx.handled = true;
        const auto parts = split(std::string_view(id).substr(8), ':');
        const std::string_view verb = parts[0];
        const std::string arg = parts.size() > 1 ? std::string(parts[1]) : std::string();
        const std::string_view arg2 = parts.size() > 2 ? parts[2] : std::string_view();
        if (verb == "menu") {
            start(t);
        } else if (verb == "lessons") {
            if (t.profile() == nullptr) {
                start(t);
            } else {
                module_list(t);
            }
        } else if (verb == "who") {
            if (arg == "new") {
                t.session.mode = Mode::kAwaitName;
                t.dirty();
                t.text(tr(t, "name.ask"));
            } else {
                choose_profile(t, to_int(arg));
            }
        } else if (verb == "consent") {
            consent(t, arg == "yes", parts.size() > 2 ? to_int(arg2) : 0);
        } else if (verb == "mod") {
            if (t.profile() == nullptr) {
                t.session.module_id = arg;
                t.dirty();
                start(t);
            } else {
                open_module(t, arg, false);
            }
        } else if (verb == "retry") {
            open_module(t, arg, true);
        } else if (verb == "resume") {
            if (t.profile() == nullptr) {
                start(t);
            } else {
                continue_module(t, {});
            }
        } else if (verb == "next" || verb == "repeat") {
            const Profile* pr = t.profile();
            auto p = pr ? store.progress(pr->id, t.session.module_id) : std::nullopt;
            // A tap on an older message's button (the learner scrolled up, or tapped twice) must not skip
            // a step: only the current step's buttons move on.
            if (!p || p->status != Status::kInProgress || p->position >= static_cast<int>(p->plan.size()) ||
                p->plan[static_cast<std::size_t>(p->position)] != arg) {
                if (p && p->status == Status::kInProgress) {
                    t.session.mode = Mode::kLesson;
                    t.dirty();
                    send_step(t, *p, {});
                } else {
                    start(t);
                }
            } else {
                t.session.mode = Mode::kLesson;
                t.dirty();
                if (verb == "next") {
                    advance(t, *p, {});
                } else {
                    send_step(t, *p, {});
                }
            }
        } else if (verb == "ans") {
            answer(t, arg, arg2, false);
        } else if (verb == "rev") {
            review_answer(t, arg, arg2, parts.size() > 3 ? to_int(parts[3]) : 0,
                          parts.size() > 4 ? static_cast<int>(to_int(parts[4])) : -1,
                          parts.size() > 5 ? static_cast<int>(std::max<std::int64_t>(0, to_int(parts[5]))) : 0);
        } else if (verb == "media") {
            show_media(t, arg);
        } else if (verb == "progress") {
            progress_report(t);
        } else if (verb == "lowdata") {
            t.session.low_data = !t.session.low_data;
            t.dirty();
            module_list(t, tr(t, t.session.low_data ? "lowdata.on" : "lowdata.off"));
        } else if (verb == "pause") {
            pause(t);
        } else {
            start(t);
        }
    } else if (message.type == core::MessageType::kText) {
        on_text(t, message, as_answer);
    }
    if (t.session_dirty) {
        t.session.updated_ms = now_ms;
        store.save_session(t.session);
    }
    return std::move(t.fx);
}

std::string Engine::status_text(Turn& t, const Module& m, const std::optional<Progress>& p) const {
    if (!p) {
        return tr(t, "status.new");
    }
    switch (p->status) {
        case Status::kPassed:
            return tr(t, "status.passed", {{"score", std::to_string(p->score)}});
        case Status::kFailed:
            return tr(t, "status.failed", {{"score", std::to_string(p->score)}});
        case Status::kInProgress:
            break;
    }
    (void)m;
    return tr(t, "status.doing", {{"n", std::to_string(p->position + 1)}, {"total", std::to_string(p->plan.size())}});
}

void Engine::module_list(Turn& t, std::string prefix) const {
    const Profile* pr = t.profile();
    if (pr == nullptr) {
        ask_profile(t);
        return;
    }
    t.session.mode = Mode::kIdle;
    t.dirty();
    core::ListMessage list;
    list.body = tr(t, "list.body", {{"name", pr->name}});
    list.body = join_body(prefix, list.body);
    if (!prefix.empty()) {
        t.text(prefix);
    }
    list.button = cut(tr(t, "list.button"), limits::kListButton);
    core::ListSection section;
    for (const auto& m : content_.modules) {
        if (section.rows.size() == kMaxListModules) {
            break;
        }
        const auto p = t.store.progress(pr->id, m.id);
        std::string desc = status_text(t, m, p);
        section.rows.push_back({"academy:mod:" + m.id, cut(m.title.in(t.lang), limits::kRowTitle),
                                cut(desc, limits::kRowDescription)});
    }
    // Ten rows at most (WhatsApp's limit): the modules, miners' tips, "My progress"; the low-data switch is
    // a row while there is room, and always a button under "My progress".
    if (options_.network) {
        section.rows.push_back({"academy:net", cut(tr(t, "network.title"), limits::kRowTitle),
                                cut(tr(t, "network.desc"), limits::kRowDescription)});
    }
    section.rows.push_back({"academy:progress", cut(tr(t, "list.progress_title"), limits::kRowTitle),
                            cut(tr(t, "list.progress_desc"), limits::kRowDescription)});
    if (section.rows.size() < 10) {
        section.rows.push_back({"academy:lowdata",
                                cut(tr(t, t.session.low_data ? "list.lowdata_on" : "list.lowdata_off"),
                                    limits::kRowTitle),
                                cut(tr(t, "list.lowdata_desc"), limits::kRowDescription)});
    }
    list.sections.push_back(std::move(section));
    t.send(std::move(list));
}

void Engine::open_module(Turn& t, const std::string& module_id, bool restart) const {
    const Profile* pr = t.profile();
    const Module* m = find_module(module_id);
    if (m == nullptr) {
        t.session.module_id.clear();
        t.dirty();
        module_list(t);
        return;
    }
    if (pr == nullptr || pr->consent_ms == 0) {
        t.session.module_id = module_id;
        t.dirty();
        ask_profile(t);
        return;
    }
    auto existing = t.store.progress(pr->id, module_id);
    t.session.module_id = module_id;
    t.session.mode = Mode::kLesson;
    t.dirty();
    if (existing && existing->status == Status::kInProgress && !restart) {
        continue_module(t, {});
        return;
    }
    Progress p;
    p.profile_id = pr->id;
    p.module_id = m->id;
    p.module_version = m->version;
    for (const auto& l : m->lessons) {
        for (const auto& s : l.steps) {
            p.plan.push_back(s.id);
        }
    }
    p.pass_mark = m->pass_mark;
    p.attempts = existing ? existing->attempts + 1 : 1;
    p.started_ms = t.now_ms;
    p.updated_ms = t.now_ms;
    if (p.plan.empty()) {
        finish(t, p, {});
        return;
    }
    send_step(t, p, {});
    t.store.save_progress(p);
    plan_nudge(t);
}

void Engine::continue_module(Turn& t, std::string prefix) const {
    const Profile* pr = t.profile();
    auto p = pr ? t.store.progress(pr->id, t.session.module_id) : std::nullopt;
    if (!p || p->status != Status::kInProgress) {
        module_list(t, std::move(prefix));
        return;
    }
    t.session.mode = Mode::kLesson;
    t.dirty();
    if (prefix.empty() && t.now_ms - p->updated_ms > kDayMs) {
        prefix = tr(t, "resume", {{"name", pr->name}});
    }
    send_step(t, *p, std::move(prefix));
    p->updated_ms = t.now_ms;
    t.store.save_progress(*p);
    plan_nudge(t);
}

// Sends the step at p.position, after skipping steps that vanished from the content since the learner
// started (their version's plan keeps the order; a removed id continues at the next one that exists).
void Engine::send_step(Turn& t, Progress& p, std::string prefix) const {
    bool skipped = false;
    while (p.position < static_cast<int>(p.plan.size()) && locate(p.plan[static_cast<std::size_t>(p.position)]).step == nullptr) {
        ++p.position;
        p.tries_used = 0;
        skipped = true;
    }
    if (skipped && p.position < static_cast<int>(p.plan.size())) {
        // Keep the stored position on the step being shown, so that its buttons are the current ones.
        t.store.save_progress(p);
    }
    if (p.position >= static_cast<int>(p.plan.size())) {
        finish(t, p, std::move(prefix));
        return;
    }
    const Located at = locate(p.plan[static_cast<std::size_t>(p.position)]);
    const Step& s = *at.step;
    const std::string footer =
        tr(t, "step.footer", {{"n", std::to_string(p.position + 1)}, {"total", std::to_string(p.plan.size())}});
    const std::string header = cut(at.lesson->title.in(t.lang), limits::kHeaderText);
    auto nav = [&](core::ReplyButtons& b, bool with_repeat) {
        b.buttons.push_back({"academy:next:" + s.id, cut(tr(t, "button.next"), limits::kButtonTitle)});
        if (with_repeat) {
            b.buttons.push_back({"academy:repeat:" + s.id, cut(tr(t, "button.repeat"), limits::kButtonTitle)});
        }
        b.buttons.push_back({"academy:lessons", cut(tr(t, "button.menu"), limits::kButtonTitle)});
    };
    switch (s.kind) {
        case StepKind::kText: {
            core::ReplyButtons b;
            b.header.kind = core::InteractiveHeader::Kind::kText;
            b.header.text = header;
            b.body = join_body(prefix, s.text.in(t.lang));
            if (!prefix.empty()) {
                t.text(prefix);
            }
            b.footer = cut(footer, limits::kHeaderText);
            nav(b, true);
            t.send(std::move(b));
            return;
        }
        case StepKind::kImage:
        case StepKind::kAudio:
        case StepKind::kVideo:
        case StepKind::kDocument: {
            const std::string kind_key = s.kind == StepKind::kImage   ? "media.image"
                                         : s.kind == StepKind::kAudio ? "media.audio"
                                         : s.kind == StepKind::kVideo ? "media.video"
                                                                      : "media.document";
            const bool can_send = !options_.content_dir.empty() || !options_.media_base_url.empty();
            if (!t.session.low_data && can_send) {
                show_media(t, s.id);
                core::ReplyButtons b;
                b.body = join_body(prefix, tr(t, "media.after"));
                if (!prefix.empty()) {
                    t.text(prefix);
                }
                b.footer = cut(footer, limits::kHeaderText);
                nav(b, false);
                t.send(std::move(b));
                return;
            }
            core::ReplyButtons b;
            b.header.kind = core::InteractiveHeader::Kind::kText;
            b.header.text = header;
            std::string body = s.caption.in(t.lang);
            if (can_send) {
                body += "\n\n" + tr(t, "media.offer", {{"kind", tr(t, kind_key)}, {"size", size_text(s.media.bytes)}});
            }
            b.body = join_body(prefix, cut(body, limits::kInteractiveBody));
            if (!prefix.empty()) {
                t.text(prefix);
            }
            b.footer = cut(footer, limits::kHeaderText);
            if (can_send) {
                b.buttons.push_back({"academy:media:" + s.id,
                                     cut(tr(t, "button.see", {{"size", size_text(s.media.bytes)}}), limits::kButtonTitle)});
            }
            nav(b, !can_send);
            t.send(std::move(b));
            return;
        }
        case StepKind::kQuestion: {
            t.send(render_question(t, at, std::move(prefix), {}));
            return;
        }
    }
}

void Engine::show_media(Turn& t, const std::string& step_id) const {
    const Located at = locate(step_id);
    if (at.step == nullptr || at.step->kind == StepKind::kText || at.step->kind == StepKind::kQuestion) {
        return;
    }
    if (options_.content_dir.empty() && options_.media_base_url.empty()) {
        t.text(tr(t, "media.missing"));
        return;
    }
    const Step& s = *at.step;
    core::OutgoingMedia media;
    media.kind = s.kind == StepKind::kImage   ? core::MediaKind::kImage
                 : s.kind == StepKind::kAudio ? core::MediaKind::kAudio
                 : s.kind == StepKind::kVideo ? core::MediaKind::kVideo
                                              : core::MediaKind::kDocument;
    // Uploaded from the content folder (once, the id kept); a public link only when no folder is known.
    media.source = !options_.content_dir.empty()
                       ? local_file(options_.content_dir + "/" + at.module->folder + "/" + s.media.path,
                                    s.media.mime_type)
                       : core::MediaSource::by_link(options_.media_base_url + "/" + at.module->folder + "/" +
                                                    s.media.path);
    if (s.kind == StepKind::kAudio) {
        // A voice note carries no caption: its text goes just before it.
        t.text(s.caption.in(t.lang));
    } else {
        media.caption = s.caption.in(t.lang);
    }
    if (s.kind == StepKind::kDocument) {
        media.filename = s.media.filename.empty() ? s.media.path.substr(s.media.path.rfind('/') + 1) : s.media.filename;
    }
    t.send(std::move(media));
}

void Engine::progress_report(Turn& t) const {
    std::vector<Profile> who;
    if (const Profile* pr = t.profile()) {
        who.push_back(*pr);
    } else {
        who = t.store.profiles(t.learner.member_key);
    }
    if (who.empty()) {
        t.text(tr(t, "progress.none", {{"word", tr(t, "start_word")}}));
        return;
    }
    std::string body;
    for (const auto& pr : who) {
        if (!body.empty()) {
            body += "\n\n";
        }
        body += tr(t, "progress.title", {{"name", pr.name}});
        const auto all = t.store.progress_of(pr.id);
        if (all.empty()) {
            body += "\n" + tr(t, "progress.nothing");
        }
        for (const auto& p : all) {
            const Module* m = find_module(p.module_id);
            std::string line = "\n• " + (m ? m->title.in(t.lang) : p.module_id) + ": " +
                               status_text(t, m ? *m : Module{}, p);
            if (p.status == Status::kPassed) {
                if (auto c = t.store.certificate_for(pr.id, p.module_id)) {
                    line += " — " + tr(t, "progress.code", {{"code", c->code}});
                }
            }
            body += line;
        }
    }
    core::ReplyButtons b;
    b.body = cut(body, limits::kInteractiveBody);
    b.buttons.push_back({"academy:lessons", cut(tr(t, "button.lessons"), limits::kButtonTitle)});
    b.buttons.push_back({"academy:lowdata",
                         cut(tr(t, t.session.low_data ? "list.lowdata_on" : "list.lowdata_off"), limits::kButtonTitle)});
    t.send(std::move(b));
}

void Engine::verify(Turn& t, std::string_view typed) const {
    const std::string code = clean_code(typed);
    const auto c = code.empty() ? std::nullopt : t.store.certificate(code);
    if (!c) {
        t.text(tr(t, "verify.unknown", {{"code", code.empty() ? std::string(typed) : code}}));
        return;
    }
    const Module* m = find_module(c->module_id);
    t.text(tr(t, "verify.ok",
              {{"code", c->code},
               {"name", c->learner_name.empty() ? tr(t, "verify.no_name") : c->learner_name},
               {"module", m ? m->title.in(t.lang) : c->module_title},
               {"date", date_of(c->issued_ms)}}));
}

void Engine::pause(Turn& t) const {
    t.session.mode = Mode::kIdle;
    t.dirty();
    core::ReplyButtons b;
    b.body = tr(t, "paused", {{"word", tr(t, "start_word")}});
    b.buttons.push_back({"academy:resume", cut(tr(t, "button.continue"), limits::kButtonTitle)});
    t.send(std::move(b));
}

// ---------------------------------------------------------------------------------------------------------

std::vector<std::string> Engine::describe(LearnerStore& store, const Learner& learner) const {
    const auto profiles = store.profiles(learner.member_key);
    if (profiles.empty()) {
        return {};
    }
    std::string names;
    for (const auto& p : profiles) {
        names += (names.empty() ? "" : ", ") + p.name;
    }
    return {catalog_.text(learner.language, "academy.describe",
                          {{"count", std::to_string(profiles.size())}, {"names", names}})};
}

void Engine::forget(LearnerStore& store, const Learner& learner) const {
    for (const auto& p : store.profiles(learner.member_key)) {
        store.remove_profile(p.id);
    }
    store.remove_session(learner.member_key);
}

}  // namespace delvex::academy
