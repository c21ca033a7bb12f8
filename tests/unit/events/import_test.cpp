// The importer (Ingestor's writer-thread half) on what an earlier process left in the landing log: real
// files, real writer thread, real SQLite.

#include <gtest/gtest.h>

#include <SQLiteCpp/Database.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <stdexcept>
#include <thread>

#include "bot/core/clock.hpp"
#include "bot/core/metrics.hpp"
#include "bot/store/db_writer.hpp"
#include "bot/events/ingest.hpp"
#include "bot/store/landing_log.hpp"
#include "tests/support/harness.hpp"

namespace delvex::events {
namespace {

namespace fs = std::filesystem;

store::LandedBatch message(int i) {
    store::LandedBatch b;
    b.received_ms = 1'800'000'000'000;
    b.records.push_back(store::InboxRecord{0, "m:wamid.I" + std::to_string(i), "wa:25470001" + std::to_string(i),
                                           "1065", 1'800'000'000, "{}"});
    return b;
}

void land(store::LandingLog& log, int first, int count) {
    auto lane = log.lane();
    std::vector<store::LandedBatch> batches;
    for (int i = first; i < first + count; ++i) {
        batches.push_back(message(i));
    }
    std::vector<const store::LandedBatch*> ptrs;
    for (const auto& b : batches) {
        ptrs.push_back(&b);
    }
    lane->append(ptrs);
}

/// Waits until everything landed is imported; a hang fails the test instead of blocking it.
void wait_imported(const Ingestor& ingestor) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (ingestor.waiting()) {
        if (std::chrono::steady_clock::now() > deadline) {
            throw std::runtime_error("import did not finish within 20 s");
        }
        std::this_thread::yield();
    }
}

struct Importer {
    Importer(const std::string& db, const std::string& landing)
        : writer(store::DatabaseOptions{db, false, 5000, false, false}),
          log({landing, false}),
          ingestor(writer, log, clock, metrics) {
        ingestor.kick();
        wait_imported(ingestor);
        writer.stop();
    }
    core::FakeClock clock;
    core::Metrics metrics;
    store::DbWriter writer;
    store::LandingLog log;
    Ingestor ingestor;
};

std::int64_t scalar(const std::string& db, const std::string& sql) {
    SQLite::Database d(db, SQLite::OPEN_READONLY);
    return d.execAndGet(sql).getInt64();
}

TEST(Import, WhatAKilledProcessLandedIsImportedOnceUpToItsLastWholeRecordAndTheFileGoes) {
    testing::TempDir tmp;
    const auto db = tmp.file("d.db");
    const auto landing = tmp.file("d.db-landing");
    {
        store::LandingLog log({landing, false});
        land(log, 0, 4);
        land(log, 4, 1);  // the fifth, in its own write, is cut short below
    }
    const auto file = fs::directory_iterator(landing)->path();
    fs::resize_file(file, fs::file_size(file) - 3);

    struct Counts {
        std::uint64_t stored;
        std::uint64_t duplicates;
    };
    // One importer at a time (the landing log takes its directory for itself), as restarts would.
    auto import_once = [&] {
        Importer importer(db, landing);
        return Counts{importer.metrics.events_stored.load(), importer.metrics.events_duplicate.load()};
    };
    const auto first = import_once();
    EXPECT_EQ(scalar(db, "SELECT count(*) FROM inbox"), 4);
    EXPECT_EQ(first.stored, 4u);
    EXPECT_TRUE(fs::is_empty(landing)) << "an imported recovered segment is deleted";

    // The same records landing again (Meta's retry after the crash) are duplicates, and a restart imports
    // nothing twice.
    {
        store::LandingLog log({landing, false});
        land(log, 0, 5);
    }
    const auto second = import_once();
    EXPECT_EQ(scalar(db, "SELECT count(*) FROM inbox"), 5);
    EXPECT_EQ(second.stored, 1u);
    EXPECT_EQ(second.duplicates, 4u);
    const auto third = import_once();
    EXPECT_EQ(third.stored + third.duplicates, 0u);
    // Progress rows do not outlive their segments.
    EXPECT_EQ(scalar(db, "SELECT count(*) FROM landing_progress"), 0);
}

TEST(Import, AnUnreadableSegmentIsSetAsideAndTheOthersAreImported) {
    testing::TempDir tmp;
    const auto db = tmp.file("d.db");
    const auto landing = tmp.file("d.db-landing");
    {
        store::LandingLog log({landing, false});
        land(log, 0, 2);
        land(log, 2, 3);  // a second lane: a second segment
    }
    ASSERT_EQ(std::distance(fs::directory_iterator(landing), fs::directory_iterator()), 2);
    fs::create_directory(landing + "/stray");  // not a segment: skipped

    core::FakeClock clock;
    core::Metrics metrics;
    store::DbWriter writer(store::DatabaseOptions{db, false, 5000, false, false});
    store::LandingLog log({landing, false});
    const auto segments = log.segments();
    ASSERT_EQ(segments.size(), 2u);
    // Gone between the scan and the import (deleted by hand, a bad disk): the read fails.
    std::vector<fs::path> files;
    for (const auto& e : fs::directory_iterator(landing)) {
        if (e.is_regular_file()) {
            files.push_back(e.path());
        }
    }
    std::sort(files.begin(), files.end());
    ASSERT_EQ(files.size(), 2u);
    fs::remove(files[0]);

    Ingestor ingestor(writer, log, clock, metrics);
    ingestor.kick();
    wait_imported(ingestor);  // an unreadable segment must not hold up the import
    writer.stop();
    EXPECT_EQ(metrics.events_stored.load(), 3u);
    EXPECT_EQ(scalar(db, "SELECT count(*) FROM inbox"), 3);
}

}  // namespace
}  // namespace delvex::events
