// Message ids hold numbers: the fake mints them as Meta does, and the tests' scans find a number inside one.

#include <gtest/gtest.h>

#include "bot/whatsapp/fake_graph_support.hpp"
#include "tests/support/harness.hpp"

namespace delvex::whatsapp {
namespace {

// An id from Meta's Cloud API documentation, returned for a message sent to 16505076520.
constexpr const char* kDocumentedId = "wamid.HBgLMTY1MDUwNzY1MjAVAgARGBI5QTNDQTVCM0Q0Q0Q2RTY3RTcA";

TEST(Wamid, TheFakeMintsIdsShapedLikeMetasDocumentedOnes) {
    const std::string minted = fake::mint_wamid("+16505076520", 42);
    // Same structure, so the same text up to the serial.
    EXPECT_EQ(minted.substr(0, 32), std::string(kDocumentedId).substr(0, 32));
    EXPECT_NE(fake::mint_wamid("+16505076520", 43), minted);
}

TEST(Wamid, TheScansFindTheNumberInsideMetasOwnId) {
    bool found = false;
    for (const auto& form : testing::encoded_forms("16505076520")) {
        found = found || std::string_view(kDocumentedId).find(form) != std::string_view::npos;
    }
    EXPECT_TRUE(found) << "a scan for plain digits alone would miss the number in a wamid";
    for (const auto& form : testing::encoded_forms("254700000001")) {
        EXPECT_EQ(std::string_view(kDocumentedId).find(form), std::string_view::npos) << form;
    }
}

}  // namespace
}  // namespace delvex::whatsapp
