#include "forums/cli.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <sstream>

using delvex::forums::run_forums_next;

namespace {

struct CliRun {
    int code;
    std::string out;
    std::string err;
};

CliRun run(const std::string& rrule, const std::string& tz, const std::string& start, int count) {
    std::ostringstream out;
    std::ostringstream err;
    const int code = run_forums_next(rrule, tz, start, count, out, err);
    return CliRun{code, out.str(), err.str()};
}

void expect_one_line_error(const CliRun& r, const std::string& fragment) {
    EXPECT_EQ(r.code, 2);
    EXPECT_TRUE(r.out.empty());
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    EXPECT_NE(r.err.find(fragment), std::string::npos) << r.err;
}

}  // namespace

TEST(ForumsNextCli, PrintsOneUtcInstantPerLineWhenInputIsGood) {
    const CliRun r = run("FREQ=MONTHLY;BYDAY=1TH", "America/Lima", "2027-01-07T15:00", 3);
    EXPECT_EQ(r.code, 0);
    EXPECT_EQ(r.out, "2027-01-07T20:00:00Z\n2027-02-04T20:00:00Z\n2027-03-04T20:00:00Z\n");
    EXPECT_TRUE(r.err.empty());
}

TEST(ForumsNextCli, AcceptsRrulePrefixAndSecondsWhenGiven) {
    const CliRun r = run("RRULE:FREQ=MONTHLY;BYDAY=1TH", "America/Lima", "2027-01-07T15:00:00", 2);
    EXPECT_EQ(r.code, 0);
    EXPECT_EQ(r.out, "2027-01-07T20:00:00Z\n2027-02-04T20:00:00Z\n");
}

TEST(ForumsNextCli, PrintsFewerLinesWhenRuleEndsFirst) {
    const CliRun r = run("FREQ=WEEKLY;COUNT=2", "Europe/London", "2027-03-25T19:00", 5);
    EXPECT_EQ(r.code, 0);
    EXPECT_EQ(r.out, "2027-03-25T19:00:00Z\n2027-04-01T18:00:00Z\n");
}

TEST(ForumsNextCli, PrintsNothingWhenCountIsZero) {
    const CliRun r = run("FREQ=DAILY", "UTC", "2027-01-01T00:00", 0);
    EXPECT_EQ(r.code, 0);
    EXPECT_TRUE(r.out.empty());
    EXPECT_TRUE(r.err.empty());
}

TEST(ForumsNextCli, ReportsOneLineAndExits2WhenInputIsBad) {
    expect_one_line_error(run("FREQ=MONTHLY;BYDAY=1XX", "America/Lima", "2027-01-07T15:00", 3), "--rrule");
    expect_one_line_error(run("FREQ=MONTHLY;BYDAY=1XX", "America/Lima", "2027-01-07T15:00", 3), "'1XX'");
    expect_one_line_error(run("FREQ=MONTHLY", "America/Atlantis", "2027-01-07T15:00", 3), "--tz");
    expect_one_line_error(run("FREQ=MONTHLY", "America/Lima", "07/01/2027 15:00", 3), "--start");
    expect_one_line_error(run("FREQ=MONTHLY", "America/Lima", "2027-01-07T15:00", -1), "--count");
}
