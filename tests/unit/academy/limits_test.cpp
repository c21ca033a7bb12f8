#include "bot/academy/limits.hpp"

#include <gtest/gtest.h>

using delvex::academy::limits::utf8_length;

TEST(Utf8Length, CountsCodePointsNotBytes) {
    EXPECT_EQ(utf8_length("abc"), 3u);
    EXPECT_EQ(utf8_length("Sécurité"), 8u);        // two 2-byte letters
    EXPECT_EQ(utf8_length("Usalama ⛏"), 9u);       // one 3-byte symbol
    EXPECT_EQ(utf8_length("👋"), 1u);               // one 4-byte emoji
    EXPECT_EQ(utf8_length(""), 0u);
}

TEST(Utf8Length, RejectsBrokenUtf8) {
    EXPECT_FALSE(utf8_length("\xC3"));                // cut short
    EXPECT_FALSE(utf8_length("\xC0\xAF"));            // overlong '/'
    EXPECT_FALSE(utf8_length("\xED\xA0\x80"));        // UTF-16 surrogate
    EXPECT_FALSE(utf8_length("\x80"));                // stray continuation byte
    EXPECT_FALSE(utf8_length("ab\xE2\x82"));          // cut short at the end
}
