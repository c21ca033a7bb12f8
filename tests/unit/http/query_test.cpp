#include <gtest/gtest.h>

#include "bot/http/routes.hpp"

namespace delvex::http {
namespace {

TEST(Query, FindsAndDecodesParameters) {
    const std::string t = "/webhook?hub.mode=subscribe&hub.challenge=a%2Bb+c&hub.verify_token=t%26k";
    EXPECT_EQ(query_param(t, "hub.mode"), "subscribe");
    EXPECT_EQ(query_param(t, "hub.challenge"), "a+b c");
    EXPECT_EQ(query_param(t, "hub.verify_token"), "t&k");
    EXPECT_EQ(query_param(t, "missing"), "");
    EXPECT_EQ(query_param("/webhook", "hub.mode"), "");
    EXPECT_EQ(url_decode("%zz%4"), "%zz%4");
}

}  // namespace
}  // namespace delvex::http
