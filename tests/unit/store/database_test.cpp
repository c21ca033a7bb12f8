#include "bot/store/database.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>

#include "bot/store/repositories.hpp"
#include "tests/support/harness.hpp"

namespace delvex::store {
namespace {

TEST(Database, MigratesAFreshFileToTheLatestVersionInWalMode) {
    testing::TempDir dir;
    Database db({dir.file("a.db")});
    EXPECT_EQ(db.schema_version(), latest_schema_version());
    EXPECT_EQ(db.sql().execAndGet("PRAGMA journal_mode").getString(), "wal");
    EXPECT_EQ(db.sql().execAndGet("PRAGMA synchronous").getInt(), 2);  // FULL
    // Opening again is a no-op.
    Database again({dir.file("a.db")});
    EXPECT_EQ(again.schema_version(), latest_schema_version());
}

TEST(Database, AnExistingFileReadableByOthersIsNarrowedToItsOwner) {
    // As after a restore by a tool that ignores modes (security review L-20).
    testing::TempDir dir;
    const auto path = dir.file("restored.db");
    { Database first({path}); }
    ::chmod(path.c_str(), 0644);
    std::ofstream(path + "-wal").flush();  // an empty WAL, as SQLite leaves one
    ::chmod((path + "-wal").c_str(), 0644);
    Database db({path});
    for (const std::string& file : {path, path + "-wal"}) {
        struct stat st {};
        ASSERT_EQ(::stat(file.c_str(), &st), 0) << file;
        EXPECT_EQ(st.st_mode & 0077, 0u) << file;
    }
}

TEST(Database, FileIsReadableByTheOwnerAlone) {
    testing::TempDir dir;
    Database db({dir.file("private.db")});
    struct stat st {};
    ASSERT_EQ(::stat(dir.file("private.db").c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0077, 0u);
}

TEST(Database, RefusesAFileFromANewerBuild) {
    testing::TempDir dir;
    {
        Database db({dir.file("new.db")});
        db.sql().exec("PRAGMA user_version = 999");
    }
    EXPECT_THROW(Database({dir.file("new.db")}), std::runtime_error);
}

TEST(InboxRepository, InsertDedupesAndPendingKeepsOrder) {
    Database db({":memory:"});
    InboxRepository inbox(db.sql());
    EXPECT_TRUE(inbox.insert({1, "m:a", "254700000001", "1", 10, "{}"}, 1));
    EXPECT_TRUE(inbox.insert({1, "m:b", "254700000001", "1", 11, "{}"}, 2));
    EXPECT_FALSE(inbox.insert({1, "m:a", "254700000001", "1", 10, "{}"}, 3));
    auto pending = inbox.pending(0, 10);
    ASSERT_EQ(pending.size(), 2u);
    EXPECT_LT(pending[0].id, pending[1].id);
    inbox.mark_done(pending[0].id, 5);
    inbox.mark_failed(pending[1].id, "boom", 6);
    EXPECT_EQ(inbox.count(InboxState::kDone), 1);
    EXPECT_EQ(inbox.count(InboxState::kFailed), 1);
    EXPECT_TRUE(inbox.pending(0, 10).empty());
}

TEST(OutboxRepository, EnqueueIsIdempotentAndStatusesOnlyMoveForward) {
    Database db({":memory:"});
    OutboxRepository outbox(db.sql());
    EXPECT_TRUE(outbox.enqueue("welcome", "254700000001", "text", "hi", 100));
    EXPECT_FALSE(outbox.enqueue("welcome", "254700000001", "text", "hi again", 100));
    auto due = outbox.due(100, 10);
    ASSERT_EQ(due.size(), 1u);
    EXPECT_TRUE(outbox.due(99, 10).empty());
    // A read status that beats our own commit of the wamid is kept when the commit lands.
    outbox.mark_sent(due[0].id, "wamid.X", 101);
    EXPECT_TRUE(outbox.apply_status("wamid.X", OutboxStatus::kRead, "", 102));
    EXPECT_TRUE(outbox.apply_status("wamid.X", OutboxStatus::kDelivered, "", 103));
    EXPECT_EQ(outbox.find("welcome", "254700000001")->status, OutboxStatus::kRead);
    EXPECT_FALSE(outbox.apply_status("wamid.unknown", OutboxStatus::kRead, "", 104));
}

TEST(OutboxRepository, RescheduleDelaysAndFailKeepsTheReason) {
    Database db({":memory:"});
    OutboxRepository outbox(db.sql());
    outbox.enqueue("k", "254700000001", "text", "hi", 100);
    const auto id = outbox.due(100, 1).front().id;
    outbox.reschedule(id, 5000, "throttle", false, 100);
    EXPECT_TRUE(outbox.due(4999, 10).empty());
    EXPECT_EQ(outbox.due(5000, 10).front().attempts, 0);
    outbox.mark_failed(id, "permanent: 131026", 5001);
    const auto row = outbox.find("k", "254700000001");
    EXPECT_EQ(row->status, OutboxStatus::kFailed);
    EXPECT_EQ(row->last_error, "permanent: 131026");
}

}  // namespace
}  // namespace delvex::store
