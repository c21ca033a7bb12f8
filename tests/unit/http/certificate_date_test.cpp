// Security review L-9: a certificate's date that cannot be written (a damaged row) is empty, never whatever an
// unterminated strftime buffer held.

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>

#include "bot/http/certificates_routes.hpp"

namespace delvex {
namespace {

TEST(CertificateDate, WritesTheUtcDayAndNothingForATimeOutOfRange) {
    EXPECT_EQ(http::utc_date(0), "1970-01-01");
    EXPECT_EQ(http::utc_date(1'803'000'000'000), "2027-02-19");
    EXPECT_EQ(http::utc_date(253'402'300'799'000), "9999-12-31");
    // Years that do not fit "YYYY-MM-DD": a damaged row must give "", not whatever was on the stack.
    EXPECT_EQ(http::utc_date(std::numeric_limits<std::int64_t>::min()), "");
    EXPECT_EQ(http::utc_date(std::numeric_limits<std::int64_t>::max()), "");
    EXPECT_EQ(http::utc_date(253'402'300'800'000), "");  // year 10000
    EXPECT_EQ(http::utc_date(-62'167'219'201'000), "");   // before year 0
}

}  // namespace
}  // namespace delvex
