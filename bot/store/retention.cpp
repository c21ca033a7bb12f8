#include "bot/store/retention.hpp"

#include <SQLiteCpp/Statement.h>

namespace delvex::store {
namespace {

constexpr std::int64_t kDayMs = 24LL * 3600 * 1000;

std::int64_t run(SQLite::Database& db, const char* sql, std::int64_t cutoff_ms) {
    SQLite::Statement q(db, sql);
    q.bind(":cutoff", cutoff_ms);
    return q.exec();
}

}  // namespace

PurgeCounts purge_expired(SQLite::Database& db, const RetentionPolicy& policy, std::int64_t now_ms) {
    PurgeCounts n;
    // state 0 = not yet applied: kept whatever its age.
    n.inbox_deleted = run(db, "DELETE FROM inbox WHERE state <> 0 AND received_ms < :cutoff",
                          now_ms - static_cast<std::int64_t>(policy.inbox_days) * kDayMs);
    // status 1–4 = sent, delivered, read, failed: finished. Queued (0) and held (5) rows keep their bodies.
    n.outbox_cleared = run(db,
                           "UPDATE outbox SET payload = '', wamid = NULL WHERE status IN (1, 2, 3, 4) "
                           "AND updated_ms < :cutoff AND (payload <> '' OR wamid IS NOT NULL)",
                           now_ms - static_cast<std::int64_t>(policy.outbox_days) * kDayMs);
    // Statuses that came before their send was recorded and never matched one within the outbox's keeping.
    n.parked_deleted = run(db, "DELETE FROM outbox_status_parked WHERE received_ms < :cutoff",
                           now_ms - static_cast<std::int64_t>(policy.outbox_days) * kDayMs);
    n.quarantine_deleted = run(db, "DELETE FROM quarantine WHERE received_ms < :cutoff",
                               now_ms - static_cast<std::int64_t>(policy.quarantine_days) * kDayMs);
    // A text kept until its author said "room" or "lesson" (chat_held) and never chosen: its moment is gone.
    n.held_deleted = run(db, "DELETE FROM chat_held WHERE created_ms < :cutoff",
                         now_ms - static_cast<std::int64_t>(policy.outbox_days) * kDayMs);
    return n;
}

}  // namespace delvex::store
