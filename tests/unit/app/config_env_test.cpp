// One rule for the environment: every key of the config file is DELVEX_<KEY IN UPPER SNAKE CASE>, the older
// names still work, and secrets also come from *_FILE variables and systemd credentials.

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>
#include <functional>
#include <map>

#include "bot/app/config.hpp"
#include "tests/support/harness.hpp"

namespace delvex::app {
namespace {

EnvLookup env_of(std::map<std::string, std::string> vars) {
    return [vars = std::move(vars)](const std::string& name) -> std::optional<std::string> {
        auto it = vars.find(name);
        return it == vars.end() ? std::nullopt : std::optional<std::string>(it->second);
    };
}

std::string error_of(const std::function<void()>& f) {
    try {
        f();
    } catch (const ConfigError& e) {
        return e.what();
    }
    return "no error";
}

std::string write_secret(const testing::TempDir& dir, const std::string& name, const std::string& text) {
    const auto path = dir.file(name);
    std::ofstream(path) << text;
    ::chmod(path.c_str(), 0600);
    return path;
}

TEST(ConfigEnv, TheRuleNamesEveryKey) {
    EXPECT_EQ(env_name("http.max_connections"), "DELVEX_HTTP_MAX_CONNECTIONS");
    EXPECT_EQ(env_name("database"), "DELVEX_DATABASE");
    EXPECT_EQ(env_name("whatsapp.access_token_file"), "DELVEX_WHATSAPP_ACCESS_TOKEN_FILE");
    EXPECT_EQ(env_name("admin.token"), "DELVEX_ADMIN_TOKEN");
}

// Each key of the file, a value for its variable, and how to see it in the Config. The test fails when a key
// is added without being listed here, so no setting can be left out of the environment.
TEST(ConfigEnv, EverySettingOfTheFileIsReachableFromTheEnvironmentByTheRule) {
    testing::TempDir dir;
    const auto secret_file = write_secret(dir, "secret", "from-file-7Qx2Lm9Rk4Tz8Wv3Np6Hs1Jd5\n");
    struct Case {
        std::string value;
        std::function<bool(const Config&)> applied;
    };
    const std::map<std::string, Case> cases = {
        {"home", {"/srv/delvex", [](const Config& c) { return c.home == "/srv/delvex"; }}},
        {"listen", {"0.0.0.0:9999", [](const Config& c) { return c.listen_host == "0.0.0.0" && c.listen_port == 9999; }}},
        {"internal_listen", {"10.0.0.5:9090", [](const Config& c) { return c.internal_listen_host == "10.0.0.5" && c.internal_listen_port == 9090; }}},
        {"database", {"/var/lib/x.db", [](const Config& c) { return c.db_path == "/var/lib/x.db"; }}},
        {"database_durable", {"false", [](const Config& c) { return !c.db_durable; }}},
        {"io_threads", {"7", [](const Config& c) { return c.io_threads == 7; }}},
        {"log_level", {"debug", [](const Config& c) { return c.log_level == "debug"; }}},
        {"log_format", {"json", [](const Config& c) { return c.log_format == "json"; }}},
        {"public_url", {"https://x.example/", [](const Config& c) { return c.public_url == "https://x.example"; }}},
        {"business_number", {"+254 700 000 000", [](const Config& c) { return c.business_number == "+254 700 000 000"; }}},
        {"readiness_stall_seconds", {"45", [](const Config& c) { return c.readiness_stall.count() == 45; }}},
        {"http.max_connections", {"123", [](const Config& c) { return c.http.max_connections == 123; }}},
        {"http.header_limit_bytes", {"4096", [](const Config& c) { return c.http.header_limit_bytes == 4096; }}},
        {"http.body_limit_bytes", {"65536", [](const Config& c) { return c.http.body_limit_bytes == 65536; }}},
        {"http.read_timeout_seconds", {"3", [](const Config& c) { return c.http.read_timeout.count() == 3; }}},
        {"http.idle_timeout_seconds", {"4", [](const Config& c) { return c.http.idle_timeout.count() == 4; }}},
        {"http.write_timeout_seconds", {"5", [](const Config& c) { return c.http.write_timeout.count() == 5; }}},
        {"http.header_timeout_seconds", {"6", [](const Config& c) { return c.http.header_timeout.count() == 6; }}},
        {"http.max_connections_per_address",
         {"50", [](const Config& c) { return c.http.max_connections_per_address == 50; }}},
        {"http.body_budget_bytes", {"33554432", [](const Config& c) { return c.http.body_budget_bytes == 33554432; }}},
        {"retention.inbox_days", {"9", [](const Config& c) { return c.retention.inbox_days == 9; }}},
        {"retention.outbox_days", {"10", [](const Config& c) { return c.retention.outbox_days == 10; }}},
        {"retention.quarantine_days", {"11", [](const Config& c) { return c.retention.quarantine_days == 11; }}},
        {"retention.set_aside_days", {"12", [](const Config& c) { return c.retention.set_aside_days == 12; }}},
        {"rooms.digest_hour", {"7", [](const Config& c) { return c.rooms.digest_hour == 7; }}},
        {"rooms.flood_posts", {"4", [](const Config& c) { return c.rooms.flood_posts == 4; }}},
        {"rooms.auto_hold_reports", {"0", [](const Config& c) { return c.rooms.auto_hold_reports == 0; }}},
        {"rooms.reaction_limit", {"0", [](const Config& c) { return c.rooms.reaction_limit == 0; }}},
        {"rooms.command_limit", {"50", [](const Config& c) { return c.rooms.command_limit == 50; }}},
        {"rooms.report_limit", {"3", [](const Config& c) { return c.rooms.report_limit == 3; }}},
        {"rooms.flood_window_minutes", {"15", [](const Config& c) { return c.rooms.flood_window.count() == 15; }}},
        {"forums.reminder_minutes",
         {"30, 2880", [](const Config& c) {
              return c.forums.reminders == std::vector<std::chrono::minutes>{std::chrono::minutes(2880),
                                                                             std::chrono::minutes(30)};
          }}},
        {"forums.announce_hours", {"48", [](const Config& c) { return c.forums.announce_before.count() == 48; }}},
        {"academy.nudge_after_days", {"5", [](const Config& c) { return c.academy.nudge_after_days == 5; }}},
        {"academy.review_days", {"3, 10", [](const Config& c) { return c.academy.review_days == std::vector<int>{3, 10}; }}},
        {"academy.answer_window_minutes",
         {"45", [](const Config& c) { return c.academy.answer_window.count() == 45; }}},
        {"media_dir", {"/srv/media", [](const Config& c) { return c.media_dir == "/srv/media"; }}},
        {"media_retention_days", {"13", [](const Config& c) { return c.media_retention_days == 13; }}},
        {"whatsapp.graph_url", {"http://127.0.0.1:1", [](const Config& c) { return c.graph_url == "http://127.0.0.1:1"; }}},
        {"whatsapp.api_version", {"v99.0", [](const Config& c) { return c.api_version == "v99.0"; }}},
        {"whatsapp.phone_number_id", {"42", [](const Config& c) { return c.phone_number_id == "42"; }}},
        {"whatsapp.waba_id", {"43", [](const Config& c) { return c.waba_id == "43"; }}},
        {"whatsapp.appsecret_proof", {"true", [](const Config& c) { return c.appsecret_proof; }}},
        {"whatsapp.send_concurrency", {"9", [](const Config& c) { return c.send_concurrency == 9; }}},
        {"whatsapp.https_proxy",
         {"http://proxy.example:3128", [](const Config& c) { return c.https_proxy == "http://proxy.example:3128"; }}},
        {"whatsapp.no_proxy", {"localhost,.internal", [](const Config& c) { return c.no_proxy == "localhost,.internal"; }}},
        {"whatsapp.timeout_ms", {"1234", [](const Config& c) { return c.graph_timeout.count() == 1234; }}},
        {"whatsapp.access_token_file",
         {secret_file, [](const Config& c) { return c.access_token.reveal() == "from-file-7Qx2Lm9Rk4Tz8Wv3Np6Hs1Jd5"; }}},
        {"whatsapp.app_secret_file", {secret_file, [](const Config& c) { return c.app_secret.reveal() == "from-file-7Qx2Lm9Rk4Tz8Wv3Np6Hs1Jd5"; }}},
        {"whatsapp.verify_token_file",
         {secret_file, [](const Config& c) { return c.verify_token.reveal() == "from-file-7Qx2Lm9Rk4Tz8Wv3Np6Hs1Jd5"; }}},
        {"admin.token_file", {secret_file, [](const Config& c) { return c.admin_token.reveal() == "from-file-7Qx2Lm9Rk4Tz8Wv3Np6Hs1Jd5"; }}},
    };
    const auto keys = setting_keys();
    EXPECT_EQ(keys.size(), cases.size());
    for (const auto& key : keys) {
        const auto it = cases.find(key);
        ASSERT_NE(it, cases.end()) << key << " has no case here: add one (and document " << env_name(key) << ")";
        const auto cfg = load_config(std::nullopt, env_of({{env_name(key), it->second.value}}), false);
        EXPECT_TRUE(it->second.applied(cfg)) << env_name(key) << "=" << it->second.value << " was not applied";
    }
    // A bad value names the variable it came from.
    EXPECT_NE(error_of([&] { load_config(std::nullopt, env_of({{"DELVEX_HTTP_MAX_CONNECTIONS", "lots"}}), false); })
                  .find("http.max_connections (DELVEX_HTTP_MAX_CONNECTIONS)"),
              std::string::npos);
    EXPECT_NE(error_of([&] { load_config(std::nullopt, env_of({{"DELVEX_LOG_FORMAT", "xml"}}), false); })
                  .find("log_format (DELVEX_LOG_FORMAT)"),
              std::string::npos);
}

// Issue 15, surprise 12: the rhythm of rooms, forums and the Academy is in the file, checked, with its defaults.
TEST(ConfigEnv, TheRhythmOfRoomsForumsAndTheAcademyIsSetInTheFileAndChecked) {
    testing::TempDir dir;
    const Config defaults = load_config(std::nullopt, env_of({}), false);
    EXPECT_EQ(defaults.rooms.digest_hour, 18);
    EXPECT_EQ(defaults.rooms.flood_posts, 10);
    EXPECT_EQ(defaults.academy.review_days, (std::vector<int>{2, 7, 21}));
    EXPECT_EQ(defaults.forums.reminders.size(), 2u);

    const auto file = dir.file("delvex.yaml");
    std::ofstream(file) << "rooms:\n  digest_hour: 6\nforums:\n  reminder_minutes: [60, 1440, 10080]\n"
                           "academy:\n  review_days: []\n  nudge_after_days: 2\n";
    const Config set = load_config(file, env_of({}), false);
    EXPECT_EQ(set.rooms.digest_hour, 6);
    EXPECT_EQ(set.forums.reminders,
              (std::vector<std::chrono::minutes>{std::chrono::minutes(10080), std::chrono::minutes(1440),
                                                 std::chrono::minutes(60)}));
    EXPECT_TRUE(set.academy.review_days.empty());  // no spaced review
    EXPECT_EQ(set.academy.nudge_after_days, 2);

    const std::vector<std::pair<std::map<std::string, std::string>, std::string>> bad = {
        {{{"DELVEX_ROOMS_DIGEST_HOUR", "24"}}, "rooms.digest_hour"},
        {{{"DELVEX_ROOMS_FLOOD_POSTS", "0"}}, "rooms.flood_posts"},
        {{{"DELVEX_ROOMS_AUTO_HOLD_REPORTS", "-1"}}, "rooms.auto_hold_reports"},
        {{{"DELVEX_ROOMS_REACTION_LIMIT", "-1"}}, "rooms.reaction_limit"},
        {{{"DELVEX_FORUMS_REMINDER_MINUTES", "60, soon"}}, "forums.reminder_minutes: 'soon' is not a whole number"},
        {{{"DELVEX_FORUMS_REMINDER_MINUTES", "60,60"}}, "forums.reminder_minutes: names the same time twice"},
        {{{"DELVEX_ACADEMY_REVIEW_DAYS", "7, 2"}}, "academy.review_days: must grow"},
        {{{"DELVEX_ACADEMY_ANSWER_WINDOW_MINUTES", "0"}}, "academy.answer_window_minutes"},
    };
    for (const auto& [env, expected] : bad) {
        const auto error = error_of([&] { load_config(std::nullopt, env_of(env), false); });
        EXPECT_NE(error.find(expected), std::string::npos) << expected << " / " << error;
    }
}

// Issue 18: the Graph client's egress proxy comes from the conventional variables too, and a bad one is refused
// at start without echoing a password.
TEST(ConfigEnv, TheProxyFollowsTheConventionalVariablesAndABadOneIsRefusedWithoutItsPassword) {
    EXPECT_EQ(load_config(std::nullopt, env_of({{"HTTPS_PROXY", "http://p:8080"}}), false).https_proxy, "http://p:8080");
    EXPECT_EQ(load_config(std::nullopt, env_of({{"https_proxy", "http://p:8080"}}), false).https_proxy, "http://p:8080");
    EXPECT_EQ(load_config(std::nullopt, env_of({{"no_proxy", "localhost"}}), false).no_proxy, "localhost");
    const auto both = error_of([] {
        load_config(std::nullopt, env_of({{"HTTPS_PROXY", "http://a:1"}, {"https_proxy", "http://b:1"}}), false);
    });
    EXPECT_NE(both.find("HTTPS_PROXY and https_proxy are both set"), std::string::npos) << both;
    const auto bad = error_of([] {
        load_config(std::nullopt, env_of({{"HTTPS_PROXY", "https://miner:hunter2secret@p:8080"}}), false);
    });
    EXPECT_NE(bad.find("whatsapp.https_proxy"), std::string::npos) << bad;
    EXPECT_NE(bad.find("https:// proxy is not supported"), std::string::npos) << bad;
    EXPECT_EQ(bad.find("hunter2secret"), std::string::npos) << bad;
}

// Security review L-14: the admin API's bearer token is its only lock, so one that can be guessed is refused
// when the config is read, with the setting named and the token never echoed.
TEST(ConfigEnv, AShortOrWeakAdminTokenIsRefusedNamingTheSetting) {
    for (const std::string& weak : {
             std::string("short-admin-token"),                     // 17 characters
             std::string(40, 'a'),                                  // one character
             std::string("1111111111111111111111111111111122"),     // two characters
             std::string("ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abc"),  // a sequence
             std::string("Passw0rd!Passw0rd!Passw0rd!Passw0rd!"),   // a repeated word
         }) {
        const auto error = error_of([&] { load_config(std::nullopt, env_of({{"DELVEX_ADMIN_TOKEN", weak}}), false); });
        EXPECT_NE(error.find("admin.token (DELVEX_ADMIN_TOKEN): the admin token "), std::string::npos) << weak << ": " << error;
        EXPECT_EQ(error.find(weak), std::string::npos) << "the token is not echoed: " << error;
    }
    EXPECT_NE(error_of([&] { load_config(std::nullopt, env_of({{"DELVEX_ADMIN_TOKEN", "short-admin-token"}}), false); })
                  .find("is 17 characters long; use at least 32"),
              std::string::npos);
    // From a file too.
    testing::TempDir dir;
    const auto file = write_secret(dir, "admin", "tooshort\n");
    EXPECT_NE(error_of([&] { load_config(std::nullopt, env_of({{"DELVEX_ADMIN_TOKEN_FILE", file}}), false); })
                  .find("admin.token (DELVEX_ADMIN_TOKEN)"),
              std::string::npos);
    // Random tokens pass.
    for (const char* strong : {"9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
                               "admin-token-7f3a9c1e5b2d4f6a8c0e", "q3Vx8Lm2Rk7Tz4Wn9Hs6Jd1Pb5Yc0Gfe"}) {
        EXPECT_EQ(load_config(std::nullopt, env_of({{"DELVEX_ADMIN_TOKEN", strong}}), false).admin_token.reveal(),
                  strong);
    }
    // No token at all is fine: the admin API stays closed.
    EXPECT_TRUE(load_config(std::nullopt, env_of({}), false).admin_token.empty());
}

TEST(ConfigEnv, TheEnvironmentWinsOverTheFileAndOlderNamesStillWork) {
    testing::TempDir dir;
    const auto file = dir.file("c.yaml");
    std::ofstream(file) << "io_threads: 3\nhttp:\n  max_connections: 10\nwhatsapp:\n  graph_url: https://a.example\n";
    auto cfg = load_config(file, env_of({{"DELVEX_HTTP_MAX_CONNECTIONS", "20"}}), false);
    EXPECT_EQ(cfg.http.max_connections, 20u);
    EXPECT_EQ(cfg.io_threads, 3);
    EXPECT_EQ(cfg.graph_url, "https://a.example");
    cfg = load_config(file, env_of({{"WHATSAPP_GRAPH_URL", "https://b.example"}, {"DELVEX_DB", "old.db"}}), false);
    EXPECT_EQ(cfg.graph_url, "https://b.example");
    EXPECT_EQ(cfg.db_path, "old.db");
    // Both names agreeing is fine; disagreeing is refused rather than one silently winning.
    EXPECT_EQ(load_config(std::nullopt, env_of({{"DELVEX_DB", "a.db"}, {"DELVEX_DATABASE", "a.db"}}), false).db_path,
              "a.db");
    EXPECT_NE(error_of([&] { load_config(std::nullopt, env_of({{"DELVEX_DB", "a.db"}, {"DELVEX_DATABASE", "b.db"}}),
                                         false); })
                  .find("DELVEX_DATABASE and DELVEX_DB are both set"),
              std::string::npos);
    // An empty variable counts as unset.
    EXPECT_EQ(load_config(file, env_of({{"DELVEX_IO_THREADS", ""}}), false).io_threads, 3);
}

TEST(ConfigEnv, IoThreadsDefaultsToTheCoresTheProcessMayUse) {
    const auto cfg = load_config(std::nullopt, env_of({}), false);
    EXPECT_EQ(cfg.io_threads, default_io_threads());
    EXPECT_GE(cfg.io_threads, 1);
    EXPECT_LE(cfg.io_threads, 64);
    cpu_set_t set;
    CPU_ZERO(&set);
    ASSERT_EQ(::sched_getaffinity(0, sizeof(set), &set), 0);
    EXPECT_EQ(cfg.io_threads, std::min(64, CPU_COUNT(&set)));
}

TEST(ConfigEnv, SecretsComeFromVariablesFileVariablesAndSystemdCredentials) {
    testing::TempDir dir;
    const auto token_file = write_secret(dir, "token", "file-token-Vb7Kq2Xw9Lm4Rt8Zp3Nc6Hd1\n");
    // The container convention: WHATSAPP_ACCESS_TOKEN_FILE; and the rule's DELVEX_ADMIN_TOKEN_FILE.
    auto cfg = load_config(std::nullopt,
                           env_of({{"WHATSAPP_ACCESS_TOKEN_FILE", token_file}, {"DELVEX_ADMIN_TOKEN_FILE", token_file}}),
                           false);
    EXPECT_EQ(cfg.access_token.reveal(), "file-token-Vb7Kq2Xw9Lm4Rt8Zp3Nc6Hd1");
    EXPECT_EQ(cfg.admin_token.reveal(), "file-token-Vb7Kq2Xw9Lm4Rt8Zp3Nc6Hd1");
    // The rule's name for the secret itself.
    cfg = load_config(std::nullopt, env_of({{"DELVEX_WHATSAPP_APP_SECRET", "rule-secret"}}), false);
    EXPECT_EQ(cfg.app_secret.reveal(), "rule-secret");
    // systemd's LoadCredential=: $CREDENTIALS_DIRECTORY/<key with _ for .>; a variable still wins.
    const std::string creds = dir.file("credentials");
    ::mkdir(creds.c_str(), 0700);
    write_secret(dir, "credentials/whatsapp_access_token", "cred-token\n");
    write_secret(dir, "credentials/whatsapp_app_secret", "cred-secret\n");
    write_secret(dir, "credentials/whatsapp_verify_token", "cred-verify\n");
    write_secret(dir, "credentials/admin_token", "cred-admin-Gh5Tn2Wq8Lx4Rv9Kz3Mb7Ps1\n");
    cfg = load_config(std::nullopt,
                      env_of({{"CREDENTIALS_DIRECTORY", creds}, {"WHATSAPP_PHONE_NUMBER_ID", "1"},
                              {"WHATSAPP_VERIFY_TOKEN", "env-verify"}}),
                      true);
    EXPECT_EQ(cfg.access_token.reveal(), "cred-token");
    EXPECT_EQ(cfg.app_secret.reveal(), "cred-secret");
    EXPECT_EQ(cfg.verify_token.reveal(), "env-verify");
    EXPECT_EQ(cfg.admin_token.reveal(), "cred-admin-Gh5Tn2Wq8Lx4Rv9Kz3Mb7Ps1");
    // A *_FILE others can read is refused like a *_file key, without quoting the secret.
    const auto open_file = dir.file("open");
    std::ofstream(open_file) << "open-secret\n";
    ::chmod(open_file.c_str(), 0644);
    const auto error =
        error_of([&] { load_config(std::nullopt, env_of({{"WHATSAPP_APP_SECRET_FILE", open_file}}), false); });
    EXPECT_NE(error.find("chmod 600"), std::string::npos) << error;
    EXPECT_EQ(error.find("open-secret"), std::string::npos) << error;
    // Two names for one secret that disagree: refused, and the values are not quoted.
    const auto both =
        error_of([&] { load_config(std::nullopt, env_of({{"WHATSAPP_APP_SECRET", "aaa1"}, {"DELVEX_WHATSAPP_APP_SECRET", "bbb2"}}), false); });
    EXPECT_NE(both.find("both set"), std::string::npos) << both;
    EXPECT_EQ(both.find("aaa1"), std::string::npos) << both;
    EXPECT_EQ(both.find("bbb2"), std::string::npos) << both;
}

}  // namespace
}  // namespace delvex::app
