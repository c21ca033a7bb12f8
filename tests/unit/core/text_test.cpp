#include <gtest/gtest.h>

#include "bot/core/text.hpp"

namespace delvex::core {
namespace {

TEST(Text, TrimsCountsAndClipsByCharacterNeverCuttingOneInTwo) {
    EXPECT_EQ(trim("  \t Mama Dhahabu \r\n"), "Mama Dhahabu");
    EXPECT_EQ(trim(" \r\n\t "), "");
    EXPECT_EQ(trim_view("x"), "x");
    EXPECT_EQ(utf8_length("Zoë ⛏️"), 6u);  // Z o ë space ⛏ and the variation selector
    EXPECT_EQ(utf8_length(""), 0u);
    EXPECT_EQ(clip("Kasongo", 3), "Kas");
    EXPECT_EQ(clip("ééé", 2), "éé");  // two characters, four bytes
    EXPECT_EQ(clip("⛏⛏", 5), "⛏⛏");
    EXPECT_EQ(clip("abc", 0), "");
    EXPECT_EQ(one_line(" first\r\nsecond\n"), "first  second");
    EXPECT_EQ(lower_ascii("JOIN Élan"), "join Élan");
}

}  // namespace
}  // namespace delvex::core
