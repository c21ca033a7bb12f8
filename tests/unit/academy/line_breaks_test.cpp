// A lesson written as a YAML literal block (`|-`), one item a line, reaches the chat with its line breaks:
// from the file, through the loader and the engine, the outbox codec and the Graph API JSON, back as the
// body WhatsApp shows. Folded text (`>-`) stays one paragraph, and the checker points at a list written so.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "bot/academy/advice.hpp"
#include "bot/academy/engine.hpp"
#include "bot/academy/loader.hpp"
#include "bot/delivery/codec.hpp"
#include "bot/whatsapp/wire/outbound.hpp"
#include "tests/unit/academy/memory_store.hpp"

namespace delvex::academy {
namespace {

namespace fs = std::filesystem;

const char* const kModule = R"(id: breaks
version: 1
title: {en: Breaks}
languages: [en, fr]
pass_mark: 50
sources: [Test]
lessons: [lesson.yaml, quiz.yaml]
)";

// Indented as content writers do; the list lines carry emoji bullets and a number, as the review asked.
const char* const kLesson = R"(id: breaks-lesson
title: {en: Signs, fr: Signes}
steps:
  - id: br-list
    type: text
    text:
      en: |-
        Leave the pit when you see:
        1. cracks at the top
        2. water coming out of the wall
        🪨 small stones falling
      fr: |-
        Sortez du puits si vous voyez :
        1. des fissures en haut
        2. de l'eau qui sort de la paroi
  - id: br-folded
    type: text
    text:
      en: >-
        One idea, written
        over three lines,
        read as one paragraph.
      fr: >-
        Une idée, écrite
        sur deux lignes.
)";

const char* const kQuiz = R"(id: breaks-quiz
quiz: true
title: {en: Quiz}
steps:
  - id: br-q
    type: question
    style: buttons
    prompt:
      en: |-
        Which sign comes first?
        Think of the top of the wall.
    hint: {en: The top.}
    options:
      - id: a
        correct: true
        title: {en: Cracks}
        feedback:
          en: |-
            Cracks come first.
            Leave at once.
      - id: b
        title: {en: Water}
        feedback: {en: Water comes later.}
)";

class Folder {
public:
    Folder() : root_(fs::temp_directory_path() / "delvex-academy-line-breaks") {
        fs::remove_all(root_);
        fs::create_directories(root_ / "breaks");
        std::ofstream(root_ / "breaks" / "module.yaml") << kModule;
        std::ofstream(root_ / "breaks" / "lesson.yaml") << kLesson;
        std::ofstream(root_ / "breaks" / "quiz.yaml") << kQuiz;
    }
    ~Folder() {
        std::error_code ec;
        fs::remove_all(root_, ec);
    }
    const fs::path& root() const { return root_; }

private:
    fs::path root_;
};

/// The body text WhatsApp would show for `body`: through the outbox codec, the Graph JSON and back.
std::string as_delivered(const core::OutgoingBody& body) {
    core::OutgoingMessage m;
    m.to = core::Recipient::phone("254700000001");
    m.body = body;
    EXPECT_EQ(whatsapp::wire::validate(m), "");
    auto stored = delivery::decode(delivery::encode(m));
    EXPECT_TRUE(stored.has_value());
    if (!stored) {
        return {};
    }
    stored->to = m.to;  // the outbox keeps the recipient in a column of its own, beside the encoded body
    const auto request = whatsapp::wire::parse_graph_request(whatsapp::wire::to_graph_json(*stored).json);
    EXPECT_TRUE(request.ok()) << request.error;
    if (const auto* b = std::get_if<core::ReplyButtons>(&request.message.body)) {
        return b->body;
    }
    if (const auto* t = std::get_if<core::OutgoingText>(&request.message.body)) {
        return t->body;
    }
    ADD_FAILURE() << "unexpected message kind";
    return {};
}

struct Chat {
    explicit Chat(Content content, std::string lang)
        : catalog(core::Catalog::load(std::string(DELVEX_SOURCE_DIR) + "/config/locales")),
          engine(std::move(content), catalog, options()) {
        learner.member_id = 3;
        learner.member_key = "254700000001";
        learner.language = std::move(lang);
    }
    static EngineOptions options() {
        EngineOptions o;
        o.random_bytes = [](std::size_t k) { return std::string(k, 'x'); };
        return o;
    }
    Effects send(core::InboundMessage m) {
        now += 1000;
        learner.last_inbound = now / 1000;
        return engine.on_message(store, learner, m, now);
    }
    Effects say(const std::string& text) {
        core::InboundMessage m;
        m.type = core::MessageType::kText;
        m.text = text;
        return send(m);
    }
    Effects tap(const std::string& id) {
        core::InboundMessage m;
        m.type = core::MessageType::kInteractive;
        m.reply_id = id;
        return send(m);
    }

    core::Catalog catalog;
    Engine engine;
    testing::MemoryStore store;
    Learner learner;
    std::int64_t now = 1'800'000'000'000;
};

TEST(AcademyLineBreaks, ALiteralBlockKeepsOneItemALineFromTheYamlToTheChat) {
    Folder folder;
    Content content = load_content(folder.root());
    ASSERT_EQ(content.errors(), 0u);
    const auto& steps = content.modules.at(0).lessons.at(0).steps;
    EXPECT_EQ(steps.at(0).text.in("en"),
              "Leave the pit when you see:\n1. cracks at the top\n2. water coming out of the wall\n🪨 small stones falling");
    EXPECT_EQ(steps.at(1).text.in("en"), "One idea, written over three lines, read as one paragraph.");

    Chat chat(std::move(content), "en");
    chat.say("learn");
    chat.say("Amina");
    chat.tap("academy:consent:yes");
    auto fx = chat.tap("academy:mod:breaks");
    ASSERT_EQ(fx.messages.size(), 1u);
    EXPECT_EQ(as_delivered(fx.messages[0]),
              "Leave the pit when you see:\n1. cracks at the top\n2. water coming out of the wall\n🪨 small stones falling");

    fx = chat.tap("academy:next:br-list");
    ASSERT_EQ(fx.messages.size(), 1u);
    EXPECT_EQ(as_delivered(fx.messages[0]), "One idea, written over three lines, read as one paragraph.");

    fx = chat.tap("academy:next:br-folded");  // the question's prompt, also a literal block
    ASSERT_EQ(fx.messages.size(), 1u);
    EXPECT_EQ(as_delivered(fx.messages[0]), "Which sign comes first?\nThink of the top of the wall.");

    fx = chat.tap("academy:ans:br-q:a");  // the feedback keeps its break after the engine's own line
    ASSERT_FALSE(fx.messages.empty());
    EXPECT_EQ(as_delivered(fx.messages[0]).rfind("✅ Right! Cracks come first.\nLeave at once.", 0), 0u)
        << as_delivered(fx.messages[0]);
}

TEST(AcademyLineBreaks, TheLearnersLanguageKeepsItsOwnBreaks) {
    Folder folder;
    Content content = load_content(folder.root());
    ASSERT_EQ(content.errors(), 0u);
    Chat chat(std::move(content), "fr");
    chat.say("apprendre");
    chat.say("Amina");
    chat.tap("academy:consent:yes");
    const auto fx = chat.tap("academy:mod:breaks");
    ASSERT_EQ(fx.messages.size(), 1u);
    EXPECT_EQ(as_delivered(fx.messages[0]),
              "Sortez du puits si vous voyez :\n1. des fissures en haut\n2. de l'eau qui sort de la paroi");
}

TEST(AcademyLineBreaks, TheCheckerPointsAtAListWrittenAsOneParagraph) {
    EXPECT_EQ(list_in_paragraph("2. Open burning: heating amalgam in a pan. 3. Burning amalgam at home."),
              "numbered items");
    EXPECT_EQ(list_in_paragraph("Get out if you see: new cracks; falling stones; a bulging wall; water."),
              "items separated by ';'");
    EXPECT_EQ(list_in_paragraph("Wear: • gloves • boots • a hard hat"), "bullets");
    // The same lists with their lines, and prose with numbers, are fine.
    EXPECT_EQ(list_in_paragraph("2. Open burning.\n3. Burning amalgam at home."), "");
    EXPECT_EQ(list_in_paragraph("1. Whole-ore amalgamation: mercury in all the ore. Use 2.5 g at most."), "");
    EXPECT_EQ(list_in_paragraph("Weigh 10 g. Then 11 g. Sell at 9.5 per gram; ask for a receipt."), "");

    Folder folder;
    std::ofstream(folder.root() / "breaks" / "lesson.yaml") << std::string(kLesson) +
        "  - id: br-run-on\n    type: text\n    text:\n      en: >-\n        Leave the pit if you see: cracks at the\n"
        "        top; water in the wall; stones falling; a wall bulging.\n";
    const Content c = load_content(folder.root());
    std::vector<std::string> warnings;
    for (const auto& d : c.diagnostics) {
        if (d.message.find("reads as a list") != std::string::npos) {
            warnings.push_back(format_diagnostic(d, ""));
        }
    }
    EXPECT_EQ(warnings, (std::vector<std::string>{
                            "breaks/lesson.yaml:29: warning: 'text' (en) reads as a list (items separated by ';') but "
                            "arrives as one paragraph; write it as a literal block (|-), one item a line",
                        }));
}

}  // namespace
}  // namespace delvex::academy
