#include "bot/whatsapp/fake_graph.hpp"
#include "bot/whatsapp/graph_client.hpp"
#include "tests/unit/whatsapp/graph_test_support.hpp"

#include <boost/asio/io_context.hpp>
#include <gtest/gtest.h>

namespace delvex::whatsapp {
namespace {

namespace asio = boost::asio;
using delvex::test::run_until_done;
using namespace std::chrono_literals;

core::OutgoingMessage text_to(std::string phone) {
    return core::OutgoingMessage{core::Recipient::phone(std::move(phone)), {}, core::OutgoingText{"hi", false}, {}};
}

// Meta refuses free-form messages outside the 24 h window: these members have just written to us.
void members_wrote(FakeGraph& fake, const std::vector<std::string>& phones) {
    for (const auto& phone : phones) fake.note_inbound(phone, std::chrono::system_clock::now());
}

GraphConfig config_for(const FakeGraph& fake) {
    GraphConfig c;
    c.base_url = fake.base_url();
    c.phone_number_id = fake.options().phone_number_id;
    c.access_token = core::Secret(fake.options().access_token);
    c.timeout = 2s;
    return c;
}

// Sends `n` messages one after another and returns each outcome's class ("ok" for success).
asio::awaitable<std::vector<std::string>> send_all(GraphClient* client, std::vector<std::string> phones) {
    std::vector<std::string> classes;
    for (auto& phone : phones) {
        const auto out = co_await client->send(text_to(phone));
        classes.emplace_back(out.ok() ? "ok" : std::string(to_string(classify(out))));
    }
    co_return classes;
}

TEST(FakeGraph, BindsAnEphemeralLoopbackPort) {
    asio::io_context ioc;
    FakeGraph fake(ioc.get_executor());
    fake.start();
    EXPECT_NE(fake.port(), 0);
    EXPECT_EQ(fake.base_url(), "http://127.0.0.1:" + std::to_string(fake.port()));
}

TEST(FakeGraph, AnswersLikeMetaWithInputAndWaId) {
    asio::io_context ioc;
    FakeGraph fake(ioc.get_executor());
    fake.start();
    GraphClient client(ioc.get_executor(), config_for(fake));
    std::vector<std::string> seen;
    fake.on_message([&](const RecordedMessage& m) { seen.push_back(m.wamid); });
    members_wrote(fake, {"15550001111"});
    auto out = run_until_done(ioc, client.send(text_to("15550001111")));
    ASSERT_TRUE(out && out->ok());
    EXPECT_EQ(out->wa_id, "15550001111");
    ASSERT_EQ(seen.size(), 1U);
    EXPECT_EQ(seen[0], out->wamid);
}

TEST(FakeGraph, ThrottlesWith130429AboveTheThroughputCap) {
    asio::io_context ioc;
    FakeGraphOptions o;
    o.max_messages_per_second = 5;  // a 1-second bucket: 5 at once, then one every 200 ms
    FakeGraph fake(ioc.get_executor(), o);
    fake.start();
    GraphClient client(ioc.get_executor(), config_for(fake));
    std::vector<std::string> phones;
    for (int i = 0; i < 20; ++i) phones.push_back("1555000" + std::to_string(1000 + i));
    members_wrote(fake, phones);
    auto classes = run_until_done(ioc, send_all(&client, phones));
    ASSERT_TRUE(classes);
    const auto ok = std::count(classes->begin(), classes->end(), "ok");
    const auto throttled = std::count(classes->begin(), classes->end(), "throttle");
    EXPECT_GE(ok, 5);
    EXPECT_LE(ok, 8);  // a slow machine may refill a token or two while sending
    EXPECT_EQ(ok + throttled, 20);
    EXPECT_EQ(fake.stats().throttled, static_cast<std::uint64_t>(throttled));
    EXPECT_EQ(fake.messages().size(), static_cast<std::size_t>(ok));
}

TEST(FakeGraph, EnforcesThePairLimitPerRecipientWith131056) {
    asio::io_context ioc;
    FakeGraphOptions o;
    o.pair_burst = 2;
    o.pair_interval = std::chrono::hours(1);  // no refill during the test
    FakeGraph fake(ioc.get_executor(), o);
    fake.start();
    GraphClient client(ioc.get_executor(), config_for(fake));
    members_wrote(fake, {"15550001", "15550002"});
    auto classes = run_until_done(ioc, send_all(&client, {"15550001", "15550001", "15550001", "15550002"}));
    ASSERT_TRUE(classes);
    EXPECT_EQ(*classes, (std::vector<std::string>{"ok", "ok", "throttle", "ok"}));
    EXPECT_EQ(fake.stats().pair_limited, 1U);
}

TEST(FakeGraph, InjectsTheSameFaultsForTheSameSeed) {
    auto run = [](std::uint64_t seed) {
        asio::io_context ioc;
        FakeGraphOptions o;
        o.seed = seed;
        o.percent_server_error = 20;
        o.percent_window_closed = 10;
        o.percent_throttle = 10;
        FakeGraph fake(ioc.get_executor(), o);
        fake.start();
        GraphClient client(ioc.get_executor(), config_for(fake));
        members_wrote(fake, {"15550009999"});
        std::vector<std::string> phones(60, "15550009999");
        return run_until_done(ioc, send_all(&client, phones)).value_or(std::vector<std::string>{});
    };
    const auto a = run(7);
    const auto b = run(7);
    const auto c = run(8);
    ASSERT_EQ(a.size(), 60U);
    EXPECT_EQ(a, b);
    EXPECT_NE(a, c);
    const auto ok = std::count(a.begin(), a.end(), "ok");
    EXPECT_GT(ok, 20);
    EXPECT_LT(ok, 58);
    EXPECT_GT(std::count(a.begin(), a.end(), "retryable"), 0);
}

TEST(FakeGraph, AnswersTheNextNRequestsWithTheScriptedFault) {
    asio::io_context ioc;
    FakeGraph fake(ioc.get_executor());
    fake.start();
    GraphClient client(ioc.get_executor(), config_for(fake));
    members_wrote(fake, {"1555"});
    fake.fail_next(FakeFault::kPairLimit, 2);
    fake.fail_next(FakeFault::kWindowClosed);
    auto classes = run_until_done(ioc, send_all(&client, {"1555", "1555", "1555", "1555"}));
    ASSERT_TRUE(classes);
    EXPECT_EQ(*classes, (std::vector<std::string>{"throttle", "throttle", "window_closed", "ok"}));
    EXPECT_EQ(fake.stats().faults, 3U);
}

TEST(FakeGraph, AnswersSlowRequestsLateButAcceptsThem) {
    asio::io_context ioc;
    FakeGraphOptions o;
    o.slow_delay = 150ms;
    FakeGraph fake(ioc.get_executor(), o);
    fake.start();
    GraphClient client(ioc.get_executor(), config_for(fake));
    members_wrote(fake, {"1555"});
    fake.fail_next(FakeFault::kSlow);
    auto out = run_until_done(ioc, client.send(text_to("1555")));
    ASSERT_TRUE(out && out->ok());
    EXPECT_GE(out->elapsed, 140ms);
    EXPECT_EQ(fake.messages().size(), 1U);
}

TEST(FakeGraph, RejectsAnUnknownPhoneNumberId) {
    asio::io_context ioc;
    FakeGraph fake(ioc.get_executor());
    fake.start();
    GraphConfig c = config_for(fake);
    c.phone_number_id = "000";
    GraphClient client(ioc.get_executor(), c);
    auto out = run_until_done(ioc, client.send(text_to("1555")));
    ASSERT_TRUE(out && out->error);
    EXPECT_EQ(out->error->code, 100);
    EXPECT_EQ(out->error->subcode, 33);
}

TEST(FakeGraph, RejectsAWrongApiVersion) {
    asio::io_context ioc;
    FakeGraph fake(ioc.get_executor());
    fake.start();
    GraphConfig c = config_for(fake);
    c.api_version = "v19.0";
    GraphClient client(ioc.get_executor(), c);
    auto out = run_until_done(ioc, client.send(text_to("1555")));
    ASSERT_TRUE(out && out->error);
    EXPECT_EQ(out->error->code, 100);
    EXPECT_TRUE(fake.messages().empty());
}

}  // namespace
}  // namespace delvex::whatsapp
