#pragma once

// How long what members send and receive is kept (docs/OPERATIONS.md, "What is kept, and for how long").
// Nothing here touches what is still to be done: updates not yet applied and messages not yet finished stay,
// whatever their age.

#include <SQLiteCpp/Database.h>

#include <cstdint>

namespace delvex::store {

struct RetentionPolicy {
    /// Applied webhook updates (raw JSON: numbers, profile names, texts, locations) are deleted this many days
    /// after they came. At least 8: Meta retries a webhook for up to 7 days, and the row is what recognises
    /// the retry as a duplicate.
    int inbox_days = 8;
    /// Finished outbound messages (sent, delivered, read, failed) lose their body and Meta's message id this
    /// many days after their last change; the row (purpose, status, times) stays for delivery reports.
    int outbox_days = 30;
    /// Webhook bodies of a shape we did not understand, kept for an operator to look at.
    int quarantine_days = 30;
    /// Landing segments the importer could not read, kept for an operator (see LandingLog).
    int set_aside_days = 30;
};

/// The smallest inbox_days a config may set.
inline constexpr int kMinInboxDays = 8;

struct PurgeCounts {
    std::int64_t inbox_deleted = 0;
    std::int64_t outbox_cleared = 0;
    std::int64_t quarantine_deleted = 0;
    std::int64_t parked_deleted = 0;
    std::int64_t held_deleted = 0;  ///< texts kept for a choice the member never made (chat_held)
};

/// Deletes or clears what `policy` no longer keeps at `now_ms`. One write transaction is the caller's.
PurgeCounts purge_expired(SQLite::Database& db, const RetentionPolicy& policy, std::int64_t now_ms);

}  // namespace delvex::store
