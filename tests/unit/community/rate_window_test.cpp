// The members' fixed-window rate limit (security review L-2), pure: counted, refused over the limit, the refusal
// said once a window, a fresh window once the last one ran out, and no limit when switched off.

#include <gtest/gtest.h>

#include "bot/community/rate_window.hpp"

namespace delvex::community {
namespace {

TEST(RateWindow, CountsRefusesOverTheLimitAndWarnsOnceAWindow) {
    const RateLimit limit{3, 60'000};
    RateWindow w;
    std::int64_t now = 1'000'000;
    for (int i = 1; i <= 3; ++i) {
        const auto c = count_action(w, now + i, limit);
        EXPECT_FALSE(c.refused) << i;
        EXPECT_FALSE(c.warn) << i;
        EXPECT_EQ(c.window.start_ms, now + 1);
        EXPECT_EQ(c.window.count, i);
        w = c.window;
    }
    auto c = count_action(w, now + 10, limit);
    EXPECT_TRUE(c.refused);
    EXPECT_TRUE(c.warn);  // the first refusal: said
    w = c.window;
    for (int i = 0; i < 100; ++i) {
        c = count_action(w, now + 20 + i, limit);
        EXPECT_TRUE(c.refused);
        EXPECT_FALSE(c.warn);  // the rest of the window: silence
        EXPECT_EQ(c.window.count, 4);  // capped, never overflows
        w = c.window;
    }
    // The window ran out: a fresh one, counted from this action.
    c = count_action(w, now + 1 + 60'000, limit);
    EXPECT_FALSE(c.refused);
    EXPECT_EQ(c.window.start_ms, now + 1 + 60'000);
    EXPECT_EQ(c.window.count, 1);
}

TEST(RateWindow, AClockThatWentBackStaysInTheWindow) {
    const RateLimit limit{1, 60'000};
    const auto first = count_action({}, 500'000, limit);
    const auto back = count_action(first.window, 400'000, limit);
    EXPECT_TRUE(back.refused);
}

TEST(RateWindow, ZeroMeansNoLimit) {
    RateWindow w;
    for (int i = 0; i < 1000; ++i) {
        const auto c = count_action(w, i, RateLimit{0, 60'000});
        EXPECT_FALSE(c.refused);
        w = c.window;
    }
    EXPECT_FALSE(count_action({}, 0, RateLimit{5, 0}).refused);
}

TEST(RateWindow, MinutesLeftRoundUpAndAreAtLeastOne) {
    const RateLimit limit{1, 10 * 60'000};
    EXPECT_EQ(minutes_left(RateWindow{0, 2}, 0, limit), 10);
    EXPECT_EQ(minutes_left(RateWindow{0, 2}, 60'001, limit), 9);
    EXPECT_EQ(minutes_left(RateWindow{0, 2}, 10 * 60'000 - 1, limit), 1);
    EXPECT_EQ(minutes_left(RateWindow{0, 2}, 20 * 60'000, limit), 1);
}

}  // namespace
}  // namespace delvex::community
