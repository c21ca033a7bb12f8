#include "bot/delivery/settings.hpp"

#include <gtest/gtest.h>

#include <filesystem>
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
    EXPECT_EQ(s.messaging_limit, 250) << "Meta's first tier";
    ASSERT_NE(s.templates.find("rooms.announce", "sw"), nullptr);
    EXPECT_EQ(s.templates.find("rooms.announce", "sw")->language_code, "sw");
    EXPECT_EQ(s.templates.find("rooms.announce", "pt")->language_code, "pt_PT");
    EXPECT_EQ(s.templates.find("rooms.announce", "zu")->language_code, "en") << "falls back to English";
    EXPECT_EQ(s.templates.find("chat", "en"), nullptr) << "no template: waits for the member's next message";
    EXPECT_EQ(s.templates.find("rooms.relay", "en"), nullptr)
        << "live relays wait for the digest or catch-up, never a paid template each";
    const auto* invite = s.templates.find("forums.invite", "fr");
    ASSERT_NE(invite, nullptr);
    EXPECT_TRUE(invite->carry_buttons);
    EXPECT_EQ(invite->buttons, 3u);
    const auto* report = s.templates.find("moderation.report", "sw");
    ASSERT_NE(report, nullptr);
    EXPECT_TRUE(report->carry_buttons);
    EXPECT_EQ(report->buttons, 2u);
    EXPECT_EQ(s.templates.definitions().size(), 6u);
}

TEST(DeliverySettings, TheWindowMarginIsNoLongerASetting) {
    testing::TempDir dir;
    std::filesystem::create_directories(dir.file("config"));
    std::ofstream(dir.file("config/delivery.yaml")) << "window_margin_minutes: 10\n";
    try {
        load_settings(dir.path(), no_env());
        FAIL() << "should throw";
    } catch (const std::runtime_error& e) {
        EXPECT_NE(std::string(e.what()).find("window_margin_minutes"), std::string::npos) << e.what();
    }
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
    std::ofstream(dir.file("t.yaml")) << "templates:\n  x:\n    category: UTILITY\n";
    try {
        TemplateMap::load(dir.file("t.yaml"));
        FAIL() << "should throw";
    } catch (const std::runtime_error& e) {
        EXPECT_NE(std::string(e.what()).find("t.yaml:3"), std::string::npos) << e.what();
    }
}

}  // namespace
}  // namespace delvex::delivery
