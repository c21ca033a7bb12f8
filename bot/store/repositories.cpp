#include "bot/store/repositories.hpp"

#include "bot/store/statement.hpp"

namespace delvex::store {
namespace {

}  // namespace

std::int64_t pending_work(SQLite::Database& db, std::int64_t now_ms) {
    SQLite::Statement q(db,
                        "SELECT (SELECT count(*) FROM inbox WHERE state = 0) + "
                        "(SELECT count(*) FROM outbox WHERE status = 0 AND next_attempt_ms <= :now) + "
                        "(SELECT count(*) FROM jobs WHERE state = 0 AND due_ms <= :now)");
    q.bind(":now", now_ms);
    q.executeStep();
    return q.getColumn(0).getInt64();
}

InboxRepository::InboxRepository(SQLite::Database& db)
    : db_(db),
      insert_(db,
              "INSERT INTO inbox (dedupe_key, kind, member_key, phone_number_id, event_ts, received_ms, payload) "
              "VALUES (:key, :kind, :member, :phone, :ts, :received, :payload) "
              "ON CONFLICT (dedupe_key) DO NOTHING"),
      pending_(db,
               "SELECT id, kind, member_key, payload, phone_number_id FROM inbox WHERE state = 0 AND id > :after "
               "ORDER BY id LIMIT :limit"),
      done_(db, "UPDATE inbox SET state = 1, done_ms = :now WHERE id = :id"),
      done_clear_(db, "UPDATE inbox SET state = 1, done_ms = :now, payload = '', member_key = '' WHERE id = :id"),
      failed_(db,
              "UPDATE inbox SET state = 2, attempts = attempts + 1, last_error = :error, done_ms = :now "
              "WHERE id = :id"),
      progress_(db,
                "INSERT INTO landing_progress (segment, offset) VALUES (:segment, :offset) "
                "ON CONFLICT (segment) DO UPDATE SET offset = excluded.offset") {}

std::map<std::uint64_t, std::uint64_t> InboxRepository::landing_progress() {
    std::map<std::uint64_t, std::uint64_t> out;
    SQLite::Statement q(db_, "SELECT segment, offset FROM landing_progress");
    while (q.executeStep()) {
        out.emplace(static_cast<std::uint64_t>(q.getColumn(0).getInt64()),
                    static_cast<std::uint64_t>(q.getColumn(1).getInt64()));
    }
    return out;
}

void InboxRepository::set_landing_progress(std::uint64_t segment, std::uint64_t offset) {
    ResetOnExit guard{progress_};
    progress_.bind(":segment", static_cast<std::int64_t>(segment));
    progress_.bind(":offset", static_cast<std::int64_t>(offset));
    progress_.exec();
}

void InboxRepository::forget_landing_segment(std::uint64_t segment) {
    SQLite::Statement q(db_, "DELETE FROM landing_progress WHERE segment = :segment");
    q.bind(":segment", static_cast<std::int64_t>(segment));
    q.exec();
}

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
                                   pending_.getColumn(2).getString(), pending_.getColumn(3).getString(),
                                   pending_.getColumn(4).getString()});
    }
    return out;
}

void InboxRepository::mark_done(std::int64_t id, std::int64_t now_ms, bool keep_payload) {
    auto& stmt = keep_payload ? done_ : done_clear_;
    ResetOnExit guard{stmt};
    stmt.bind(":now", now_ms);
    stmt.bind(":id", id);
    stmt.exec();
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

std::int64_t InboxRepository::total() {
    return db_.execAndGet("SELECT count(*) FROM inbox").getInt64();
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

}  // namespace delvex::store
