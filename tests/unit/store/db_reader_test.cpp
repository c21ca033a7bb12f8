#include "bot/store/db_reader.hpp"

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include "tests/support/harness.hpp"

namespace delvex::store {
namespace {

using std::chrono::milliseconds;

TEST(RateLimit, ABurstThenTheSustainedRate) {
    RateLimit limit(10, 3);  // 10 a second, 3 saved
    const auto t0 = std::chrono::steady_clock::time_point{} + std::chrono::hours(1);
    EXPECT_TRUE(limit.take(t0));
    EXPECT_TRUE(limit.take(t0));
    EXPECT_TRUE(limit.take(t0));
    EXPECT_FALSE(limit.take(t0)) << "the burst is spent";
    EXPECT_FALSE(limit.take(t0 + milliseconds(50))) << "half a token has come back";
    EXPECT_TRUE(limit.take(t0 + milliseconds(100)));
    EXPECT_FALSE(limit.take(t0 + milliseconds(100)));
    // A long quiet spell saves no more than the burst.
    const auto later = t0 + std::chrono::minutes(5);
    int taken = 0;
    while (limit.take(later)) {
        ++taken;
    }
    EXPECT_EQ(taken, 3);
    // A clock that goes backwards gives nothing back.
    EXPECT_FALSE(limit.take(t0));
}

/// Runs one lookup on `reader` from an io_context of the test's own; fails (never hangs) after 20 s.
template <typename R>
std::optional<std::optional<R>> lookup(DbReader& reader, std::function<R(Database&)> job) {
    boost::asio::io_context ioc;
    std::optional<std::optional<R>> out;
    boost::asio::co_spawn(
        ioc, [&]() -> boost::asio::awaitable<void> { out = co_await reader.try_run<R>(std::move(job)); },
        [](std::exception_ptr e) {
            if (e) {
                std::rethrow_exception(e);
            }
        });
    ioc.run_for(std::chrono::seconds(20));
    return out;
}

TEST(DbReader, ALookupPastItsTimeLimitIsInterruptedAndTheReaderGoesOn) {
    testing::TempDir dir;
    { Database created({dir.file("r.db")}); }
    DbReaderOptions options;
    options.db_path = dir.file("r.db");
    options.time_limit = milliseconds(200);
    DbReader reader(options);
    // A query of many seconds (counting to 50 million), far past the limit; finite, so that without a limit
    // the test fails instead of hanging in the reader's shutdown.
    std::function<std::int64_t(Database&)> slow = [](Database& db) {
        return db.sql()
            .execAndGet("WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 50000000) "
                        "SELECT count(*) FROM n")
            .getInt64();
    };
    const auto cut = lookup(reader, slow);
    ASSERT_TRUE(cut.has_value()) << "the lookup did not end within 20 s: no time limit";
    EXPECT_FALSE(cut->has_value()) << "interrupted: answered as busy";
    EXPECT_EQ(reader.timed_out(), 1u);

    // The reader goes on, and a quick lookup is not cut.
    std::function<std::int64_t(Database&)> quick = [](Database& db) {
        return db.sql().execAndGet("SELECT 41 + 1").getInt64();
    };
    const auto answered = lookup(reader, quick);
    ASSERT_TRUE(answered.has_value() && answered->has_value());
    EXPECT_EQ(**answered, 42);
    EXPECT_EQ(reader.timed_out(), 1u);

    // An error that is not the time limit still reaches the caller.
    std::function<std::int64_t(Database&)> broken = [](Database& db) {
        return db.sql().execAndGet("SELECT no_such_column FROM no_such_table").getInt64();
    };
    EXPECT_ANY_THROW(lookup(reader, broken));
    reader.stop();
}

}  // namespace
}  // namespace delvex::store
