// `delvex academy check` as CI and content writers run it: the real binary on the shipped content and on a
// broken folder, checking exit codes and the file:line output.

#include <gtest/gtest.h>
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <string>

namespace {

struct BinaryRun {
    int code = -1;
    std::string output;  ///< stdout and stderr together
};

BinaryRun run_delvex(const std::string& args) {
    BinaryRun run;
    const std::string command = std::string("'") + DELVEX_BINARY + "' " + args + " 2>&1";
    FILE* pipe = ::popen(command.c_str(), "r");
    if (pipe == nullptr) {
        return run;
    }
    std::array<char, 4096> buffer{};
    std::size_t n = 0;
    while ((n = std::fread(buffer.data(), 1, buffer.size(), pipe)) > 0) {
        run.output.append(buffer.data(), n);
    }
    const int status = ::pclose(pipe);
    run.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return run;
}

const std::string kSource = DELVEX_SOURCE_DIR;

TEST(AcademyCheckBinary, PassesTheShippedContent) {
    const BinaryRun r = run_delvex("academy check '" + kSource + "/academy-content'");
    EXPECT_EQ(r.code, 0) << r.output;
    EXPECT_EQ(r.output.find(": error: "), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("academy check: 4 modules, "), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("; 0 errors, "), std::string::npos) << r.output;
}

TEST(AcademyCheckBinary, FailsABrokenFolderWithFileAndLine) {
    const std::string dir = kSource + "/tests/fixtures/academy/too-many-buttons";
    const BinaryRun r = run_delvex("academy check '" + dir + "'");
    EXPECT_EQ(r.code, 1) << r.output;
    EXPECT_NE(r.output.find(dir + "/demo/quiz.yaml:22: error: step 'demo-q' has 4 options; reply buttons take at "
                                  "most 3"),
              std::string::npos)
        << r.output;
    EXPECT_NE(r.output.find("; 1 error, "), std::string::npos) << r.output;
}

TEST(AcademyCheckBinary, ExitsZeroWhenThereAreOnlyWarnings) {
    const BinaryRun r = run_delvex("academy check '" + kSource + "/tests/fixtures/academy/missing-translation'");
    EXPECT_EQ(r.code, 0) << r.output;
    EXPECT_NE(r.output.find(": warning: missing 'fr' translation"), std::string::npos) << r.output;
}

TEST(AcademyCheckBinary, ExitsTwoWhenTheFolderDoesNotExist) {
    const BinaryRun r = run_delvex("academy check '" + kSource + "/tests/fixtures/academy/no-such-folder'");
    EXPECT_EQ(r.code, 2) << r.output;
}

}  // namespace
