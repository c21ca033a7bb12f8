#include "bot/app/config.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>

#include "bot/app/commands.hpp"
#include "tests/support/harness.hpp"

namespace delvex::app {
namespace {

EnvLookup env_of(std::map<std::string, std::string> vars) {
    return [vars = std::move(vars)](const std::string& name) -> std::optional<std::string> {
        auto it = vars.find(name);
        return it == vars.end() ? std::nullopt : std::optional<std::string>(it->second);
    };
}

const std::map<std::string, std::string> kWhatsApp = {{"WHATSAPP_PHONE_NUMBER_ID", "1"},
                                                      {"WHATSAPP_ACCESS_TOKEN", "t"},
                                                      {"WHATSAPP_APP_SECRET", "s"},
                                                      {"WHATSAPP_VERIFY_TOKEN", "v"}};

std::string write(const testing::TempDir& dir, const std::string& name, const std::string& text, mode_t mode) {
    const auto path = dir.file(name);
    std::ofstream(path) << text;
    ::chmod(path.c_str(), mode);
    return path;
}

std::string error_of(const std::function<void()>& f) {
    try {
        f();
    } catch (const ConfigError& e) {
        return e.what();
    }
    return "no error";
}

TEST(Config, EnvironmentAloneIsEnoughAndOverridesTheFile) {
    testing::TempDir dir;
    const auto file = write(dir, "c.yaml", "listen: 0.0.0.0:9000\ndatabase: file.db\n", 0600);
    auto vars = kWhatsApp;
    vars["DELVEX_LISTEN"] = "127.0.0.1:7000";
    vars["WHATSAPP_GRAPH_URL"] = "http://127.0.0.1:1234/";
    const auto cfg = load_config(file, env_of(vars), true);
    EXPECT_EQ(cfg.listen_host, "127.0.0.1");
    EXPECT_EQ(cfg.listen_port, 7000);
    EXPECT_EQ(cfg.db_path, "file.db");
    EXPECT_EQ(cfg.graph_url, "http://127.0.0.1:1234");
    EXPECT_EQ(cfg.access_token.reveal(), "t");
}

TEST(Config, TheShippedExampleLoads) {
    const auto cfg =
        load_config(std::string(DELVEX_SOURCE_DIR) + "/config/delvex.example.yaml", env_of(kWhatsApp), true);
    EXPECT_EQ(cfg.api_version, "v25.0");
}

TEST(Config, MissingSecretNamesTheKey) {
    auto vars = kWhatsApp;
    vars.erase("WHATSAPP_APP_SECRET");
    EXPECT_EQ(error_of([&] { load_config(std::nullopt, env_of(vars), true); }),
              "WHATSAPP_APP_SECRET: missing (environment or whatsapp.app_secret_file)");
}

TEST(Config, PublicUrlComesFromTheEnvironmentAndMustBeHttp) {
    auto vars = kWhatsApp;
    vars["DELVEX_PUBLIC_URL"] = "https://delvex.example.org/";
    EXPECT_EQ(load_config(std::nullopt, env_of(vars), true).public_url, "https://delvex.example.org");
    vars["DELVEX_PUBLIC_URL"] = "delvex.example.org";
    EXPECT_NE(error_of([&] { load_config(std::nullopt, env_of(vars), true); }).find("public_url (DELVEX_PUBLIC_URL)"),
              std::string::npos);
}

TEST(Config, BadValuesNameTheKey) {
    testing::TempDir dir;
    auto vars = kWhatsApp;
    vars["DELVEX_LISTEN"] = "localhost";
    EXPECT_NE(error_of([&] { load_config(std::nullopt, env_of(vars), true); }).find("listen (DELVEX_LISTEN)"),
              std::string::npos);
    vars["DELVEX_LISTEN"] = "127.0.0.1:99999";
    EXPECT_NE(error_of([&] { load_config(std::nullopt, env_of(vars), true); }).find("out of range"),
              std::string::npos);
    const auto typo = write(dir, "typo.yaml", "lisen: 1\n", 0600);
    EXPECT_EQ(error_of([&] { load_config(typo, env_of(kWhatsApp), true); }), "lisen: unknown key");
    const auto wrong_type = write(dir, "type.yaml", "io_threads: many\n", 0600);
    EXPECT_NE(error_of([&] { load_config(wrong_type, env_of(kWhatsApp), true); }).find("io_threads: has the wrong type"),
              std::string::npos);
    const auto broken = write(dir, "broken.yaml", "listen: [\n", 0600);
    EXPECT_NE(error_of([&] { load_config(broken, env_of(kWhatsApp), true); }).find("config: "), std::string::npos);
    EXPECT_NE(error_of([&] { load_config(dir.file("none.yaml"), env_of(kWhatsApp), true); }).find("cannot read"),
              std::string::npos);
}

TEST(Config, SecretsAreRefusedInTheFileAndFromFilesOthersCanRead) {
    testing::TempDir dir;
    const auto inline_secret = write(dir, "s.yaml", "whatsapp:\n  app_secret: abc\n", 0600);
    EXPECT_NE(error_of([&] { load_config(inline_secret, env_of({}), false); }).find("secrets may not be written"),
              std::string::npos);
    const auto open_file = write(dir, "secret.txt", "abc\n", 0644);
    const auto cfg_file = write(dir, "f.yaml", "whatsapp:\n  app_secret_file: " + open_file + "\n", 0600);
    EXPECT_NE(error_of([&] { load_config(cfg_file, env_of({}), false); }).find("chmod 600"), std::string::npos);
    ::chmod(open_file.c_str(), 0600);
    const auto cfg = load_config(cfg_file, env_of({}), false);
    EXPECT_EQ(cfg.app_secret.reveal(), "abc");
}

TEST(Config, SecretsFormatAsStars) {
    EXPECT_EQ(fmt::format("{}", core::Secret("hunter2")), "***");
}

TEST(Commands, NormalizesWhatsAppIds) {
    EXPECT_EQ(normalize_wa_id("+254 700-000 001"), "254700000001");
    EXPECT_EQ(normalize_wa_id("254700000001"), "254700000001");
    EXPECT_EQ(normalize_wa_id("US.13491208655302741918"), "US.13491208655302741918");
    EXPECT_EQ(normalize_wa_id("12"), "");
    EXPECT_EQ(normalize_wa_id("call me"), "");
    EXPECT_EQ(normalize_wa_id("2547000+0001"), "");
}

}  // namespace
}  // namespace delvex::app
