#include "bot/store/outbox_repository.hpp"

#include "bot/core/message_ref.hpp"
#include "bot/store/database.hpp"
#include "bot/store/statement.hpp"

namespace delvex::store {
namespace {

/// Runs an update that ends with `RETURNING purpose = 'erasure'`. When it dropped the number from a FORGET ME
/// goodbye, the WAL still holds the goodbye as it was queued (with the number), perhaps written after the
/// truncation the erasure asked for: ask for another one.
void scrubbed_goodbye(SQLite::Statement& update) {
    bool erasure = false;
    while (update.executeStep()) {
        erasure = erasure || update.getColumn(0).getInt() != 0;
    }
    if (erasure) {
        request_wal_truncate();
    }
}

constexpr const char* kColumns =
    "o.id, o.logical_key, o.recipient, o.kind, o.payload, o.encoding, o.purpose, o.status, o.attempts, "
    "o.next_attempt_ms, coalesce(o.wamid, ''), coalesce(o.last_error, ''), o.priority, o.window_closed";

// Columns after kColumns in the claim queries.
constexpr int kClaimExtra = 14;

OutboxRow read_row(SQLite::Statement& q) {
    OutboxRow row;
    row.id = q.getColumn(0).getInt64();
    row.logical_key = q.getColumn(1).getString();
    row.recipient = q.getColumn(2).getString();
    row.kind = q.getColumn(3).getString();
    row.payload = q.getColumn(4).getString();
    row.encoding = static_cast<OutboxEncoding>(q.getColumn(5).getInt());
    row.purpose = q.getColumn(6).getString();
    row.status = static_cast<OutboxStatus>(q.getColumn(7).getInt());
    row.attempts = q.getColumn(8).getInt();
    row.next_attempt_ms = q.getColumn(9).getInt64();
    row.wamid = q.getColumn(10).getString();
    row.last_error = q.getColumn(11).getString();
    row.priority = q.getColumn(12).getInt();
    row.window_closed = q.getColumn(13).getInt() != 0;
    return row;
}

std::string select(const std::string& tail) {
    return std::string("SELECT ") + kColumns + " FROM outbox o " + tail;
}

// Due, unclaimed rows with their member's window and language, answers first, then oldest first; with
// :urgent = 1 answers only.
std::string claim_query() {
    return std::string("SELECT ") + kColumns +
           // (the goodbye after "forget me": the request itself opened the window, and the member row no longer
           // carries the number)
           ", CASE WHEN o.purpose = 'erasure' THEN o.created_ms / 1000 ELSE coalesce(m.last_inbound, 0) END, "
           "coalesce(m.language, ''), coalesce(m.stopped, 0) FROM outbox o "
           "LEFT JOIN members m ON m.member_key = o.recipient "
           "WHERE o.status = 0 AND o.claimed = 0 AND o.next_attempt_ms <= :now AND (:urgent = 0 OR o.priority = 0) "
           "ORDER BY o.priority, o.next_attempt_ms, o.id LIMIT :limit";
}

std::vector<OutboxRow> read_all(SQLite::Statement& q) {
    std::vector<OutboxRow> out;
    while (q.executeStep()) {
        out.push_back(read_row(q));
    }
    return out;
}

}  // namespace

std::string OutboxRow::effective_purpose() const {
    if (!purpose.empty()) {
        return purpose;
    }
    return logical_key.substr(0, logical_key.find(':'));
}

OutboxRepository::OutboxRepository(SQLite::Database& db)
    : db_(db),
      enqueue_(db,
               "INSERT INTO outbox (logical_key, recipient, kind, payload, encoding, purpose, priority, "
               "next_attempt_ms, created_ms, updated_ms) "
               "VALUES (:key, :to, :kind, :payload, :encoding, :purpose, :priority, :now, :now, :now) "
               "ON CONFLICT (logical_key, recipient) DO NOTHING"),
      due_(db, select("WHERE o.status = 0 AND o.next_attempt_ms <= :now ORDER BY o.next_attempt_ms, o.id "
                      "LIMIT :limit")),
      claim_select_(db, claim_query()),
      claim_urgent_(db, claim_query()),
      claim_update_(db, "UPDATE outbox SET claimed = 1 WHERE id = :id"),
      // max(): a delivered/read that was recorded meanwhile is kept.
      sent_(db,
            "UPDATE outbox SET status = max(status, 1), attempts = attempts + 1, claimed = 0, "
            "last_error = NULL, updated_ms = :now, sent_ms = :now, "
            // The goodbye to a member who erased their data is the last place their number was kept: its
            // message id (which holds the number) is kept only as a ref that statuses still match.
            "wamid = CASE WHEN purpose = 'erasure' THEN :ref ELSE :wamid END, "
            "recipient = CASE WHEN purpose = 'erasure' THEN 'erased:' || id ELSE recipient END, "
            "payload = CASE WHEN purpose = 'erasure' THEN '' ELSE payload END "
            "WHERE id = :id AND status IN (0, 1) RETURNING purpose = 'erasure'"),
      reschedule_(db,
                  "UPDATE outbox SET next_attempt_ms = :next, last_error = :error, attempts = attempts + :inc, "
                  "claimed = 0, updated_ms = :now WHERE id = :id AND status = 0"),
      defer_(db, "UPDATE outbox SET next_attempt_ms = max(next_attempt_ms, :next), claimed = 0 "
                 "WHERE id = :id AND status = 0"),
      failed_(db,
              "UPDATE outbox SET status = 4, last_error = :error, attempts = attempts + 1, claimed = 0, "
              "updated_ms = :now, "
              // A goodbye that cannot be sent keeps the number no longer than one that was.
              "recipient = CASE WHEN purpose = 'erasure' THEN 'erased:' || id ELSE recipient END, "
              "payload = CASE WHEN purpose = 'erasure' THEN '' ELSE payload END WHERE id = :id "
              "RETURNING purpose = 'erasure'"),
      status_(db,
              "UPDATE outbox SET status = max(status, :status), updated_ms = :now "
              "WHERE wamid IN (:wamid, :ref) AND status IN (1, 2, 3)"),
      status_failed_(db,
                     "UPDATE outbox SET status = 4, last_error = :error, updated_ms = :now "
                     "WHERE wamid IN (:wamid, :ref) AND status IN (1, 2, 3, 4)"),
      park_(db,
            "INSERT INTO outbox_status_parked (wamid, status, error, received_ms) "
            "VALUES (:wamid, :status, :error, :now) ON CONFLICT (wamid, status) DO NOTHING") {}

bool OutboxRepository::enqueue(std::string_view logical_key, std::string_view recipient, std::string_view kind,
                               std::string_view payload, std::int64_t now_ms) {
    return enqueue(OutboxEntry{std::string(logical_key), std::string(recipient), std::string(kind),
                               std::string(payload), OutboxEncoding::kPlainText, {}},
                   now_ms);
}

bool OutboxRepository::enqueue(const OutboxEntry& entry, std::int64_t now_ms) {
    ResetOnExit guard{enqueue_};
    enqueue_.bind(":key", entry.logical_key);
    enqueue_.bind(":to", entry.recipient);
    enqueue_.bind(":kind", entry.kind);
    enqueue_.bind(":payload", entry.payload);
    enqueue_.bind(":encoding", static_cast<int>(entry.encoding));
    enqueue_.bind(":purpose", entry.purpose);
    enqueue_.bind(":priority", entry.priority);
    enqueue_.bind(":now", now_ms);
    return enqueue_.exec() == 1;
}

std::vector<OutboxRow> OutboxRepository::due(std::int64_t now_ms, int limit) {
    ResetOnExit guard{due_};
    due_.bind(":now", now_ms);
    due_.bind(":limit", limit);
    return read_all(due_);
}

std::vector<OutboxRow> OutboxRepository::claim_due(std::int64_t now_ms, int limit) {
    claim_select_.bind(":urgent", 0);
    return claim_with(claim_select_, now_ms, limit);
}

std::vector<OutboxRow> OutboxRepository::claim_urgent(std::int64_t now_ms, int limit) {
    claim_urgent_.bind(":urgent", 1);
    return claim_with(claim_urgent_, now_ms, limit);
}

std::vector<OutboxRow> OutboxRepository::claim_with(SQLite::Statement& select_due, std::int64_t now_ms, int limit) {
    std::vector<OutboxRow> out;
    std::vector<std::int64_t> stopped;
    {
        ResetOnExit guard{select_due};
        select_due.bind(":now", now_ms);
        select_due.bind(":limit", limit);
        while (select_due.executeStep()) {
            auto row = read_row(select_due);
            row.last_inbound = select_due.getColumn(kClaimExtra).getInt64();
            row.language = select_due.getColumn(kClaimExtra + 1).getString();
            // A member who sent STOP gets nothing more but the confirmation of it, whatever queued it.
            if (select_due.getColumn(kClaimExtra + 2).getInt() != 0 && !row.logical_key.starts_with("rooms.stop:")) {
                stopped.push_back(row.id);
                continue;
            }
            out.push_back(std::move(row));
        }
    }
    for (const auto id : stopped) {
        mark_failed(id, "member sent STOP", now_ms);
    }
    for (const auto& row : out) {
        ResetOnExit guard{claim_update_};
        claim_update_.bind(":id", row.id);
        claim_update_.exec();
    }
    return out;
}

int OutboxRepository::release_claims() {
    return db_.exec("UPDATE outbox SET claimed = 0 WHERE claimed = 1");
}

std::optional<std::int64_t> OutboxRepository::next_due() {
    SQLite::Statement q(db_, "SELECT min(next_attempt_ms) FROM outbox WHERE status = 0");
    q.executeStep();
    if (q.getColumn(0).isNull()) {
        return std::nullopt;
    }
    return q.getColumn(0).getInt64();
}

void OutboxRepository::mark_sent(const std::vector<std::int64_t>& ids, std::string_view wamid,
                                 std::int64_t now_ms) {
    for (const auto id : ids) {
        ResetOnExit guard{sent_};
        sent_.bind(":wamid", std::string(wamid));
        sent_.bind(":ref", core::message_ref(wamid));
        sent_.bind(":now", now_ms);
        sent_.bind(":id", id);
        scrubbed_goodbye(sent_);
    }
    apply_parked(wamid, now_ms);
}

void OutboxRepository::mark_sent(std::int64_t id, std::string_view wamid, std::int64_t now_ms) {
    mark_sent(std::vector<std::int64_t>{id}, wamid, now_ms);
}

void OutboxRepository::reschedule(std::int64_t id, std::int64_t next_ms, std::string_view error,
                                  bool count_attempt, std::int64_t now_ms) {
    ResetOnExit guard{reschedule_};
    reschedule_.bind(":next", next_ms);
    reschedule_.bind(":error", std::string(error));
    reschedule_.bind(":inc", count_attempt ? 1 : 0);
    reschedule_.bind(":now", now_ms);
    reschedule_.bind(":id", id);
    reschedule_.exec();
}

void OutboxRepository::defer(std::int64_t id, std::int64_t next_ms) {
    ResetOnExit guard{defer_};
    defer_.bind(":next", next_ms);
    defer_.bind(":id", id);
    defer_.exec();
}

void OutboxRepository::mark_failed(std::int64_t id, std::string_view error, std::int64_t now_ms) {
    ResetOnExit guard{failed_};
    failed_.bind(":error", std::string(error));
    failed_.bind(":now", now_ms);
    failed_.bind(":id", id);
    scrubbed_goodbye(failed_);
}

void OutboxRepository::hold(std::int64_t id, std::string_view reason, std::int64_t now_ms) {
    // The goodbye after FORGET ME is never held: its member will not write again under that record, so it
    // would wait forever with their number. It fails like a goodbye Meta refused, number and text dropped.
    SQLite::Statement q(db_,
                        "UPDATE outbox SET status = CASE WHEN purpose = 'erasure' THEN 4 ELSE 5 END, "
                        "last_error = :reason, claimed = 0, updated_ms = :now, "
                        "recipient = CASE WHEN purpose = 'erasure' THEN 'erased:' || id ELSE recipient END, "
                        "payload = CASE WHEN purpose = 'erasure' THEN '' ELSE payload END "
                        "WHERE id = :id AND status = 0 RETURNING purpose = 'erasure'");
    q.bind(":reason", std::string(reason));
    q.bind(":now", now_ms);
    q.bind(":id", id);
    scrubbed_goodbye(q);
}

void OutboxRepository::rewrite(std::int64_t id, std::string_view kind, std::string_view payload,
                               OutboxEncoding encoding, std::string_view note, std::int64_t now_ms) {
    SQLite::Statement q(db_,
                        "UPDATE outbox SET kind = :kind, payload = :payload, encoding = :encoding, "
                        "last_error = :note, next_attempt_ms = :now, claimed = 0, updated_ms = :now, "
                        "window_closed = 0 WHERE id = :id AND status = 0");
    q.bind(":kind", std::string(kind));
    q.bind(":payload", std::string(payload));
    q.bind(":encoding", static_cast<int>(encoding));
    q.bind(":note", std::string(note));
    q.bind(":now", now_ms);
    q.bind(":id", id);
    q.exec();
}

bool OutboxRepository::apply_status(std::string_view wamid, OutboxStatus status, std::string_view error,
                                    std::int64_t now_ms) {
    int changed = 0;
    if (status == OutboxStatus::kFailed) {
        ResetOnExit guard{status_failed_};
        status_failed_.bind(":error", std::string(error));
        status_failed_.bind(":now", now_ms);
        status_failed_.bind(":wamid", std::string(wamid));
        status_failed_.bind(":ref", core::message_ref(wamid));
        changed = status_failed_.exec();
    } else {
        ResetOnExit guard{status_};
        status_.bind(":status", static_cast<int>(status));
        status_.bind(":now", now_ms);
        status_.bind(":wamid", std::string(wamid));
        status_.bind(":ref", core::message_ref(wamid));
        changed = status_.exec();
    }
    if (changed > 0) {
        return true;
    }
    SQLite::Statement known(db_, "SELECT 1 FROM outbox WHERE wamid IN (:wamid, :ref) LIMIT 1");
    known.bind(":wamid", std::string(wamid));
    known.bind(":ref", core::message_ref(wamid));
    if (known.executeStep()) {
        return true;  // e.g. a delivered after a failed: nothing to change
    }
    ResetOnExit guard{park_};
    park_.bind(":wamid", std::string(wamid));
    park_.bind(":status", static_cast<int>(status));
    park_.bind(":error", std::string(error));
    park_.bind(":now", now_ms);
    park_.exec();
    return false;
}

void OutboxRepository::apply_parked(std::string_view wamid, std::int64_t now_ms) {
    std::vector<std::pair<int, std::string>> parked;
    {
        SQLite::Statement q(db_, "SELECT status, error FROM outbox_status_parked WHERE wamid = :wamid");
        q.bind(":wamid", std::string(wamid));
        while (q.executeStep()) {
            parked.emplace_back(q.getColumn(0).getInt(), q.getColumn(1).getString());
        }
    }
    if (parked.empty()) {
        return;
    }
    for (const auto& [status, error] : parked) {
        apply_status(wamid, static_cast<OutboxStatus>(status), error, now_ms);
    }
    SQLite::Statement del(db_, "DELETE FROM outbox_status_parked WHERE wamid = :wamid");
    del.bind(":wamid", std::string(wamid));
    del.exec();
}

std::int64_t OutboxRepository::parked_statuses() {
    return db_.execAndGet("SELECT count(*) FROM outbox_status_parked").getInt64();
}

int OutboxRepository::prune_parked(std::int64_t before_ms) {
    SQLite::Statement q(db_, "DELETE FROM outbox_status_parked WHERE received_ms < :before");
    q.bind(":before", before_ms);
    return q.exec();
}

std::optional<OutboxRow> OutboxRepository::find(std::string_view logical_key, std::string_view recipient) {
    SQLite::Statement q(db_, select("WHERE o.logical_key = :key AND o.recipient = :to"));
    q.bind(":key", std::string(logical_key));
    q.bind(":to", std::string(recipient));
    if (!q.executeStep()) {
        return std::nullopt;
    }
    return read_row(q);
}

std::optional<OutboxRow> OutboxRepository::find(std::int64_t id) {
    SQLite::Statement q(db_, select("WHERE o.id = :id"));
    q.bind(":id", id);
    if (!q.executeStep()) {
        return std::nullopt;
    }
    return read_row(q);
}

std::int64_t OutboxRepository::count(OutboxStatus status) {
    SQLite::Statement q(db_, "SELECT count(*) FROM outbox WHERE status = :status");
    q.bind(":status", static_cast<int>(status));
    q.executeStep();
    return q.getColumn(0).getInt64();
}

OutboxCounts OutboxRepository::counts() {
    OutboxCounts c;
    SQLite::Statement q(db_, "SELECT status, count(*) FROM outbox GROUP BY status");
    while (q.executeStep()) {
        const auto n = q.getColumn(1).getInt64();
        switch (static_cast<OutboxStatus>(q.getColumn(0).getInt())) {
            case OutboxStatus::kQueued: c.queued = n; break;
            case OutboxStatus::kSent: c.sent = n; break;
            case OutboxStatus::kDelivered: c.delivered = n; break;
            case OutboxStatus::kRead: c.read = n; break;
            case OutboxStatus::kFailed: c.failed = n; break;
            case OutboxStatus::kHeld: c.held = n; break;
        }
    }
    return c;
}

std::vector<OutboxRow> OutboxRepository::all() {
    SQLite::Statement q(db_, select("ORDER BY o.id"));
    return read_all(q);
}

std::vector<OutboxRow> OutboxRepository::failed(int limit) {
    SQLite::Statement q(db_, select("WHERE o.status = 4 ORDER BY o.updated_ms DESC, o.id DESC LIMIT :limit"));
    q.bind(":limit", limit);
    return read_all(q);
}

std::vector<OutboxRow> OutboxRepository::held(std::string_view recipient) {
    SQLite::Statement q(db_, select("WHERE o.status = 5 AND o.recipient = :to ORDER BY o.id"));
    q.bind(":to", std::string(recipient));
    return read_all(q);
}

std::vector<OutboxRow> OutboxRepository::held_all(int limit) {
    SQLite::Statement q(db_, select("WHERE o.status = 5 ORDER BY o.id LIMIT :limit"));
    q.bind(":limit", limit);
    return read_all(q);
}

int OutboxRepository::release_held(std::string_view recipient, std::int64_t now_ms) {
    SQLite::Statement q(db_,
                        "UPDATE outbox SET status = 0, claimed = 0, next_attempt_ms = :now, priority = 0, "
                        "window_closed = 0, updated_ms = :now, "
                        "last_error = 'released: the member wrote again (' || coalesce(last_error, '') || ')' "
                        "WHERE recipient = :to AND status = 5");
    q.bind(":now", now_ms);
    q.bind(":to", std::string(recipient));
    return q.exec();
}

int OutboxRepository::requeue_window_closed(std::string_view wamid, std::string_view error, std::int64_t now_ms) {
    SQLite::Statement q(db_,
                        "UPDATE outbox SET status = 0, claimed = 0, next_attempt_ms = :now, window_closed = 1, "
                        "wamid = NULL, last_error = :error, updated_ms = :now "
                        "WHERE wamid = :wamid AND status IN (1, 2, 3, 4) AND kind <> 'template'");
    q.bind(":now", now_ms);
    q.bind(":error", std::string(error));
    q.bind(":wamid", std::string(wamid));
    return q.exec();
}

std::vector<std::pair<std::string, std::int64_t>> OutboxRepository::template_recipients_since(std::int64_t since_ms) {
    SQLite::Statement q(db_,
                        "SELECT recipient, max(sent_ms) FROM outbox WHERE kind = 'template' AND sent_ms >= :since "
                        "AND status IN (1, 2, 3) GROUP BY recipient");
    q.bind(":since", since_ms);
    std::vector<std::pair<std::string, std::int64_t>> out;
    while (q.executeStep()) {
        out.emplace_back(q.getColumn(0).getString(), q.getColumn(1).getInt64());
    }
    return out;
}

}  // namespace delvex::store
