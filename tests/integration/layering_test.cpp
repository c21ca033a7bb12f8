// The layering check (cmake/check_layers.py) that every build runs before compiling a layer: it passes on this
// tree, and a wrong-way include in a copy of the tree fails it with file:line and the forbidden dependency.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "tests/support/harness.hpp"
#include "tests/support/process.hpp"

namespace delvex::testing {
namespace {

namespace fs = std::filesystem;

const std::string kChecker = std::string(DELVEX_SOURCE_DIR) + "/cmake/check_layers.py";

std::string quoted(const std::string& s) { return "'" + s + "'"; }

CommandRun check(const std::string& root, const std::string& table) {
    return run_command("timeout 60 " + quoted(DELVEX_PYTHON) + " " + quoted(kChecker) + " --root " + quoted(root) +
                       " --table " + quoted(table) + " 2>&1");
}

void write(const std::string& path, const std::string& text) {
    fs::create_directories(fs::path(path).parent_path());
    std::ofstream(path) << text;
}

/// A small tree laid out like ours, checked against the build's own table.
class LayeringTree : public ::testing::Test {
protected:
    void SetUp() override {
        write(dir_.file("bot/core/clock.hpp"), "#pragma once\n#include <chrono>\n");
        write(dir_.file("bot/store/repo.hpp"), "#pragma once\n#include \"bot/core/clock.hpp\"\n");
        write(dir_.file("bot/events/ingest.hpp"), "#pragma once\n#include \"bot/store/repo.hpp\"\n");
        write(dir_.file("forums/rrule.hpp"), "#pragma once\n#include <string>\n");
    }
    CommandRun run() { return check(dir_.path(), DELVEX_LAYER_TABLE); }

    TempDir dir_;
};

TEST(Layering, TheTreeFollowsItsLayers) {
    const auto result = check(DELVEX_SOURCE_DIR, DELVEX_LAYER_TABLE);
    EXPECT_EQ(result.code, 0) << result.output;
}

TEST_F(LayeringTree, PassesWhenIncludesPointDown) {
    const auto result = run();
    EXPECT_EQ(result.code, 0) << result.output;
}

TEST_F(LayeringTree, StoreIncludingEventsFailsWithFileLineAndTheDependency) {
    write(dir_.file("bot/store/outbox.cpp"), "#include \"bot/store/repo.hpp\"\n\n#include \"bot/events/ingest.hpp\"\n");
    const auto result = run();
    EXPECT_EQ(result.code, 1) << result.output;
    EXPECT_NE(result.output.find("bot/store/outbox.cpp:3: error: wrong-way include: delvex_store (bot/store) may "
                                 "not include \"bot/events/ingest.hpp\" of delvex_events"),
              std::string::npos)
        << result.output;
    EXPECT_NE(result.output.find("layering check failed: 1 error(s)"), std::string::npos) << result.output;
}

TEST_F(LayeringTree, ForumsIncludingBotFails) {
    write(dir_.file("forums/ics.cpp"), "#include \"forums/rrule.hpp\"\n#include \"bot/core/clock.hpp\"\n");
    const auto result = run();
    EXPECT_EQ(result.code, 1) << result.output;
    EXPECT_NE(result.output.find("forums/ics.cpp:2: error: wrong-way include: delvex_forums (forums) may not "
                                 "include \"bot/core/clock.hpp\" of delvex_core; delvex_forums may use no other "
                                 "layer"),
              std::string::npos)
        << result.output;
}

TEST_F(LayeringTree, CoreIncludingStoreFails) {
    write(dir_.file("bot/core/ids.hpp"), "#pragma once\n#include \"bot/store/repo.hpp\"\n");
    const auto result = run();
    EXPECT_EQ(result.code, 1) << result.output;
    EXPECT_NE(result.output.find("bot/core/ids.hpp:2: error: wrong-way include: delvex_core"), std::string::npos)
        << result.output;
}

TEST_F(LayeringTree, TheDomainMayNotSeeSqlOrJson) {
    write(dir_.file("bot/community/alias.cpp"), "#include <string>\n#include <SQLiteCpp/Database.h>\n");
    write(dir_.file("bot/academy/engine.cpp"), "#include <nlohmann/json.hpp>\n");
    const auto result = run();
    EXPECT_EQ(result.code, 1) << result.output;
    EXPECT_NE(result.output.find("bot/community/alias.cpp:2: error: delvex_domain may not include "
                                 "<SQLiteCpp/Database.h>"),
              std::string::npos)
        << result.output;
    EXPECT_NE(result.output.find("bot/academy/engine.cpp:1: error: delvex_domain may not include <nlohmann/json.hpp>"),
              std::string::npos)
        << result.output;
}

TEST_F(LayeringTree, AFolderInNoLayerFails) {
    write(dir_.file("bot/plugins/extra.cpp"), "int extra() { return 1; }\n");
    const auto result = run();
    EXPECT_EQ(result.code, 1) << result.output;
    EXPECT_NE(result.output.find("bot/plugins/extra.cpp:1: error: in no layer"), std::string::npos) << result.output;
}

TEST_F(LayeringTree, AnIncludeOutsideTheLayersFails) {
    write(dir_.file("bot/http/routes.cpp"), "#include \"tests/support/harness.hpp\"\n");
    const auto result = run();
    EXPECT_EQ(result.code, 1) << result.output;
    EXPECT_NE(result.output.find("bot/http/routes.cpp:1: error: delvex_http includes \"tests/support/harness.hpp\", "
                                 "which is in no layer"),
              std::string::npos)
        << result.output;
}

TEST_F(LayeringTree, ACycleInTheTableFails) {
    write(dir_.file("layers.txt"), "a | bot/core | b |\nb | bot/store | a |\nc | bot/events forums | a b |\n");
    const auto result = check(dir_.path(), dir_.file("layers.txt"));
    EXPECT_EQ(result.code, 1) << result.output;
    EXPECT_NE(result.output.find("layers form a cycle: a -> b -> a"), std::string::npos) << result.output;
}

}  // namespace
}  // namespace delvex::testing
