// kill -9 while sending: 5,000 messages queued to 5,000 recipients, the real `delvex serve` killed several
// times mid-stream and restarted on the same database. Every recipient gets its message; a duplicate is
// possible only for a request in flight (or answered but not yet committed) at a kill, and each one is
// checked to be such a request, counted and reported.

#include <gtest/gtest.h>
#include <signal.h>

#include <SQLiteCpp/Transaction.h>

#include <atomic>
#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <mutex>

#include "bot/core/clock.hpp"
#include "bot/store/database.hpp"
#include "bot/store/repositories.hpp"
#include "tests/support/harness.hpp"
#include "tests/support/process.hpp"

namespace delvex {
namespace {

using namespace std::chrono_literals;
using testing::ServiceHarness;

constexpr int kRecipients = 5000;

std::string read_file(const std::string& path) {
    std::ifstream in(path);
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

std::string recipient(int i) {
    return "2557" + std::to_string(20000000 + i);
}

TEST(DeliveryCrash, EveryRecipientGetsItsMessageAcrossKillNineDuringSending) {
    testing::TempDir dir;
    testing::FakeRunner graph;
    using Clock = std::chrono::steady_clock;
    std::mutex mutex;
    std::map<std::string, std::vector<Clock::time_point>> accepted;  // recipient → acceptance times
    std::atomic<int> total{0};
    graph.fake.on_message([&](const whatsapp::RecordedMessage& m) {
        std::lock_guard lock(mutex);
        accepted[m.recipient].push_back(Clock::now());
        ++total;
    });
    {
        store::Database db({dir.file("delvex.db")});
        SQLite::Transaction tx(db.sql(), SQLite::TransactionBehavior::IMMEDIATE);
        store::MemberRepository members(db.sql());
        store::OutboxRepository outbox(db.sql());
        const auto now = core::to_unix(core::SystemClock().now());
        for (int i = 0; i < kRecipients; ++i) {
            members.insert(store::MemberRow{0, recipient(i), recipient(i), "", "sw", now, now});
            graph.fake.note_inbound(recipient(i), core::from_unix(now));  // Meta saw the same last message
            outbox.enqueue("broadcast:forum-geita", recipient(i), "text", "The Geita forum starts at 18:00",
                           now * 1000);
        }
        tx.commit();
    }
    const auto& fake_options = graph.fake.options();
    const std::map<std::string, std::string> env = {
        {"DELVEX_LISTEN", "127.0.0.1:0"},
        {"DELVEX_DB", dir.file("delvex.db")},
        {"DELVEX_HOME", DELVEX_SOURCE_DIR},
        {"DELVEX_SEND_RATE", "500"},
        {"DELVEX_INBOUND_SHARE", "0"},
        {"WHATSAPP_GRAPH_URL", graph.fake.base_url()},
        {"WHATSAPP_PHONE_NUMBER_ID", fake_options.phone_number_id},
        {"WHATSAPP_ACCESS_TOKEN", fake_options.access_token},
        {"WHATSAPP_APP_SECRET", ServiceHarness::kAppSecret},
        {"WHATSAPP_VERIFY_TOKEN", ServiceHarness::kVerifyToken},
    };
    const std::vector<std::string> serve{DELVEX_BINARY, "serve"};

    std::vector<Clock::time_point> kills;
    std::set<std::string> uncommitted_at_a_kill;
    for (const int kill_at : {900, 2100, 3300}) {
        const auto log = dir.file("life" + std::to_string(kills.size()) + ".log");
        testing::ChildProcess child(serve, env, log);
        ASSERT_NE(testing::wait_for_listen_port(log, 20s), 0) << "the service did not start";
        ASSERT_TRUE(testing::eventually([&] { return total.load() >= kill_at; }, 60s))
            << total.load() << " accepted; service log:\n" << read_file(log);
        child.signal(SIGKILL);
        kills.push_back(Clock::now());
        child.wait(10s);
        ASSERT_LT(total.load(), kRecipients) << "the kill came too late to test anything";
        // The rows this kill left uncommitted: only these may go twice.
        store::Database db({dir.file("delvex.db"), false, 5000, true});
        for (const auto& row : store::OutboxRepository(db.sql()).all()) {
            if (row.status != store::OutboxStatus::kSent) {
                uncommitted_at_a_kill.insert(row.recipient);
            }
        }
    }
    {
        const auto log = dir.file("last.log");
        testing::ChildProcess child(serve, env, log);
        ASSERT_NE(testing::wait_for_listen_port(log, 20s), 0);
        ASSERT_TRUE(testing::eventually(
            [&] {
                std::lock_guard lock(mutex);
                return accepted.size() == static_cast<std::size_t>(kRecipients);
            },
            120s))
            << accepted.size();
        // Let the last outcomes commit, then stop gracefully.
        ASSERT_TRUE(testing::eventually(
            [&] {
                store::Database db({dir.file("delvex.db"), false, 5000, true});
                return store::OutboxRepository(db.sql()).count(store::OutboxStatus::kSent) == kRecipients;
            },
            30s));
        child.signal(SIGTERM);
        EXPECT_EQ(child.wait(30s), 0);
    }

    int duplicates = 0;
    int unexplained = 0;
    {
        std::lock_guard lock(mutex);
        for (const auto& [to, times] : accepted) {
            for (std::size_t k = 1; k < times.size(); ++k) {
                ++duplicates;
                // The earlier copy must have been accepted around a kill, its outcome lost with the process:
                // answered but not yet group-committed, or written to the socket before the kill and read by
                // the fake just after it.
                const bool near_a_kill = std::any_of(kills.begin(), kills.end(), [&](auto kill) {
                    return times[k - 1] > kill - 2s && times[k - 1] < kill + 1s;
                });
                unexplained += near_a_kill ? 0 : 1;
            }
        }
    }
    store::Database db({dir.file("delvex.db"), false, 5000, true});
    const auto counts = store::OutboxRepository(db.sql()).counts();
    EXPECT_EQ(counts.sent, kRecipients);
    EXPECT_EQ(counts.failed, 0);
    EXPECT_EQ(counts.queued, 0);
    EXPECT_EQ(unexplained, 0) << "a duplicate that was not in flight at a kill";
    // The bound is what the duplicate window really is (issue 18): rows Graph accepted whose "sent" a kill
    // lost. Each duplicate's recipient must be among the rows a kill left uncommitted, however slow the
    // machine made the commits.
    int committed_but_duplicated = 0;
    {
        std::lock_guard lock(mutex);
        for (const auto& [to, times] : accepted) {
            const std::string digits = to.starts_with('+') ? to.substr(1) : to;
            committed_but_duplicated += times.size() > 1 && !uncommitted_at_a_kill.contains(digits) &&
                                                !uncommitted_at_a_kill.contains(to)
                                            ? 1
                                            : 0;
        }
    }
    EXPECT_EQ(committed_but_duplicated, 0) << "a message committed as sent went again";
    std::cout << "[ delivery crash ] recipients=" << kRecipients << " kills=" << kills.size()
              << " requests accepted=" << total.load() << " duplicates=" << duplicates << '\n';
    RecordProperty("duplicates", duplicates);
}

}  // namespace
}  // namespace delvex
