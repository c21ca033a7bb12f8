// Message ids hold numbers: the fake mints them as Meta does, and the tests' scans find a number inside one.

#include <gtest/gtest.h>

#include "bot/core/number_forms.hpp"
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

// Decodes base64 as far as it goes, a masked character ('*') counting as zero bits.
std::string decode_loosely(std::string_view text) {
    static constexpr std::string_view kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    std::uint32_t bits = 0;
    int count = 0;
    for (const char c : text) {
        const auto at = kAlphabet.find(c);
        bits = (bits << 6) | (at == std::string_view::npos ? 0U : static_cast<std::uint32_t>(at));
        count += 6;
        if (count >= 8) {
            count -= 8;
            out += static_cast<char>((bits >> count) & 0xFF);
        }
    }
    return out;
}

// FORGET ME masks these forms in the raw webhooks it keeps: what is left of Meta's own id must not give the
// number back, nor most of it.
TEST(Wamid, MaskingTheFormsLeavesNoNumberToDecodeFromMetasOwnId) {
    std::string id = kDocumentedId;
    ASSERT_NE(decode_loosely(std::string_view(id).substr(6)).find("16505076520"), std::string::npos);
    EXPECT_GT(core::mask_forms(id, core::number_forms("16505076520")), 0u);
    EXPECT_EQ(id.size(), std::string_view(kDocumentedId).size()) << "masked in place";
    const std::string decoded = decode_loosely(std::string_view(id).substr(6));
    EXPECT_EQ(decoded.find("1650507"), std::string::npos) << decoded;
    EXPECT_EQ(decoded.find("5050765"), std::string::npos) << decoded;
    // The rest of the id is left as it was.
    EXPECT_EQ(id.substr(0, 10), std::string_view(kDocumentedId).substr(0, 10));
    EXPECT_EQ(id.substr(id.size() - 12), std::string_view(kDocumentedId).substr(id.size() - 12));
}

}  // namespace
}  // namespace delvex::whatsapp
