// Operations conventions on the real binary: --version, usage errors exit 2 on one line, every command reads
// the same config and environment as `serve` and none but `serve` creates a database, and `serve
// --log-format json` writes one JSON object per line with UTC times (parsed here, from a real run).

#include <gtest/gtest.h>
#include <signal.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>
#include <vector>

#include "bot/core/build_info.hpp"
#include "bot/store/database.hpp"
#include "bot/store/outbox_repository.hpp"
#include "bot/whatsapp/signature.hpp"
#include "bot/whatsapp/wire/inbound.hpp"
#include "tests/support/harness.hpp"
#include "tests/support/process.hpp"

namespace delvex {
namespace {

namespace fs = std::filesystem;
using testing::run_delvex;
using testing::ServiceHarness;

std::string read_text(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

std::size_t lines_of(const std::string& text) {
    return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
}

TEST(Ops, VersionPrintsTheVersionAndCommit) {
    const auto run = run_delvex("--version");
    EXPECT_EQ(run.code, 0) << run.output;
    EXPECT_EQ(run.output, std::string("delvex ") + core::build_version() + " (commit " + core::build_commit() + ")\n");
    EXPECT_TRUE(std::regex_match(std::string(core::build_version()), std::regex(R"(\d+\.\d+\.\d+)")));
}

TEST(Ops, UsageErrorsExitTwoWithOneLine) {
    for (const std::string args : {"send --to 254700000001", "nosuchcommand", "", "outbox failed --limit x",
                                   "forums next --rrule FREQ=DAILY", "send --to 1 --text a --extra"}) {
        const auto run = run_delvex(args);
        EXPECT_EQ(run.code, 2) << args << ": " << run.output;
        EXPECT_EQ(lines_of(run.output), 1u) << args << ": " << run.output;
        EXPECT_TRUE(run.output.starts_with("delvex: ")) << args << ": " << run.output;
    }
    // --help is not an error.
    EXPECT_EQ(run_delvex("send --help").code, 0);
}

class OpsCli : public ::testing::Test {
protected:
    testing::TempDir dir;
    std::string db = dir.file("configured.db");
    std::string config = dir.file("delvex.yaml");
    void SetUp() override {
        std::ofstream(config) << "database: " << db << "\nhome: " << DELVEX_SOURCE_DIR << "\n";
        store::Database create(store::DatabaseOptions{db, false});
    }
    std::size_t queued() {
        store::Database d(store::DatabaseOptions{db, false, 5000, true});
        return static_cast<std::size_t>(store::OutboxRepository(d.sql()).counts().queued);
    }
};

TEST_F(OpsCli, SendAndOutboxReadTheConfigFileLikeServe) {
    const std::string cd = "cd " + dir.path() + " &&";
    // DELVEX_CONFIG, --config before the command, --config after it: the same database each time.
    auto run = run_delvex("send --to +254700000001 --text one", cd + " DELVEX_CONFIG=" + config);
    EXPECT_EQ(run.code, 0) << run.output;
    run = run_delvex("--config " + config + " send --to +254700000001 --text two", cd);
    EXPECT_EQ(run.code, 0) << run.output;
    run = run_delvex("send --config " + config + " --to +254700000001 --text three", cd);
    EXPECT_EQ(run.code, 0) << run.output;
    EXPECT_EQ(queued(), 3u);
    EXPECT_FALSE(fs::exists(dir.file("delvex.db"))) << "a command created the default database";

    run = run_delvex("outbox failed --config " + config, cd);
    EXPECT_EQ(run.code, 0) << run.output;
    EXPECT_NE(run.output.find("outbox of " + db + ": 3 queued"), std::string::npos) << run.output;
    run = run_delvex("outbox held", cd + " DELVEX_CONFIG=" + config);
    EXPECT_EQ(run.code, 0) << run.output;
    EXPECT_NE(run.output.find("held in " + db), std::string::npos) << run.output;
    // The environment wins over the file, by the rule's name and by the older one; --db over both.
    run = run_delvex("outbox failed", cd + " DELVEX_CONFIG=" + config + " DELVEX_DATABASE=" + db);
    EXPECT_EQ(run.code, 0) << run.output;
    run = run_delvex("--db " + db + " outbox failed", cd + " DELVEX_DB=" + dir.file("other.db"));
    EXPECT_EQ(run.code, 0) << run.output;
    EXPECT_NE(run.output.find("outbox of " + db), std::string::npos) << run.output;
}

TEST_F(OpsCli, NoCommandButServeCreatesADatabase) {
    const std::string missing = dir.file("typo.db");
    const std::string cd = "cd " + dir.path() + " &&";
    const auto csv = dir.file("members.csv");
    std::ofstream(csv) << "wa_id,alias,room,language,role\n254700000001,Mama,east-africa,sw,member\n";
    const std::vector<std::string> commands = {"send --to 254700000001 --text hi", "outbox failed", "outbox held",
                                               "members import " + csv, "forums list", "academy export --csv",
                                               "backup --to " + dir.file("b.db")};
    for (const auto& args : commands) {
        const auto run = run_delvex(args, cd + " DELVEX_HOME=" + DELVEX_SOURCE_DIR + " DELVEX_DB=" + missing);
        EXPECT_NE(run.code, 0) << args << ": " << run.output;
        EXPECT_NE(run.output.find(missing), std::string::npos) << args << " should name the missing file: " << run.output;
        EXPECT_FALSE(fs::exists(missing)) << args << " created " << missing;
        EXPECT_FALSE(fs::exists(dir.file("delvex.db"))) << args << " created ./delvex.db";
    }
    // The same commands on the configured database work (members import through --config after the command).
    const auto run = run_delvex("members import --config " + config + " " + csv, cd);
    EXPECT_EQ(run.code, 0) << run.output;
}

TEST(Ops, ServeWritesJsonLogLinesWithUtcTimes) {
    testing::TempDir dir;
    testing::FakeRunner graph;
    const auto& fake = graph.fake.options();
    const std::map<std::string, std::string> env = {
        {"DELVEX_LISTEN", "127.0.0.1:0"},
        {"DELVEX_DB", dir.file("delvex.db")},
        {"DELVEX_HOME", DELVEX_SOURCE_DIR},
        {"DELVEX_LOG_LEVEL", "debug"},
        {"DELVEX_IO_THREADS", "2"},
        {"WHATSAPP_GRAPH_URL", graph.fake.base_url()},
        {"WHATSAPP_PHONE_NUMBER_ID", fake.phone_number_id},
        {"WHATSAPP_ACCESS_TOKEN", fake.access_token},
        {"WHATSAPP_APP_SECRET", ServiceHarness::kAppSecret},
        {"WHATSAPP_VERIFY_TOKEN", ServiceHarness::kVerifyToken},
        {"TZ", "Pacific/Kiritimati"},  // UTC+14: a local time could not pass for UTC
    };
    const auto log = dir.file("serve.log");
    testing::ChildProcess serve({DELVEX_BINARY, "serve", "--log-format", "json"}, env, log);
    const auto port = testing::wait_for_listen_port(log, std::chrono::seconds(20));
    ASSERT_NE(port, 0) << read_text(log);
    ASSERT_TRUE(testing::eventually([&] { return testing::http_request(port, "GET", "/readyz").status == 200; }));
    // A webhook that is not JSON is logged at warn with its reason; a bad verification too.
    const whatsapp::SignatureVerifier signer(ServiceHarness::kAppSecret);
    const std::string bad = "{\"not json";
    EXPECT_EQ(testing::http_request(port, "POST", "/webhook", bad, {{"X-Hub-Signature-256", signer.sign(bad)}}).status,
              400);
    EXPECT_EQ(testing::http_request(port, "GET", "/webhook?hub.mode=nope&hub.verify_token=x").status, 403);
    serve.signal(SIGTERM);
    ASSERT_EQ(serve.wait(std::chrono::seconds(30)), 0) << read_text(log);

    const std::regex rfc3339_utc(R"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z)");
    const auto now = std::chrono::system_clock::now();
    std::istringstream lines(read_text(log));
    std::string line;
    std::size_t parsed = 0;
    bool saw_listening = false;
    bool saw_warn_with_field = false;
    while (std::getline(lines, line)) {
        nlohmann::json j;
        ASSERT_NO_THROW(j = nlohmann::json::parse(line)) << "not JSON: " << line;
        ASSERT_TRUE(j.is_object()) << line;
        for (const char* key : {"time", "level", "logger", "message"}) {
            ASSERT_TRUE(j.contains(key) && j[key].is_string()) << key << " missing in " << line;
        }
        ASSERT_TRUE(j.contains("fields") && j["fields"].is_object()) << line;
        const auto time = j["time"].get<std::string>();
        ASSERT_TRUE(std::regex_match(time, rfc3339_utc)) << line;
        // UTC: the stamp is within a few minutes of now (a UTC+14 local time would be hours off).
        std::tm tm{};
        std::istringstream(time) >> std::get_time(&tm, "%Y-%m-%dT%H:%M:%S");
        const auto stamp = std::chrono::system_clock::from_time_t(::timegm(&tm));
        EXPECT_LT(std::chrono::abs(now - stamp), std::chrono::minutes(10)) << line;
        const auto message = j["message"].get<std::string>();
        saw_listening = saw_listening || message.starts_with("listening on ");
        if (j["level"] == "warning" && !j["fields"].empty()) {
            saw_warn_with_field = true;
        }
        if (message.starts_with("listening on ")) {
            EXPECT_EQ(j["fields"].value("db", ""), dir.file("delvex.db")) << line;
        }
        ++parsed;
    }
    EXPECT_GE(parsed, 3u);
    EXPECT_TRUE(saw_listening) << read_text(log);
    EXPECT_TRUE(saw_warn_with_field) << read_text(log);
}

TEST(Ops, TextLogTimesAreUtcWithAZ) {
    testing::TempDir dir;
    const std::map<std::string, std::string> env = {
        {"DELVEX_LISTEN", "127.0.0.1:0"},  {"DELVEX_DB", dir.file("delvex.db")},
        {"DELVEX_HOME", DELVEX_SOURCE_DIR}, {"WHATSAPP_GRAPH_URL", "http://127.0.0.1:9"},
        {"WHATSAPP_PHONE_NUMBER_ID", "1"}, {"WHATSAPP_ACCESS_TOKEN", "t"},
        {"WHATSAPP_APP_SECRET", "s"},      {"WHATSAPP_VERIFY_TOKEN", "v"},
        {"TZ", "Pacific/Kiritimati"},
    };
    const auto log = dir.file("serve.log");
    testing::ChildProcess serve({DELVEX_BINARY, "serve"}, env, log);
    ASSERT_NE(testing::wait_for_listen_port(log, std::chrono::seconds(20)), 0) << read_text(log);
    serve.signal(SIGTERM);
    ASSERT_EQ(serve.wait(std::chrono::seconds(30)), 0) << read_text(log);
    const auto text = read_text(log);
    std::istringstream lines(text);
    std::string line;
    while (std::getline(lines, line)) {
        EXPECT_TRUE(std::regex_search(line, std::regex(R"(^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z (info|warning|error) )")))
            << line;
        std::tm tm{};
        std::istringstream(line) >> std::get_time(&tm, "%Y-%m-%dT%H:%M:%S");
        const auto stamp = std::chrono::system_clock::from_time_t(::timegm(&tm));
        EXPECT_LT(std::chrono::abs(std::chrono::system_clock::now() - stamp), std::chrono::minutes(10)) << line;
    }
}

}  // namespace
}  // namespace delvex
