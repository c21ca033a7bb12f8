#include "bot/delivery/codec.hpp"

#include <gtest/gtest.h>

#include "bot/whatsapp/wire/outbound.hpp"

namespace delvex::delivery {
namespace {

std::vector<core::OutgoingMessage> every_kind() {
    std::vector<core::OutgoingMessage> all;
    auto add = [&](core::OutgoingBody body, std::string context = {}, std::string callback = {}) {
        core::OutgoingMessage m;
        m.to = core::Recipient::phone("254700000001");
        m.body = std::move(body);
        m.context_message_id = std::move(context);
        m.callback_data = std::move(callback);
        all.push_back(std::move(m));
    };
    add(core::OutgoingText{"Habari 👋 https://delve.example", true}, "wamid.quoted", "cb-1");
    core::ReplyButtons buttons;
    buttons.header = core::InteractiveHeader{core::InteractiveHeader::Kind::kImage, {},
                                             core::MediaSource::by_id("media-1")};
    buttons.body = "Join the forum?";
    buttons.footer = "Delve";
    buttons.buttons = {{"rsvp:yes", "Yes"}, {"rsvp:no", "No"}};
    add(buttons);
    core::ListMessage list;
    list.header = "Modules";
    list.body = "Pick one";
    list.button = "Open";
    list.sections = {{"Safety", {{"m1", "Mercury", "Retorts"}, {"m2", "Dust", ""}}}, {"Money", {{"m3", "Prices", ""}}}};
    add(list);
    add(core::OutgoingMedia{core::MediaKind::kImage, core::MediaSource::by_link("https://x.example/a.jpg"), "cap", {}});
    add(core::OutgoingMedia{core::MediaKind::kDocument, core::MediaSource::by_id("doc-1"), "Guide", "guide.pdf"});
    add(core::OutgoingMedia{core::MediaKind::kAudio, core::MediaSource::by_id("aud-1"), {}, {}});
    add(core::OutgoingMedia{core::MediaKind::kVideo, core::MediaSource::by_id("vid-1"), "v", {}});
    add(core::OutgoingMedia{core::MediaKind::kSticker, core::MediaSource::by_id("st-1"), {}, {}});
    add(core::OutgoingLocation{-3.3869, 29.3644, "Hub", "Bujumbura"});
    add(core::OutgoingReaction{"wamid.r", "🔥"});
    core::OutgoingTemplate positional;
    positional.name = "price_alert";
    positional.language_code = "en_US";
    positional.body_parameters = {{{}, "Gold"}, {{}, "62.10"}};
    positional.has_header_media = true;
    positional.header_media = core::OutgoingMedia{core::MediaKind::kImage, core::MediaSource::by_id("h"), {}, {}};
    positional.quick_reply_payloads = {"SUB"};
    add(positional);
    core::OutgoingTemplate named;
    named.name = "forum_reminder";
    named.language_code = "sw";
    named.body_parameters = {{"room", "Geita"}, {"time", "18:00"}};
    add(named);
    return all;
}

TEST(OutboxCodec, RoundTripsEveryKindToTheSameGraphBody) {
    for (const auto& m : every_kind()) {
        const auto payload = encode(m);
        auto back = decode(payload);
        ASSERT_TRUE(back.has_value()) << payload;
        back->to = m.to;
        // Same Graph JSON from the original and the decoded message: nothing was lost on the way.
        const auto want = whatsapp::wire::to_graph_json(m);
        const auto got = whatsapp::wire::to_graph_json(*back);
        ASSERT_TRUE(want.ok()) << want.error;
        EXPECT_EQ(got.json, want.json) << kind_of(m.body);
        EXPECT_EQ(back->context_message_id, m.context_message_id);
        EXPECT_EQ(back->callback_data, m.callback_data);
    }
}

TEST(OutboxCodec, NamesEachKind) {
    std::vector<std::string> kinds;
    for (const auto& m : every_kind()) {
        kinds.push_back(kind_of(m.body));
    }
    EXPECT_EQ(kinds, (std::vector<std::string>{"text", "buttons", "list", "image", "document", "audio", "video",
                                               "sticker", "location", "reaction", "template", "template"}));
}

TEST(OutboxCodec, RefusesUnreadablePayloadsWithoutThrowing) {
    EXPECT_FALSE(decode("not json"));
    EXPECT_FALSE(decode(R"({"v":99,"kind":"text","body":{"body":"x"}})"));
    EXPECT_FALSE(decode(R"({"v":1,"kind":"hologram","body":{}})"));
    EXPECT_FALSE(decode(R"({"v":1,"kind":"text","body":{}})"));
}

TEST(OutboxCodec, PlainTextRowsAndBsuidRecipientsBecomeMessages) {
    store::OutboxRow row;
    row.recipient = "US.13491208655302741918";
    row.payload = "Karibu";
    const auto m = message_of(row);
    ASSERT_TRUE(m);
    EXPECT_EQ(m->to.kind, core::Recipient::Kind::kBsuid);
    EXPECT_EQ(std::get<core::OutgoingText>(m->body).body, "Karibu");
    core::OutgoingMessage msg;
    msg.to = core::Recipient::phone("+254700000001");
    msg.body = core::OutgoingText{"x", false};
    const auto entry = entry_for("relay:1", msg, "relay");
    EXPECT_EQ(entry.recipient, "254700000001");
    EXPECT_EQ(entry.kind, "text");
    EXPECT_EQ(entry.encoding, store::OutboxEncoding::kMessage);
}

}  // namespace
}  // namespace delvex::delivery
