// The glossary: the shipped words load in all five languages; the checker refuses a term without a line in
// every language, a meaning of several lines or over 300 characters and a word two terms claim; a learner in
// a lesson types a word and gets its meaning, or "words" for the list, while typed answers stay answers.

#include "bot/academy/glossary.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "bot/academy/answers.hpp"
#include "bot/academy/engine.hpp"
#include "bot/academy/limits.hpp"
#include "bot/academy/loader.hpp"
#include "tests/unit/academy/memory_store.hpp"

namespace delvex::academy {
namespace {

namespace fs = std::filesystem;

std::vector<std::string> errors_of(const Content& c) {
    std::vector<std::string> out;
    for (const auto& d : c.diagnostics) {
        if (d.severity == Severity::kError) {
            out.push_back(format_diagnostic(d, ""));
        }
    }
    return out;
}

TEST(AcademyGlossary, TheShippedGlossaryExplainsTheLessonsWordsInEveryLanguage) {
    const Content c = load_content(fs::path(DELVEX_SOURCE_DIR) / "academy-content");
    EXPECT_EQ(errors_of(c), std::vector<std::string>{});
    ASSERT_GE(c.glossary.size(), 12u);
    for (const char* word : {"tailings", "leaching", "leach", "flux", "borax", "retort", "amalgam", "amalgamation",
                             "sluice", "concentrate", "cyanide", "ph", "karat", "fineness", "rejets", "relaves",
                             "rejeitos", "mabaki", "cornue", "sianidi"}) {
        EXPECT_NE(find_term(c.glossary, normalize_answer(word)), nullptr) << word;
    }
    for (const auto& term : c.glossary) {
        for (const auto lang : kLanguages) {
            ASSERT_TRUE(term.meaning.has(lang)) << term.id << " " << lang;
            const std::string& line = term.meaning.in(lang);
            EXPECT_EQ(line.find('\n'), std::string::npos) << term.id << " " << lang;
            EXPECT_LE(*limits::utf8_length(line), kGlossaryMeaning) << term.id << " " << lang;
        }
    }
}

TEST(AcademyGlossary, TheCheckerRefusesAMissingLanguageSeveralLinesTooLongAndAWordTwice) {
    const fs::path root = fs::temp_directory_path() / "delvex-academy-glossary-check";
    fs::remove_all(root);
    fs::create_directories(root / "demo");
    std::ofstream(root / "demo" / "module.yaml")
        << "id: demo\nversion: 1\ntitle: {en: Demo}\nlanguages: [en]\npass_mark: 50\nsources: [Test]\n"
           "lessons: [quiz.yaml]\n";
    std::ofstream(root / "demo" / "quiz.yaml")
        << "id: demo-quiz\nquiz: true\ntitle: {en: Quiz}\nsteps:\n  - id: q\n    type: question\n"
           "    style: true_false\n    prompt: {en: Yes or no}\n    correct: true\n"
           "    feedback_right: {en: Yes.}\n    feedback_wrong: {en: No.}\n";
    const std::string all = "{en: A, fr: A, es: A, pt: A, sw: A}";
    std::ofstream(root / "glossary.yaml")
        << "terms:\n"
           "  - id: one\n    words: {en: [ore], fr: [minerai]}\n    meaning: {en: Ore., fr: Minerai., es: Mena.}\n"
           "  - id: two\n    words: {en: [rock, ORE]}\n    meaning:\n      en: |-\n        Rock.\n        Stone.\n"
           "      fr: Roche.\n      es: Roca.\n      pt: Rocha.\n      sw: Mwamba.\n"
           "  - id: three\n    words: {fr: [trois]}\n    meaning: {en: " + std::string(301, 'x') +
               ", fr: T, es: T, pt: T, sw: T}\n"
           "  - id: four\n    words: {en: [four]}\n    meaning: " + all + "\n    colour: red\n";
    const Content c = load_content(root);
    fs::remove_all(root);
    EXPECT_EQ(errors_of(c),
              (std::vector<std::string>{
                  "glossary.yaml:4: error: the meaning of glossary term 'one' has no 'pt' line",
                  "glossary.yaml:4: error: the meaning of glossary term 'one' has no 'sw' line",
                  "glossary.yaml:6: error: the word 'ORE' (en) of glossary term 'two' is already a word of glossary "
                  "term 'one'",
                  "glossary.yaml:8: error: the meaning (en) of glossary term 'two' must be one line",
                  "glossary.yaml:16: error: glossary term 'three' has no English (en) words; English is required",
                  "glossary.yaml:17: error: the meaning (en) of glossary term 'three' is 301 characters; at most 300",
                  "glossary.yaml:21: error: unknown key 'colour' in a glossary term",
              }));
    EXPECT_EQ(c.glossary.size(), 4u);
}

const core::Catalog& catalog() {
    static const core::Catalog c = core::Catalog::load(std::string(DELVEX_SOURCE_DIR) + "/config/locales");
    return c;
}

struct Rig {
    Rig() : engine(content(), catalog(), options()) {
        learner.member_id = 5;
        learner.member_key = "254700000001";
    }
    static Content content() {
        Content c = load_content(std::string(DELVEX_SOURCE_DIR) + "/tests/fixtures/academy/learner");
        GlossaryTerm t;
        t.id = "retort";
        t.words = {{"en", {"retort"}}, {"fr", {"cornue"}}};
        for (const auto lang : kLanguages) {
            t.meaning.by_lang[std::string(lang)] = std::string(lang) + ": a closed pot that catches mercury.";
        }
        c.glossary.push_back(t);
        return c;
    }
    static EngineOptions options() {
        EngineOptions o;
        o.random_bytes = [](std::size_t k) { return std::string(k, 'x'); };
        return o;
    }
    std::string say(const std::string& text) {
        core::InboundMessage m;
        m.type = core::MessageType::kText;
        m.text = text;
        return run(m);
    }
    std::string tap(const std::string& id) {
        core::InboundMessage m;
        m.type = core::MessageType::kInteractive;
        m.reply_id = id;
        return run(m);
    }
    std::string run(const core::InboundMessage& m) {
        now += 1000;
        learner.last_inbound = now / 1000;
        const auto fx = engine.on_message(store, learner, m, now);
        std::string all;
        for (const auto& body : fx.messages) {
            if (const auto* t = std::get_if<core::OutgoingText>(&body)) {
                all += t->body + "\n---\n";
            } else if (const auto* b = std::get_if<core::ReplyButtons>(&body)) {
                all += b->body + "\n---\n";
            } else if (const auto* l = std::get_if<core::ListMessage>(&body)) {
                all += l->body + "\n---\n";
            }
        }
        return all;
    }
    int position() { return store.progress(store.session(learner.member_key).profile_id, "learner-demo")->position; }

    Engine engine;
    testing::MemoryStore store;
    Learner learner;
    std::int64_t now = 1'800'000'000'000;
};

TEST(AcademyGlossary, ALearnerTypesAWordInALessonAndGetsItsMeaningThenTheSameStep) {
    Rig r;
    r.learner.language = "fr";
    r.say("apprendre");
    r.say("Amina");
    r.tap("academy:consent:yes");
    r.tap("academy:mod:learner-demo");
    auto text = r.say("Cornue");  // a word in French, on a text step
    EXPECT_NE(text.find("📖 fr: a closed pot that catches mercury."), std::string::npos) << text;
    EXPECT_NE(text.find("Mouillez la roche"), std::string::npos) << text;  // the same step again
    EXPECT_EQ(r.position(), 0);
    text = r.say("retort");  // the English word works for a French learner too
    EXPECT_NE(text.find("📖 fr: a closed pot"), std::string::npos) << text;
    text = r.say("mots");
    EXPECT_NE(text.find("cornue"), std::string::npos) << text;
    EXPECT_NE(text.find("Mouillez la roche"), std::string::npos) << text;
    text = r.say("bonjour");  // anything else: the usual reminder
    EXPECT_EQ(text.find("📖"), std::string::npos) << text;
}

TEST(AcademyGlossary, ATypedAnswerIsAnAnswerEvenWhenItIsAGlossaryWord) {
    Rig r;
    r.learner.language = "en";
    r.say("learn");
    r.say("Amina");
    r.tap("academy:consent:yes");
    r.tap("academy:mod:learner-demo");
    r.tap("academy:next:ld-intro");
    r.tap("academy:next:ld-picture");
    auto text = r.say("retort");  // on the practice true/false: a word, not an answer
    EXPECT_NE(text.find("📖 en: a closed pot"), std::string::npos) << text;
    r.tap("academy:ans:ld-practice:true");
    text = r.say("retort");  // on a buttons question none of whose options is "retort"
    EXPECT_NE(text.find("📖 en: a closed pot"), std::string::npos) << text;
    r.tap("academy:ans:ld-q1:wet");
    r.tap("academy:ans:ld-q2:retort");
    ASSERT_EQ(r.position(), 5);  // the typed question
    text = r.say("retort");
    EXPECT_EQ(text.find("📖"), std::string::npos) << text;
    EXPECT_NE(text.find("Not quite"), std::string::npos) << text;  // marked as a (wrong) answer
}

}  // namespace
}  // namespace delvex::academy
