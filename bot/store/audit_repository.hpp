#pragma once

// The audit log: who changed what, when. One row per write made by a person through an operator surface —
// today the admin API (actor "admin-token"); later moderators' chat actions and a web console, so the row
// is generic: an actor, an action, a target and a free-form detail, all text the caller chooses.
// Rows are only ever added (no update or delete here); the retention purge may age them out like the rest.

#include <SQLiteCpp/Database.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace delvex::store {

struct AuditEntry {
    std::int64_t id = 0;
    std::int64_t at_ms = 0;   ///< when, Unix milliseconds
    std::string actor{};      ///< who: "admin-token", later a named account or "member:<id>"
    std::string action{};     ///< what, a short verb phrase: "forums.create", "forums.cancel_occurrence"
    std::string target{};     ///< on what: "forum:12", "room:east-africa"
    std::string detail{};     ///< anything else worth keeping (a summary, never a secret or a number)
};

class AuditRepository {
public:
    explicit AuditRepository(SQLite::Database& db) : db_(db) {}

    /// Adds one entry; returns its id. Call inside the transaction of the write it records, so that the
    /// write and its record are committed (or rolled back) together.
    std::int64_t record(std::int64_t at_ms, std::string_view actor, std::string_view action, std::string_view target,
                        std::string_view detail);

    /// The newest `limit` entries, newest first; with `actor` non-empty, only theirs.
    std::vector<AuditEntry> recent(int limit, std::string_view actor = {});

private:
    SQLite::Database& db_;
};

}  // namespace delvex::store
