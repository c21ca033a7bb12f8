#include "bot/delivery/templates.hpp"

#include <gtest/gtest.h>

#include <fstream>

#include "bot/core/i18n.hpp"
#include "bot/delivery/governor.hpp"
#include "tests/support/harness.hpp"

namespace delvex::delivery {
namespace {

TemplateMap shipped() {
    return TemplateMap::load(std::string(DELVEX_SOURCE_DIR) + "/config/templates.yaml");
}

TEST(Templates, FlattenKeepsEveryLineOnOneLineWithinMetasParameterRules) {
    const auto flat = flatten_parameter("📢 *Amina* · East Africa\nForum moved\tto Friday.\n\n\n   Bring     boots.  ");
    EXPECT_EQ(flat, "📢 *Amina* · East Africa · Forum moved to Friday. · Bring boots.");
    EXPECT_EQ(flat.find('\n'), std::string::npos);
    EXPECT_EQ(flat.find('\t'), std::string::npos);
    EXPECT_EQ(flat.find("  "), std::string::npos);
    EXPECT_EQ(flatten_parameter("\r\n \t "), "");
}

TEST(Templates, AMultiLineAnnouncementBecomesAParameterMetaAccepts) {
    const auto map = shipped();
    const auto* spec = map.find("rooms.announce", "en");
    ASSERT_NE(spec, nullptr);
    core::OutgoingMessage original;
    original.to = core::Recipient::phone("254700000001");
    original.body = core::OutgoingText{"📢 *Mama Dhahabu* · East Africa\nThe forum moves to Friday.\nBring a friend.", false};
    const auto m = template_for(*spec, original);
    ASSERT_TRUE(m);
    const auto& t = std::get<core::OutgoingTemplate>(m->body);
    EXPECT_EQ(t.name, "delvex_room_update");
    ASSERT_EQ(t.body_parameters.size(), 1u);
    EXPECT_EQ(t.body_parameters[0].text,
              "📢 *Mama Dhahabu* · East Africa · The forum moves to Friday. · Bring a friend.");
    EXPECT_TRUE(t.quick_reply_payloads.empty());
}

TEST(Templates, ALongTextIsShortenedSoTheWholeBodyStaysWithin1024Characters) {
    const auto map = shipped();
    const auto* spec = map.find("rooms.announce", "sw");
    ASSERT_NE(spec, nullptr);
    core::OutgoingMessage original;
    original.body = core::OutgoingText{std::string(3000, 'x'), false};
    const auto m = template_for(*spec, original);
    ASSERT_TRUE(m);
    const auto& p = std::get<core::OutgoingTemplate>(m->body).body_parameters.at(0).text;
    std::string body = spec->body;
    body.replace(body.find("{{1}}"), 5, p);
    EXPECT_EQ(utf8_length(body), 1024u);
    EXPECT_TRUE(p.ends_with("…"));
}

TEST(Templates, ReplyButtonsAreCarriedIntoQuickRepliesInOrder) {
    const auto map = shipped();
    const auto* spec = map.find("forums.invite", "es");
    ASSERT_NE(spec, nullptr);
    core::ReplyButtons b;
    b.body = "📅 Foro pronto\n¿Vendrá?";
    b.buttons = {{"forums:rsvp:7-20270107T150000:A", "Voy"},
                 {"forums:rsvp:7-20270107T150000:T", "Tal vez"},
                 {"forums:rsvp:7-20270107T150000:D", "No puedo"}};
    core::OutgoingMessage original;
    original.body = b;
    const auto m = template_for(*spec, original);
    ASSERT_TRUE(m);
    const auto& t = std::get<core::OutgoingTemplate>(m->body);
    EXPECT_EQ(t.language_code, "es");
    ASSERT_EQ(t.quick_reply_payloads.size(), 3u);
    EXPECT_EQ(t.quick_reply_payloads[0], "forums:rsvp:7-20270107T150000:A");
    EXPECT_EQ(t.quick_reply_payloads[2], "forums:rsvp:7-20270107T150000:D");
    EXPECT_EQ(t.body_parameters.at(0).text, "📅 Foro pronto · ¿Vendrá?");

    // Two buttons cannot stand in for the template's three: not sent as this template.
    b.buttons.pop_back();
    original.body = b;
    EXPECT_FALSE(template_for(*spec, original));
}

TEST(Templates, EveryShippedDefinitionPassesMetasReview) {
    const auto map = shipped();
    ASSERT_FALSE(map.definitions().empty());
    for (const auto& d : map.definitions()) {
        EXPECT_TRUE(review_definition(d).empty()) << d.name << ": " << review_definition(d).front();
        for (const char* lang : {"en", "fr", "es", "pt", "sw"}) {
            EXPECT_TRUE(d.texts.contains(lang)) << d.name << " has no " << lang;
        }
    }
}

TEST(Templates, QuickReplyTitlesSayWhatTheMessagesOwnButtonsSay) {
    // The template's buttons stand in for the message's: the same words, in the same order, per language.
    const auto catalog = core::Catalog::load(std::string(DELVEX_SOURCE_DIR) + "/config/locales");
    const auto map = shipped();
    const std::map<std::string, std::vector<std::string>> keys = {
        {"delvex_forum_invite", {"forums.going", "forums.maybe", "forums.cant"}},
        {"delvex_moderator_alert", {"rooms.approve", "rooms.reject"}},
        {"delvex_moderator_report", {"moderation.keep", "moderation.take_down"}},
    };
    for (const auto& d : map.definitions()) {
        const auto k = keys.find(d.name);
        if (k == keys.end()) {
            for (const auto& [lang, t] : d.texts) {
                EXPECT_TRUE(t.buttons.empty()) << d.name;
            }
            continue;
        }
        for (const auto& [lang, t] : d.texts) {
            ASSERT_EQ(t.buttons.size(), k->second.size()) << d.name << "/" << lang;
            for (std::size_t i = 0; i < t.buttons.size(); ++i) {
                EXPECT_EQ(t.buttons[i], catalog.text(lang, k->second[i])) << d.name << "/" << lang << " #" << i;
            }
        }
    }
}

TEST(Templates, ReviewRefusesWhatMetaRefuses) {
    auto def = [](std::string body, std::vector<std::string> example) {
        TemplateDefinition d;
        d.name = "delvex_x";
        d.category = "UTILITY";
        d.texts["en"] = TemplateText{"en", std::move(body), std::move(example), {}};
        return d;
    };
    EXPECT_TRUE(review_definition(def("Hello {{1}}, welcome.", {"Amina"})).empty());
    EXPECT_FALSE(review_definition(def("{{1}}", {"x"})).empty()) << "only a placeholder";
    EXPECT_FALSE(review_definition(def("{{1}} starts it", {"x"})).empty()) << "starts with one";
    EXPECT_FALSE(review_definition(def("It ends with {{1}}", {"x"})).empty()) << "ends with one";
    EXPECT_FALSE(review_definition(def("A {{1}}{{2}} b", {"x", "y"})).empty()) << "side by side";
    EXPECT_FALSE(review_definition(def("A {{2}} b {{1}} c", {"x", "y"})).empty()) << "out of order";
    EXPECT_FALSE(review_definition(def("A {{1}} b", {})).empty()) << "no example";
    EXPECT_FALSE(review_definition(def("A " + std::string(1100, 'x') + " {{1}} b", {"x"})).empty()) << "too long";
    auto bad_name = def("Hello {{1}}, welcome.", {"Amina"});
    bad_name.name = "Delvex-X";
    EXPECT_FALSE(review_definition(bad_name).empty());
    auto long_button = def("Hello {{1}}, welcome.", {"Amina"});
    long_button.texts["en"].buttons = {"A button title far too long"};
    EXPECT_FALSE(review_definition(long_button).empty());
}

TEST(Templates, APurposeThatDoesNotFillItsTemplateStopsTheLoad) {
    testing::TempDir dir;
    std::ofstream(dir.file("t.yaml")) << "templates:\n"
                                         "  delvex_a:\n"
                                         "    body: {en: \"Hi {{1}} and {{2}}, bye.\"}\n"
                                         "    example: [\"a\", \"b\"]\n"
                                         "purposes:\n"
                                         "  rooms.announce: {template: delvex_a, params: [\"{text}\"]}\n";
    try {
        TemplateMap::load(dir.file("t.yaml"));
        FAIL() << "should throw";
    } catch (const std::runtime_error& e) {
        EXPECT_NE(std::string(e.what()).find("t.yaml:6"), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("2 placeholders"), std::string::npos) << e.what();
    }
    std::ofstream(dir.file("old.yaml")) << "relay:\n  en: {name: x, language: en, params: [\"{text}\"]}\n";
    EXPECT_THROW(TemplateMap::load(dir.file("old.yaml")), std::runtime_error);
}

}  // namespace
}  // namespace delvex::delivery
