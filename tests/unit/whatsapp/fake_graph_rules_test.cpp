// Meta's rules in the fake Graph API: for each rule, one request Graph refuses (with its exact code) and the
// correct form it accepts. Requests are raw Graph bodies over HTTP, so the product's own validation is not
// in the way. Time is a FakeClock; nothing sleeps.

#include "bot/whatsapp/fake_graph.hpp"
#include "bot/whatsapp/fake_graph_rules.hpp"
#include "bot/whatsapp/wire/inbound.hpp"
#include "bot/whatsapp/wire/outbound.hpp"
#include "tests/support/harness.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace delvex::whatsapp {
namespace {

using namespace std::chrono_literals;
using Json = nlohmann::json;
using testing::HttpResult;

constexpr const char* kMember = "+15550001111";

class Rig {
public:
    explicit Rig(FakeGraphOptions o = {}) {
        o.clock = &clock;
        runner_ = std::make_unique<testing::FakeRunner>(std::move(o));
    }
    FakeGraph& fake() { return runner_->fake; }

    HttpResult request(const std::string& method, const std::string& target, const std::string& body = {},
                       const std::string& content_type = "application/json") {
        return testing::http_request(fake().port(), method, "/" + fake().options().api_version + target, body,
                                     {{"Authorization", "Bearer " + fake().options().access_token},
                                      {"Content-Type", content_type}});
    }
    HttpResult send(const Json& body) {
        return request("POST", "/" + fake().options().phone_number_id + "/messages", body.dump());
    }
    HttpResult upload(const std::string& bytes, const std::string& mime) {
        const std::string b = "fakeboundary42";
        std::string body = "--" + b + "\r\nContent-Disposition: form-data; name=\"messaging_product\"\r\n\r\nwhatsapp\r\n";
        body += "--" + b + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"f\"\r\nContent-Type: " + mime +
                "\r\n\r\n" + bytes + "\r\n--" + b + "--\r\n";
        return request("POST", "/" + fake().options().phone_number_id + "/media", body,
                       "multipart/form-data; boundary=" + b);
    }
    void open_window(const std::string& who = kMember) { fake().note_inbound(who, clock.now()); }

    core::FakeClock clock;

private:
    std::unique_ptr<testing::FakeRunner> runner_;
};

std::int64_t code_of(const HttpResult& r) {
    return r.status == 200 ? 0 : wire::parse_graph_error(r.status, r.body).code;
}

Json message(const std::string& type, Json content, const std::string& to = kMember) {
    Json j{{"messaging_product", "whatsapp"}, {"recipient_type", "individual"}, {"to", to}, {"type", type}};
    j[type] = std::move(content);
    return j;
}

Json text(const std::string& body, const std::string& to = kMember) {
    return message("text", Json{{"body", body}}, to);
}

Json tmpl(const std::string& name, const std::string& lang, std::vector<std::string> params,
          const std::string& to = kMember) {
    Json ps = Json::array();
    for (auto& p : params) ps.push_back(Json{{"type", "text"}, {"text", p}});
    Json components = Json::array();
    if (!ps.empty()) components.push_back(Json{{"type", "body"}, {"parameters", ps}});
    return message("template", Json{{"name", name}, {"language", {{"code", lang}}}, {"components", components}}, to);
}

Json buttons(std::vector<std::string> titles, const std::string& body = "Pick one") {
    Json bs = Json::array();
    int i = 0;
    for (auto& t : titles) bs.push_back(Json{{"type", "reply"}, {"reply", {{"id", "b" + std::to_string(i++)}, {"title", t}}}});
    return message("interactive", Json{{"type", "button"}, {"body", {{"text", body}}}, {"action", {{"buttons", bs}}}});
}

Json list(std::vector<Json> sections, const std::string& body = "Choose") {
    return message("interactive",
                   Json{{"type", "list"}, {"body", {{"text", body}}}, {"action", {{"button", "Open"}, {"sections", sections}}}});
}

Json rows(int n, const std::string& title = "Row") {
    Json out = Json::array();
    for (int i = 0; i < n; ++i) out.push_back(Json{{"id", "r" + std::to_string(i)}, {"title", title}});
    return out;
}

std::string repeat(const std::string& s, std::size_t n) {
    std::string out;
    for (std::size_t i = 0; i < n; ++i) out += s;
    return out;
}

// --- 1. the 24-hour customer-service window ---

TEST(FakeGraphWindow, AcceptsFreeFormAt23h59mAfterTheLastInbound) {
    Rig rig;
    rig.open_window();
    rig.clock.advance(23h + 59min);
    EXPECT_EQ(rig.send(text("still open")).status, 200);
    EXPECT_TRUE(rig.fake().refusals().empty());
}

TEST(FakeGraphWindow, RefusesFreeFormAt24h00m01sWith131047) {
    Rig rig;
    rig.fake().note_inbound("15550001111", rig.clock.now());  // noted without '+', sent with it
    rig.clock.advance(24h + 1s);
    const auto r = rig.send(text("too late"));
    EXPECT_EQ(r.status, 400);
    EXPECT_EQ(code_of(r), 131047);
    EXPECT_NE(r.body.find("Re-engagement message"), std::string::npos);
    const auto refusals = rig.fake().refusals();
    ASSERT_EQ(refusals.size(), 1U);
    EXPECT_EQ(refusals[0].code, 131047);
    EXPECT_EQ(refusals[0].recipient, kMember);
    EXPECT_NE(refusals[0].raw_json.find("too late"), std::string::npos);
    EXPECT_EQ(rig.fake().stats().refused_by_code.at(131047), 1U);
    EXPECT_TRUE(rig.fake().messages().empty());
}

TEST(FakeGraphWindow, RefusesEveryNonTemplateTypeToAMemberWhoNeverWrote) {
    Rig rig;
    const std::string id = rig.fake().add_media("png-bytes", "image/png");
    for (const auto& body : {text("hi"), buttons({"Yes", "No"}), message("image", Json{{"id", id}}),
                             message("location", Json{{"latitude", 1.5}, {"longitude", 2.5}}),
                             message("reaction", Json{{"message_id", "wamid.X"}, {"emoji", "👍"}})}) {
        EXPECT_EQ(code_of(rig.send(body)), 131047) << body.dump();
    }
}

TEST(FakeGraphWindow, MarkAsReadNeedsNoWindow) {
    Rig rig;
    const auto r = rig.send(Json{{"messaging_product", "whatsapp"}, {"status", "read"}, {"message_id", "wamid.A"}});
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(rig.fake().reads().size(), 1U);
}

// --- 2. templates at send time ---

TEST(FakeGraphTemplates, SendsAnApprovedTemplateOutsideTheWindow) {
    Rig rig;
    rig.fake().add_approved_template("room_update", "en", "New in your room: {{1}}. Reply to read more.");
    EXPECT_EQ(rig.send(tmpl("room_update", "en", {"gold price"})).status, 200);
}

TEST(FakeGraphTemplates, RefusesUnknownOrUnapprovedOrOtherLanguageWith132001) {
    Rig rig;
    rig.fake().add_approved_template("room_update", "en", "New: {{1}}. Reply to read more.");
    EXPECT_EQ(code_of(rig.send(tmpl("nope", "en", {"x"}))), 132001);
    EXPECT_EQ(code_of(rig.send(tmpl("room_update", "fr", {"x"}))), 132001);
    rig.fake().set_template_status("room_update", "en", "PENDING");
    EXPECT_EQ(code_of(rig.send(tmpl("room_update", "en", {"x"}))), 132001);
    rig.fake().set_template_status("room_update", "en", "REJECTED");
    EXPECT_EQ(code_of(rig.send(tmpl("room_update", "en", {"x"}))), 132001);
}

TEST(FakeGraphTemplates, RefusesPausedWith132015AndDisabledWith132016) {
    Rig rig;
    rig.fake().add_approved_template("room_update", "en", "New: {{1}}. Reply to read more.");
    rig.fake().set_template_status("room_update", "en", "PAUSED");
    EXPECT_EQ(code_of(rig.send(tmpl("room_update", "en", {"x"}))), 132015);
    rig.fake().set_template_status("room_update", "en", "DISABLED");
    EXPECT_EQ(code_of(rig.send(tmpl("room_update", "en", {"x"}))), 132016);
    rig.fake().set_template_status("room_update", "en", "APPROVED");
    EXPECT_EQ(rig.send(tmpl("room_update", "en", {"x"})).status, 200);
}

TEST(FakeGraphTemplates, RefusesAWrongParameterCountWith132000) {
    Rig rig;
    rig.fake().add_approved_template("two", "en", "Hello {{1}}, your forum is {{2}}.");
    EXPECT_EQ(code_of(rig.send(tmpl("two", "en", {"Amina"}))), 132000);
    EXPECT_EQ(code_of(rig.send(tmpl("two", "en", {"Amina", "today", "extra"}))), 132000);
    EXPECT_EQ(rig.send(tmpl("two", "en", {"Amina", "today"})).status, 200);
}

TEST(FakeGraphTemplates, RefusesNewlineTabOrFiveSpacesInAParameterWith132018) {
    Rig rig;
    rig.fake().add_approved_template("one", "en", "Update: {{1}}. Reply to read more.");
    for (const std::string bad : {"line one\nline two", "a\tb", "wide     gap"}) {
        const auto r = rig.send(tmpl("one", "en", {bad}));
        EXPECT_EQ(code_of(r), 132018) << bad;
        EXPECT_NE(r.body.find("new-line/tab"), std::string::npos);
    }
    EXPECT_EQ(rig.send(tmpl("one", "en", {"one line with four    spaces"})).status, 200);
}

TEST(FakeGraphTemplates, RefusesABodyOver1024CharactersOnceFilledWith132005) {
    Rig rig;
    const std::string body = "Update: {{1}}. Reply to read more.";
    rig.fake().add_approved_template("one", "en", body);
    const std::size_t room = 1024 - (fake::code_points(body) - 5);
    EXPECT_EQ(rig.send(tmpl("one", "en", {repeat("é", room)})).status, 200);
    EXPECT_EQ(code_of(rig.send(tmpl("one", "en", {repeat("é", room + 1)}))), 132005);
}

TEST(FakeGraphTemplates, QuickReplyButtonsWithOrWithoutPayloadsButNoUnknownIndex) {
    Rig rig;
    rig.fake().add_approved_template("ask", "en", "Join forum {{1}}?", {"Yes", "No"});
    Json with = tmpl("ask", "en", {"Kivu"});
    with["template"]["components"].push_back(Json{{"type", "button"}, {"sub_type", "quick_reply"}, {"index", "1"},
                                                  {"parameters", {{{"type", "payload"}, {"payload", "NO"}}}}});
    EXPECT_EQ(rig.send(with).status, 200);
    EXPECT_EQ(rig.send(tmpl("ask", "en", {"Kivu"})).status, 200);
    Json beyond = tmpl("ask", "en", {"Kivu"});
    beyond["template"]["components"].push_back(Json{{"type", "button"}, {"sub_type", "quick_reply"}, {"index", "2"},
                                                    {"parameters", {{{"type", "payload"}, {"payload", "X"}}}}});
    EXPECT_EQ(code_of(rig.send(beyond)), 132000);
}

// --- 3. the template management API ---

TEST(FakeGraphManagement, CreatesAPendingTemplateListsItAndSendsItOnceApproved) {
    Rig rig;
    wire::TemplateDefinition d;
    d.name = "forum_reminder";
    d.language = "en";
    d.category = "UTILITY";
    d.body = "Reminder: {{1}} starts at {{2}}. See you there.";
    d.body_examples = {"Gold forum", "10:00"};
    d.quick_replies = {"I'll come", "Not this time"};
    const std::string waba = "/" + rig.fake().options().waba_id + "/message_templates";
    const auto created = rig.request("POST", waba, wire::template_creation_json(d));
    ASSERT_EQ(created.status, 200) << created.body;
    const Json answer = Json::parse(created.body);
    EXPECT_EQ(answer["status"], "PENDING");
    EXPECT_EQ(answer["category"], "UTILITY");
    EXPECT_FALSE(answer["id"].get<std::string>().empty());
    EXPECT_EQ(code_of(rig.send(tmpl("forum_reminder", "en", {"Gold forum", "10:00"}))), 132001);

    const auto listed = rig.request("GET", waba + "?name=forum_reminder&limit=10");
    ASSERT_EQ(listed.status, 200);
    const Json page = Json::parse(listed.body);
    ASSERT_EQ(page["data"].size(), 1U);
    EXPECT_EQ(page["data"][0]["status"], "PENDING");
    EXPECT_EQ(page["data"][0]["language"], "en");
    EXPECT_EQ(page["data"][0]["components"][1]["buttons"].size(), 2U);
    EXPECT_TRUE(page.contains("paging"));
    EXPECT_EQ(Json::parse(rig.request("GET", waba + "?name=other").body)["data"].size(), 0U);

    EXPECT_EQ(rig.fake().approve_pending(), 1U);
    EXPECT_EQ(rig.send(tmpl("forum_reminder", "en", {"Gold forum", "10:00"})).status, 200);
}

TEST(FakeGraphManagement, RefusesWhatMetaWouldNotApproveWith100AndAUserMessage) {
    Rig rig;
    auto good = [] {
        wire::TemplateDefinition d;
        d.name = "ok_name";
        d.language = "en";
        d.category = "MARKETING";
        d.body = "Hello {{1}}, welcome.";
        d.body_examples = {"Amina"};
        return d;
    };
    std::vector<std::pair<std::string, wire::TemplateDefinition>> bad;
    auto add = [&](std::string why, auto change) {
        auto d = good();
        change(d);
        bad.emplace_back(std::move(why), std::move(d));
    };
    add("uppercase name", [](auto& d) { d.name = "Bad_Name"; });
    add("category", [](auto& d) { d.category = "SERVICE"; });
    add("body too long", [](auto& d) { d.body = "Hello {{1}}, " + repeat("x", 1020); });
    add("gap", [](auto& d) { d.body = "Hello {{1}} and {{3}} too."; d.body_examples = {"a", "b"}; });
    add("out of order", [](auto& d) { d.body = "Hello {{2}} and {{1}} too."; d.body_examples = {"a", "b"}; });
    add("adjacent", [](auto& d) { d.body = "Hello {{1}}{{2}} too."; d.body_examples = {"a", "b"}; });
    add("starts with one", [](auto& d) { d.body = "{{1}} is waiting."; });
    add("ends with one", [](auto& d) { d.body = "Waiting: {{1}}"; });
    add("only one", [](auto& d) { d.body = "{{1}}"; });
    add("no example", [](auto& d) { d.body_examples.clear(); });
    add("too few examples", [](auto& d) { d.body = "Hi {{1}} and {{2}} ok."; });
    add("11 buttons", [](auto& d) { d.quick_replies.assign(11, "Yes"); });
    add("26-char button", [](auto& d) { d.quick_replies = {repeat("b", 26)}; });
    const std::string waba = "/" + rig.fake().options().waba_id + "/message_templates";
    for (const auto& [why, d] : bad) {
        const auto r = rig.request("POST", waba, wire::template_creation_json(d));
        EXPECT_EQ(r.status, 400) << why;
        EXPECT_EQ(code_of(r), 100) << why;
        EXPECT_NE(r.body.find("error_user_msg"), std::string::npos) << why;
        EXPECT_THROW(rig.fake().add_template(d), std::invalid_argument) << why;
    }
    ASSERT_EQ(rig.request("POST", waba, wire::template_creation_json(good())).status, 200);
    EXPECT_EQ(code_of(rig.request("POST", waba, wire::template_creation_json(good()))), 100);  // duplicate
    EXPECT_EQ(rig.fake().templates().size(), 1U);
    EXPECT_EQ(rig.fake().stats().refused_by_code.at(100), bad.size() + 1);
}

TEST(FakeGraphManagement, ChecksTheBearerToken) {
    Rig rig;
    const auto r = testing::http_request(rig.fake().port(), "GET",
                                         "/v25.0/" + rig.fake().options().waba_id + "/message_templates", {},
                                         {{"Authorization", "Bearer wrong"}});
    EXPECT_EQ(r.status, 401);
}

// --- 4. WABA-level webhooks on request ---

std::pair<std::string, std::string> field_and_event(const std::string& body) {
    const auto envelope = wire::split_envelope(body);
    EXPECT_EQ(envelope.outcome, wire::EnvelopeOutcome::kOk);
    EXPECT_TRUE(envelope.unknown.empty());
    if (envelope.updates.size() != 1) return {};
    const auto parsed = wire::parse_update(envelope.updates[0].kind, envelope.updates[0].json);
    if (!parsed) return {};
    EXPECT_EQ(parsed->kind, wire::UpdateKind::kChange);
    return {parsed->field, parsed->event};
}

TEST(FakeGraphWebhooks, TemplateStatusAccountAndCapabilityBodiesAreReadByOurEnvelopeSplitter) {
    Rig rig;
    const auto id = rig.fake().add_approved_template("room_update", "en", "New: {{1}}. Reply to read more.");
    const std::string paused = rig.fake().set_template_status("room_update", "en", "PAUSED", "LOW_QUALITY");
    EXPECT_EQ(field_and_event(paused), (std::pair<std::string, std::string>{"message_template_status_update", "PAUSED"}));
    const Json j = Json::parse(paused);
    EXPECT_EQ(j["entry"][0]["id"], rig.fake().options().waba_id);
    EXPECT_TRUE(j["entry"][0]["time"].is_number_integer());
    const Json& value = j["entry"][0]["changes"][0]["value"];
    EXPECT_EQ(std::to_string(value["message_template_id"].get<std::int64_t>()), id);
    EXPECT_EQ(value["message_template_name"], "room_update");
    EXPECT_EQ(value["message_template_language"], "en");
    EXPECT_EQ(value["reason"], "LOW_QUALITY");

    EXPECT_EQ(field_and_event(rig.fake().account_update_webhook("ACCOUNT_RESTRICTION")),
              (std::pair<std::string, std::string>{"account_update", "ACCOUNT_RESTRICTION"}));
    const std::string capability = rig.fake().business_capability_webhook(2000);
    EXPECT_EQ(field_and_event(capability).first, "business_capability_update");
    EXPECT_EQ(Json::parse(capability)["entry"][0]["changes"][0]["value"]["max_daily_conversations_per_business"], 2000);
}

// --- 5. media ---

TEST(FakeGraphMedia, SendsAnUploadedIdButNotAnInboundOrUnknownOneWith131053) {
    Rig rig;
    rig.open_window();
    const auto up = rig.upload("jpeg-bytes", "image/jpeg");
    ASSERT_EQ(up.status, 200) << up.body;
    const std::string uploaded = Json::parse(up.body)["id"];
    EXPECT_EQ(rig.send(message("image", Json{{"id", uploaded}, {"caption", "ore"}})).status, 200);

    const std::string inbound = rig.fake().add_inbound_media("member-photo", "image/jpeg");
    EXPECT_EQ(code_of(rig.send(message("image", Json{{"id", inbound}}))), 131053);
    EXPECT_EQ(code_of(rig.send(message("image", Json{{"id", "999"}}))), 131053);

    // The inbound id still resolves and downloads, with the bearer token.
    const auto info = rig.request("GET", "/" + inbound);
    ASSERT_EQ(info.status, 200);
    const Json meta = Json::parse(info.body);
    EXPECT_EQ(meta["mime_type"], "image/jpeg");
    EXPECT_EQ(meta["file_size"], 12);
    const std::string url = meta["url"];
    const auto file = testing::http_request(rig.fake().port(), "GET", url.substr(url.find("/media-download")), {},
                                            {{"Authorization", "Bearer " + rig.fake().options().access_token}});
    EXPECT_EQ(file.body, "member-photo");
}

TEST(FakeGraphMedia, AnUploadedIdLasts30DaysAndAMembersFile7Days) {
    Rig rig;
    const auto up = rig.upload("jpeg-bytes", "image/jpeg");
    ASSERT_EQ(up.status, 200) << up.body;
    const std::string uploaded = Json::parse(up.body)["id"];
    const std::string inbound = rig.fake().add_inbound_media("member-photo", "image/jpeg");
    rig.clock.advance(std::chrono::hours(7 * 24) - std::chrono::seconds(1));
    EXPECT_EQ(rig.request("GET", "/" + inbound).status, 200);
    rig.clock.advance(std::chrono::seconds(1));
    EXPECT_EQ(code_of(rig.request("GET", "/" + inbound)), 100) << "a member's file is gone after 7 days";
    rig.clock.advance(std::chrono::hours(23 * 24) - std::chrono::seconds(1));
    rig.open_window();
    EXPECT_EQ(rig.send(message("image", Json{{"id", uploaded}})).status, 200);
    rig.clock.advance(std::chrono::seconds(1));
    rig.open_window();
    EXPECT_EQ(code_of(rig.send(message("image", Json{{"id", uploaded}}))), 131053) << "30 days after the upload";
}

TEST(FakeGraphMedia, UploadRefusesAnUnsupportedTypeWith100AndAnOversizedFileWith131053) {
    Rig rig;
    EXPECT_EQ(code_of(rig.upload("BEGIN:VCALENDAR", "text/calendar")), 100);
    EXPECT_EQ(code_of(rig.upload("gif", "image/gif")), 100);
    EXPECT_EQ(code_of(rig.upload(std::string(5 * 1024 * 1024 + 1, 'x'), "image/png")), 131053);
    EXPECT_EQ(rig.upload(std::string(5 * 1024 * 1024, 'x'), "image/png").status, 200);
    EXPECT_EQ(rig.upload("voice", "audio/ogg; codecs=opus").status, 200);
    EXPECT_EQ(rig.fake().stats().refused, 3U);
}

TEST(FakeGraphMedia, LinksMustBeHttpsAndCalendarsAreNotDocuments) {
    Rig rig;
    rig.open_window();
    EXPECT_EQ(code_of(rig.send(message("image", Json{{"link", "http://example.org/a.jpg"}}))), 131053);
    EXPECT_EQ(rig.send(message("image", Json{{"link", "https://example.org/a.jpg"}})).status, 200);
    EXPECT_EQ(code_of(rig.send(message("document", Json{{"link", "https://example.org/f"}, {"filename", "forum.ics"}}))),
              131053);
    EXPECT_EQ(code_of(rig.send(message("document", Json{{"link", "https://example.org/forum.ics?v=2"}}))), 131053);
    EXPECT_EQ(code_of(rig.send(message("document", Json{{"link", "https://example.org/f"},
                                                         {"mime_type", "text/calendar"}}))),
              131053);
    EXPECT_EQ(rig.send(message("document", Json{{"link", "https://example.org/f.pdf"}, {"filename", "f.pdf"}})).status,
              200);
}

// --- 6. message limits ---

TEST(FakeGraphLimits, TextBodyIsAtMost4096CodePoints) {
    Rig rig;
    rig.open_window();
    EXPECT_EQ(rig.send(text(repeat("é", 4096))).status, 200);
    const auto r = rig.send(text(repeat("é", 4097)));
    EXPECT_EQ(code_of(r), 131009);
    EXPECT_EQ(r.status, 400);
}

TEST(FakeGraphLimits, ReplyButtonsOneToThreeUniqueTitlesUpTo20) {
    Rig rig;
    rig.open_window();
    EXPECT_EQ(rig.send(buttons({"One", "Two", repeat("t", 20)})).status, 200);
    EXPECT_EQ(code_of(rig.send(buttons({"1", "2", "3", "4"}))), 131009);
    EXPECT_EQ(code_of(rig.send(buttons({repeat("t", 21)}))), 131009);
    EXPECT_EQ(code_of(rig.send(buttons({"Same", "Same"}))), 131009);
    EXPECT_EQ(code_of(rig.send(buttons({"Ok"}, repeat("b", 1025)))), 131009);
}

TEST(FakeGraphLimits, ListsTenRowsInTotalTitledSectionsAndShortRowTitles) {
    Rig rig;
    rig.open_window();
    EXPECT_EQ(rig.send(list({Json{{"title", "A"}, {"rows", rows(5)}}, Json{{"title", "B"}, {"rows", rows(5)}}},
                            repeat("b", 4096)))
                  .status,
              200);
    EXPECT_EQ(code_of(rig.send(list({Json{{"title", "A"}, {"rows", rows(6)}}, Json{{"title", "B"}, {"rows", rows(5)}}}))),
              131009);
    EXPECT_EQ(code_of(rig.send(list({Json{{"rows", rows(1)}}, Json{{"title", "B"}, {"rows", rows(1)}}}))), 131009);
    EXPECT_EQ(code_of(rig.send(list({Json{{"title", "A"}, {"rows", rows(1, repeat("r", 25))}}}))), 131009);
    EXPECT_EQ(code_of(rig.send(list({Json{{"title", "A"}, {"rows", rows(1)}}}, repeat("b", 4097)))), 131009);
}

TEST(FakeGraphLimits, CaptionIsAtMost1024) {
    Rig rig;
    rig.open_window();
    EXPECT_EQ(rig.send(message("image", Json{{"link", "https://x.org/a.png"}, {"caption", repeat("c", 1024)}})).status,
              200);
    EXPECT_EQ(code_of(rig.send(message("image", Json{{"link", "https://x.org/a.png"}, {"caption", repeat("c", 1025)}}))),
              131009);
}

// --- 7. the messaging limit ---

TEST(FakeGraphMessagingLimit, CountsUniqueRecipientsReachedOutsideTheWindowPerMoving24h) {
    FakeGraphOptions o;
    o.messaging_limit = 2;
    Rig rig(o);
    rig.fake().add_approved_template("one", "en", "Update: {{1}}. Reply to read more.");
    EXPECT_EQ(rig.send(tmpl("one", "en", {"a"}, "+15550000001")).status, 200);
    EXPECT_EQ(rig.send(tmpl("one", "en", {"a"}, "+15550000002")).status, 200);
    EXPECT_EQ(rig.send(tmpl("one", "en", {"b"}, "+15550000001")).status, 200);  // already counted
    EXPECT_EQ(code_of(rig.send(tmpl("one", "en", {"a"}, "+15550000003"))), 131048);
    rig.open_window("+15550000004");  // inside a window a template does not count
    EXPECT_EQ(rig.send(tmpl("one", "en", {"a"}, "+15550000004")).status, 200);
    EXPECT_EQ(rig.fake().stats().messaging_limited, 1U);
    rig.clock.advance(24h);
    EXPECT_EQ(rig.send(tmpl("one", "en", {"a"}, "+15550000003")).status, 200);
    rig.fake().set_messaging_limit(0);
    EXPECT_EQ(rig.send(tmpl("one", "en", {"a"}, "+15550000005")).status, 200);
}

}  // namespace
}  // namespace delvex::whatsapp
