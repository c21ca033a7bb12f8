// `delvex outbox failed`: operators see what did not go out, and why — without full phone numbers.

#include <gtest/gtest.h>

#include "bot/store/database.hpp"
#include "bot/store/outbox_repository.hpp"
#include "tests/support/harness.hpp"
#include "tests/support/process.hpp"

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
    const auto run = testing::run_delvex("outbox failed", "DELVEX_DB=" + dir.file("o.db"));
    const std::string& out = run.output;
    EXPECT_EQ(run.code, 0) << out;
    EXPECT_NE(out.find("1 queued, 0 sent, 0 delivered, 0 read, 1 failed, 0 held"), std::string::npos) << out;
    EXPECT_NE(out.find("rooms.relay:7"), std::string::npos) << out;
    EXPECT_NE(out.find("131026 Message undeliverable"), std::string::npos) << out;
    EXPECT_EQ(out.find("243810000002"), std::string::npos) << out;
    EXPECT_EQ(out.find("welcome"), std::string::npos) << out;  // only the failed ones
}

}  // namespace
}  // namespace delvex
