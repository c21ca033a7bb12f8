#include "bot/store/repositories.hpp"

namespace delvex::store {
namespace {

OutboxRow read_outbox(SQLite::Statement& q) {
    OutboxRow row;
    row.id = q.getColumn(0).getInt64();
    row.logical_key = q.getColumn(1).getString();
    row.recipient = q.getColumn(2).getString();
    row.kind = q.getColumn(3).getString();
    row.payload = q.getColumn(4).getString();
    row.status = static_cast<OutboxStatus>(q.getColumn(5).getInt());
    row.attempts = q.getColumn(6).getInt();
    row.next_attempt_ms = q.getColumn(7).getInt64();
    row.wamid = q.getColumn(8).getString();
    row.last_error = q.getColumn(9).getString();
    return row;
}

constexpr const char* kOutboxColumns =
    "id, logical_key, recipient, kind, payload, status, attempts, next_attempt_ms, "
    "coalesce(wamid, ''), coalesce(last_error, '')";

// Resets a cached statement on every exit path: a statement left stepping makes COMMIT fail.
struct ResetOnExit {
    SQLite::Statement& stmt;
    ~ResetOnExit() {
        stmt.reset();
        stmt.clearBindings();
    }
};

}  // namespace

InboxRepository::InboxRepository(SQLite::Database& db)
    : db_(db),
      insert_(db,
              "INSERT INTO inbox (dedupe_key, kind, member_key, phone_number_id, event_ts, received_ms, payload) "
              "VALUES (:key, :kind, :member, :phone, :ts, :received, :payload) "
              "ON CONFLICT (dedupe_key) DO NOTHING"),
      pending_(db,
               "SELECT id, kind, member_key, payload FROM inbox WHERE state = 0 AND id > :after "
               "ORDER BY id LIMIT :limit"),
      done_(db, "UPDATE inbox SET state = 1, done_ms = :now WHERE id = :id"),
      failed_(db,
              "UPDATE inbox SET state = 2, attempts = attempts + 1, last_error = :error, done_ms = :now "
              "WHERE id = :id") {}

bool InboxRepository::insert(const InboxRecord& record, std::int64_t received_ms) {
    ResetOnExit guard{insert_};
    insert_.bind(":key", record.dedupe_key);
    insert_.bind(":kind", record.kind);
    insert_.bind(":member", record.member_key);
    insert_.bind(":phone", record.phone_number_id);
    insert_.bind(":ts", record.event_ts);
    insert_.bind(":received", received_ms);
    insert_.bind(":payload", record.payload);
    return insert_.exec() == 1;
}

void InboxRepository::quarantine(std::string_view reason, std::string_view body, std::int64_t received_ms) {
    SQLite::Statement q(db_, "INSERT INTO quarantine (received_ms, reason, body) VALUES (:at, :reason, :body)");
    q.bind(":at", received_ms);
    q.bind(":reason", std::string(reason));
    q.bind(":body", body.data(), static_cast<int>(body.size()));
    q.exec();
}

std::vector<PendingEvent> InboxRepository::pending(std::int64_t after_id, int limit) {
    ResetOnExit guard{pending_};
    pending_.bind(":after", after_id);
    pending_.bind(":limit", limit);
    std::vector<PendingEvent> out;
    while (pending_.executeStep()) {
        out.push_back(PendingEvent{pending_.getColumn(0).getInt64(), pending_.getColumn(1).getInt(),
                                   pending_.getColumn(2).getString(), pending_.getColumn(3).getString()});
    }
    return out;
}

void InboxRepository::mark_done(std::int64_t id, std::int64_t now_ms) {
    ResetOnExit guard{done_};
    done_.bind(":id", id);
    done_.bind(":now", now_ms);
    done_.exec();
}

void InboxRepository::mark_failed(std::int64_t id, std::string_view error, std::int64_t now_ms) {
    ResetOnExit guard{failed_};
    failed_.bind(":id", id);
    failed_.bind(":error", std::string(error));
    failed_.bind(":now", now_ms);
    failed_.exec();
}

std::int64_t InboxRepository::count(InboxState state) {
    SQLite::Statement q(db_, "SELECT count(*) FROM inbox WHERE state = :state");
    q.bind(":state", static_cast<int>(state));
    q.executeStep();
    return q.getColumn(0).getInt64();
}

std::int64_t InboxRepository::quarantined() {
    return db_.execAndGet("SELECT count(*) FROM quarantine").getInt64();
}

std::int64_t InboxRepository::count_key(std::string_view dedupe_key) {
    SQLite::Statement q(db_, "SELECT count(*) FROM inbox WHERE dedupe_key = :key");
    q.bind(":key", std::string(dedupe_key));
    q.executeStep();
    return q.getColumn(0).getInt64();
}

MemberRepository::MemberRepository(SQLite::Database& db)
    : db_(db),
      find_(db,
            "SELECT id, member_key, wa_id, user_id, language, first_seen, last_inbound FROM members "
            "WHERE member_key = :key"),
      insert_(db,
              "INSERT INTO members (member_key, wa_id, user_id, language, first_seen, last_inbound) "
              "VALUES (:key, :wa_id, :user_id, :language, :first_seen, :last_inbound)"),
      touch_(db, "UPDATE members SET last_inbound = max(last_inbound, :ts) WHERE member_key = :key") {}

std::optional<MemberRow> MemberRepository::find(std::string_view member_key) {
    ResetOnExit guard{find_};
    find_.bind(":key", std::string(member_key));
    if (!find_.executeStep()) {
        return std::nullopt;
    }
    return MemberRow{find_.getColumn(0).getInt64(),  find_.getColumn(1).getString(),
                     find_.getColumn(2).getString(), find_.getColumn(3).getString(),
                     find_.getColumn(4).getString(), find_.getColumn(5).getInt64(),
                     find_.getColumn(6).getInt64()};
}

void MemberRepository::insert(const MemberRow& row) {
    ResetOnExit guard{insert_};
    insert_.bind(":key", row.member_key);
    insert_.bind(":wa_id", row.wa_id);
    insert_.bind(":user_id", row.user_id);
    insert_.bind(":language", row.language);
    insert_.bind(":first_seen", row.first_seen);
    insert_.bind(":last_inbound", row.last_inbound);
    insert_.exec();
}

void MemberRepository::touch_inbound(std::string_view member_key, std::int64_t ts) {
    ResetOnExit guard{touch_};
    touch_.bind(":key", std::string(member_key));
    touch_.bind(":ts", ts);
    touch_.exec();
}

std::int64_t MemberRepository::count() {
    return db_.execAndGet("SELECT count(*) FROM members").getInt64();
}

OutboxRepository::OutboxRepository(SQLite::Database& db)
    : db_(db),
      enqueue_(db,
               "INSERT INTO outbox (logical_key, recipient, kind, payload, next_attempt_ms, created_ms, "
               "updated_ms) VALUES (:key, :to, :kind, :payload, :now, :now, :now) "
               "ON CONFLICT (logical_key, recipient) DO NOTHING"),
      due_(db, std::string("SELECT ") + kOutboxColumns +
                   " FROM outbox WHERE status = 0 AND next_attempt_ms <= :now ORDER BY next_attempt_ms, id "
                   "LIMIT :limit") {}

bool OutboxRepository::enqueue(std::string_view logical_key, std::string_view recipient, std::string_view kind,
                               std::string_view payload, std::int64_t now_ms) {
    ResetOnExit guard{enqueue_};
    enqueue_.bind(":key", std::string(logical_key));
    enqueue_.bind(":to", std::string(recipient));
    enqueue_.bind(":kind", std::string(kind));
    enqueue_.bind(":payload", std::string(payload));
    enqueue_.bind(":now", now_ms);
    return enqueue_.exec() == 1;
}

std::vector<OutboxRow> OutboxRepository::due(std::int64_t now_ms, int limit) {
    ResetOnExit guard{due_};
    due_.bind(":now", now_ms);
    due_.bind(":limit", limit);
    std::vector<OutboxRow> out;
    while (due_.executeStep()) {
        out.push_back(read_outbox(due_));
    }
    return out;
}

std::optional<std::int64_t> OutboxRepository::next_due() {
    SQLite::Statement q(db_, "SELECT min(next_attempt_ms) FROM outbox WHERE status = 0");
    q.executeStep();
    if (q.getColumn(0).isNull()) {
        return std::nullopt;
    }
    return q.getColumn(0).getInt64();
}

void OutboxRepository::mark_sent(std::int64_t id, std::string_view wamid, std::int64_t now_ms) {
    // A status webhook can beat this commit (Meta answers, then the webhook races our write); the status
    // is applied later by wamid, and max() keeps a delivered/read that was already recorded.
    SQLite::Statement q(db_,
                        "UPDATE outbox SET status = max(status, 1), wamid = :wamid, attempts = attempts + 1, "
                        "last_error = NULL, updated_ms = :now WHERE id = :id");
    q.bind(":wamid", std::string(wamid));
    q.bind(":now", now_ms);
    q.bind(":id", id);
    q.exec();
}

void OutboxRepository::reschedule(std::int64_t id, std::int64_t next_ms, std::string_view error,
                                  bool count_attempt, std::int64_t now_ms) {
    SQLite::Statement q(db_,
                        "UPDATE outbox SET next_attempt_ms = :next, last_error = :error, "
                        "attempts = attempts + :inc, updated_ms = :now WHERE id = :id AND status = 0");
    q.bind(":next", next_ms);
    q.bind(":error", std::string(error));
    q.bind(":inc", count_attempt ? 1 : 0);
    q.bind(":now", now_ms);
    q.bind(":id", id);
    q.exec();
}

void OutboxRepository::mark_failed(std::int64_t id, std::string_view error, std::int64_t now_ms) {
    SQLite::Statement q(db_,
                        "UPDATE outbox SET status = 4, last_error = :error, attempts = attempts + 1, "
                        "updated_ms = :now WHERE id = :id");
    q.bind(":error", std::string(error));
    q.bind(":now", now_ms);
    q.bind(":id", id);
    q.exec();
}

bool OutboxRepository::apply_status(std::string_view wamid, OutboxStatus status, std::string_view error,
                                    std::int64_t now_ms) {
    SQLite::Statement q(db_,
                        status == OutboxStatus::kFailed
                            ? "UPDATE outbox SET status = 4, last_error = :error, updated_ms = :now "
                              "WHERE wamid = :wamid"
                            : "UPDATE outbox SET status = max(status, :status), updated_ms = :now "
                              "WHERE wamid = :wamid AND status != 4");
    if (status == OutboxStatus::kFailed) {
        q.bind(":error", std::string(error));
    } else {
        q.bind(":status", static_cast<int>(status));
    }
    q.bind(":now", now_ms);
    q.bind(":wamid", std::string(wamid));
    return q.exec() > 0;
}

std::optional<OutboxRow> OutboxRepository::find(std::string_view logical_key, std::string_view recipient) {
    SQLite::Statement q(db_, std::string("SELECT ") + kOutboxColumns +
                                 " FROM outbox WHERE logical_key = :key AND recipient = :to");
    q.bind(":key", std::string(logical_key));
    q.bind(":to", std::string(recipient));
    if (!q.executeStep()) {
        return std::nullopt;
    }
    return read_outbox(q);
}

std::int64_t OutboxRepository::count(OutboxStatus status) {
    SQLite::Statement q(db_, "SELECT count(*) FROM outbox WHERE status = :status");
    q.bind(":status", static_cast<int>(status));
    q.executeStep();
    return q.getColumn(0).getInt64();
}

std::vector<OutboxRow> OutboxRepository::all() {
    SQLite::Statement q(db_, std::string("SELECT ") + kOutboxColumns + " FROM outbox ORDER BY id");
    std::vector<OutboxRow> out;
    while (q.executeStep()) {
        out.push_back(read_outbox(q));
    }
    return out;
}

}  // namespace delvex::store
