// The settings of the HTTP front's limits and of the Graph API address (security review M-1, M-3, L-4).

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>

#include "bot/app/config.hpp"
#include "tests/support/harness.hpp"

namespace delvex::app {
namespace {

EnvLookup env_with(std::map<std::string, std::string> extra) {
    std::map<std::string, std::string> vars = {{"WHATSAPP_PHONE_NUMBER_ID", "1"},
                                               {"WHATSAPP_ACCESS_TOKEN", "t"},
                                               {"WHATSAPP_APP_SECRET", "s"},
                                               {"WHATSAPP_VERIFY_TOKEN", "v"}};
    vars.merge(extra);
    return [vars = std::move(vars)](const std::string& name) -> std::optional<std::string> {
        auto it = vars.find(name);
        return it == vars.end() ? std::nullopt : std::optional<std::string>(it->second);
    };
}

std::string load_error(const testing::TempDir& dir, const std::string& yaml, std::map<std::string, std::string> env = {}) {
    const auto path = dir.file("c.yaml");
    std::ofstream(path) << yaml;
    ::chmod(path.c_str(), 0600);
    try {
        load_config(path, env_with(std::move(env)), true);
    } catch (const ConfigError& e) {
        return e.what();
    }
    return "no error";
}

TEST(ConfigLimits, TheNewHttpLimitsAreReadAndChecked) {
    testing::TempDir dir;
    const auto path = dir.file("c.yaml");
    std::ofstream(path) << "http:\n  header_timeout_seconds: 3\n  max_connections_per_address: 40\n"
                           "  body_budget_bytes: 8388608\n";
    ::chmod(path.c_str(), 0600);
    const auto cfg = load_config(path, env_with({}), true);
    EXPECT_EQ(cfg.http.header_timeout, std::chrono::seconds(3));
    EXPECT_EQ(cfg.http.max_connections_per_address, 40u);
    EXPECT_EQ(cfg.http.body_budget_bytes, 8388608u);
    // A budget smaller than one body could never let that body in.
    EXPECT_NE(load_error(dir, "http:\n  body_limit_bytes: 2000000\n  body_budget_bytes: 1000000\n")
                  .find("http.body_budget_bytes"),
              std::string::npos);
    // The defaults: no cap per address (behind a proxy everything comes from one address).
    const auto defaults = load_config(std::string(DELVEX_SOURCE_DIR) + "/config/delvex.example.yaml", env_with({}), true);
    EXPECT_EQ(defaults.http.max_connections_per_address, 0u);
    EXPECT_GE(defaults.http.body_budget_bytes, defaults.http.body_limit_bytes);
}

TEST(ConfigLimits, PlainHttpToTheGraphApiOnlyOnThisMachine) {
    testing::TempDir dir;
    for (const char* ok : {"http://127.0.0.1:9000", "http://localhost:9000", "http://[::1]:9000",
                           "https://graph.facebook.com"}) {
        EXPECT_EQ(load_error(dir, "{}\n", {{"WHATSAPP_GRAPH_URL", ok}}), "no error") << ok;
    }
    for (const char* bad : {"http://graph.facebook.com", "http://127.0.0.1.example.com", "http://10.0.0.5:80"}) {
        EXPECT_NE(load_error(dir, "{}\n", {{"WHATSAPP_GRAPH_URL", bad}}).find("unencrypted"), std::string::npos)
            << bad;
    }
}

}  // namespace
}  // namespace delvex::app
