// `delvex backup`: an online, consistent, owner-only copy of the live database, and a restore from it.

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <SQLiteCpp/Transaction.h>

#include <array>
#include <atomic>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "bot/app/backup.hpp"
#include "bot/store/database.hpp"
#include "bot/store/outbox_repository.hpp"
#include "bot/store/repositories.hpp"
#include "tests/support/harness.hpp"
#include "tests/support/process.hpp"

namespace delvex {
namespace {

namespace fs = std::filesystem;

mode_t mode_of(const std::string& path) {
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0 ? (st.st_mode & 07777) : 07777;
}

store::Database open_db(const std::string& path) {
    return store::Database(store::DatabaseOptions{path, false, 5000, false});
}

std::int64_t inbox_total(const std::string& path) {
    auto db = open_db(path);
    return store::InboxRepository(db.sql()).total();
}

std::int64_t queued(const std::string& path) {
    auto db = open_db(path);
    return store::OutboxRepository(db.sql()).count(store::OutboxStatus::kQueued);
}

void enqueue(store::OutboxRepository& outbox, int from, int n) {
    for (int i = from; i < from + n; ++i) {
        outbox.enqueue("backup:" + std::to_string(i), "254700000" + std::to_string(500 + i % 400), "text",
                       "message " + std::to_string(i), 1'800'000'000'000);
    }
}

using BinaryRun = testing::CommandRun;
using testing::run_delvex;

TEST(Backup, CopiesWhatIsCommittedWhileAWriterHoldsItsTransactionOpen) {
    testing::TempDir dir;
    const auto live = dir.file("live.db");
    auto writer = open_db(live);
    store::OutboxRepository outbox(writer.sql());
    enqueue(outbox, 0, 300);

    // The service's writer in the middle of a transaction: the backup neither waits for it nor sees it.
    auto other = open_db(live);
    store::OutboxRepository other_outbox(other.sql());
    {
        SQLite::Transaction open_tx(other.sql(), SQLite::TransactionBehavior::IMMEDIATE);
        enqueue(other_outbox, 1000, 50);
        const mode_t old = ::umask(022);
        const auto report = app::backup_database(live, dir.file("copy.db"));
        ::umask(old);
        EXPECT_GT(report.pages, 1);
        EXPECT_EQ(report.schema_version, store::latest_schema_version());
        EXPECT_GT(report.bytes, 0u);
    }  // rolled back
    EXPECT_EQ(mode_of(dir.file("copy.db")), 0600u) << "a backup holds members' numbers";
    // One self-contained file: no WAL beside it, no partial file left. (Checked before the copy is opened
    // as a service database below, which switches it back to WAL.)
    EXPECT_FALSE(fs::exists(dir.file("copy.db-wal")));
    EXPECT_FALSE(fs::exists(dir.file("copy.db.partial")));
    {
        SQLite::Database check(dir.file("copy.db"), SQLite::OPEN_READONLY);
        EXPECT_EQ(check.execAndGet("PRAGMA journal_mode").getString(), "delete");
        EXPECT_EQ(check.execAndGet("PRAGMA integrity_check").getString(), "ok");
    }
    EXPECT_EQ(queued(dir.file("copy.db")), 300);
}

TEST(Backup, IsConsistentAndFinishesUnderSteadyCommits) {
    testing::TempDir dir;
    const auto live = dir.file("live.db");
    {
        auto db = open_db(live);
        store::OutboxRepository outbox(db.sql());
        enqueue(outbox, 0, 2000);  // a few hundred pages, so that a commit can land mid-copy
    }
    std::atomic<bool> stop{false};
    std::atomic<int> committed{0};
    std::thread traffic([&] {
        auto db = open_db(live);
        store::OutboxRepository outbox(db.sql());
        for (int i = 0; !stop.load(); ++i) {
            SQLite::Transaction tx(db.sql(), SQLite::TransactionBehavior::IMMEDIATE);
            enqueue(outbox, 10'000 + 10 * i, 10);  // ten rows per commit: a copy must hold whole commits only
            tx.commit();
            committed.fetch_add(10);
        }
    });
    ASSERT_TRUE(testing::eventually([&] { return committed.load() >= 100; }));
    std::vector<std::int64_t> counts;
    for (int round = 0; round < 3; ++round) {
        const auto target = dir.file("copy-" + std::to_string(round) + ".db");
        const int before = committed.load();
        EXPECT_NO_THROW(app::backup_database(live, target));
        const int after = committed.load();
        const auto rows = queued(target);
        EXPECT_EQ(rows % 10, 0) << "a backup caught half a transaction";
        EXPECT_GE(rows, 2000 + before);
        EXPECT_LE(rows, 2000 + after + 10);
        counts.push_back(rows);
    }
    stop = true;
    traffic.join();
    EXPECT_LE(counts[0], counts[1]);
    EXPECT_LE(counts[1], counts[2]);
}

TEST(Backup, RefusesTheLiveFileItselfAndKeepsTheLastGoodCopyOnFailure) {
    testing::TempDir dir;
    const auto live = dir.file("live.db");
    {
        auto db = open_db(live);
        store::OutboxRepository outbox(db.sql());
        enqueue(outbox, 0, 5);
    }
    EXPECT_THROW(app::backup_database(live, live), std::runtime_error);
    EXPECT_EQ(queued(live), 5);

    app::backup_database(live, dir.file("copy.db"));
    EXPECT_THROW(app::backup_database(dir.file("missing.db"), dir.file("copy.db")), std::runtime_error);
    EXPECT_FALSE(fs::exists(dir.file("missing.db"))) << "a backup must never create the database it copies";
    EXPECT_EQ(queued(dir.file("copy.db")), 5) << "a failed backup replaced the previous one";
    EXPECT_THROW(app::backup_database(live, dir.file("no-such-folder/copy.db")), std::runtime_error);
    // A file that is not a database is not a source.
    std::ofstream(dir.file("junk.db")) << "not a database at all, just text long enough to have a header......";
    EXPECT_THROW(app::backup_database(dir.file("junk.db"), dir.file("copy.db")), std::runtime_error);
    EXPECT_EQ(queued(dir.file("copy.db")), 5);
    EXPECT_FALSE(fs::exists(dir.file("copy.db.partial")));
}

TEST(Backup, TheCommandBacksUpARunningServiceAndTheCopyRestores) {
    testing::TempDir dir;
    const auto live = dir.file("live.db");
    const auto copy = dir.file("backup.db");
    {
        testing::ServiceHarness h(live);
        for (int i = 0; i < 3; ++i) {
            const auto body = h.webhook_for(testing::ServiceHarness::text_message(
                "wamid.bk" + std::to_string(i), "25470000060" + std::to_string(i), "hi"));
            ASSERT_EQ(h.post_webhook(body).status, 200);
        }
        ASSERT_TRUE(testing::eventually([&] { return h.fake().messages().size() == 3; }));
        ASSERT_TRUE(testing::eventually([&] { return h.service().quiet(); }));

        // While the service runs, as an operator (or cron) would.
        const auto run = run_delvex("backup --db '" + live + "' --to '" + copy + "'");
        ASSERT_EQ(run.code, 0) << run.output;
        EXPECT_NE(run.output.find("integrity ok"), std::string::npos) << run.output;
        EXPECT_NE(run.output.find("schema version " + std::to_string(store::latest_schema_version())),
                  std::string::npos)
            << run.output;
    }
    // Without --db the database comes from DELVEX_DB, as for `delvex serve`.
    const auto env_run = run_delvex("backup --to '" + dir.file("env.db") + "'", "DELVEX_DB='" + live + "' ");
    EXPECT_EQ(env_run.code, 0) << env_run.output;
    EXPECT_EQ(inbox_total(dir.file("env.db")), 3);
    EXPECT_EQ(inbox_total(copy), 3);
    const auto bad = run_delvex("backup --db '" + dir.file("nothing.db") + "' --to '" + dir.file("x.db") + "'");
    EXPECT_EQ(bad.code, 1) << bad.output;
    EXPECT_NE(bad.output.find("no database file"), std::string::npos) << bad.output;

    // Restore: the service stopped, the copy put in place of the database (no stale -wal/-shm beside it).
    const auto restored = dir.file("restored.db");
    fs::copy_file(copy, restored);
    ::chmod(restored.c_str(), 0600);
    {
        testing::ServiceHarness h(restored);
        // The same webhooks again are recognised as already stored: the inbox came back whole.
        for (int i = 0; i < 3; ++i) {
            const auto body = h.webhook_for(testing::ServiceHarness::text_message(
                "wamid.bk" + std::to_string(i), "25470000060" + std::to_string(i), "hi"));
            ASSERT_EQ(h.post_webhook(body).status, 200);
        }
        EXPECT_TRUE(testing::eventually([&] { return h.service().metrics().events_duplicate.load() == 3; }))
            << h.service().metrics().events_duplicate.load();
        EXPECT_EQ(h.service().metrics().events_stored.load(), 0u);
    }
}

}  // namespace
}  // namespace delvex
