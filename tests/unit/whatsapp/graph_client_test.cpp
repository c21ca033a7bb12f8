#include "bot/whatsapp/fake_graph.hpp"
#include "bot/whatsapp/graph_client.hpp"
#include "bot/whatsapp/wire/outbound.hpp"
#include "tests/unit/whatsapp/graph_test_support.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <map>
#include <sstream>

namespace delvex::whatsapp {
namespace {

namespace asio = boost::asio;
using delvex::test::run_until_done;
using namespace std::chrono_literals;

constexpr const char* kPhone = "254711223344";

GraphConfig config_for(const FakeGraph& fake) {
    GraphConfig c;
    c.base_url = fake.base_url();
    c.api_version = fake.options().api_version;
    c.phone_number_id = fake.options().phone_number_id;
    c.access_token = core::Secret(fake.options().access_token);
    c.timeout = 2s;
    return c;
}

core::OutgoingMessage text_to(std::string phone, std::string body) {
    return core::OutgoingMessage{core::Recipient::phone(std::move(phone)), {}, core::OutgoingText{std::move(body), false},
                                 {}};
}

struct Loopback {
    asio::io_context ioc;
    FakeGraph fake;
    GraphClient client;

    explicit Loopback(FakeGraphOptions options = {}, std::function<void(GraphConfig&)> tweak = {})
        : fake(ioc.get_executor(), std::move(options)), client(ioc.get_executor(), make_config(tweak)) {
        // The member wrote to us just now: free-form messages are inside Meta's 24 h window.
        member_wrote(kPhone);
    }

    void member_wrote(const std::string& who) { fake.note_inbound(who, std::chrono::system_clock::now()); }

    GraphConfig make_config(const std::function<void(GraphConfig&)>& tweak) {
        fake.start();
        GraphConfig c = config_for(fake);
        if (tweak) tweak(c);
        return c;
    }

    SendOutcome send(core::OutgoingMessage m) {
        auto out = run_until_done(ioc, client.send(std::move(m)));
        EXPECT_TRUE(out.has_value());
        return out.value_or(SendOutcome{});
    }
};

TEST(GraphClient, SendsEveryKindAndTheFakeRecordsIt) {
    Loopback t;
    t.member_wrote("US.13491208655302741918");
    // Meta sends only media it issued to us and templates approved in that language.
    const std::map<core::MediaKind, std::string> uploaded = {
        {core::MediaKind::kImage, t.fake.add_media("jpeg", "image/jpeg")},
        {core::MediaKind::kAudio, t.fake.add_media("ogg", "audio/ogg")},
        {core::MediaKind::kVideo, t.fake.add_media("mp4", "video/mp4")},
        {core::MediaKind::kDocument, t.fake.add_media("pdf", "application/pdf")},
        {core::MediaKind::kSticker, t.fake.add_media("webp", "image/webp")}};
    t.fake.add_approved_template("forum_reminder", "en_US", "Reminder: the {{1}} forum starts at {{2}} today.", {"Go"});
    t.fake.add_approved_template("forum_named", "sw", "Karibu kwenye {{room}} leo.");
    std::vector<core::OutgoingMessage> all;
    all.push_back(text_to(kPhone, "Karibu"));
    core::ReplyButtons buttons;
    buttons.header = {core::InteractiveHeader::Kind::kText, "Forum", {}};
    buttons.body = "Coming?";
    buttons.buttons = {{"yes", "Yes"}, {"no", "No"}};
    all.push_back({core::Recipient::phone(kPhone), {}, buttons, {}});
    core::ListMessage list;
    list.body = "Pick a module";
    list.button = "Modules";
    list.sections = {{"", {{"m1", "Safety", ""}, {"m2", "Money", "Fair prices"}}}};
    all.push_back({core::Recipient::phone(kPhone), {}, list, {}});
    for (auto kind : {core::MediaKind::kImage, core::MediaKind::kAudio, core::MediaKind::kVideo,
                      core::MediaKind::kDocument, core::MediaKind::kSticker}) {
        core::OutgoingMedia media{kind, core::MediaSource::by_id(uploaded.at(kind)), {}, {}};
        if (kind == core::MediaKind::kDocument) media.filename = "l.pdf";
        all.push_back({core::Recipient::phone(kPhone), {}, media, {}});
    }
    all.push_back({core::Recipient::phone(kPhone), {}, core::OutgoingLocation{-2.5, 32.9, "Geita", ""}, {}});
    all.push_back({core::Recipient::phone(kPhone), {}, core::OutgoingReaction{"wamid.IN", "\xF0\x9F\x91\x8D"}, {}});
    all.push_back({core::Recipient::phone(kPhone), {},
                   core::OutgoingTemplate{"forum_reminder", "en_US", {{"", "Geita"}, {"", "18:00"}}, {}, false, {"GO"}},
                   {}});
    all.push_back({core::Recipient::phone(kPhone), {},
                   core::OutgoingTemplate{"forum_named", "sw", {{"room", "Geita"}}, {}, false, {}}, {}});
    auto reply = text_to(kPhone, "quoted");
    reply.context_message_id = "wamid.Q";
    all.push_back(reply);
    all.push_back({core::Recipient::bsuid("US.13491208655302741918"), {}, core::OutgoingText{"by bsuid", false}, {}});

    std::vector<std::string> wamids;
    for (const auto& m : all) {
        const auto out = t.send(m);
        ASSERT_TRUE(out.ok()) << (out.error ? out.error->message + " " + out.error->details : out.transport_error.message());
        EXPECT_EQ(out.wamid.rfind("wamid.", 0), 0U);
        wamids.push_back(out.wamid);
    }
    const auto recorded = t.fake.messages();
    ASSERT_EQ(recorded.size(), all.size());
    for (std::size_t i = 0; i < recorded.size(); ++i) {
        EXPECT_EQ(recorded[i].wamid, wamids[i]);
        EXPECT_EQ(recorded[i].raw_json, wire::to_graph_json(all[i]).json);
    }
    EXPECT_EQ(recorded[0].type, "text");
    EXPECT_EQ(recorded[0].text, "Karibu");
    EXPECT_EQ(recorded[0].recipient, std::string("+") + kPhone);
    EXPECT_EQ(recorded[1].type, "interactive");
    EXPECT_EQ(recorded[1].title, "Forum");
    EXPECT_EQ(recorded[1].options, (std::vector<std::string>{"Yes", "No"}));
    EXPECT_EQ(recorded[2].options, (std::vector<std::string>{"Safety", "Money"}));
    EXPECT_EQ(recorded[3].type, "image");
    EXPECT_EQ(recorded[4].type, "audio");
    EXPECT_EQ(recorded[5].type, "video");
    EXPECT_EQ(recorded[6].type, "document");
    EXPECT_EQ(recorded[7].type, "sticker");
    EXPECT_EQ(recorded[8].type, "location");
    EXPECT_EQ(recorded[9].type, "reaction");
    EXPECT_EQ(recorded[10].type, "template");
    EXPECT_EQ(recorded[10].text, "forum_reminder");
    EXPECT_EQ(recorded[10].options, (std::vector<std::string>{"Geita", "18:00"}));
    EXPECT_EQ(recorded[11].type, "template");
    EXPECT_EQ(recorded[12].context_message_id, "wamid.Q");
    EXPECT_TRUE(recorded[13].by_bsuid);
    EXPECT_EQ(recorded[13].recipient, "US.13491208655302741918");
}

TEST(GraphClient, AnswersValidationErrorWithoutARequestWhenALimitIsBroken) {
    Loopback t;
    const auto out = t.send(text_to(kPhone, std::string(4097, 'x')));
    ASSERT_TRUE(out.error);
    EXPECT_EQ(out.error->http_status, 0);
    EXPECT_EQ(out.error->code, 100);
    EXPECT_NE(out.error->message.find("text.body"), std::string::npos);
    EXPECT_EQ(classify(out), ErrorClass::kPermanent);
    EXPECT_EQ(t.client.stats().requests, 0U);
    EXPECT_EQ(t.fake.stats().requests, 0U);
}

TEST(GraphClient, ReportsThrottleWithRetryAfterWhenFakeAnswers130429) {
    FakeGraphOptions o;
    o.retry_after_seconds = 7;
    Loopback t(o);
    t.fake.fail_next(FakeFault::kThrottle);
    const auto out = t.send(text_to(kPhone, "x"));
    ASSERT_TRUE(out.error);
    EXPECT_EQ(out.error->http_status, 429);
    EXPECT_EQ(out.error->code, 130429);
    ASSERT_TRUE(out.error->retry_after);
    EXPECT_EQ(*out.error->retry_after, 7s);
    EXPECT_EQ(classify(out), ErrorClass::kThrottle);
    EXPECT_TRUE(t.fake.messages().empty());
}

TEST(GraphClient, ReportsRetryableWhenFakeAnswers5xx) {
    Loopback t;
    t.fake.fail_next(FakeFault::kServerError);
    const auto out = t.send(text_to(kPhone, "x"));
    ASSERT_TRUE(out.error);
    EXPECT_EQ(out.error->http_status, 500);
    EXPECT_EQ(classify(out), ErrorClass::kRetryable);
    // The connection stays usable after an error answer.
    EXPECT_TRUE(t.send(text_to(kPhone, "y")).ok());
    EXPECT_EQ(t.client.stats().connections_opened, 1U);
}

TEST(GraphClient, TimesOutAsRetryableWhenFakeNeverAnswers) {
    Loopback t({}, [](GraphConfig& c) { c.timeout = 300ms; });
    t.fake.fail_next(FakeFault::kTimeout);
    const auto start = std::chrono::steady_clock::now();
    const auto out = t.send(text_to(kPhone, "x"));
    EXPECT_FALSE(out.error);
    EXPECT_TRUE(out.transport_error);
    EXPECT_EQ(classify(out), ErrorClass::kRetryable);
    EXPECT_GE(std::chrono::steady_clock::now() - start, 250ms);
    // The timed-out connection is dropped; the next send opens a new one and succeeds.
    EXPECT_TRUE(t.send(text_to(kPhone, "y")).ok());
    EXPECT_EQ(t.client.stats().connections_opened, 2U);
}

TEST(GraphClient, ReportsWindowClosedWhenFakeAnswers131047) {
    Loopback t;
    t.fake.fail_next(FakeFault::kWindowClosed);
    const auto out = t.send(text_to(kPhone, "x"));
    ASSERT_TRUE(out.error);
    EXPECT_EQ(out.error->code, 131047);
    EXPECT_FALSE(out.error->details.empty());
    EXPECT_EQ(classify(out), ErrorClass::kWindowClosed);
}

TEST(GraphClient, ReportsHaltWhenTokenExpired) {
    Loopback t;
    t.fake.fail_next(FakeFault::kTokenExpired);
    const auto out = t.send(text_to(kPhone, "x"));
    ASSERT_TRUE(out.error);
    EXPECT_EQ(out.error->http_status, 401);
    EXPECT_EQ(out.error->code, 190);
    EXPECT_EQ(out.error->subcode, 463);
    EXPECT_FALSE(out.error->fbtrace_id.empty());
    EXPECT_EQ(classify(out), ErrorClass::kHalt);
}

TEST(GraphClient, ReportsHaltWhenTokenIsWrong) {
    Loopback t({}, [](GraphConfig& c) { c.access_token = core::Secret("wrong"); });
    const auto out = t.send(text_to(kPhone, "x"));
    ASSERT_TRUE(out.error);
    EXPECT_EQ(out.error->code, 190);
    EXPECT_EQ(classify(out), ErrorClass::kHalt);
}

TEST(GraphClient, ReportsPermanentWhenBodyIsMalformed) {
    Loopback t;
    auto out = run_until_done(t.ioc, t.client.send_message(R"({"messaging_product":"whatsapp","type":"text"})"));
    ASSERT_TRUE(out && out->error);
    EXPECT_EQ(out->error->http_status, 400);
    EXPECT_EQ(out->error->code, 100);
    EXPECT_EQ(classify(*out), ErrorClass::kPermanent);
}

TEST(GraphClient, ReusesOneKeepAliveConnectionForSequentialSends) {
    Loopback t;
    for (int i = 0; i < 20; ++i) {
        ASSERT_TRUE(t.send(text_to(kPhone, "n" + std::to_string(i))).ok());
    }
    EXPECT_EQ(t.client.stats().requests, 20U);
    EXPECT_EQ(t.client.stats().connections_opened, 1U);
    EXPECT_EQ(t.fake.stats().connections, 1U);
}

// Sends n texts at once and returns how many succeeded. (A named coroutine: GCC 12 miscompiles the
// allocation of coroutine lambdas, -Wmismatched-new-delete.)
asio::awaitable<int> send_concurrently(GraphClient* client, int n) {
    auto ex = co_await asio::this_coro::executor;
    std::vector<std::shared_ptr<std::optional<SendOutcome>>> results;
    auto remaining = std::make_shared<int>(n);
    auto done = std::make_shared<asio::steady_timer>(ex, std::chrono::steady_clock::time_point::max());
    for (int i = 0; i < n; ++i) {
        auto slot = std::make_shared<std::optional<SendOutcome>>();
        results.push_back(slot);
        asio::co_spawn(ex, client->send(text_to("2547000000" + std::to_string(10 + i), "hi")),
                       [slot, remaining, done](std::exception_ptr, SendOutcome o) {
                           *slot = std::move(o);
                           if (--*remaining == 0) done->cancel();
                       });
    }
    co_await done->async_wait(asio::as_tuple(asio::use_awaitable));
    int ok = 0;
    for (auto& r : results) ok += (*r && (*r)->ok()) ? 1 : 0;
    co_return ok;
}

TEST(GraphClient, CapsConcurrentConnectionsAtMaxConnections) {
    Loopback t({}, [](GraphConfig& c) { c.max_connections = 3; });
    for (int i = 0; i < 30; ++i) t.member_wrote("2547000000" + std::to_string(10 + i));
    const auto ok = run_until_done(t.ioc, send_concurrently(&t.client, 30));
    ASSERT_TRUE(ok);
    EXPECT_EQ(*ok, 30);
    EXPECT_LE(t.client.stats().connections_opened, 3U);
    EXPECT_GE(t.client.stats().connections_opened, 2U);
    EXPECT_EQ(t.fake.messages().size(), 30U);
}

TEST(GraphClient, ReconnectsWhenServerClosedAnIdleConnection) {
    Loopback t;
    ASSERT_TRUE(t.send(text_to(kPhone, "one")).ok());
    t.fake.close_connections();
    const auto out = t.send(text_to(kPhone, "two"));
    EXPECT_TRUE(out.ok()) << out.transport_error.message();
    EXPECT_EQ(t.client.stats().connections_opened, 2U);
    EXPECT_EQ(t.fake.messages().size(), 2U);
}

TEST(GraphClient, SendsAppsecretProofWhenEnabled) {
    FakeGraphOptions o;
    o.app_secret = "app-secret-value";
    Loopback with(o, [](GraphConfig& c) {
        c.app_secret = core::Secret("app-secret-value");
        c.appsecret_proof = true;
    });
    EXPECT_TRUE(with.send(text_to(kPhone, "x")).ok());
    Loopback without(o);
    const auto out = without.send(text_to(kPhone, "x"));
    ASSERT_TRUE(out.error);
    EXPECT_EQ(out.error->code, 100);
    EXPECT_EQ(appsecret_proof(core::Secret("key"), core::Secret("The quick brown fox jumps over the lazy dog")),
              "f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8");
}

TEST(GraphClient, MarksAsReadWithTypingIndicator) {
    Loopback t;
    auto out = run_until_done(t.ioc, t.client.mark_as_read("wamid.IN1", true));
    ASSERT_TRUE(out);
    EXPECT_TRUE(out->ok());
    out = run_until_done(t.ioc, t.client.mark_as_read("wamid.IN2", false));
    ASSERT_TRUE(out && out->ok());
    const auto reads = t.fake.reads();
    ASSERT_EQ(reads.size(), 2U);
    EXPECT_EQ(reads[0].message_id, "wamid.IN1");
    EXPECT_TRUE(reads[0].typing);
    EXPECT_FALSE(reads[1].typing);
}

TEST(GraphClient, UploadsResolvesAndDownloadsMedia) {
    Loopback t;
    std::string bytes = "%PDF-1.4 fake";
    bytes.push_back('\0');
    bytes += "\r\n--not-a-boundary\r\n";
    auto up = run_until_done(t.ioc, t.client.upload_media(bytes, "application/pdf", "lesson.pdf"));
    ASSERT_TRUE(up && up->ok());
    ASSERT_FALSE(up->media_id.empty());
    auto info = run_until_done(t.ioc, t.client.get_media(up->media_id));
    ASSERT_TRUE(info && info->ok());
    EXPECT_EQ(info->info.mime_type, "application/pdf");
    EXPECT_EQ(info->info.file_size, static_cast<std::int64_t>(bytes.size()));
    auto down = run_until_done(t.ioc, t.client.download_media(info->info.url, 1024));
    ASSERT_TRUE(down && down->ok()) << (down ? down->transport_error.message() : "");
    EXPECT_EQ(down->bytes, bytes);
    EXPECT_EQ(down->mime_type, "application/pdf");
}

TEST(GraphClient, RefusesADownloadLargerThanTheLimit) {
    Loopback t;
    const auto id = t.fake.add_media(std::string(5000, 'x'), "image/jpeg");
    auto info = run_until_done(t.ioc, t.client.get_media(id));
    ASSERT_TRUE(info && info->ok());
    auto down = run_until_done(t.ioc, t.client.download_media(info->info.url, 1000));
    ASSERT_TRUE(down);
    EXPECT_TRUE(down->transport_error);
    EXPECT_TRUE(down->bytes.empty());
}

TEST(GraphClient, ReportsUnknownMediaAsGraphError) {
    Loopback t;
    auto info = run_until_done(t.ioc, t.client.get_media("999"));
    ASSERT_TRUE(info && info->error);
    EXPECT_EQ(info->error->code, 100);
}

TEST(GraphClient, ReportsRetryableTransportErrorWhenNothingListens) {
    asio::io_context ioc;
    std::uint16_t port = 0;
    {
        FakeGraph gone(ioc.get_executor());
        gone.start();
        port = gone.port();
        gone.stop();
    }
    GraphConfig c;
    c.base_url = "http://127.0.0.1:" + std::to_string(port);
    c.phone_number_id = "1";
    c.access_token = core::Secret("t");
    GraphClient client(ioc.get_executor(), c);
    auto out = run_until_done(ioc, client.send(text_to(kPhone, "x")));
    ASSERT_TRUE(out);
    EXPECT_TRUE(out->transport_error);
    EXPECT_EQ(classify(*out), ErrorClass::kRetryable);
}

TEST(GraphClient, FailsTheTlsHandshakeAgainstAPlainHttpServer) {
    Loopback t;
    GraphConfig c = config_for(t.fake);
    c.base_url = "https://127.0.0.1:" + std::to_string(t.fake.port());
    GraphClient tls(t.ioc.get_executor(), c);
    auto out = run_until_done(t.ioc, tls.send(text_to(kPhone, "x")));
    ASSERT_TRUE(out);
    EXPECT_TRUE(out->transport_error);
    EXPECT_TRUE(t.fake.messages().empty());
}

TEST(GraphClient, NeverLogsTheTokenTheProofOrPhoneNumbers) {
    std::ostringstream captured;
    auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(captured);
    auto log = std::make_shared<spdlog::logger>("graph-test", sink);
    log->set_level(spdlog::level::trace);

    FakeGraphOptions o;
    o.access_token = "EAAG-super-secret-token-1234567890";
    o.app_secret = "app-secret-abcdef";
    asio::io_context ioc;
    FakeGraph fake(ioc.get_executor(), o);
    fake.start();
    GraphConfig c = config_for(fake);
    c.app_secret = core::Secret(o.app_secret);
    c.appsecret_proof = true;
    GraphClient client(ioc.get_executor(), c, log);
    fake.note_inbound(kPhone, std::chrono::system_clock::now());  // the member wrote: their window is open

    ASSERT_TRUE(run_until_done(ioc, client.send(text_to(kPhone, "hello")))->ok());
    fake.fail_next(FakeFault::kTokenExpired);
    EXPECT_TRUE(run_until_done(ioc, client.send(text_to(kPhone, "hello")))->error);
    fake.fail_next(FakeFault::kServerError);
    EXPECT_TRUE(run_until_done(ioc, client.send(text_to(kPhone, "hello")))->error);
    EXPECT_TRUE(run_until_done(ioc, client.mark_as_read("wamid.X", true))->ok());
    auto up = run_until_done(ioc, client.upload_media("bytes", "image/png", "a.png"));
    ASSERT_TRUE(up && up->ok());
    auto info = run_until_done(ioc, client.get_media(up->media_id));
    ASSERT_TRUE(info && info->ok());
    EXPECT_TRUE(run_until_done(ioc, client.download_media(info->info.url, 100))->ok());
    log->flush();

    const std::string text = captured.str();
    EXPECT_NE(text.find("graph send"), std::string::npos) << "the test must see some log lines";
    EXPECT_EQ(text.find(o.access_token), std::string::npos);
    EXPECT_EQ(text.find(o.app_secret), std::string::npos);
    EXPECT_EQ(text.find(appsecret_proof(c.app_secret, c.access_token)), std::string::npos);
    EXPECT_EQ(text.find(kPhone), std::string::npos);
}

}  // namespace
}  // namespace delvex::whatsapp
