#include "bot/store/retention.hpp"

#include <gtest/gtest.h>

#include "bot/store/database.hpp"
#include "tests/support/harness.hpp"

namespace delvex::store {
namespace {

constexpr std::int64_t kDay = 24LL * 3600 * 1000;
constexpr std::int64_t kNow = 1'900'000'000'000;

std::int64_t count(SQLite::Database& db, const char* sql) {
    return db.execAndGet(sql).getInt64();
}

TEST(Retention, OldFinishedRowsGoAndEverythingUnfinishedStays) {
    testing::TempDir dir;
    Database database({dir.file("r.db")});
    auto& db = database.sql();
    auto inbox = [&](const std::string& key, std::int64_t age_days, int state) {
        SQLite::Statement q(db, "INSERT INTO inbox (dedupe_key, kind, received_ms, payload, state) "
                                "VALUES (?, 0, ?, '{\"from\":\"254700000001\"}', ?)");
        q.bind(1, key);
        q.bind(2, kNow - age_days * kDay);
        q.bind(3, state);
        q.exec();
    };
    inbox("m:old-done", 9, 1);
    inbox("m:old-failed", 9, 2);
    inbox("m:old-pending", 40, 0);  // not applied yet: kept whatever its age
    inbox("m:recent-done", 6, 1);   // Meta may still retry it: its dedupe key must stay
    auto outbox = [&](const std::string& key, std::int64_t age_days, int status) {
        SQLite::Statement q(db, "INSERT INTO outbox (logical_key, recipient, kind, payload, status, next_attempt_ms, "
                                "wamid, created_ms, updated_ms) VALUES (?, '254700000001', 'text', 'hello', ?, 0, "
                                "'wamid.X', ?, ?)");
        q.bind(1, key);
        q.bind(2, status);
        q.bind(3, kNow - age_days * kDay);
        q.bind(4, kNow - age_days * kDay);
        q.exec();
    };
    outbox("sent-old", 31, 1);
    outbox("failed-old", 31, 4);
    outbox("queued-old", 31, 0);
    outbox("held-old", 31, 5);
    outbox("read-recent", 29, 3);
    db.exec("INSERT INTO quarantine (received_ms, reason, body) VALUES (" + std::to_string(kNow - 31 * kDay) +
            ", 'shape', x'00'), (" + std::to_string(kNow - 2 * kDay) + ", 'shape', x'00')");

    const auto n = purge_expired(db, RetentionPolicy{}, kNow);
    EXPECT_EQ(n.inbox_deleted, 2);
    EXPECT_EQ(n.outbox_cleared, 2);
    EXPECT_EQ(n.quarantine_deleted, 1);
    EXPECT_EQ(count(db, "SELECT count(*) FROM inbox WHERE dedupe_key IN ('m:old-pending', 'm:recent-done')"), 2);
    EXPECT_EQ(count(db, "SELECT count(*) FROM inbox"), 2);
    // The finished rows stay for reports, without body or Meta's id; unfinished ones keep theirs.
    EXPECT_EQ(count(db, "SELECT count(*) FROM outbox"), 5);
    EXPECT_EQ(count(db, "SELECT count(*) FROM outbox WHERE payload = '' AND wamid IS NULL"), 2);
    EXPECT_EQ(count(db, "SELECT count(*) FROM outbox WHERE logical_key IN ('queued-old', 'held-old', 'read-recent') "
                        "AND payload = 'hello'"),
              3);
    EXPECT_EQ(count(db, "SELECT count(*) FROM quarantine"), 1);
    // Running again finds nothing more.
    const auto again = purge_expired(db, RetentionPolicy{}, kNow);
    EXPECT_EQ(again.inbox_deleted + again.outbox_cleared + again.quarantine_deleted, 0);
}

}  // namespace
}  // namespace delvex::store
