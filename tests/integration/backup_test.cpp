// `delvex backup`: an online, consistent, owner-only copy of the live database, with the webhooks that had
// landed but were not imported yet and the members' stored files, and a restore from it.

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <SQLiteCpp/Transaction.h>

#include <array>
#include <atomic>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <set>
#include <thread>

#include <fcntl.h>
#include <unistd.h>

#include "bot/app/backup.hpp"
#include "bot/core/crypto.hpp"
#include "bot/delivery/codec.hpp"
#include "bot/store/database.hpp"
#include "bot/store/landing_import.hpp"
#include "bot/store/landing_log.hpp"
#include "bot/store/media_repository.hpp"
#include "bot/store/outbox_repository.hpp"
#include "bot/store/repositories.hpp"
#include "tests/integration/chat_fixture.hpp"
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


// ---- what has landed but is not imported yet ---------------------------------------------------------------

std::int64_t count_key(const std::string& path, const std::string& key) {
    auto db = open_db(path);
    return store::InboxRepository(db.sql()).count_key(key);
}

std::string read_all(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

/// The text webhook number `i` of a test, from its own member.
std::string body_of(testing::ServiceHarness& h, const std::string& wamid, int i) {
    return h.webhook_for(testing::ServiceHarness::text_message(wamid, "2547000007" + std::to_string(10 + i), "hi"));
}

/// The dedupe key the inbox keeps for a text message.
std::string key_of(const std::string& wamid) {
    return "m:" + wamid;
}

TEST(BackupLanded, WebhooksAnsweredButNotImportedAreInTheCopyOnceAndTheRestoredServiceAnswersThem) {
    testing::TempDir dir;
    const auto live = dir.file("live.db");
    const auto copy = dir.file("backup.db");
    std::vector<std::string> landed_bodies;
    {
        testing::ServiceHarness h(live);
        for (int i = 0; i < 2; ++i) {
            ASSERT_EQ(h.post_webhook(body_of(h, "wamid.in" + std::to_string(i), i)).status, 200);
        }
        ASSERT_TRUE(testing::eventually([&] { return h.fake().messages().size() == 2; }));
        ASSERT_TRUE(testing::eventually([&] { return h.service().quiet(); }));

        // Another connection holds SQLite's write lock: the importer cannot commit, while webhooks still get
        // their 200 (landing them needs no SQLite).
        auto other = open_db(live);
        other.sql().exec("BEGIN IMMEDIATE");
        for (int i = 0; i < 3; ++i) {
            landed_bodies.push_back(body_of(h, "wamid.landed" + std::to_string(i), 10 + i));
            ASSERT_EQ(h.post_webhook(landed_bodies.back()).status, 200);
        }
        EXPECT_EQ(store::InboxRepository(other.sql()).total(), 2) << "the test needs the importer held back";

        const auto run = run_delvex("backup --db '" + live + "' --to '" + copy + "'");
        ASSERT_EQ(run.code, 0) << run.output;
        EXPECT_NE(run.output.find("landed, not yet imported: 3 updates taken in (0 already in"), std::string::npos)
            << run.output;
        EXPECT_NE(run.output.find("media: 0 files, 0 bytes"), std::string::npos) << run.output;
        // The backup wrote nothing of the live side: the import is still due there.
        EXPECT_EQ(store::InboxRepository(other.sql()).total(), 2);
        other.sql().exec("ROLLBACK");
        EXPECT_TRUE(testing::eventually([&] { return h.fake().messages().size() == 5; }, std::chrono::seconds(20)));
        ASSERT_TRUE(testing::eventually([&] { return h.service().quiet(); }));
    }
    EXPECT_EQ(inbox_total(copy), 5);
    for (int i = 0; i < 3; ++i) {
        EXPECT_EQ(count_key(copy, key_of("wamid.landed" + std::to_string(i))), 1) << i;
    }
    EXPECT_EQ(mode_of(copy + ".media"), 0700u);

    // Restored on another machine (no landing folder there): the three are in its inbox, not yet applied,
    // and the restored service applies them (each member's welcome, once).
    const auto restored = dir.file("elsewhere/restored.db");
    fs::create_directories(dir.file("elsewhere"));
    fs::copy_file(copy, restored);
    {
        testing::ServiceHarness h(restored);
        for (const auto& body : landed_bodies) {
            h.note_members_of(body);  // Meta saw them write: their window is open
        }
        EXPECT_TRUE(testing::eventually([&] { return h.fake().messages().size() == 3; }, std::chrono::seconds(20)))
            << h.fake().messages().size();
        ASSERT_TRUE(testing::eventually([&] { return h.service().quiet(); }));
        // Meta retries them all: every one is known.
        for (int i = 0; i < 3; ++i) {
            ASSERT_EQ(h.post_webhook(landed_bodies[static_cast<std::size_t>(i)]).status, 200);
        }
        EXPECT_TRUE(testing::eventually([&] { return h.service().metrics().events_duplicate.load() == 3; }));
        EXPECT_EQ(h.service().metrics().events_stored.load(), 0u);
        EXPECT_EQ(h.fake().messages().size(), 3u);
    }
    EXPECT_EQ(inbox_total(restored), 5);
}

TEST(BackupLanded, RestoredInPlaceNextToTheSameLandingFolderNothingIsImportedTwice) {
    testing::TempDir dir;
    const auto live = dir.file("live.db");
    const auto copy = dir.file("backup.db");
    std::vector<std::string> landed_bodies;
    {
        testing::ServiceHarness h(live);
        ASSERT_EQ(h.post_webhook(body_of(h, "wamid.first", 0)).status, 200);
        ASSERT_TRUE(testing::eventually([&] { return h.fake().messages().size() == 1; }));
        ASSERT_TRUE(testing::eventually([&] { return h.service().quiet(); }));
        auto other = open_db(live);
        other.sql().exec("BEGIN IMMEDIATE");
        for (int i = 0; i < 3; ++i) {
            landed_bodies.push_back(body_of(h, "wamid.kept" + std::to_string(i), 20 + i));
            ASSERT_EQ(h.post_webhook(landed_bodies.back()).status, 200);
        }
        const auto run = run_delvex("backup --db '" + live + "' --to '" + copy + "'");
        ASSERT_EQ(run.code, 0) << run.output;
        EXPECT_NE(run.output.find("3 updates taken in"), std::string::npos) << run.output;
        // The service stops before it could import them: they stay in its landing folder.
        h.stop_service();
        other.sql().exec("ROLLBACK");
    }
    std::size_t segments = 0;
    for (const auto& entry : fs::directory_iterator(live + "-landing")) {
        segments += store::LandingLog::segment_id(entry.path().filename().string()) ? 1 : 0;
    }
    ASSERT_GT(segments, 0u) << "the test needs records left in the landing folder";
    EXPECT_EQ(inbox_total(live), 1);

    // The database is lost; the copy takes its place, next to the landing folder that still holds them.
    for (const char* suffix : {"", "-wal", "-shm"}) {
        fs::remove(live + suffix);
    }
    fs::copy_file(copy, live);
    {
        testing::ServiceHarness h(live);
        for (const auto& body : landed_bodies) {
            h.note_members_of(body);
        }
        EXPECT_TRUE(testing::eventually([&] { return h.fake().messages().size() == 3; }, std::chrono::seconds(20)));
        ASSERT_TRUE(testing::eventually([&] { return h.service().quiet(); }));
        // The copy's import progress covers the segment: its records are not even read again.
        EXPECT_EQ(h.service().metrics().events_stored.load(), 0u);
        EXPECT_EQ(h.service().metrics().events_duplicate.load(), 0u);
        EXPECT_EQ(h.fake().messages().size(), 3u);
    }
    EXPECT_EQ(inbox_total(live), 4);
    for (int i = 0; i < 3; ++i) {
        EXPECT_EQ(count_key(live, key_of("wamid.kept" + std::to_string(i))), 1) << i;
    }
}

TEST(BackupLanded, UnderSteadyWebhooksEveryWebhookAnsweredBeforeTheBackupIsInItOnce) {
    testing::TempDir dir;
    const auto live = dir.file("live.db");
    testing::ServiceHarness h(live);
    std::atomic<bool> stop{false};
    std::atomic<int> answered{0};  // webhooks 0 .. answered-1 got their 200
    // Webhooks until the test says stop, however fast the sender runs: a fixed number of them could all be
    // answered before the held-back round, which then waited for more that never came.
    std::thread sender([&] {
        for (int i = 0; !stop.load(); ++i) {
            if (h.post_webhook(body_of(h, "wamid.flow" + std::to_string(i), 100 + i % 800)).status != 200) {
                ADD_FAILURE() << "webhook " << i << " was not answered 200";
                return;
            }
            answered.store(i + 1);
        }
    });
    // A failed assertion returns from the test: the sender is stopped and joined on the way out.
    struct JoinOnExit {
        std::atomic<bool>& stop;
        std::thread& thread;
        ~JoinOnExit() {
            stop = true;
            if (thread.joinable()) {
                thread.join();
            }
        }
    } join_on_exit{stop, sender};
    std::vector<int> before;
    auto other = open_db(live);
    for (int round = 0; round < 3; ++round) {
        // The middle round runs while the importer is held back (another connection holds SQLite's write
        // lock), as on a machine whose disk is slow: webhooks keep landing and being answered meanwhile.
        const bool held = round == 1;
        int want = 40 * (round + 1);
        if (held) {
            other.sql().exec("BEGIN IMMEDIATE");
            want = std::max(want, answered.load() + 30);  // at least 30 answered and not imported
        }
        ASSERT_TRUE(testing::eventually([&] { return answered.load() >= want; }));
        before.push_back(answered.load());
        const auto target = dir.file("copy-" + std::to_string(round) + ".db");
        const auto run = run_delvex("backup --db '" + live + "' --to '" + target + "'");
        if (held) {
            other.sql().exec("ROLLBACK");
        }
        ASSERT_EQ(run.code, 0) << run.output;
        std::cout << run.output;  // how many came from the landing folder (it varies with the importer's pace)
    }
    stop = true;
    sender.join();
    ASSERT_GE(answered.load(), before.back());
    for (int round = 0; round < 3; ++round) {
        const auto target = dir.file("copy-" + std::to_string(round) + ".db");
        auto db = open_db(target);
        store::InboxRepository inbox(db.sql());
        for (int i = 0; i < before[static_cast<std::size_t>(round)]; ++i) {
            ASSERT_EQ(inbox.count_key(key_of("wamid.flow" + std::to_string(i))), 1)
                << "round " << round << ", webhook " << i << " answered before the backup";
        }
        EXPECT_LE(inbox.total(), answered.load() + 0LL);
    }
}

/// Writes landed batches into `dir` as the service does (through the real landing log), then lets go of it.
void land(const std::string& dir, const std::vector<store::LandedBatch>& batches) {
    store::LandingLog log(store::LandingLog::Options{dir, false});
    auto lane = log.lane();
    std::vector<const store::LandedBatch*> ptrs;
    for (const auto& b : batches) {
        ptrs.push_back(&b);
    }
    lane->append(ptrs);
}

store::LandedBatch text_batch(const std::string& key, std::int64_t at) {
    store::LandedBatch b;
    b.received_ms = at;
    store::InboxRecord r;
    r.kind = 0;
    r.dedupe_key = key;
    r.member_key = "254700000999";
    r.phone_number_id = "100";
    r.payload = "{}";
    b.records.push_back(r);
    return b;
}

std::string only_segment(const std::string& dir) {
    for (const auto& entry : fs::directory_iterator(dir)) {
        if (store::LandingLog::segment_id(entry.path().filename().string())) {
            return entry.path().string();
        }
    }
    return {};
}

TEST(BackupLanded, ARecordCutShortAtTheEndIsLeftOutAndADamagedOneStopsOnlyItsSegment) {
    testing::TempDir dir;
    const auto live = dir.file("live.db");
    { auto db = open_db(live); }
    const auto landing = live + "-landing";
    land(landing, {text_batch("k:1", 1), text_batch("k:2", 2), text_batch("k:3", 3)});
    const auto segment = only_segment(landing);
    ASSERT_FALSE(segment.empty());
    // The service writing its next record right now: a header that claims more than is there yet.
    {
        const int fd = ::open(segment.c_str(), O_WRONLY | O_APPEND);
        const std::uint32_t header[2] = {4000, 0};
        ASSERT_EQ(::write(fd, header, sizeof(header)), static_cast<ssize_t>(sizeof(header)));
        ASSERT_EQ(::write(fd, "partial", 7), 7);
        ::close(fd);
    }
    auto report = app::backup_database(live, dir.file("copy.db"));
    EXPECT_EQ(report.landed.segments, 1u);
    EXPECT_EQ(report.landed.stored, 3u);
    EXPECT_EQ(report.landed.damaged, 0u);
    EXPECT_EQ(inbox_total(dir.file("copy.db")), 3);

    // A second segment whose middle record fails its checksum: what precedes it is taken, the backup works.
    land(landing, {text_batch("k:4", 4), text_batch("k:5", 5)});
    std::string second;
    for (const auto& entry : fs::directory_iterator(landing)) {
        if (entry.path().string() != segment) {
            second = entry.path().string();
        }
    }
    ASSERT_FALSE(second.empty());
    const auto size = fs::file_size(second);
    {
        const int fd = ::open(second.c_str(), O_WRONLY);
        ASSERT_EQ(::pwrite(fd, "X", 1, static_cast<off_t>(size - 2)), 1);  // inside k:5's payload
        ::close(fd);
    }
    report = app::backup_database(live, dir.file("copy.db"));
    EXPECT_EQ(report.landed.segments, 2u);
    EXPECT_EQ(report.landed.stored, 4u);
    EXPECT_EQ(report.landed.damaged, 1u);
    EXPECT_EQ(count_key(dir.file("copy.db"), "k:4"), 1);
    EXPECT_EQ(count_key(dir.file("copy.db"), "k:5"), 0);
    // Read-only: the live side is as it was.
    EXPECT_EQ(inbox_total(live), 0);
    EXPECT_EQ(fs::file_size(second), size);
}

TEST(BackupLanded, ASegmentImportedAndForgottenBeforeTheSnapshotAddsNothingTwiceQuarantineIncluded) {
    testing::TempDir dir;
    const auto live = dir.file("live.db");
    const auto landing = live + "-landing";
    auto quarantined = text_batch("k:q", 7);
    quarantined.quarantine_reason = "not JSON";
    quarantined.raw_body = "{{{ not json";
    const std::vector<store::LandedBatch> batches{text_batch("k:a", 5), quarantined};
    land(landing, batches);
    // The live importer took the segment in and its progress row is gone (as after the file's deletion): the
    // copy has no progress for a file the backup still holds.
    {
        auto db = open_db(live);
        store::InboxRepository inbox(db.sql());
        store::LandedImportCounts counts;
        for (const auto& b : batches) {
            store::import_landed(inbox, db.sql(), b, counts);
        }
        EXPECT_EQ(counts.quarantined, 1u);
    }
    const auto report = app::backup_database(live, dir.file("copy.db"));
    EXPECT_EQ(report.landed.stored, 0u);
    EXPECT_EQ(report.landed.duplicates, 2u);
    EXPECT_EQ(report.landed.quarantined, 0u);
    auto copy = open_db(dir.file("copy.db"));
    store::InboxRepository inbox(copy.sql());
    EXPECT_EQ(inbox.total(), 2);
    EXPECT_EQ(inbox.quarantined(), 1);
}

TEST(BackupLanded, ASegmentOthersCouldWriteIsRefused) {
    testing::TempDir dir;
    const auto live = dir.file("live.db");
    { auto db = open_db(live); }
    land(live + "-landing", {text_batch("k:1", 1)});
    const auto segment = only_segment(live + "-landing");
    ::chmod(segment.c_str(), 0666);
    EXPECT_THROW(app::backup_database(live, dir.file("copy.db")), std::runtime_error);
    EXPECT_FALSE(fs::exists(dir.file("copy.db")));
}

// ---- members' stored files ------------------------------------------------------------------------------

class BackupMedia : public testing::ChatScenario {
protected:
    BackupMedia() { db_file = "media.db"; }
    const Member amina{"254700000001", "Amina"};
    const Member baraka{"255700000002", "Baraka"};

    std::size_t audio_to(const Member& who) const {
        std::size_t n = 0;
        for (const auto& m : to(who)) {
            n += m.type == "audio" ? 1 : 0;
        }
        return n;
    }
};

TEST_F(BackupMedia, StoredFilesComeAlongOwnerOnlyAndTheRestoredServiceSendsThemFromDisk) {
    onboard(amina, "en", "east-africa", "Amina");
    onboard(baraka, "en", "east-africa", "Baraka");
    core::InboundMessage voice;
    voice.type = core::MessageType::kAudio;
    voice.type_name = "audio";
    core::MediaRef media;
    const std::string bytes = "OggS-voice-note-from-the-pit-" + std::string(3000, 'v');
    media.id = harness->fake().add_inbound_media(bytes, "audio/ogg");
    media.mime_type = "audio/ogg";
    media.voice = true;
    voice.media = media;
    send(amina, voice);
    ASSERT_EQ(audio_to(baraka), 1u);

    const auto db = dir.file(db_file);
    const auto media_dir = db + "-media";
    const auto sha = core::sha256_hex(bytes);
    const auto stored = media_dir + "/" + sha.substr(0, 2) + "/" + sha;
    ASSERT_TRUE(fs::exists(stored));
    // A file the database does not name (left by hand, or its row purged) does not go into the backup.
    fs::create_directories(media_dir + "/ab");
    std::ofstream(media_dir + "/ab/" + std::string(64, 'a')) << "stray";

    const auto copy = dir.file("backup.db");
    const auto run = run_delvex("backup --db '" + db + "' --to '" + copy + "'");
    ASSERT_EQ(run.code, 0) << run.output;
    EXPECT_NE(run.output.find("media: 1 file, " + std::to_string(bytes.size()) + " bytes"), std::string::npos)
        << run.output;
    const auto copied = copy + ".media/" + sha.substr(0, 2) + "/" + sha;
    EXPECT_EQ(read_all(copied), bytes);
    EXPECT_EQ(mode_of(copy + ".media"), 0700u);
    EXPECT_EQ(mode_of(copy + ".media/" + sha.substr(0, 2)), 0700u);
    EXPECT_EQ(mode_of(copied), 0600u);
    EXPECT_FALSE(fs::exists(copy + ".media/ab"));
    EXPECT_FALSE(fs::exists(copy + ".media.partial"));

    // A second backup to the same name replaces the folder whole; --no-media takes it away (it would no
    // longer match the database beside it).
    const auto again = run_delvex("backup --db '" + db + "' --to '" + copy + "'");
    ASSERT_EQ(again.code, 0) << again.output;
    EXPECT_EQ(read_all(copied), bytes);
    const auto bare = run_delvex("backup --no-media --db '" + db + "' --to '" + dir.file("bare.db") + "'");
    ASSERT_EQ(bare.code, 0) << bare.output;
    EXPECT_NE(bare.output.find("media not copied"), std::string::npos) << bare.output;
    EXPECT_FALSE(fs::exists(dir.file("bare.db.media")));

    // Everything lost; restored as docs/OPERATIONS.md says: the database file and the media folder put back.
    harness->stop_service();
    for (const char* suffix : {"", "-wal", "-shm"}) {
        fs::remove(db + suffix);
    }
    fs::remove_all(media_dir);
    fs::copy_file(copy, db);
    fs::copy(copy + ".media", media_dir, fs::copy_options::recursive);
    EXPECT_EQ(read_all(stored), bytes);

    // A month on, Meta has long dropped both the member's media id and our upload of it: the voice note can
    // only come from the restored file. Baraka writes (his window opens) and asks for it again.
    clock.advance(std::chrono::hours(24 * 31));
    harness->start_service();
    say(baraka, "menu");
    harness->stop_service();
    {
        auto restored = open_db(db);
        core::OutgoingMessage again_to_baraka;
        again_to_baraka.to = core::Recipient::phone(baraka.wa_id);
        again_to_baraka.body =
            core::OutgoingMedia{core::MediaKind::kAudio, core::MediaSource::by_inbound(media.id), "", ""};
        store::OutboxRepository(restored.sql())
            .enqueue(delivery::entry_for("rooms.replay:1", again_to_baraka), core::to_unix_ms(clock.now()));
    }
    const auto files = harness->fake().stats();
    harness->start_service();
    ASSERT_TRUE(testing::eventually([&] { return audio_to(baraka) == 2; }, std::chrono::seconds(20)))
        << audio_to(baraka);
    EXPECT_EQ(harness->fake().stats().media_downloads, files.media_downloads) << "not fetched from Meta again";
    EXPECT_EQ(harness->fake().stats().media_uploads, files.media_uploads + 1) << "uploaded again from the file";
}

}  // namespace
}  // namespace delvex
