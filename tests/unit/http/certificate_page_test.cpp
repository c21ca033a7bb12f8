// The certificate verification page a buyer opens: the certificate's language, escaped text, no phone number.

#include <gtest/gtest.h>

#include "bot/academy/state.hpp"
#include "bot/core/i18n.hpp"
#include "bot/http/certificate_page.hpp"

namespace delvex {
namespace {

TEST(CertificatePage, SpeaksTheCertificatesLanguageEscapesTheNameAndShowsNoNumber) {
    const auto cat = core::Catalog::load(std::string(DELVEX_SOURCE_DIR) + "/config/locales");
    academy::Certificate c;
    c.code = "7KQ2M9XA";
    c.module_id = "child-labour";
    c.score = 83;
    c.issued_ms = 1'806'000'000'000;  // 2027-03-25
    c.lang = "sw";
    c.learner_name = "Zawadi <script>";
    const std::string page = http::certificate_page(cat, c, "Tokomeza ajira ya watoto");
    EXPECT_NE(page.find("<html lang=\"sw\">"), std::string::npos);
    EXPECT_NE(page.find("Cheti hiki ni halali"), std::string::npos);
    EXPECT_NE(page.find("Zawadi &lt;script&gt;"), std::string::npos);
    EXPECT_EQ(page.find("<script>"), std::string::npos);
    EXPECT_NE(page.find("83%"), std::string::npos);
    EXPECT_NE(page.find("2027-03-25"), std::string::npos);
    EXPECT_NE(page.find("7KQ2M9XA.png"), std::string::npos);
    const std::string gone = http::unknown_certificate_page(cat, "en", "ZZZZ2222");
    EXPECT_NE(gone.find("No certificate has the code ZZZZ2222"), std::string::npos);
}

}  // namespace
}  // namespace delvex
