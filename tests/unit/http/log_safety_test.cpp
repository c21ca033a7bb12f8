// Log lines that anyone on the internet can cause (security review L-1): client text in a log line is escaped
// and cut; a repeated warning is paced.

#include <gtest/gtest.h>

#include <cstdint>
#include <optional>

#include "bot/core/clock.hpp"
#include "bot/core/log_throttle.hpp"

namespace delvex {
namespace {

TEST(LogSafety, ClientTextIsEscapedAndCut) {
    EXPECT_EQ(core::printable("subscribe"), "subscribe");
    EXPECT_EQ(core::printable("a\r\nb"), "a\\x0d\\x0ab");
    EXPECT_EQ(core::printable("x key=value"), "x\\x20key\\x3dvalue");
    EXPECT_EQ(core::printable("\x1b[2J"), "\\x1b[2J");
    EXPECT_EQ(core::printable("\xE2\x80\xAE"), "\\xe2\\x80\\xae");  // right-to-left override
    EXPECT_EQ(core::printable("abcdef", 3), "abc…");
}

TEST(LogSafety, AThrottleLetsTheFirstLineThroughThenOneAPeriodWithTheCount) {
    core::FakeClock clock;
    core::LogThrottle throttle(clock, std::chrono::seconds(60));
    EXPECT_EQ(throttle.allow(), std::optional<std::uint64_t>(0));
    for (int i = 0; i < 500; ++i) {
        EXPECT_EQ(throttle.allow(), std::nullopt);
    }
    clock.advance(std::chrono::seconds(59));
    EXPECT_EQ(throttle.allow(), std::nullopt);
    clock.advance(std::chrono::seconds(1));
    EXPECT_EQ(throttle.allow(), std::optional<std::uint64_t>(501));
    EXPECT_EQ(throttle.allow(), std::nullopt);
    clock.advance(std::chrono::hours(1));
    EXPECT_EQ(throttle.allow(), std::optional<std::uint64_t>(1));
}

}  // namespace
}  // namespace delvex
