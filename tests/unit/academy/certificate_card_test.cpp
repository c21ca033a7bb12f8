// The certificate card (a PNG drawn with cairo): what WhatsApp takes and what a buyer reads.

#include <gtest/gtest.h>

#include "bot/academy/certificate_card.hpp"
#include "bot/academy/certificate_text.hpp"
#include "bot/core/i18n.hpp"

namespace delvex {
namespace {

core::Catalog catalog() {
    return core::Catalog::load(std::string(DELVEX_SOURCE_DIR) + "/config/locales");
}

academy::Certificate swahili_certificate() {
    academy::Certificate c;
    c.code = "7KQ2M9XA";
    c.module_id = "child-labour";
    c.learner_name = "Zawadi";
    c.module_title = "No child labour";
    c.score = 83;
    c.issued_ms = 1'806'000'000'000;  // 2027-03-25
    c.lang = "sw";
    return c;
}

TEST(CertificateCard, IsAnEightBitRgbPngWellUnderWhatsAppsImageLimit) {
    const auto cat = catalog();
    const auto card = academy::certificate_card(cat, swahili_certificate(), "Tokomeza ajira ya watoto",
                                                "https://delvex.example/certificates");
    EXPECT_EQ(card.course, "amefaulu kozi “Tokomeza ajira ya watoto”");
    EXPECT_EQ(card.check, "Hakiki kwenye https://delvex.example/certificates/7KQ2M9XA");
    EXPECT_NE(card.proves.find("Si ukaguzi wa mgodi"), std::string::npos);
    const std::string png = academy::render_certificate_png(card);
    ASSERT_GT(png.size(), 33u);
    EXPECT_EQ(png.substr(0, 8), std::string("\x89PNG\r\n\x1a\n", 8));
    // IHDR: width and height (big-endian) at 16 and 20, bit depth at 24, colour type at 25 (2 = RGB).
    const auto be32 = [&](std::size_t at) {
        return (static_cast<unsigned char>(png[at]) << 24) | (static_cast<unsigned char>(png[at + 1]) << 16) |
               (static_cast<unsigned char>(png[at + 2]) << 8) | static_cast<unsigned char>(png[at + 3]);
    };
    EXPECT_EQ(be32(16), 1000u);
    EXPECT_EQ(be32(20), 760u);
    EXPECT_EQ(static_cast<int>(png[24]), 8);
    EXPECT_EQ(static_cast<int>(png[25]), 2);
    EXPECT_LT(png.size(), 150'000u) << "advised size for low-data phones (Meta's limit is 5 MB)";
}

TEST(CertificateCard, EveryLanguageSaysACourseWasPassedNotAMineInspected) {
    const auto cat = catalog();
    for (const auto& lang : core::Catalog::supported_languages()) {
        auto c = swahili_certificate();
        c.lang = lang;
        const auto card = academy::certificate_card(cat, c, "X", "");
        EXPECT_FALSE(card.proves.empty()) << lang;
        EXPECT_NE(card.proves, "academy.certificate.proves") << lang;
        EXPECT_NE(card.check.find("7KQ2M9XA"), std::string::npos) << lang;  // no address: the code to check
        EXPECT_FALSE(academy::render_certificate_png(card).empty()) << lang;
    }
}

}  // namespace
}  // namespace delvex
