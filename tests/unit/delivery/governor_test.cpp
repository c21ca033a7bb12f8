#include "bot/delivery/governor.hpp"

#include <gtest/gtest.h>

namespace delvex::delivery {
namespace {

using namespace std::chrono_literals;

GovernorSettings at_rate(double rate, double inbound_share = 0) {
    GovernorSettings s;
    s.rate_per_second = rate;
    s.inbound_share = inbound_share;
    return s;
}

// Steps a FakeClock in 1 ms ticks for `span`, taking every token offered; returns how many were taken.
int drain(Governor& g, core::FakeClock& clock, std::chrono::milliseconds span) {
    int taken = 0;
    for (auto t = 0ms; t < span; t += 1ms) {
        while (g.take_number()) {
            ++taken;
        }
        clock.advance(1ms);
    }
    return taken;
}

TEST(Governor, KeepsTheNumberBudgetAtTheConfiguredRateOverAMinute) {
    core::FakeClock clock;
    Governor g(at_rate(80), clock);
    const int taken = drain(g, clock, 60s);
    // 80/s for 60 s plus the initial burst (0.1 s of rate, at least one token).
    EXPECT_GE(taken, 4800);
    EXPECT_LE(taken, 4800 + 8);
}

TEST(Governor, KeepsAShareOfTheRateForInboundTraffic) {
    core::FakeClock clock;
    Governor g(at_rate(1000, 0.2), clock);
    EXPECT_DOUBLE_EQ(g.outbound_rate(), 800);
    const int taken = drain(g, clock, 10s);
    EXPECT_NEAR(taken, 8000 + 80, 5);  // 800/s for 10 s plus a 0.1 s burst
}

TEST(Governor, HasNoBudgetLimitWhenTheRateIsZero) {
    core::FakeClock clock;
    Governor g(at_rate(0), clock);
    for (int i = 0; i < 100000; ++i) {
        ASSERT_TRUE(g.take_number());
    }
}

TEST(Governor, PausesTheWholeNumberWhenThrottled) {
    core::FakeClock clock;
    Governor g(at_rate(80), clock);
    g.pause_number(clock.now() + 2s);
    EXPECT_FALSE(g.take_number());
    EXPECT_EQ(g.number_ready_at(), clock.now() + 2s);
    clock.advance(1999ms);
    EXPECT_FALSE(g.take_number());
    clock.advance(1ms);
    EXPECT_TRUE(g.take_number());
}

TEST(Governor, PacesOneRecipientAfterASmallBurst) {
    core::FakeClock clock;
    GovernorSettings s;
    s.recipient_burst = 3;
    s.recipient_interval = 6s;
    Governor g(s, clock);
    const std::string r = "254700000001";
    for (int i = 0; i < 3; ++i) {
        ASSERT_TRUE(g.recipient_ready(r));
        g.take_recipient(r);
    }
    EXPECT_FALSE(g.recipient_ready(r));
    EXPECT_EQ(g.recipient_ready_at(r), clock.now() + 6s);
    EXPECT_TRUE(g.recipient_ready("254700000002")) << "pacing is per recipient";
    // Sustained: one per 6 s.
    int sent = 0;
    for (int step = 0; step < 600; ++step) {
        clock.advance(100ms);
        if (g.recipient_ready(r)) {
            g.take_recipient(r);
            ++sent;
        }
    }
    EXPECT_EQ(sent, 10);  // 60 s
}

TEST(Governor, BacksOffFourToTheXWhenThePairLimitIsHitAgainAndAgain) {
    core::FakeClock clock;
    Governor g(GovernorSettings{}, clock);
    const std::string r = "254700000001";
    EXPECT_EQ(g.pair_limited(r), 1s);
    EXPECT_FALSE(g.recipient_ready(r));
    clock.advance(1s);
    EXPECT_TRUE(g.recipient_ready(r));
    EXPECT_EQ(g.pair_limited(r), 4s);
    EXPECT_EQ(g.pair_limited(r), 16s);
    g.recipient_ok(r);
    EXPECT_EQ(g.pair_limited(r), 1s);
    EXPECT_EQ(pair_backoff(10), 256s);
}

TEST(Governor, ForgetsRecipientsWhoseBucketsAreFullAgain) {
    core::FakeClock clock;
    Governor g(GovernorSettings{}, clock);
    for (int i = 0; i < 1000; ++i) {
        g.take_recipient("2547" + std::to_string(i));
    }
    EXPECT_EQ(g.tracked_recipients(), 1000u);
    clock.advance(7s);
    g.prune();
    EXPECT_EQ(g.tracked_recipients(), 0u);
}

TEST(Window, IsOpenWithin24HoursLessTheMarginAndClosedAfter) {
    core::FakeClock clock;
    const auto now = core::to_unix(clock.now());
    EXPECT_EQ(window_state(now - 3600, clock.now()), Window::kOpen);
    EXPECT_EQ(window_state(now - (23 * 3600 + 29 * 60), clock.now()), Window::kOpen);
    EXPECT_EQ(window_state(now - (23 * 3600 + 30 * 60), clock.now()), Window::kClosed);
    EXPECT_EQ(window_state(now - 25 * 3600, clock.now()), Window::kClosed);
    EXPECT_EQ(window_state(0, clock.now()), Window::kUnknown);
    // The same answer as every feature gets from the one rule.
    EXPECT_TRUE(core::window_open(now - (23 * 3600 + 29 * 60), core::to_unix_ms(clock.now())));
    EXPECT_FALSE(core::window_open(now - (23 * 3600 + 30 * 60), core::to_unix_ms(clock.now())));
    EXPECT_FALSE(core::window_open(0, core::to_unix_ms(clock.now())));
}

TEST(Window, TemplatesNeedNoWindowAndEverythingElseDoes) {
    core::OutgoingMessage m;
    m.body = core::OutgoingTemplate{};
    EXPECT_FALSE(needs_window(m));
    m.body = core::OutgoingText{"hi", false};
    EXPECT_TRUE(needs_window(m));
    m.body = core::OutgoingReaction{"wamid.x", "👍"};
    EXPECT_TRUE(needs_window(m));
}

TEST(Coalescing, MergesTextsUpToTheTextLimitCountingCharactersNotBytes) {
    const std::string a(2000, 'a');
    const std::string b(2000, 'b');
    const std::string c(100, 'c');
    std::vector<std::string_view> texts{a, b, c};
    EXPECT_EQ(coalesce_count(texts, 4096), 2u);  // 2000 + 2 + 2000 = 4002; + 2 + 100 > 4096
    EXPECT_EQ(coalesce_count({c, c, c}, 4096), 3u);
    EXPECT_EQ(coalesce_count({a}, 10), 1u) << "a long text alone is never split";
    EXPECT_EQ(join_texts({"one", "two"}), "one\n\ntwo");
    std::string accents;
    for (int i = 0; i < 2047; ++i) {
        accents += "é";  // 2 bytes, 1 character
    }
    EXPECT_EQ(utf8_length(accents), 2047u);
    EXPECT_EQ(coalesce_count({accents, accents}, 4096), 2u);
}

TEST(Coalescing, OnlyPlainTextsWithoutQuoteOrCallbackAreMerged) {
    core::OutgoingMessage m;
    m.body = core::OutgoingText{"hi", false};
    EXPECT_TRUE(coalescable(m));
    m.context_message_id = "wamid.q";
    EXPECT_FALSE(coalescable(m));
    m.context_message_id.clear();
    m.body = core::ReplyButtons{};
    EXPECT_FALSE(coalescable(m));
}

}  // namespace
}  // namespace delvex::delivery
