#include "bot/academy/engine.hpp"

#include <gtest/gtest.h>

#include "bot/academy/loader.hpp"
#include "tests/unit/academy/memory_store.hpp"

namespace delvex::academy {
namespace {

constexpr std::int64_t kDay = 24LL * 3600 * 1000;

const core::Catalog& catalog() {
    static const core::Catalog c = core::Catalog::load(std::string(DELVEX_SOURCE_DIR) + "/config/locales");
    return c;
}

Content fixture_content() {
    auto c = load_content(std::string(DELVEX_SOURCE_DIR) + "/tests/fixtures/academy/learner");
    EXPECT_EQ(c.errors(), 0u);
    return c;
}

/// Everything a message shows as text (body, header, footer, option titles), for assertions.
std::string all_text(const core::OutgoingBody& body) {
    if (const auto* t = std::get_if<core::OutgoingText>(&body)) {
        return t->body;
    }
    if (const auto* b = std::get_if<core::ReplyButtons>(&body)) {
        std::string s = b->header.text + "|" + b->body + "|" + b->footer;
        for (const auto& x : b->buttons) {
            s += "|" + x.title;
        }
        return s;
    }
    if (const auto* l = std::get_if<core::ListMessage>(&body)) {
        std::string s = l->header + "|" + l->body + "|" + l->button;
        for (const auto& sec : l->sections) {
            for (const auto& r : sec.rows) {
                s += "|" + r.title + "|" + r.description;
            }
        }
        return s;
    }
    if (const auto* m = std::get_if<core::OutgoingMedia>(&body)) {
        return m->source.link + "|" + m->caption;
    }
    return {};
}

std::vector<std::string> ids(const core::OutgoingBody& body) {
    std::vector<std::string> out;
    if (const auto* b = std::get_if<core::ReplyButtons>(&body)) {
        for (const auto& x : b->buttons) {
            out.push_back(x.id);
        }
    }
    if (const auto* l = std::get_if<core::ListMessage>(&body)) {
        for (const auto& sec : l->sections) {
            for (const auto& r : sec.rows) {
                out.push_back(r.id);
            }
        }
    }
    return out;
}

bool has_id(const Effects& fx, const std::string& id) {
    for (const auto& m : fx.messages) {
        for (const auto& i : ids(m)) {
            if (i == id) {
                return true;
            }
        }
    }
    return false;
}

std::string joined(const Effects& fx) {
    std::string s;
    for (const auto& m : fx.messages) {
        s += all_text(m) + "\n---\n";
    }
    return s;
}

struct Rig {
    explicit Rig(EngineOptions options = {}, Content content = fixture_content())
        : engine(std::move(content), catalog(), with_random(std::move(options))) {
        learner.member_id = 7;
        learner.member_key = "254700000001";
        learner.language = "en";
        learner.last_inbound = now / 1000;
    }

    static EngineOptions with_random(EngineOptions o) {
        if (!o.random_bytes) {
            o.random_bytes = [n = 0](std::size_t k) mutable { return std::string(k, static_cast<char>(++n)); };
        }
        return o;
    }

    /// `as_answer`: the member tapped "Answer the lesson" for this text.
    Effects say(const std::string& text, bool as_answer = false) {
        core::InboundMessage m;
        m.type = core::MessageType::kText;
        m.text = text;
        learner.last_inbound = now / 1000;
        return engine.on_message(store, learner, m, now, as_answer);
    }
    Effects tap(const std::string& id, const std::string& title = "x") {
        core::InboundMessage m;
        m.type = core::MessageType::kInteractive;
        m.interactive = core::InteractiveType::kButtonReply;
        m.reply_id = id;
        m.text = title;
        learner.last_inbound = now / 1000;
        return engine.on_message(store, learner, m, now);
    }
    /// Name, consent, module: up to the first step of the fixture module.
    Effects enrol(const std::string& name = "Amina") {
        say("learn");
        say(name);
        tap("academy:consent:yes");
        return tap("academy:mod:learner-demo");
    }
    Progress progress() {
        return *store.progress(store.session(learner.member_key).profile_id, "learner-demo");
    }

    testing::MemoryStore store;
    std::int64_t now = 1'800'000'000'000;
    Engine engine;
    Learner learner;
};

TEST(AcademyEngine, AKeywordInAnyLanguageStartsNameThenConsentThenTheModuleList) {
    Rig r;
    auto fx = r.say("Jifunze");
    ASSERT_TRUE(fx.handled);
    EXPECT_NE(joined(fx).find("first name"), std::string::npos) << joined(fx);
    fx = r.say("Amina");
    EXPECT_NE(joined(fx).find("Amina"), std::string::npos);
    EXPECT_TRUE(has_id(fx, "academy:consent:yes"));
    EXPECT_TRUE(has_id(fx, "academy:consent:no"));
    fx = r.tap("academy:consent:yes");
    ASSERT_EQ(fx.messages.size(), 1u);
    EXPECT_TRUE(std::holds_alternative<core::ListMessage>(fx.messages[0]));
    EXPECT_TRUE(has_id(fx, "academy:mod:learner-demo"));
    EXPECT_TRUE(has_id(fx, "academy:progress"));
    EXPECT_NE(joined(fx).find("Dust and mercury"), std::string::npos);
    EXPECT_NE(r.store.profile_rows.begin()->second.consent_ms, 0);
    // Other words are not the Academy's when no lesson is open.
    EXPECT_FALSE(r.say("hello everyone").handled);
}

TEST(AcademyEngine, TheMenuRowOpensItAndDecliningConsentKeepsNothing) {
    Rig r;
    EXPECT_EQ(r.engine.menu_row("fr").id, "academy:menu");
    EXPECT_EQ(r.engine.menu_row("fr").title, "Académie ASM");
    r.tap("academy:menu");
    r.say("Jean");
    auto fx = r.tap("academy:consent:no");
    EXPECT_NE(joined(fx).find("kept nothing"), std::string::npos);
    EXPECT_TRUE(r.store.profile_rows.empty());
}

TEST(AcademyEngine, StepsComeOneAtATimeWithNextRepeatAndMenuAndAnOldTapNeverSkips) {
    Rig r;
    auto fx = r.enrol();
    ASSERT_EQ(fx.messages.size(), 1u);
    EXPECT_NE(joined(fx).find("Wet the rock"), std::string::npos);
    EXPECT_NE(joined(fx).find("Step 1 of 7"), std::string::npos);
    EXPECT_TRUE(has_id(fx, "academy:next:ld-intro"));
    EXPECT_TRUE(has_id(fx, "academy:repeat:ld-intro"));
    EXPECT_TRUE(has_id(fx, "academy:lessons"));
    fx = r.tap("academy:repeat:ld-intro");
    EXPECT_NE(joined(fx).find("Wet the rock"), std::string::npos);
    EXPECT_EQ(r.progress().position, 0);
    fx = r.tap("academy:next:ld-intro");
    EXPECT_EQ(r.progress().position, 1);
    EXPECT_NE(joined(fx).find("A wet drill"), std::string::npos);
    // The same Next tapped again (an older message) shows the current step; it does not move on.
    fx = r.tap("academy:next:ld-intro");
    EXPECT_EQ(r.progress().position, 1);
    EXPECT_NE(joined(fx).find("A wet drill"), std::string::npos);
    // The lessons button leaves to the module list, and the module resumes at the same step.
    fx = r.tap("academy:lessons");
    EXPECT_NE(joined(fx).find("Step 2 of 7"), std::string::npos);
    fx = r.tap("academy:mod:learner-demo");
    EXPECT_NE(joined(fx).find("A wet drill"), std::string::npos);
}

TEST(AcademyEngine, AWrongAnswerGetsItsWhyAHintAndASecondTryThenTheRightOneMovesOn) {
    Rig r;
    r.enrol();
    r.tap("academy:next:ld-intro");
    r.tap("academy:next:ld-picture");
    auto fx = r.tap("academy:ans:ld-practice:true");  // practice question, right
    EXPECT_NE(joined(fx).find("Right!"), std::string::npos);
    EXPECT_NE(joined(fx).find("wet dust stays down"), std::string::npos);
    EXPECT_TRUE(has_id(fx, "academy:ans:ld-q1:wet"));
    fx = r.tap("academy:ans:ld-q1:cloth");
    const auto text = joined(fx);
    EXPECT_NE(text.find("Not quite"), std::string::npos) << text;
    EXPECT_NE(text.find("lets fine dust through"), std::string::npos);
    EXPECT_NE(text.find("Think of water"), std::string::npos);
    EXPECT_TRUE(has_id(fx, "academy:ans:ld-q1:wet"));  // asked again
    EXPECT_EQ(r.progress().tries_used, 1);
    fx = r.tap("academy:ans:ld-q1:wet");
    EXPECT_NE(joined(fx).find("stops most dust"), std::string::npos);
    EXPECT_TRUE(has_id(fx, "academy:ans:ld-q2:retort"));  // the list question
    EXPECT_TRUE(std::holds_alternative<core::ListMessage>(fx.messages.back()));
    const auto p = r.progress();
    // Right on the second try: praised and moved on, but only first tries count towards the pass mark (and
    // the practice question counts for nothing).
    EXPECT_EQ(p.quiz_right, 0);
    EXPECT_EQ(p.quiz_total, 1);
    EXPECT_EQ(r.store.answers.size(), 3u);
}

TEST(AcademyEngine, OnlyFirstTryAnswersCountSoSecondTriesCannotPassTheQuiz) {
    Rig r;
    r.enrol();
    r.tap("academy:next:ld-intro");
    r.tap("academy:next:ld-picture");
    r.tap("academy:ans:ld-practice:false");  // practice: misses never matter
    r.tap("academy:ans:ld-practice:true");
    r.tap("academy:ans:ld-q1:wet");  // first try: counts
    EXPECT_EQ(r.progress().quiz_right, 1);
    r.tap("academy:ans:ld-q2:kitchen");
    auto fx = r.tap("academy:ans:ld-q2:retort");  // second try: right, and the learner is told so
    EXPECT_NE(joined(fx).find("Right!"), std::string::npos) << joined(fx);
    EXPECT_NE(joined(fx).find("catches the mercury"), std::string::npos);
    EXPECT_EQ(r.progress().quiz_right, 1);
    EXPECT_EQ(r.progress().quiz_total, 2);
    r.say("gold");
    r.say("mercury");  // typed, second try
    EXPECT_EQ(r.progress().quiz_right, 1);
    // The quiz true/false has a single try (the checker's default in a quiz): a miss ends it.
    fx = r.tap("academy:ans:ld-q4:true");
    EXPECT_NE(joined(fx).find("The right answer: False"), std::string::npos) << joined(fx);
    const auto p = r.progress();
    EXPECT_EQ(p.quiz_total, 4);
    EXPECT_EQ(p.quiz_right, 1);
    EXPECT_EQ(p.score, 25);
    EXPECT_EQ(p.status, Status::kFailed);
    EXPECT_TRUE(r.store.certificates.empty());
}

TEST(AcademyEngine, AFeedbackWithItsOwnVerdictIsNotDoubled) {
    Rig r;
    r.enrol();
    r.tap("academy:next:ld-intro");
    r.tap("academy:next:ld-picture");
    auto fx = r.tap("academy:ans:ld-practice:true");  // "Yes, wet dust stays down.": the engine's line stays
    EXPECT_NE(joined(fx).find("✅ Right! Yes, wet dust stays down."), std::string::npos) << joined(fx);
    r.tap("academy:ans:ld-q1:wet");
    r.tap("academy:ans:ld-q2:retort");
    r.say("mercury");
    fx = r.tap("academy:ans:ld-q4:false");  // "Right, it has no colour and no smell."
    const auto text = joined(fx);
    EXPECT_NE(text.find("✅ Right, it has no colour and no smell."), std::string::npos) << text;
    EXPECT_EQ(text.find("Right! Right"), std::string::npos) << text;
}

TEST(AcademyEngine, AfterTheLastMissTheRightAnswerIsShownAndTheModuleGoesOn) {
    Rig r;
    r.enrol();
    r.tap("academy:next:ld-intro");
    r.tap("academy:next:ld-picture");
    r.tap("academy:ans:ld-practice:false");
    r.tap("academy:ans:ld-practice:false");
    r.tap("academy:ans:ld-q1:fast");
    auto fx = r.tap("academy:ans:ld-q1:cloth");
    const auto text = joined(fx);
    EXPECT_NE(text.find("The right answer: Wet drilling"), std::string::npos) << text;
    EXPECT_NE(text.find("stops most dust"), std::string::npos);
    EXPECT_EQ(r.progress().quiz_total, 1);
    EXPECT_EQ(r.progress().quiz_right, 0);
    EXPECT_TRUE(has_id(fx, "academy:ans:ld-q2:retort"));
}

TEST(AcademyEngine, PlainTextAnswersTypedQuestionsAndMenuOrPauseLeave) {
    Rig r;
    r.enrol();
    // Plain text on a text step answers nothing: the Academy does not take it, it asks where it goes.
    auto fx = r.say("hello");
    EXPECT_FALSE(fx.handled);
    EXPECT_TRUE(fx.ask);
    EXPECT_TRUE(fx.messages.empty());
    // Said to be for the lesson: a gentle reminder.
    fx = r.say("hello", true);
    EXPECT_TRUE(fx.handled);
    EXPECT_NE(joined(fx).find("Tap Next"), std::string::npos);
    r.say("next");
    r.tap("academy:next:ld-picture");
    r.say("true");  // practice, by typing the word
    r.say("2");     // q1, by the option number
    fx = r.tap("academy:ans:ld-q2:retort");
    EXPECT_NE(joined(fx).find("Type your answer"), std::string::npos);
    fx = r.say("Gold");
    EXPECT_NE(joined(fx).find("liquid silver metal"), std::string::npos);
    EXPECT_EQ(r.progress().position, 5);
    fx = r.say("  MERCURE ");  // French variant accepted? Only in French or English: this learner is English
    EXPECT_NE(joined(fx).find("The right answer: mercury"), std::string::npos) << joined(fx);
    EXPECT_EQ(r.progress().position, 6);
    fx = r.say("pause");
    EXPECT_TRUE(fx.handled);
    EXPECT_NE(joined(fx).find("Paused"), std::string::npos);
    EXPECT_FALSE(r.say("hello room").handled);  // out of the lesson, text is not an answer
    fx = r.tap("academy:resume");
    EXPECT_TRUE(has_id(fx, "academy:ans:ld-q4:false"));
    EXPECT_FALSE(r.say("menu").handled);  // "menu" leaves the lesson for the main menu
    EXPECT_EQ(r.store.session(r.learner.member_key).mode, Mode::kIdle);
}

TEST(AcademyEngine, PassingGivesACertificateThatVerifiesInChatInAnyLanguage) {
    Rig r;
    r.enrol("Amina");
    r.tap("academy:next:ld-intro");
    r.tap("academy:next:ld-picture");
    r.tap("academy:ans:ld-practice:true");
    r.tap("academy:ans:ld-q1:wet");
    r.tap("academy:ans:ld-q2:retort");
    r.say("Hg");
    auto fx = r.tap("academy:ans:ld-q4:false");
    ASSERT_EQ(r.store.certificates.size(), 1u);
    const auto cert = r.store.certificates.begin()->second;
    EXPECT_EQ(cert.learner_name, "Amina");
    EXPECT_EQ(cert.score, 100);
    EXPECT_EQ(cert.code.size(), Engine::kCodeLength);
    EXPECT_NE(joined(fx).find(cert.code), std::string::npos);
    EXPECT_NE(joined(fx).find("100%"), std::string::npos);
    EXPECT_EQ(r.progress().status, Status::kPassed);
    // Coming back to the Academy later shows the list; it does not start the finished module again.
    const auto again = r.say("learn");
    const auto back = r.tap(ids(again.messages.back())[0]);
    EXPECT_TRUE(has_id(back, "academy:mod:learner-demo"));
    EXPECT_EQ(r.progress().status, Status::kPassed);
    // The first spaced review is planned two days later.
    ASSERT_FALSE(fx.jobs.empty());
    EXPECT_EQ(fx.jobs.back().kind, "academy.review");
    EXPECT_EQ(fx.jobs.back().due_ms, r.now + 2 * kDay);

    Rig other;
    other.store.certificates = r.store.certificates;
    other.learner.language = "fr";
    std::string lower = cert.code;
    for (auto& c : lower) {
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    fx = other.say("Vérifier " + lower);
    EXPECT_TRUE(fx.handled);
    EXPECT_NE(joined(fx).find("est vrai"), std::string::npos) << joined(fx);
    EXPECT_NE(joined(fx).find("Amina"), std::string::npos);
    EXPECT_NE(joined(fx).find("Poussière et mercure"), std::string::npos);
    fx = other.say("thibitisha ZZZZ2222");
    EXPECT_NE(joined(fx).find("Aucun certificat"), std::string::npos);
    // A room post that merely starts with the word is not a verification.
    EXPECT_FALSE(other.say("verify the pit walls before the rain").handled);
    EXPECT_FALSE(other.say("progress").handled);  // not a learner: the word is the room's
}

TEST(AcademyEngine, BelowThePassMarkOffersATryAgainThatStartsAFreshAttempt) {
    Rig r;
    r.enrol();
    r.tap("academy:next:ld-intro");
    r.tap("academy:next:ld-picture");
    r.tap("academy:ans:ld-practice:true");
    r.tap("academy:ans:ld-q1:fast");
    r.tap("academy:ans:ld-q1:fast");
    r.tap("academy:ans:ld-q2:kitchen");
    r.tap("academy:ans:ld-q2:kitchen");
    r.say("gold");
    r.say("silver");
    auto fx = r.tap("academy:ans:ld-q4:false");
    EXPECT_EQ(r.progress().status, Status::kFailed);
    EXPECT_EQ(r.progress().score, 25);
    EXPECT_TRUE(r.store.certificates.empty());
    EXPECT_TRUE(has_id(fx, "academy:retry:learner-demo"));
    fx = r.tap("academy:retry:learner-demo");
    EXPECT_EQ(r.progress().position, 0);
    EXPECT_EQ(r.progress().attempts, 2);
    EXPECT_EQ(r.progress().status, Status::kInProgress);
}

TEST(AcademyEngine, AContentChangeKeepsTheStartedVersionAndSkipsAVanishedStep) {
    Rig r;
    r.enrol();
    r.tap("academy:next:ld-intro");  // at ld-picture
    const auto store = r.store;

    // Version 2 drops the picture, adds a new step before the quiz and changes the pass mark.
    Content v2 = fixture_content();
    auto& m = v2.modules.front();
    m.version = 2;
    m.pass_mark = 100;
    auto& steps = m.lessons.front().steps;
    steps.erase(steps.begin() + 1);
    Step added = steps.front();
    added.id = "ld-added";
    added.text.by_lang["en"] = "A brand new step.";
    steps.push_back(added);
    Rig later({}, std::move(v2));
    later.store = store;
    later.now = r.now + 40 * kDay;
    auto fx = later.tap("academy:mod:learner-demo");
    const auto text = joined(fx);
    EXPECT_NE(text.find("Welcome back"), std::string::npos) << text;
    EXPECT_NE(text.find("Water on the rock"), std::string::npos);  // the step after the vanished one
    auto p = later.progress();
    EXPECT_EQ(p.module_version, 1);
    EXPECT_EQ(p.pass_mark, 60);
    EXPECT_EQ(p.plan.size(), 7u);
    for (const auto& id : p.plan) {
        EXPECT_NE(id, "ld-added");
    }
    // An older message's button shows the current step; the current step's button moves on.
    fx = later.tap("academy:repeat:ld-intro");
    EXPECT_NE(joined(fx).find("Water on the rock"), std::string::npos);
    fx = later.tap("academy:ans:ld-practice:true");
    EXPECT_NE(joined(fx).find("Right!"), std::string::npos) << joined(fx);
    EXPECT_EQ(later.progress().position, 3);
}

TEST(AcademyEngine, AVanishedTextStepNeverTrapsTheLearner) {
    Rig r;
    r.enrol();  // at ld-intro
    const auto store = r.store;
    Content v2 = fixture_content();
    auto& steps = v2.modules.front().lessons.front().steps;
    steps.erase(steps.begin());  // ld-intro is gone; ld-picture (a media step with Next) comes next
    Rig later({}, std::move(v2));
    later.store = store;
    auto fx = later.tap("academy:repeat:ld-intro");  // the old message's button
    EXPECT_NE(joined(fx).find("A wet drill"), std::string::npos) << joined(fx);
    fx = later.tap("academy:next:ld-picture");
    EXPECT_NE(joined(fx).find("Water on the rock"), std::string::npos) << joined(fx);
    EXPECT_EQ(later.progress().position, 2);
}

TEST(AcademyEngine, ASharedPhoneHoldsProfilesEachWithItsOwnProgressAndConsent) {
    Rig r;
    r.enrol("Amina");
    r.tap("academy:next:ld-intro");
    auto fx = r.say("learn");
    EXPECT_NE(joined(fx).find("Who is learning today?"), std::string::npos);
    EXPECT_TRUE(has_id(fx, "academy:who:new"));
    r.tap("academy:who:new");
    fx = r.say("someone NEW");  // would make two buttons with one title
    EXPECT_NE(joined(fx).find("short name"), std::string::npos) << joined(fx);
    fx = r.say("Baraka");
    EXPECT_TRUE(has_id(fx, "academy:consent:yes"));  // the new profile's own consent
    fx = r.tap("academy:consent:yes");
    EXPECT_TRUE(has_id(fx, "academy:mod:learner-demo"));  // the list, not Amina's open module
    fx = r.tap("academy:mod:learner-demo");
    EXPECT_NE(joined(fx).find("Step 1 of 7"), std::string::npos);
    fx = r.say("learn");
    ASSERT_EQ(ids(fx.messages.back()).size(), 3u);  // Amina, Baraka, Someone new
    const auto amina = ids(fx.messages.back())[0];
    fx = r.tap(amina);
    EXPECT_NE(joined(fx).find("Step 2 of 7"), std::string::npos) << joined(fx);
    EXPECT_EQ(r.store.profile_rows.size(), 2u);
}

TEST(AcademyEngine, NudgesArePlannedOnActivityAndSentOnlyWhenIdleAndInsideTheWindow) {
    Rig r;
    auto fx = r.enrol();
    ASSERT_EQ(fx.jobs.size(), 1u);
    EXPECT_EQ(fx.jobs[0].kind, "academy.nudge");
    EXPECT_EQ(fx.jobs[0].key, "academy.nudge:m7:0");
    EXPECT_EQ(fx.jobs[0].due_ms, r.now + 3 * kDay);
    EXPECT_EQ(Engine::job_member(fx.jobs[0].payload), r.learner.member_id);
    EXPECT_EQ(fx.jobs[0].payload.find(r.learner.member_key), std::string::npos);
    // Due three days later; the member last wrote two days ago (window closed): dropped.
    const auto learner_then = r.learner;
    r.now += 3 * kDay;
    r.learner.last_inbound = (r.now - 2 * kDay) / 1000;
    fx = r.engine.on_job(r.store, r.learner, "academy.nudge", fx.jobs[0].payload, r.now);
    EXPECT_TRUE(fx.messages.empty());
    EXPECT_EQ(r.store.session(r.learner.member_key).nudges, 1);
    // The member chats in the room an hour ago (window open) but the lesson is still idle: nudged.
    r.learner.last_inbound = (r.now - 3600 * 1000) / 1000;
    fx = r.engine.on_job(r.store, r.learner, "academy.nudge", "m7", r.now);
    EXPECT_NE(joined(fx).find("is waiting"), std::string::npos);
    EXPECT_TRUE(has_id(fx, "academy:resume"));
    (void)learner_then;
    // After activity, a due nudge sends nothing and plans the next one for three days after that activity.
    r.tap("academy:resume");
    fx = r.tap("academy:next:ld-intro");
    ASSERT_EQ(fx.jobs.size(), 1u);
    EXPECT_EQ(fx.jobs[0].key, "academy.nudge:m7:2");
    r.now += kDay;
    fx = r.engine.on_job(r.store, r.learner, "academy.nudge", "m7", r.now);
    EXPECT_TRUE(fx.messages.empty());
    ASSERT_EQ(fx.jobs.size(), 1u);
    EXPECT_EQ(fx.jobs[0].key, "academy.nudge:m7:3");
    EXPECT_EQ(fx.jobs[0].due_ms, r.now - kDay + 3 * kDay);
}

TEST(AcademyEngine, AReviewQuestionComesInsideTheWindowOrIsRetriedTheNextDay) {
    Rig r;
    r.enrol();
    r.tap("academy:next:ld-intro");
    r.tap("academy:next:ld-picture");
    r.tap("academy:ans:ld-practice:true");
    r.tap("academy:ans:ld-q1:wet");
    r.tap("academy:ans:ld-q2:retort");
    r.say("mercury");
    auto fx = r.tap("academy:ans:ld-q4:false");
    const auto job = fx.jobs.back();
    r.now = job.due_ms;
    r.learner.last_inbound = (r.now - 2 * kDay) / 1000;
    fx = r.engine.on_job(r.store, r.learner, job.kind, job.payload, r.now);
    EXPECT_TRUE(fx.messages.empty());
    ASSERT_EQ(fx.jobs.size(), 1u);
    EXPECT_EQ(fx.jobs[0].due_ms, r.now + kDay);
    r.now = fx.jobs[0].due_ms;
    r.learner.last_inbound = r.now / 1000 - 60;
    fx = r.engine.on_job(r.store, r.learner, fx.jobs[0].kind, fx.jobs[0].payload, r.now);
    ASSERT_EQ(fx.messages.size(), 1u);
    EXPECT_NE(joined(fx).find("Quick review"), std::string::npos);
    const auto rev = ids(fx.messages[0]);
    ASSERT_FALSE(rev.empty());
    EXPECT_TRUE(rev[0].starts_with("academy:rev:"));
    const auto answers_before = r.store.answers.size();
    fx = r.tap(rev[0]);
    EXPECT_TRUE(fx.handled);
    EXPECT_FALSE(fx.messages.empty());
    ASSERT_EQ(r.store.answers.size(), answers_before + 1);
    EXPECT_EQ(r.store.answers.back().step_id.rfind("review:", 0), 0u);
}

TEST(AcademyEngine, LowDataOffersMediaWithItsSizeAndSendsItOnlyOnRequest) {
    EngineOptions o;
    o.media_base_url = "https://example.org/academy/media";
    Rig r(o);
    r.enrol();
    auto fx = r.tap("academy:next:ld-intro");
    ASSERT_EQ(fx.messages.size(), 1u);
    EXPECT_TRUE(std::holds_alternative<core::ReplyButtons>(fx.messages[0]));
    EXPECT_NE(joined(fx).find("Picture, 1 KB"), std::string::npos) << joined(fx);
    EXPECT_TRUE(has_id(fx, "academy:media:ld-picture"));
    fx = r.tap("academy:media:ld-picture");
    ASSERT_EQ(fx.messages.size(), 1u);
    const auto* media = std::get_if<core::OutgoingMedia>(&fx.messages[0]);
    ASSERT_NE(media, nullptr);
    EXPECT_EQ(media->source.link, "https://example.org/academy/media/demo/media/dot.png");
    EXPECT_EQ(media->caption, "A wet drill makes less dust.");
    // With low data off, the picture comes by itself.
    r.tap("academy:lowdata");
    fx = r.tap("academy:mod:learner-demo");
    EXPECT_TRUE(std::holds_alternative<core::OutgoingMedia>(fx.messages[0]));
}

TEST(AcademyEngine, ProgressCommandListsModulesWithStepAndCertificate) {
    Rig r;
    r.enrol("Amina");
    r.tap("academy:next:ld-intro");
    auto fx = r.say("progress");
    EXPECT_NE(joined(fx).find("Progress of Amina"), std::string::npos);
    EXPECT_NE(joined(fx).find("Step 2 of 7"), std::string::npos);
}

TEST(AcademyEngine, CertificateCodesUseAnUnambiguousAlphabet) {
    Rig r;
    for (int i = 0; i < 50; ++i) {
        const auto code = r.engine.new_code();
        ASSERT_EQ(code.size(), 12u);
        EXPECT_EQ(code.find_first_of("01IO"), std::string::npos);
    }
    EXPECT_EQ(Engine::clean_code("7kq2 m9xa 3bcd"), "7KQ2M9XA3BCD");
    EXPECT_EQ(Engine::clean_code("7KQ2-M9XA-3BCD"), "7KQ2M9XA3BCD");
    EXPECT_EQ(Engine::clean_code("7kq2 m9xa"), "7KQ2M9XA") << "codes issued before stay checkable";
    EXPECT_EQ(Engine::clean_code("7KQ2-M9XO"), "");
    EXPECT_EQ(Engine::clean_code("ABC"), "");
    EXPECT_EQ(Engine::clean_code("7KQ2M9XA3B"), "") << "neither length";
    EngineOptions real;
    Engine e(fixture_content(), catalog(), real);
    EXPECT_NE(e.new_code(), e.new_code());
}

// Security review L-13: new codes carry 60 random bits (every one of them reaches the code), and a code
// issued before, 8 characters, is still verified in chat.
TEST(AcademyEngine, NewCodesCarrySixtyRandomBitsAndOldEightCharacterCodesStillVerify) {
    // Each of the 12 characters takes 5 of the random bits: a code from all-zero bits and one from all-one bits
    // differ in every character, and flipping the last random bit changes the last character only.
    const auto code_of = [](std::string bytes) {
        EngineOptions o;
        o.random_bytes = [bytes](std::size_t k) { return bytes.substr(0, k); };
        return Engine(fixture_content(), catalog(), o).new_code();
    };
    const auto zeros = code_of(std::string(8, '\0'));
    const auto ones = code_of(std::string(8, '\xff'));
    ASSERT_EQ(zeros.size(), 12u);
    for (std::size_t i = 0; i < 12; ++i) {
        EXPECT_NE(zeros[i], ones[i]) << "character " << i << " does not depend on the random bits";
    }
    const auto flipped = code_of(std::string(7, '\0') + '\x01');
    EXPECT_EQ(flipped.substr(0, 11), zeros.substr(0, 11));
    EXPECT_NE(flipped[11], zeros[11]);

    Rig r;
    Certificate old;
    old.code = "7KQ2M9XA";
    old.learner_name = "Baraka";
    old.module_id = "learner-demo";
    r.store.add_certificate(old);
    auto fx = r.say("verify 7kq2 m9xa");
    EXPECT_TRUE(fx.handled);
    EXPECT_NE(joined(fx).find("is real"), std::string::npos) << joined(fx);
    EXPECT_NE(joined(fx).find("Baraka"), std::string::npos);
    fx = r.say("verify 7kq2 m9xa 3bcd");
    EXPECT_TRUE(fx.handled) << "a 12-character code in three groups is read as a code";
    EXPECT_NE(joined(fx).find("No certificate"), std::string::npos) << joined(fx);
}

TEST(AcademyEngine, ForgetRemovesProfilesAndAnonymisesCertificates) {
    Rig r;
    r.enrol("Amina");
    Certificate c;
    c.code = "ABCDEFGH";
    c.profile_id = r.store.session(r.learner.member_key).profile_id;
    c.learner_name = "Amina";
    r.store.add_certificate(c);
    EXPECT_EQ(r.engine.describe(r.store, r.learner).size(), 1u);
    r.engine.forget(r.store, r.learner);
    EXPECT_TRUE(r.store.profile_rows.empty());
    EXPECT_TRUE(r.store.progress_rows.empty());
    EXPECT_EQ(r.store.certificates["ABCDEFGH"].learner_name, "");
    EXPECT_TRUE(r.store.sessions.empty());
}

}  // namespace
}  // namespace delvex::academy
