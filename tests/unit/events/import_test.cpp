// The importer (Ingestor's writer-thread half) on what an earlier process left in the landing log: real
// files, real writer thread, real SQLite.

#include <gtest/gtest.h>

#include <SQLiteCpp/Database.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <sstream>
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

// Security review L-23: while the disk is full every import pass fails and is retried; the error is logged
// when it starts and then once a minute with the count of failed passes, and the recovery once.
TEST(Import, ADiskFullErrorIsLoggedOnceThenOnceAMinuteWithTheCountAndItsEndOnce) {
    std::ostringstream captured;
    spdlog::drop_all();
    spdlog::set_default_logger(
        std::make_shared<spdlog::logger>("delvex", std::make_shared<spdlog::sinks::ostream_sink_mt>(captured)));
    spdlog::set_level(spdlog::level::info);
    struct Restore {
        ~Restore() {
            spdlog::drop_all();
            spdlog::set_default_logger(spdlog::stdout_color_mt("restored"));
        }
    } restore;

    testing::TempDir tmp;
    core::FakeClock clock;
    core::Metrics metrics;
    store::DbWriter writer(store::DatabaseOptions{tmp.file("d.db"), false, 5000, false, false});
    store::LandingLog log({tmp.file("d.db-landing"), false});
    Ingestor ingestor(writer, log, clock, metrics);
    std::atomic<int> passes{0};
    ingestor.on_committed([&] { ++passes; });
    // A full disk: SQLite may not grow the file by a page (SQLITE_FULL, "database or disk is full").
    std::atomic<bool> full{false};
    writer.post([&](store::Database& db) {
        db.sql().exec("PRAGMA max_page_count = " + std::to_string(db.sql().execAndGet("PRAGMA page_count").getInt()));
        full = true;
    });
    auto lane = log.lane();
    store::LandedBatch big = message(1);
    big.records[0].payload = std::string(64 * 1024, 'x');  // needs new pages
    const store::LandedBatch* one[] = {&big};
    lane->append(one);
    const auto pass = [&] {
        const int before = passes.load();
        ingestor.kick();
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
        while (passes.load() == before) {
            ASSERT_LT(std::chrono::steady_clock::now(), deadline) << "no import pass within 20 s";
            std::this_thread::yield();
        }
    };
    for (int i = 0; i < 300; ++i) {
        pass();
    }
    ASSERT_TRUE(full.load());
    EXPECT_TRUE(ingestor.waiting()) << "nothing could be imported";
    clock.advance(std::chrono::seconds(61));
    pass();
    // Room again: the next pass imports it, and says so once.
    writer.post([](store::Database& db) { db.sql().exec("PRAGMA max_page_count = 1073741823"); });
    pass();
    for (int i = 0; i < 5; ++i) {
        pass();
    }
    writer.stop();
    EXPECT_EQ(metrics.events_stored.load(), 1u);

    const std::string text = captured.str();
    std::size_t failures = 0;
    std::size_t recoveries = 0;
    std::istringstream lines(text);
    for (std::string line; std::getline(lines, line);) {
        failures += line.find("landing import failed") != std::string::npos ? 1 : 0;
        recoveries += line.find("landing import works again") != std::string::npos ? 1 : 0;
    }
    EXPECT_EQ(failures, 2u) << text.substr(0, 3000);
    EXPECT_EQ(recoveries, 1u) << text.substr(0, 3000);
    EXPECT_NE(text.find("full"), std::string::npos) << "the error says what is wrong:\n" << text.substr(0, 2000);
    // The second line counts the passes that failed in between (at least the 299 kicked; the retry timer
    // may have added some).
    const auto at = text.find("failed_passes_not_logged=", text.find("failed_passes_not_logged=0") + 1);
    ASSERT_NE(at, std::string::npos) << text.substr(0, 3000);
    EXPECT_GE(std::stoul(text.substr(at + 25)), 299u);
}

}  // namespace
}  // namespace delvex::events
