// Fault soak: the fake Graph API answers 10 % 5xx, 5 % throttled (429 + Retry-After) and lets 2 % of the
// requests time out. Every message is delivered, none is lost, none fails; time is a FakeClock stepped by
// the test so that backoffs pass without sleeping.

#include <gtest/gtest.h>

#include <iostream>
#include <map>

#include "tests/integration/delivery_rig.hpp"

namespace delvex {
namespace {

using namespace std::chrono_literals;

TEST(DeliverySoak, EveryMessageIsDeliveredWhenTheFakeFailsTenPercentThrottlesFiveAndTimesOutTwo) {
    constexpr int kMembers = 600;
    constexpr int kPerMember = 3;  // one text, one buttons message, one text: all three must arrive
    whatsapp::FakeGraphOptions fake;
    fake.percent_server_error = 10;
    fake.percent_throttle = 5;
    fake.percent_timeout = 2;
    fake.seed = 20261127;
    delivery::DeliverySettings s;
    s.governor.rate_per_second = 1000;
    s.governor.inbound_share = 0;
    s.concurrency = 32;
    testing::DeliveryRig rig(fake, s, 250ms);
    auto member = [](int i) { return "2557" + std::to_string(10000000 + i); };
    for (int i = 0; i < kMembers; ++i) {
        rig.enqueue_text("soak:a", member(i), "first " + std::to_string(i));
        core::OutgoingMessage m;
        m.to = core::Recipient::phone(member(i));
        core::ReplyButtons b;
        b.body = "second " + std::to_string(i);
        b.buttons = {{"ok", "OK"}};
        m.body = b;
        rig.enqueue("soak:b", m);
        rig.enqueue_text("soak:c", member(i), "third " + std::to_string(i));
    }
    rig.start();
    // Step time by 1 s whenever the dispatcher has nothing in flight, until every row is sent.
    const auto deadline = std::chrono::steady_clock::now() + 240s;
    std::int64_t sent = 0;
    while (std::chrono::steady_clock::now() < deadline) {
        sent = rig.with_outbox([](store::OutboxRepository& r) { return r.count(store::OutboxStatus::kSent); });
        if (sent == kMembers * kPerMember) {
            break;
        }
        testing::eventually([&] { return rig.on_io([&] { return rig.dispatcher->in_flight(); }) == 0; }, 2s);
        rig.clock.advance(1s);
        rig.dispatcher->kick();
        testing::eventually([&] { return rig.on_io([&] { return rig.dispatcher->in_flight(); }) > 0; }, 20ms);
    }
    ASSERT_EQ(sent, kMembers * kPerMember);
    const auto counts = rig.with_outbox([](store::OutboxRepository& r) { return r.counts(); });
    EXPECT_EQ(counts.failed, 0);
    EXPECT_EQ(counts.queued, 0);

    // Every logical message reached the fake at least once, with its own content.
    std::map<std::string, int> seen;
    for (const auto& m : rig.graph.fake.messages()) {
        std::string text = m.text;
        for (std::size_t at = 0; (at = text.find("\n\n")) != std::string::npos;) {
            ++seen[m.recipient + "|" + text.substr(0, at)];
            text.erase(0, at + 2);
        }
        ++seen[m.recipient + "|" + text];
    }
    int missing = 0;
    int duplicates = 0;
    for (int i = 0; i < kMembers; ++i) {
        for (const char* word : {"first ", "second ", "third "}) {
            const auto key = "+" + member(i) + "|" + word + std::to_string(i);
            const int n = seen.count(key) != 0U ? seen[key] : 0;
            missing += n == 0 ? 1 : 0;
            duplicates += n > 1 ? n - 1 : 0;
        }
    }
    EXPECT_EQ(missing, 0);
    const auto stats = rig.stats();
    const auto fake_stats = rig.graph.fake.stats();
    EXPECT_GT(stats.retried, 0u);
    EXPECT_GT(stats.throttled, 0u);
    // A timed-out request may have been accepted by the fake before it went silent; only those can repeat.
    std::cout << "[ soak ] rows=" << kMembers * kPerMember << " requests=" << stats.requests
              << " accepted=" << fake_stats.accepted << " faults=" << fake_stats.faults
              << " retried=" << stats.retried << " throttled=" << stats.throttled
              << " coalesced=" << stats.coalesced << " duplicates=" << duplicates << '\n';
    RecordProperty("duplicates", duplicates);
}

}  // namespace
}  // namespace delvex
