// The hardening of cmake/hardening.cmake, checked on what the build made: the `delvex` binary as readelf sees it,
// and the compile command of every source of ours.

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "tests/support/process.hpp"

namespace delvex::testing {
namespace {

std::string readelf(const std::string& options) {
    const auto run = run_command("timeout 60 readelf " + options + " '" DELVEX_BINARY "' 2>&1");
    EXPECT_EQ(run.code, 0) << run.output;
    return run.output;
}

class Hardening : public ::testing::Test {
protected:
    void SetUp() override {
        if (!DELVEX_HARDENED) {
            GTEST_SKIP() << "built with -DDELVEX_HARDEN=OFF";
        }
    }
};

TEST_F(Hardening, TheBinaryIsPositionIndependent) {
    EXPECT_NE(readelf("-hW").find("DYN (Position-Independent Executable file)"), std::string::npos)
        << readelf("-hW");
}

TEST_F(Hardening, RelocationsAreReadOnlyAfterStart) {
    const auto segments = readelf("-lW");
    EXPECT_NE(segments.find("GNU_RELRO"), std::string::npos) << segments;
    // -z now: every symbol bound at start, so the whole GOT sits under RELRO.
    const auto dynamic = readelf("-dW");
    EXPECT_TRUE(std::regex_search(dynamic, std::regex(R"(\(FLAGS\)\s+BIND_NOW|\(FLAGS_1\)\s+Flags:.*\bNOW\b)")))
        << dynamic;
}

TEST_F(Hardening, TheStackIsNotExecutable) {
    const auto segments = readelf("-lW");
    std::smatch m;
    ASSERT_TRUE(std::regex_search(segments, m, std::regex(R"(GNU_STACK[^\n]*)"))) << segments;
    EXPECT_TRUE(std::regex_search(m.str(), std::regex(R"(\sRW\s)"))) << m.str();
    EXPECT_EQ(m.str().find("RWE"), std::string::npos) << m.str();
}

TEST_F(Hardening, StackCanariesAndFortifiedCallsAreLinked) {
    const auto symbols = readelf("--dyn-syms -W");
    EXPECT_NE(symbols.find("__stack_chk_fail"), std::string::npos);
    if (DELVEX_FORTIFY_LEVEL > 0) {
        // glibc's checked variants (__memcpy_chk, __snprintf_chk, …) replace the plain calls.
        EXPECT_TRUE(std::regex_search(symbols, std::regex(R"(\b__(?!stack_)\w+_chk\b)")))
            << "no fortified call in the binary";
    }
}

TEST_F(Hardening, EverySourceOfOursIsCompiledWithTheFlags) {
    std::ifstream in(DELVEX_COMPILE_COMMANDS);
    ASSERT_TRUE(in) << DELVEX_COMPILE_COMMANDS;
    const auto commands = nlohmann::json::parse(in);
    std::vector<std::string> expected = {"-fstack-protector-strong", "-fstack-clash-protection",
                                         "-D_GLIBCXX_ASSERTIONS"};
    if (DELVEX_X86) {
        expected.emplace_back("-fcf-protection=full");
    }
    if (DELVEX_FORTIFY_LEVEL > 0) {
        expected.push_back("-D_FORTIFY_SOURCE=" + std::to_string(DELVEX_FORTIFY_LEVEL));
    }
    int ours = 0;
    for (const auto& entry : commands) {
        const auto file = entry.value("file", std::string());
        if (file.find("/bot/") == std::string::npos && file.find("/forums/") == std::string::npos) {
            continue;
        }
        ++ours;
        const auto command = entry.value("command", std::string());
        for (const auto& flag : expected) {
            EXPECT_NE(command.find(" " + flag), std::string::npos) << file << " lacks " << flag;
        }
        // PIE objects: -fPIE (executables) or -fPIC (the static libraries, linked into a PIE).
        EXPECT_TRUE(command.find(" -fPIE") != std::string::npos || command.find(" -fPIC") != std::string::npos)
            << file;
    }
    EXPECT_GT(ours, 100) << "the sources of bot/ and forums/ in " << DELVEX_COMPILE_COMMANDS;
}

}  // namespace
}  // namespace delvex::testing
