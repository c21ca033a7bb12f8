#include "bot/whatsapp/wire/outbound.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace delvex::whatsapp::wire {
namespace {

using nlohmann::json;

core::OutgoingMessage to_phone(core::OutgoingBody body) {
    return core::OutgoingMessage{core::Recipient::phone("254700000001"), {}, std::move(body), {}};
}

json serialize(const core::OutgoingMessage& m) {
    const auto out = to_graph_json(m);
    EXPECT_TRUE(out.ok()) << out.error;
    return json::parse(out.json);
}

std::string error_of(const core::OutgoingMessage& m) {
    const auto out = to_graph_json(m);
    EXPECT_FALSE(out.ok());
    EXPECT_TRUE(out.json.empty());
    return out.error;
}

TEST(WireOutbound, WritesTextWithPlusAndPreview) {
    const json j = serialize(to_phone(core::OutgoingText{"see https://delve.example", true}));
    EXPECT_EQ(j["messaging_product"], "whatsapp");
    EXPECT_EQ(j["recipient_type"], "individual");
    EXPECT_EQ(j["to"], "+254700000001");
    EXPECT_FALSE(j.contains("recipient"));
    EXPECT_EQ(j["type"], "text");
    EXPECT_EQ(j["text"]["body"], "see https://delve.example");
    EXPECT_EQ(j["text"]["preview_url"], true);
}

TEST(WireOutbound, WritesBsuidAsRecipientInsteadOfTo) {
    core::OutgoingMessage m{core::Recipient::bsuid("US.13491208655302741918"), {}, core::OutgoingText{"hi", false}, {}};
    const json j = serialize(m);
    EXPECT_EQ(j["recipient"], "US.13491208655302741918");
    EXPECT_FALSE(j.contains("to"));
}

TEST(WireOutbound, WritesContextAndCallbackData) {
    auto m = to_phone(core::OutgoingText{"reply", false});
    m.context_message_id = "wamid.ABC=";
    m.callback_data = "outbox:42";
    const json j = serialize(m);
    EXPECT_EQ(j["context"]["message_id"], "wamid.ABC=");
    EXPECT_EQ(j["biz_opaque_callback_data"], "outbox:42");
}

TEST(WireOutbound, WritesReplyButtons) {
    core::ReplyButtons b;
    b.header = {core::InteractiveHeader::Kind::kText, "Forum", {}};
    b.body = "Will you come on Thursday?";
    b.footer = "Delve";
    b.buttons = {{"rsvp:yes", "Yes"}, {"rsvp:no", "No"}};
    const json j = serialize(to_phone(b));
    EXPECT_EQ(j["type"], "interactive");
    const auto& i = j["interactive"];
    EXPECT_EQ(i["type"], "button");
    EXPECT_EQ(i["header"]["type"], "text");
    EXPECT_EQ(i["header"]["text"], "Forum");
    EXPECT_EQ(i["body"]["text"], "Will you come on Thursday?");
    EXPECT_EQ(i["footer"]["text"], "Delve");
    ASSERT_EQ(i["action"]["buttons"].size(), 2U);
    EXPECT_EQ(i["action"]["buttons"][1]["type"], "reply");
    EXPECT_EQ(i["action"]["buttons"][1]["reply"]["id"], "rsvp:no");
    EXPECT_EQ(i["action"]["buttons"][1]["reply"]["title"], "No");
}

TEST(WireOutbound, WritesImageHeaderOnButtons) {
    core::ReplyButtons b;
    b.header = {core::InteractiveHeader::Kind::kImage, {}, core::MediaSource::by_id("123")};
    b.body = "Pick";
    b.buttons = {{"a", "A"}};
    const json j = serialize(to_phone(b));
    EXPECT_EQ(j["interactive"]["header"]["type"], "image");
    EXPECT_EQ(j["interactive"]["header"]["image"]["id"], "123");
}

TEST(WireOutbound, WritesList) {
    core::ListMessage l;
    l.header = "Modules";
    l.body = "Choose a module";
    l.button = "Open";
    l.sections = {{"Safety", {{"m1", "Mercury-free", "Retorts and more"}}}, {"Money", {{"m2", "Fair prices", ""}}}};
    const json j = serialize(to_phone(l));
    const auto& i = j["interactive"];
    EXPECT_EQ(i["type"], "list");
    EXPECT_EQ(i["header"]["text"], "Modules");
    EXPECT_EQ(i["action"]["button"], "Open");
    ASSERT_EQ(i["action"]["sections"].size(), 2U);
    EXPECT_EQ(i["action"]["sections"][0]["title"], "Safety");
    EXPECT_EQ(i["action"]["sections"][0]["rows"][0]["description"], "Retorts and more");
    EXPECT_FALSE(i["action"]["sections"][1]["rows"][0].contains("description"));
}

TEST(WireOutbound, WritesEveryMediaKind) {
    const std::pair<core::MediaKind, const char*> kinds[] = {{core::MediaKind::kImage, "image"},
                                                            {core::MediaKind::kAudio, "audio"},
                                                            {core::MediaKind::kVideo, "video"},
                                                            {core::MediaKind::kDocument, "document"},
                                                            {core::MediaKind::kSticker, "sticker"}};
    for (const auto& [kind, name] : kinds) {
        core::OutgoingMedia m{kind, core::MediaSource::by_link("https://cdn.example/f"), {}, {}};
        if (kind == core::MediaKind::kImage || kind == core::MediaKind::kDocument) m.caption = "cap";
        if (kind == core::MediaKind::kDocument) m.filename = "lesson.pdf";
        const json j = serialize(to_phone(m));
        EXPECT_EQ(j["type"], name);
        EXPECT_EQ(j[name]["link"], "https://cdn.example/f");
        EXPECT_FALSE(j[name].contains("id"));
    }
    const json doc = serialize(to_phone(core::OutgoingMedia{core::MediaKind::kDocument, core::MediaSource::by_id("77"),
                                                            "Lesson 1", "lesson.pdf"}));
    EXPECT_EQ(doc["document"]["id"], "77");
    EXPECT_EQ(doc["document"]["caption"], "Lesson 1");
    EXPECT_EQ(doc["document"]["filename"], "lesson.pdf");
}

TEST(WireOutbound, WritesLocationAndReaction) {
    const json loc = serialize(to_phone(core::OutgoingLocation{-3.5, 30.25, "Co-op", "Main road"}));
    EXPECT_EQ(loc["type"], "location");
    EXPECT_DOUBLE_EQ(loc["location"]["latitude"].get<double>(), -3.5);
    EXPECT_DOUBLE_EQ(loc["location"]["longitude"].get<double>(), 30.25);
    EXPECT_EQ(loc["location"]["name"], "Co-op");
    const json r = serialize(to_phone(core::OutgoingReaction{"wamid.X", "\xF0\x9F\x91\x8D"}));
    EXPECT_EQ(r["type"], "reaction");
    EXPECT_EQ(r["reaction"]["message_id"], "wamid.X");
    EXPECT_EQ(r["reaction"]["emoji"], "\xF0\x9F\x91\x8D");
}

TEST(WireOutbound, WritesTemplateWithPositionalParametersHeaderAndQuickReplies) {
    core::OutgoingTemplate t;
    t.name = "price_alert";
    t.language_code = "en_US";
    t.body_parameters = {{"", "Gold"}, {"", "62.10"}};
    t.has_header_media = true;
    t.header_media = {core::MediaKind::kImage, core::MediaSource::by_link("https://cdn.example/g.png"), {}, {}};
    t.quick_reply_payloads = {"SUBSCRIBE_GOLD", "", "STOP"};
    const json j = serialize(to_phone(t));
    EXPECT_EQ(j["type"], "template");
    const auto& tj = j["template"];
    EXPECT_EQ(tj["name"], "price_alert");
    EXPECT_EQ(tj["language"]["code"], "en_US");
    const auto& c = tj["components"];
    ASSERT_EQ(c.size(), 4U);
    EXPECT_EQ(c[0]["type"], "header");
    EXPECT_EQ(c[0]["parameters"][0]["image"]["link"], "https://cdn.example/g.png");
    EXPECT_EQ(c[1]["type"], "body");
    EXPECT_EQ(c[1]["parameters"][1]["text"], "62.10");
    EXPECT_FALSE(c[1]["parameters"][0].contains("parameter_name"));
    EXPECT_EQ(c[2]["sub_type"], "quick_reply");
    EXPECT_EQ(c[2]["index"], "0");
    EXPECT_EQ(c[2]["parameters"][0]["payload"], "SUBSCRIBE_GOLD");
    EXPECT_EQ(c[3]["index"], "2");
}

TEST(WireOutbound, WritesTemplateWithNamedParameters) {
    core::OutgoingTemplate t{"forum_reminder", "sw", {{"room", "Geita"}, {"time", "18:00"}}, {}, false, {}};
    const json j = serialize(to_phone(t));
    EXPECT_EQ(j["template"]["components"][0]["parameters"][0]["parameter_name"], "room");
    EXPECT_EQ(j["template"]["components"][0]["parameters"][1]["text"], "18:00");
}

TEST(WireOutbound, RejectsTextOverLimitCountingCharactersNotBytes) {
    // 4096 two-byte characters are within the limit; one more is not.
    std::string body;
    for (int i = 0; i < 4096; ++i) body += "\xC3\xA9";
    EXPECT_TRUE(to_graph_json(to_phone(core::OutgoingText{body, false})).ok());
    body += "e";
    EXPECT_NE(error_of(to_phone(core::OutgoingText{body, false})).find("text.body is 4097 characters"), std::string::npos);
    EXPECT_NE(error_of(to_phone(core::OutgoingText{"", false})).find("required"), std::string::npos);
}

TEST(WireOutbound, RejectsButtonsBreakingLimits) {
    core::ReplyButtons b;
    b.body = "x";
    EXPECT_NE(error_of(to_phone(b)).find("1 to 3"), std::string::npos);
    b.buttons = {{"a", "A"}, {"b", "B"}, {"c", "C"}, {"d", "D"}};
    EXPECT_NE(error_of(to_phone(b)).find("1 to 3"), std::string::npos);
    b.buttons = {{"a", "This title is too long"}};
    EXPECT_NE(error_of(to_phone(b)).find("button.title"), std::string::npos);
    b.buttons = {{"a", "Same"}, {"b", "Same"}};
    EXPECT_NE(error_of(to_phone(b)).find("not unique"), std::string::npos);
    b.buttons = {{"a", "A"}};
    b.body = std::string(1025, 'x');
    EXPECT_NE(error_of(to_phone(b)).find("body.text"), std::string::npos);
    b.body = "x";
    b.footer = std::string(61, 'f');
    EXPECT_NE(error_of(to_phone(b)).find("footer.text"), std::string::npos);
}

TEST(WireOutbound, RejectsListBreakingLimits) {
    core::ListMessage l;
    l.body = "b";
    l.button = "Open";
    core::ListSection s{"S", {}};
    for (int i = 0; i < 6; ++i) s.rows.push_back({"r" + std::to_string(i), "Row", ""});
    l.sections = {s};
    EXPECT_TRUE(to_graph_json(to_phone(l)).ok());
    core::ListSection s2 = s;
    for (auto& row : s2.rows) row.id += "b";
    l.sections = {s, s2};
    EXPECT_NE(error_of(to_phone(l)).find("12 rows"), std::string::npos);
    s2.rows.resize(1);
    s2.title.clear();
    l.sections = {s, s2};
    EXPECT_NE(error_of(to_phone(l)).find("more than one section"), std::string::npos);
    l.sections = {s};
    l.sections[0].rows[0].description = std::string(73, 'd');
    EXPECT_NE(error_of(to_phone(l)).find("row.description"), std::string::npos);
    l.sections[0].rows[0].description.clear();
    l.button = std::string(21, 'b');
    EXPECT_NE(error_of(to_phone(l)).find("action.button"), std::string::npos);
}

TEST(WireOutbound, RejectsBadMediaLocationReactionTemplateAndRecipient) {
    EXPECT_NE(error_of(to_phone(core::OutgoingMedia{core::MediaKind::kImage, {}, {}, {}})).find("exactly one"),
              std::string::npos);
    EXPECT_NE(error_of(to_phone(core::OutgoingMedia{core::MediaKind::kAudio, core::MediaSource::by_id("1"), "c", {}}))
                  .find("caption"),
              std::string::npos);
    EXPECT_NE(error_of(to_phone(core::OutgoingMedia{core::MediaKind::kImage, core::MediaSource::by_link("ftp://x"), {}, {}}))
                  .find("http(s)"),
              std::string::npos);
    EXPECT_NE(error_of(to_phone(core::OutgoingLocation{91, 0, {}, {}})).find("latitude"), std::string::npos);
    auto reaction = to_phone(core::OutgoingReaction{"wamid.X", "x"});
    reaction.context_message_id = "wamid.Y";
    EXPECT_NE(error_of(reaction).find("contextual"), std::string::npos);
    EXPECT_NE(error_of(to_phone(core::OutgoingTemplate{"Bad-Name", "en", {}, {}, false, {}})).find("lowercase"),
              std::string::npos);
    EXPECT_NE(error_of(to_phone(core::OutgoingTemplate{"t", "en", {{"a", "1"}, {"", "2"}}, {}, false, {}}))
                  .find("all named or all positional"),
              std::string::npos);
    core::OutgoingMessage bad_phone{core::Recipient::phone("+25470000000a"), {}, core::OutgoingText{"x", false}, {}};
    EXPECT_NE(error_of(bad_phone).find("E.164"), std::string::npos);
    auto long_callback = to_phone(core::OutgoingText{"x", false});
    long_callback.callback_data = std::string(513, 'c');
    EXPECT_NE(error_of(long_callback).find("biz_opaque_callback_data"), std::string::npos);
}

TEST(WireOutbound, ReadsBackWhatItWrites) {
    core::ListMessage l;
    l.body = "b";
    l.button = "Open";
    l.sections = {{"", {{"r1", "One", "d"}, {"r2", "Two", ""}}}};
    auto m = to_phone(l);
    m.context_message_id = "wamid.Q";
    const auto parsed = parse_graph_request(to_graph_json(m).json);
    ASSERT_TRUE(parsed.ok()) << parsed.error;
    EXPECT_EQ(parsed.type, "interactive");
    EXPECT_EQ(parsed.message.to.id, "+254700000001");
    EXPECT_EQ(parsed.message.context_message_id, "wamid.Q");
    const auto* back = std::get_if<core::ListMessage>(&parsed.message.body);
    ASSERT_NE(back, nullptr);
    ASSERT_EQ(back->sections.at(0).rows.size(), 2U);
    EXPECT_EQ(back->sections[0].rows[0].description, "d");
}

TEST(WireOutbound, RejectsMalformedRequestsLikeMeta) {
    EXPECT_FALSE(parse_graph_request("not json").ok());
    EXPECT_FALSE(parse_graph_request(R"({"to":"+1555","type":"text","text":{"body":"x"}})").ok());
    EXPECT_FALSE(parse_graph_request(R"({"messaging_product":"whatsapp","type":"text","text":{"body":"x"}})").ok());
    EXPECT_FALSE(parse_graph_request(R"({"messaging_product":"whatsapp","to":"+1555","type":"text","text":{}})").ok());
    const auto over = parse_graph_request(
        R"({"messaging_product":"whatsapp","to":"+1555","type":"interactive","interactive":{"type":"button","body":{"text":"x"},"action":{"buttons":[]}}})");
    EXPECT_NE(over.error.find("(#100)"), std::string::npos);
}

TEST(WireOutbound, WritesMarkAsReadWithAndWithoutTyping) {
    const json plain = json::parse(mark_read_json("wamid.R", false));
    EXPECT_EQ(plain["status"], "read");
    EXPECT_EQ(plain["message_id"], "wamid.R");
    EXPECT_FALSE(plain.contains("typing_indicator"));
    const json typing = json::parse(mark_read_json("wamid.R", true));
    EXPECT_EQ(typing["typing_indicator"]["type"], "text");
    const auto parsed = parse_graph_request(mark_read_json("wamid.R", true));
    EXPECT_TRUE(parsed.mark_read);
    EXPECT_TRUE(parsed.typing);
}

TEST(WireOutbound, ParsesSendAnswer) {
    const auto a = parse_send_answer(
        R"({"messaging_product":"whatsapp","contacts":[{"input":"+16505551234","wa_id":"16505551234"}],"messages":[{"id":"wamid.HBgL=="}]})");
    ASSERT_TRUE(a);
    EXPECT_EQ(a->wamid, "wamid.HBgL==");
    EXPECT_EQ(a->wa_id, "16505551234");
    EXPECT_FALSE(parse_send_answer(R"({"messages":[]})"));
    EXPECT_FALSE(parse_send_answer("<html>"));
    EXPECT_TRUE(parse_success_answer(R"({"success":true})"));
    EXPECT_FALSE(parse_success_answer(R"({"success":false})"));
}

TEST(WireOutbound, ParsesGraphErrors) {
    const auto e = parse_graph_error(
        401,
        R"({"error":{"message":"Error validating access token: Session has expired","type":"OAuthException","code":190,"error_subcode":463,"error_data":{"details":"expired"},"is_transient":false,"fbtrace_id":"A4O5"}})");
    EXPECT_EQ(e.http_status, 401);
    EXPECT_EQ(e.code, 190);
    EXPECT_EQ(e.subcode, 463);
    EXPECT_EQ(e.type, "OAuthException");
    EXPECT_EQ(e.details, "expired");
    EXPECT_EQ(e.fbtrace_id, "A4O5");
    const auto html = parse_graph_error(502, "<html>Bad Gateway</html>");
    EXPECT_EQ(html.code, GraphError::kNoCode);
    EXPECT_EQ(html.message, "<html>Bad Gateway</html>");
    const auto round = parse_graph_error(400, error_json(e));
    EXPECT_EQ(round.code, 190);
    EXPECT_EQ(round.subcode, 463);
}

}  // namespace
}  // namespace delvex::whatsapp::wire
