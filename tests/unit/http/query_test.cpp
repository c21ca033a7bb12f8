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
    // The first of a repeated name; a name alone is an empty value; names are decoded too.
    EXPECT_EQ(query_param("/forums/x.ics?k=1&k=2", "k"), "1");
    EXPECT_EQ(query_param("/forums/x.ics?k&series=3", "series"), "3");
    EXPECT_EQ(query_param("/x?hub%2Emode=subscribe", "hub.mode"), "subscribe");
    EXPECT_EQ(query_param("/x?name=Mama%20Dhahabu%C3%A9", "name"), "Mama Dhahabu\xC3\xA9");
    // A target that is not valid (a bad escape, a space, a NUL) yields no parameters rather than a guess.
    EXPECT_EQ(query_param("/webhook?hub.mode=subscribe&x=%zz", "hub.mode"), "");
    EXPECT_EQ(query_param("/webhook?hub.mode=sub scribe", "hub.mode"), "");
    EXPECT_EQ(query_param(std::string_view("/w?a=%00b", 9), "a"), std::string("\0b", 2));
}

}  // namespace
}  // namespace delvex::http
