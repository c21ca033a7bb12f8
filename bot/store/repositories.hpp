#pragma once

// Repositories: the only place with SQL. Each holds its prepared statements and works on the connection
// it was given (one connection per thread).

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bot/store/outbox_repository.hpp"

namespace delvex::store {

/// Webhook updates not yet applied plus outbox rows and jobs due at `now_ms`: zero when the bot has nothing
/// to do.
std::int64_t pending_work(SQLite::Database& db, std::int64_t now_ms);

/// An update as the webhook endpoint stores it.
struct InboxRecord {
    int kind = 0;  ///< whatsapp::wire::UpdateKind as a number
    std::string dedupe_key;
    std::string member_key;
    std::string phone_number_id;
    std::int64_t event_ts = 0;
    std::string payload;
};

/// A stored update waiting to be applied.
struct PendingEvent {
    std::int64_t id = 0;
    int kind = 0;
    std::string member_key;
    std::string payload;
    std::string phone_number_id{};  ///< the business number the webhook was for (metadata.phone_number_id)
};

enum class InboxState : int { kPending = 0, kDone = 1, kFailed = 2 };

class InboxRepository {
public:
    explicit InboxRepository(SQLite::Database& db);

    /// Stores an update unless its dedupe key is already there. Returns false for a duplicate.
    bool insert(const InboxRecord& record, std::int64_t received_ms);

    /// Keeps a body we could not understand, for an operator to inspect.
    void quarantine(std::string_view reason, std::string_view body, std::int64_t received_ms);

    /// Up to `limit` pending updates after `after_id`, oldest first.
    std::vector<PendingEvent> pending(std::int64_t after_id, int limit);

    /// Marks an update applied. keep_payload false empties it (a status webhook: once applied it is only
    /// a copy of a member's number we have no reason to keep).
    void mark_done(std::int64_t id, std::int64_t now_ms, bool keep_payload = true);

    /// The update could not be applied (a bug or data we cannot handle): kept, with the reason.
    void mark_failed(std::int64_t id, std::string_view error, std::int64_t now_ms);

    std::int64_t count(InboxState state);
    /// Every stored update, whatever its state (one snapshot).
    std::int64_t total();
    std::int64_t quarantined();
    /// How many updates with this dedupe key are stored (0 or 1; tests and the crash check use it).
    std::int64_t count_key(std::string_view dedupe_key);

    /// How far each landing log segment is imported (segment id -> byte offset).
    std::map<std::uint64_t, std::uint64_t> landing_progress();
    void set_landing_progress(std::uint64_t segment, std::uint64_t offset);
    void forget_landing_segment(std::uint64_t segment);

private:
    SQLite::Database& db_;
    SQLite::Statement insert_;
    SQLite::Statement pending_;
    SQLite::Statement done_;
    SQLite::Statement done_clear_;
    SQLite::Statement failed_;
    SQLite::Statement progress_;
};

struct MemberRow {
    std::int64_t id = 0;
    std::string member_key;
    std::string wa_id;
    std::string user_id;
    std::string language;
    std::int64_t first_seen = 0;
    std::int64_t last_inbound = 0;
};

class MemberRepository {
public:
    explicit MemberRepository(SQLite::Database& db);

    std::optional<MemberRow> find(std::string_view member_key);
    void insert(const MemberRow& row);
    /// Moves last_inbound forward to `ts` (never back: webhooks arrive out of order).
    void touch_inbound(std::string_view member_key, std::int64_t ts);
    std::int64_t count();

private:
    SQLite::Database& db_;
    SQLite::Statement find_;
    SQLite::Statement insert_;
    SQLite::Statement touch_;
};

}  // namespace delvex::store
