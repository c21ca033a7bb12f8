// app::Readiness on a real writer thread and SQLite file, judged by a FakeClock: a backlog that does not move
// for readiness_stall makes it not ready; progress, or an empty backlog, makes it ready again.

#include "bot/app/readiness.hpp"

#include <gtest/gtest.h>

#include "bot/store/db_writer.hpp"
#include "tests/support/harness.hpp"

namespace delvex::app {
namespace {

using namespace std::chrono_literals;

/// Checks, then waits for the heartbeat write that check posts (the writer is a real thread; the fake clock
/// must not jump while that write is still out, or it would look stalled).
ReadyReport check(Readiness& readiness) {
    auto report = readiness.check();
    EXPECT_TRUE(testing::eventually([&] { return !readiness.probing(); }));
    return report;
}

TEST(Readiness, AStuckConsumerOrImporterIsNotReadyAndProgressClearsIt) {
    testing::TempDir dir;
    core::FakeClock clock;
    core::Metrics metrics;
    store::DbWriter writer(store::DatabaseOptions{dir.file("r.db"), false, 5000, false});
    Readiness readiness(writer, clock, metrics, 30s);
    readiness.probe_now();
    EXPECT_TRUE(check(readiness).ready) << check(readiness).text;

    // Updates wait: a backlog first seen now counts from now, so it is not stalled yet.
    metrics.inbox_backlog = 5;
    clock.advance(40s);
    auto r = check(readiness);
    EXPECT_TRUE(r.ready) << r.text;
    clock.advance(31s);
    r = check(readiness);
    EXPECT_FALSE(r.ready) << r.text;
    EXPECT_NE(r.text.find("consumer: stalled, 5 update(s) waiting"), std::string::npos) << r.text;
    metrics.events_applied += 1;  // progress, even with updates still waiting
    r = check(readiness);
    EXPECT_TRUE(r.ready) << r.text;
    metrics.inbox_backlog = 0;

    metrics.landing_backlog_bytes = 1000;
    check(readiness);
    clock.advance(31s);
    r = check(readiness);
    EXPECT_FALSE(r.ready) << r.text;
    EXPECT_NE(r.text.find("import: stalled"), std::string::npos) << r.text;
    metrics.landing_backlog_bytes = 0;
    EXPECT_TRUE(check(readiness).ready);
    writer.stop();
}

TEST(Readiness, AReadOnlyDatabaseIsNotWritable) {
    testing::TempDir dir;
    { store::Database create(store::DatabaseOptions{dir.file("r.db"), false}); }
    core::FakeClock clock;
    core::Metrics metrics;
    store::DbWriter writer(store::DatabaseOptions{dir.file("r.db"), false, 5000, true});
    Readiness readiness(writer, clock, metrics, 30s);
    readiness.probe_now();
    const auto r = readiness.check();
    EXPECT_FALSE(r.ready) << r.text;
    EXPECT_NE(r.text.find("database: not writable"), std::string::npos) << r.text;
    writer.stop();
}

}  // namespace
}  // namespace delvex::app
