// Rooms benchmark (disabled in the normal run; bench/rooms_run.sh runs it and bench/README.md records the
// numbers): one post to a room of 10,000 members, through the real service — from the signed webhook POST to
// every relayed copy committed in the outbox — and the memory it takes per member. Reference, same run:
// queueing 10,000 plain rows straight into the outbox in one transaction (the floor any relay pays).

#include <SQLiteCpp/Transaction.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "bot/delivery/codec.hpp"
#include "bot/store/community_repository.hpp"
#include "bot/store/database.hpp"
#include "bot/store/repositories.hpp"
#include "tests/support/harness.hpp"

namespace delvex {
namespace {

using namespace std::chrono_literals;
using SteadyClock = std::chrono::steady_clock;

int env_int(const char* name, int fallback) {
    const char* v = std::getenv(name);
    return v != nullptr ? std::atoi(v) : fallback;
}

/// kB of a /proc/self/status field ("VmRSS", "VmHWM").
long status_kb(const std::string& field) {
    std::ifstream in("/proc/self/status");
    for (std::string line; std::getline(in, line);) {
        if (line.rfind(field + ":", 0) == 0) {
            return std::atol(line.c_str() + field.size() + 1);
        }
    }
    return 0;
}

std::string member_key(int i) {
    return "2547" + std::to_string(10000000 + i);
}

/// A room of `n` onboarded, live members whose 24 h window is open.
void fill_room(const std::string& path, int n) {
    store::Database db(store::DatabaseOptions{path, false});
    SQLite::Transaction tx(db.sql(), SQLite::TransactionBehavior::IMMEDIATE);
    store::CommunityRepository repo(db.sql());
    store::MemberRepository members(db.sql());
    const auto now_s = core::to_unix(std::chrono::system_clock::now());
    for (int i = 0; i < n; ++i) {
        const auto key = member_key(i);
        const auto id = repo.import_member(key, i % 3 == 0 ? "sw" : "en", "Miner " + std::to_string(i), now_s);
        repo.join("east-africa", id, now_s * 1000, 0);
        repo.set_current_room(id, "east-africa");
        repo.set_stage(id, store::Stage::kActive);
        members.touch_inbound(key, now_s);
    }
    tx.commit();
}

double reference_fan_out(const std::string& path, int n) {
    store::Database db(store::DatabaseOptions{path, true});
    const auto start = SteadyClock::now();
    SQLite::Transaction tx(db.sql(), SQLite::TransactionBehavior::IMMEDIATE);
    store::OutboxRepository outbox(db.sql());
    core::OutgoingMessage m;
    m.body = core::OutgoingText{"*Miner 1* · East Africa\nHas anyone tried a shaking table instead of mercury?", false};
    for (int i = 0; i < n; ++i) {
        m.to = core::Recipient::phone(member_key(i));
        outbox.enqueue(delivery::entry_for("reference", m), 0);
    }
    tx.commit();
    return std::chrono::duration<double>(SteadyClock::now() - start).count();
}

TEST(RoomsBench, DISABLED_OnePostToARoomOfTenThousand) {
    const int n = env_int("DELVEX_BENCH_MEMBERS", 10000);
    const int rounds = env_int("DELVEX_BENCH_ROUNDS", 5);
    // The dispatcher would start sending at once; a number capped at 1 message/s keeps it out of the way.
    ::setenv("DELVEX_SEND_RATE", "1", 1);
    testing::TempDir dir;
    const auto seed = dir.file("seed.db");
    fill_room(seed, n);
    const auto seed_bytes = std::filesystem::file_size(seed);

    std::vector<double> relay_s, reference_s, kb_per_member;
    for (int round = 0; round < rounds; ++round) {
        const auto path = dir.file("round" + std::to_string(round) + ".db");
        std::filesystem::copy_file(seed, path);
        reference_s.push_back(reference_fan_out(dir.file("ref" + std::to_string(round) + ".db"), n));

        testing::ServiceHarness harness(path);
        for (int i = 0; i < n; ++i) {
            harness.fake().note_inbound(member_key(i), std::chrono::system_clock::now());  // as fill_room says
        }
        SQLite::Database reader(path, SQLite::OPEN_READONLY);
        SQLite::Statement count(reader, "SELECT count(*) FROM outbox WHERE logical_key LIKE 'rooms.relay:%'");
        auto m = testing::ServiceHarness::text_message("wamid.bench" + std::to_string(round), member_key(0),
                                                       "Has anyone tried a shaking table instead of mercury?");
        m.timestamp = core::to_unix(std::chrono::system_clock::now());
        const auto body = harness.webhook_for(m);
        // Peak memory from here on: the relay's own.
        std::ofstream("/proc/self/clear_refs") << "5";
        const long rss_before = status_kb("VmRSS");
        const auto start = SteadyClock::now();
        ASSERT_EQ(harness.post_webhook(body).status, 200);
        std::int64_t rows = 0;
        const auto deadline = start + 60s;
        while (SteadyClock::now() < deadline) {
            count.reset();
            count.executeStep();
            rows = count.getColumn(0).getInt64();
            if (rows >= n - 1) {
                break;
            }
            std::this_thread::sleep_for(200us);
        }
        const double took = std::chrono::duration<double>(SteadyClock::now() - start).count();
        ASSERT_EQ(rows, n - 1);  // everyone but the author
        relay_s.push_back(took);
        kb_per_member.push_back(static_cast<double>(status_kb("VmHWM") - rss_before) / n);
    }
    auto median = [](std::vector<double> v) {
        std::sort(v.begin(), v.end());
        return v[v.size() / 2];
    };
    std::cout << "[ bench rooms ] members=" << n << " rounds=" << rounds
              << " webhook→all relay rows committed median=" << median(relay_s) * 1000 << " ms"
              << " (reference: 10k plain outbox rows in one transaction median=" << median(reference_s) * 1000
              << " ms, ratio " << median(relay_s) / median(reference_s) << ")"
              << " peak memory per member=" << median(kb_per_member) * 1024 << " bytes"
              << " database per member=" << static_cast<double>(seed_bytes) / n << " bytes" << std::endl;
}

}  // namespace
}  // namespace delvex
