#include "bot/store/db_reader.hpp"

#include <gtest/gtest.h>

namespace delvex::store {
namespace {

using std::chrono::milliseconds;

TEST(RateLimit, ABurstThenTheSustainedRate) {
    RateLimit limit(10, 3);  // 10 a second, 3 saved
    const auto t0 = std::chrono::steady_clock::time_point{} + std::chrono::hours(1);
    EXPECT_TRUE(limit.take(t0));
    EXPECT_TRUE(limit.take(t0));
    EXPECT_TRUE(limit.take(t0));
    EXPECT_FALSE(limit.take(t0)) << "the burst is spent";
    EXPECT_FALSE(limit.take(t0 + milliseconds(50))) << "half a token has come back";
    EXPECT_TRUE(limit.take(t0 + milliseconds(100)));
    EXPECT_FALSE(limit.take(t0 + milliseconds(100)));
    // A long quiet spell saves no more than the burst.
    const auto later = t0 + std::chrono::minutes(5);
    int taken = 0;
    while (limit.take(later)) {
        ++taken;
    }
    EXPECT_EQ(taken, 3);
    // A clock that goes backwards gives nothing back.
    EXPECT_FALSE(limit.take(t0));
}

}  // namespace
}  // namespace delvex::store
