#include "bot/delivery/settings.hpp"

#include <gtest/gtest.h>

#include <fstream>

#include "tests/support/harness.hpp"

namespace delvex::delivery {
namespace {

SettingLookup no_env() {
    return [](const std::string&) -> std::optional<std::string> { return std::nullopt; };
}

TEST(DeliverySettings, ShippedConfigLoadsWithMetasDefaults) {
    const auto s = load_settings(DELVEX_SOURCE_DIR, no_env());
    EXPECT_DOUBLE_EQ(s.governor.rate_per_second, 80);
    EXPECT_DOUBLE_EQ(s.governor.inbound_share, 0.1);
    EXPECT_EQ(s.governor.recipient_interval, std::chrono::milliseconds(6000));
    ASSERT_NE(s.templates.find("relay", "sw"), nullptr);
    EXPECT_EQ(s.templates.find("relay", "sw")->language_code, "sw");
    EXPECT_EQ(s.templates.find("relay", "zu")->language_code, "en") << "falls back to English";
    EXPECT_EQ(s.templates.find("chat", "en"), nullptr) << "no template: held for the digest";
}

TEST(DeliverySettings, EnvironmentOverridesTheFiles) {
    const auto s = load_settings(DELVEX_SOURCE_DIR, [](const std::string& k) -> std::optional<std::string> {
        if (k == "DELVEX_SEND_RATE") return "1000";
        if (k == "DELVEX_INBOUND_SHARE") return "0";
        return std::nullopt;
    });
    EXPECT_DOUBLE_EQ(s.governor.rate_per_second, 1000);
    EXPECT_DOUBLE_EQ(s.governor.inbound_share, 0);
    EXPECT_THROW(load_settings(DELVEX_SOURCE_DIR,
                               [](const std::string& k) -> std::optional<std::string> {
                                   return k == "DELVEX_SEND_RATE" ? std::optional<std::string>("fast") : std::nullopt;
                               }),
                 std::runtime_error);
}

TEST(DeliverySettings, MalformedTemplateFileNamesTheLine) {
    testing::TempDir dir;
    std::ofstream(dir.file("t.yaml")) << "relay:\n  en: {language: en}\n";
    try {
        TemplateMap::load(dir.file("t.yaml"));
        FAIL() << "should throw";
    } catch (const std::runtime_error& e) {
        EXPECT_NE(std::string(e.what()).find("t.yaml:2"), std::string::npos) << e.what();
    }
}

TEST(DeliverySettings, TemplateForCarriesTheOriginalTextAsAParameter) {
    core::OutgoingMessage original;
    original.to = core::Recipient::phone("254700000001");
    original.body = core::OutgoingText{std::string(3000, 'x'), false};
    const auto m = template_for(TemplateSpec{"delvex_room_update", "en", {"{text}", "Geita"}}, original);
    const auto& t = std::get<core::OutgoingTemplate>(m.body);
    EXPECT_EQ(t.name, "delvex_room_update");
    ASSERT_EQ(t.body_parameters.size(), 2u);
    EXPECT_EQ(t.body_parameters[0].text.size(), 1024u) << "cut to a parameter's length";
    EXPECT_EQ(t.body_parameters[1].text, "Geita");
    EXPECT_EQ(m.to.id, "254700000001");
}

}  // namespace
}  // namespace delvex::delivery
