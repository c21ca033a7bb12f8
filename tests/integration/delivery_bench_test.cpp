// Delivery benchmarks (disabled in the normal run; bench/delivery_run.sh runs them and bench/README.md
// records the numbers). Real time here: the system clock, the real GraphClient, the real FakeGraph on
// loopback, a durable (synchronous=FULL) SQLite file.
//   pacing:   DELVEX_BENCH_RATE=80|1000 DELVEX_BENCH_SECONDS=60 — achieved rate against a fake capped at the
//             same rate, and how many 130429 the bot caused (must be 0)
//   headroom: no cap anywhere — sustained sends/s, each outcome committed
//   fan-out:  one post queued durably for 10,000 recipients

#include <SQLiteCpp/Transaction.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <iostream>
#include <mutex>

#include "tests/integration/delivery_rig.hpp"

namespace delvex {
namespace {

using namespace std::chrono_literals;
using SteadyClock = std::chrono::steady_clock;

double env_number(const char* name, double fallback) {
    const char* v = std::getenv(name);
    return v != nullptr ? std::atof(v) : fallback;
}

std::string recipient(int i) {
    return "2557" + std::to_string(30000000 + i);
}

// Queues `n` texts to n recipients in one transaction on the writer thread; returns the seconds it took.
double queue_fan_out(testing::DeliveryRig& rig, const std::string& key, int n) {
    for (int i = 0; i < n; ++i) {
        rig.graph.fake.note_inbound(recipient(i), rig.time.now());  // active members: their windows are open
    }
    const auto start = SteadyClock::now();
    const auto now_ms = core::to_unix_ms(rig.time.now());
    std::packaged_task<void(store::Database&)> task([&](store::Database& db) {
        SQLite::Transaction tx(db.sql(), SQLite::TransactionBehavior::IMMEDIATE);
        store::OutboxRepository outbox(db.sql());
        core::OutgoingMessage m;
        m.body = core::OutgoingText{"Mercury prices fell at the Geita buying centre today; the co-op meets at 18:00.",
                                    false};
        for (int i = 0; i < n; ++i) {
            m.to = core::Recipient::phone(recipient(i));
            outbox.enqueue(delivery::entry_for(key, m, "relay"), now_ms);
        }
        tx.commit();
    });
    auto done = task.get_future();
    rig.writer.post([&task](store::Database& db) { task(db); });
    done.get();
    return std::chrono::duration<double>(SteadyClock::now() - start).count();
}

TEST(DeliveryBench, DISABLED_PacingHoldsTheNumbersCapWithoutCausingThrottles) {
    const double rate = env_number("DELVEX_BENCH_RATE", 80);
    const double seconds = env_number("DELVEX_BENCH_SECONDS", 60);
    whatsapp::FakeGraphOptions fake;
    fake.max_messages_per_second = rate;
    delivery::DeliverySettings s;
    s.governor.rate_per_second = rate;
    s.governor.inbound_share = 0;  // nothing inbound during the run: the whole cap is ours
    testing::DeliveryRig rig(fake, s, 2000ms, true, true);
    std::mutex mutex;
    std::vector<SteadyClock::time_point> accepted;
    accepted.reserve(static_cast<std::size_t>(rate * seconds * 1.2));
    rig.graph.fake.on_message([&](const whatsapp::RecordedMessage&) {
        std::lock_guard lock(mutex);
        accepted.push_back(SteadyClock::now());
    });
    queue_fan_out(rig, "relay:pacing", static_cast<int>(rate * (seconds + 5)));
    rig.start();
    std::this_thread::sleep_for(std::chrono::duration<double>(seconds + 1.5));  // a benchmark runs in real time
    std::vector<SteadyClock::time_point> times;
    {
        std::lock_guard lock(mutex);
        times = accepted;
    }
    ASSERT_FALSE(times.empty());
    // Skip the first second (the initial burst of the bucket), then count a full window.
    const auto from = times.front() + 1s;
    const auto to = from + std::chrono::duration_cast<SteadyClock::duration>(std::chrono::duration<double>(seconds - 1));
    const auto n = std::count_if(times.begin(), times.end(), [&](auto t) { return t >= from && t < to; });
    const double achieved = static_cast<double>(n) / (seconds - 1);
    const auto fake_stats = rig.graph.fake.stats();
    std::cout << "[ bench pacing ] cap=" << rate << "/s window=" << seconds - 1 << "s achieved=" << achieved
              << "/s (" << 100.0 * achieved / rate << " % of cap) throttled_by_fake=" << fake_stats.throttled
              << " accepted=" << fake_stats.accepted << '\n';
    EXPECT_NEAR(achieved, rate, rate * 0.02);
    EXPECT_EQ(fake_stats.throttled, 0u);
}

TEST(DeliveryBench, DISABLED_HeadroomSendsPerSecondWithNoCap) {
    const int n = static_cast<int>(env_number("DELVEX_BENCH_MESSAGES", 100000));
    delivery::DeliverySettings s;
    s.governor.rate_per_second = 0;
    s.concurrency = static_cast<int>(env_number("DELVEX_BENCH_CONCURRENCY", 64));
    s.batch = 2048;
    testing::DeliveryRig rig({}, s, 2000ms, true, true);
    queue_fan_out(rig, "relay:headroom", n);
    const auto start = SteadyClock::now();
    rig.start();
    // Poll the fake (cheap), not the database: a count over the outbox would compete with the writer.
    ASSERT_TRUE(testing::eventually([&] { return rig.graph.fake.stats().accepted == static_cast<std::uint64_t>(n); },
                                    600s));
    ASSERT_TRUE(rig.settled());  // every outcome committed
    const double secs = std::chrono::duration<double>(SteadyClock::now() - start).count();
    EXPECT_EQ(rig.with_outbox([](store::OutboxRepository& r) { return r.count(store::OutboxStatus::kSent); }), n);
    const auto stats = rig.graph.fake.stats();
    std::cout << "[ bench headroom ] messages=" << n << " seconds=" << secs << " sends/s=" << n / secs
              << " concurrency=" << s.concurrency << " connections=" << stats.connections << '\n';
    EXPECT_EQ(stats.accepted, static_cast<std::uint64_t>(n));
}

TEST(DeliveryBench, DISABLED_FanOutOfOnePostToTenThousandRecipientsIsDurableUnderASecond) {
    delivery::DeliverySettings s;
    testing::DeliveryRig rig({}, s, 2000ms, true, true);
    std::vector<double> runs;
    for (int round = 0; round < 5; ++round) {
        runs.push_back(queue_fan_out(rig, "relay:post" + std::to_string(round), 10000));
    }
    std::sort(runs.begin(), runs.end());
    std::cout << "[ bench fan-out ] recipients=10000 rounds=5 median=" << runs[2] * 1000 << "ms max="
              << runs.back() * 1000 << "ms\n";
    EXPECT_LT(runs.back(), 1.0);
    const auto queued = rig.with_outbox([](store::OutboxRepository& r) { return r.count(store::OutboxStatus::kQueued); });
    EXPECT_EQ(queued, 50000);
}

}  // namespace
}  // namespace delvex
