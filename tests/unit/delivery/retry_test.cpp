#include <gtest/gtest.h>

#include "bot/delivery/dispatcher.hpp"

namespace delvex::delivery {
namespace {

using whatsapp::ErrorClass;
using Action = RetryDecision::Action;

TEST(RetryPolicy, ThrottleHonoursRetryAfterAndDoesNotCountAsAnAttempt) {
    const auto d = decide_retry(ErrorClass::kThrottle, 3, std::chrono::seconds(7), 0.5);
    EXPECT_EQ(d.action, Action::kRetry);
    EXPECT_EQ(d.delay, std::chrono::milliseconds(7000));
    EXPECT_FALSE(d.count_attempt);
}

TEST(RetryPolicy, RetryableBacksOffExponentiallyWithJitterAndACap) {
    const auto first = decide_retry(ErrorClass::kRetryable, 0, std::nullopt, 1.0);
    const auto third = decide_retry(ErrorClass::kRetryable, 2, std::nullopt, 1.0);
    EXPECT_EQ(first.delay, std::chrono::milliseconds(500));
    EXPECT_EQ(third.delay, std::chrono::milliseconds(2000));
    EXPECT_EQ(decide_retry(ErrorClass::kRetryable, 2, std::nullopt, 0.0).delay, std::chrono::milliseconds(1000));
    EXPECT_LE(decide_retry(ErrorClass::kRetryable, 10, std::nullopt, 1.0).delay, std::chrono::minutes(5));
    EXPECT_EQ(decide_retry(ErrorClass::kRetryable, 11, std::nullopt, 1.0).action, Action::kFail);
}

TEST(RetryPolicy, PermanentFailsAndHaltPausesWithoutBlamingTheMessage) {
    EXPECT_EQ(decide_retry(ErrorClass::kPermanent, 0, std::nullopt, 0.5).action, Action::kFail);
    const auto halt = decide_retry(ErrorClass::kHalt, 0, std::nullopt, 0.5);
    EXPECT_EQ(halt.action, Action::kHalt);
    EXPECT_FALSE(halt.count_attempt);
}

}  // namespace
}  // namespace delvex::delivery
