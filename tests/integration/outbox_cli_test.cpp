// `delvex outbox failed`: operators see what did not go out, and why — without full phone numbers.

#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdio>

#include "bot/store/database.hpp"
#include "bot/store/outbox_repository.hpp"
#include "tests/support/harness.hpp"

namespace delvex {
namespace {

TEST(OutboxCli, ListsFailedMessagesWithTheirReasonsAndNoFullNumber) {
    testing::TempDir dir;
    {
        store::Database db(store::DatabaseOptions{dir.file("o.db"), false});
        store::OutboxRepository outbox(db.sql());
        outbox.enqueue("welcome", "254700000001", "text", "Karibu", 1000);
        outbox.enqueue("rooms.relay:7", "243810000002", "text", "*Amina* · Central Africa\nhello", 1000);
        outbox.mark_failed(outbox.find("rooms.relay:7", "243810000002")->id, "131026 Message undeliverable", 2000);
    }
    const std::string command = "DELVEX_DB=" + dir.file("o.db") + " timeout 60 " + DELVEX_BINARY + " outbox failed 2>&1";
    std::string out;
    FILE* pipe = ::popen(command.c_str(), "r");
    ASSERT_NE(pipe, nullptr);
    char buffer[4096];
    while (std::fgets(buffer, sizeof buffer, pipe) != nullptr) {
        out += buffer;
    }
    const int status = ::pclose(pipe);
    EXPECT_EQ(WIFEXITED(status) ? WEXITSTATUS(status) : -1, 0) << out;
    EXPECT_NE(out.find("1 queued, 0 sent, 0 delivered, 0 read, 1 failed, 0 held"), std::string::npos) << out;
    EXPECT_NE(out.find("rooms.relay:7"), std::string::npos) << out;
    EXPECT_NE(out.find("131026 Message undeliverable"), std::string::npos) << out;
    EXPECT_EQ(out.find("243810000002"), std::string::npos) << out;
    EXPECT_EQ(out.find("welcome"), std::string::npos) << out;  // only the failed ones
}

}  // namespace
}  // namespace delvex
