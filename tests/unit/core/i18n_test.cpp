#include "bot/core/i18n.hpp"

#include <gtest/gtest.h>

namespace delvex::core {
namespace {

TEST(Catalog, AValueIsNeverSearchedForPlaceholdersAgain) {
    Catalog c;
    c.set("en", "rooms.post", "{alias} in {room}: {text}");
    // An alias that contains another placeholder's name stays literal: before, "{room}" inside the alias
    // was replaced by the room's name, and "{text}" by the post (L-3 of the security review).
    EXPECT_EQ(c.text("en", "rooms.post", {{"alias", "Juma {room} {text}"}, {"room", "Geita"}, {"text", "hi"}}),
              "Juma {room} {text} in Geita: hi");
    // A value given twice is used in both places; an unknown placeholder and a lone brace stay as written.
    c.set("en", "x", "{a}+{a} {b} { {a}");
    EXPECT_EQ(c.text("en", "x", {{"a", "1"}}), "1+1 {b} { 1");
    c.set("en", "y", "{{a}}");
    EXPECT_EQ(c.text("en", "y", {{"a", "1"}}), "{1}");
}

}  // namespace
}  // namespace delvex::core
