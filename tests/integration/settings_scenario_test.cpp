// Issue 15, surprise 12: the rhythm set in the config reaches the features of the running service (here the
// flood limit: the same messages, another limit). The config keys themselves: tests/unit/app/config_env_test.cpp.

#include <gtest/gtest.h>

#include "tests/integration/chat_fixture.hpp"
#include "tests/support/harness.hpp"

namespace delvex {
namespace {

using namespace std::chrono_literals;

class SettingsScenario : public testing::ChatScenario {
protected:
    SettingsScenario() { db_file = "settings.db"; }

    const Member amina{"254700000001", "Amina"};
    const Member baraka{"255700000002", "Baraka"};
};

TEST_F(SettingsScenario, TheFloodLimitOfTheConfigIsTheOneMembersMeet) {
    harness->stop_service();
    harness->config().rooms.flood_posts = 3;
    harness->config().rooms.flood_window = 5min;
    harness->start_service();
    onboard(amina, "en", "east-africa", "Amina");
    onboard(baraka, "en", "east-africa", "Baraka");
    for (int i = 1; i <= 5; ++i) {
        say(amina, "post number " + std::to_string(i));
    }
    EXPECT_EQ(count_containing(baraka, "post number"), 3u);
    EXPECT_EQ(count_containing(amina, "at most 3 posts in 5 minutes"), 1u);
    clock.advance(6min);
    say(amina, "post number 6");
    EXPECT_EQ(count_containing(baraka, "post number 6"), 1u);
}

}  // namespace
}  // namespace delvex
