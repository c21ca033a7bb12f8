#pragma once

// The durable outbox (transactional outbox): one row per (logical message, recipient), written in the same
// transaction as the state change that caused it, sent by the delivery dispatcher.

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace delvex::store {

/// Outbox row status. sent → delivered → read only move forward (a read may come before a delivered);
/// failed is final; held waits for the member's digest (the 24 h window was closed and no template fits).
enum class OutboxStatus : int { kQueued = 0, kSent = 1, kDelivered = 2, kRead = 3, kFailed = 4, kHeld = 5 };

/// How `payload` is to be read: plain text (the text body itself) or a whole message in the delivery codec.
enum class OutboxEncoding : int { kPlainText = 0, kMessage = 1 };

/// A message to queue.
struct OutboxEntry {
    std::string logical_key;  ///< what the message is, e.g. "welcome", "relay:812"; unique per recipient
    std::string recipient;    ///< member key: phone digits without '+', or a BSUID
    std::string kind;         ///< "text", "buttons", "list", "image", …, "template"
    std::string payload;
    OutboxEncoding encoding = OutboxEncoding::kPlainText;
    std::string purpose;  ///< picks the template when the window is closed; empty = logical_key up to ':'
    /// 0 = an answer to the member's own action (claimed before any fan-out), 1 = everything else.
    int priority = 1;
};

struct OutboxRow {
    std::int64_t id = 0;
    std::string logical_key;
    std::string recipient;
    std::string kind;
    std::string payload;
    OutboxEncoding encoding = OutboxEncoding::kPlainText;
    std::string purpose;
    OutboxStatus status = OutboxStatus::kQueued;
    int attempts = 0;
    std::int64_t next_attempt_ms = 0;
    std::string wamid;
    std::string last_error;
    int priority = 1;
    /// Meta answered 131047 for this row: the member's window is closed whatever our records say.
    bool window_closed = false;
    /// From members (claim_due only): the member's last inbound message, unix seconds (0 = not a member),
    /// and language.
    std::int64_t last_inbound = 0;
    std::string language;

    /// purpose, or the logical key up to its first ':' when no purpose was given.
    std::string effective_purpose() const;
};

/// Status counts for operators and tests.
struct OutboxCounts {
    std::int64_t queued = 0, sent = 0, delivered = 0, read = 0, failed = 0, held = 0;
};

/// SQL for the outbox. Works on the connection it was given (the writer thread's, in the service).
class OutboxRepository {
public:
    explicit OutboxRepository(SQLite::Database& db);

    /// Queues a plain text unless (logical_key, recipient) is already there. Returns false if it was.
    bool enqueue(std::string_view logical_key, std::string_view recipient, std::string_view kind,
                 std::string_view payload, std::int64_t now_ms);
    /// Queues any message unless (logical_key, recipient) is already there. Returns false if it was.
    bool enqueue(const OutboxEntry& entry, std::int64_t now_ms);

    /// Queued rows due at `now_ms`, oldest first (does not claim them).
    std::vector<OutboxRow> due(std::int64_t now_ms, int limit);

    /// Due, unclaimed rows, oldest first, with their member's last inbound time and language; marks them
    /// claimed so that the next call does not return them again. Call inside a write transaction.
    std::vector<OutboxRow> claim_due(std::int64_t now_ms, int limit);

    /// Like claim_due, for priority-0 rows only (answers that must not wait behind a fan-out).
    std::vector<OutboxRow> claim_urgent(std::int64_t now_ms, int limit);

    /// Forgets every claim (at start: claims belong to a dispatcher's memory, gone with its process).
    /// Returns the number of rows released.
    int release_claims();

    /// The earliest next_attempt_ms of a queued row, if any.
    std::optional<std::int64_t> next_due();

    /// Records the wamid Graph answered for these rows (one row, or several coalesced into one message)
    /// and applies any status that arrived before this commit.
    void mark_sent(const std::vector<std::int64_t>& ids, std::string_view wamid, std::int64_t now_ms);
    void mark_sent(std::int64_t id, std::string_view wamid, std::int64_t now_ms);
    /// Back to the queue at next_ms with the reason; count_attempt false for throttling and halts.
    void reschedule(std::int64_t id, std::int64_t next_ms, std::string_view error, bool count_attempt,
                    std::int64_t now_ms);
    /// Back to the queue at next_ms, no error and no attempt (recipient pacing).
    void defer(std::int64_t id, std::int64_t next_ms);
    void mark_failed(std::int64_t id, std::string_view error, std::int64_t now_ms);
    /// Held for the member's digest (window closed, no template for its purpose and language).
    void hold(std::int64_t id, std::string_view reason, std::int64_t now_ms);
    /// Replaces the message (a template instead of free-form text) and queues it again at once.
    void rewrite(std::int64_t id, std::string_view kind, std::string_view payload, OutboxEncoding encoding,
                 std::string_view note, std::int64_t now_ms);

    /// Applies a status webhook to the rows with this wamid. Returns false if no row has it yet: the status
    /// is then parked and applied when the wamid is committed (the webhook beat our own commit).
    bool apply_status(std::string_view wamid, OutboxStatus status, std::string_view error,
                      std::int64_t now_ms);
    /// Parked statuses still waiting for their wamid.
    std::int64_t parked_statuses();
    /// Drops parked statuses received before `before_ms` (their wamid is not ours, or was lost).
    int prune_parked(std::int64_t before_ms);

    std::optional<OutboxRow> find(std::string_view logical_key, std::string_view recipient);
    std::optional<OutboxRow> find(std::int64_t id);
    std::int64_t count(OutboxStatus status);
    OutboxCounts counts();
    std::vector<OutboxRow> all();
    /// Failed rows, newest first, with their reasons (operators: what did not go out, and why).
    std::vector<OutboxRow> failed(int limit);
    /// Rows held for a member, oldest first.
    std::vector<OutboxRow> held(std::string_view recipient);
    /// Every held row, oldest first (operators: what waits, and why).
    std::vector<OutboxRow> held_all(int limit);
    /// The member wrote: their window is open again. Their held rows go back to the queue, due now, as answers
    /// (priority 0) and in their original order, so they reach the member before anything queued after them.
    /// Returns how many.
    int release_held(std::string_view recipient, std::int64_t now_ms);
    /// A failed status with 131047 for this wamid: its rows go back to the queue marked window_closed, so that
    /// the dispatcher sends them as a template or holds them. Returns how many.
    int requeue_window_closed(std::string_view wamid, std::string_view error, std::int64_t now_ms);
    /// Distinct recipients of templates sent at or after `since_ms`, each with its latest send (the messaging
    /// limit's moving 24 h).
    std::vector<std::pair<std::string, std::int64_t>> template_recipients_since(std::int64_t since_ms);

private:
    std::vector<OutboxRow> claim_with(SQLite::Statement& select, std::int64_t now_ms, int limit);
    void apply_parked(std::string_view wamid, std::int64_t now_ms);

    SQLite::Database& db_;
    SQLite::Statement enqueue_;
    SQLite::Statement due_;
    SQLite::Statement claim_select_;
    SQLite::Statement claim_urgent_;
    SQLite::Statement claim_update_;
    SQLite::Statement sent_;
    SQLite::Statement reschedule_;
    SQLite::Statement defer_;
    SQLite::Statement failed_;
    SQLite::Statement status_;
    SQLite::Statement status_failed_;
    SQLite::Statement park_;
};

}  // namespace delvex::store
