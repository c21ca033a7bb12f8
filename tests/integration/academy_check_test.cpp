// `delvex academy check` as CI and content writers run it: the real binary on the shipped content and on a
// broken folder, checking exit codes and the file:line output.

#include <gtest/gtest.h>
#include <string>

#include "tests/support/process.hpp"

namespace {

using BinaryRun = delvex::testing::CommandRun;

BinaryRun run_delvex(const std::string& args) {
    return delvex::testing::run_delvex(args);
}

const std::string kSource = DELVEX_SOURCE_DIR;

TEST(AcademyCheckBinary, PassesTheShippedContent) {
    const BinaryRun r = run_delvex("academy check '" + kSource + "/academy-content'");
    EXPECT_EQ(r.code, 0) << r.output;
    EXPECT_EQ(r.output.find(": error: "), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("academy check: 8 modules, "), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("; 0 errors, 0 warnings"), std::string::npos) << "every module in all five languages\n"
                                                                       << r.output;
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
