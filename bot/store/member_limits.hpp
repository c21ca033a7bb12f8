#pragma once

// Members' rate-limit windows (reactions, reports, chat commands), kept in SQLite so that a restart does not
// hand every member a fresh window. One row per member and kind; written inside the caller's transaction
// (the event's savepoint), so a rolled-back event counts nothing.

#include <SQLiteCpp/Database.h>

#include <cstdint>
#include <string_view>

#include "bot/community/rate_window.hpp"

namespace delvex::store {

class MemberLimits {
public:
    explicit MemberLimits(SQLite::Database& db) : db_(db) {}

    /// Counts one action of `kind` ("react", "report", "command") for the member and keeps the window.
    community::RateCount count(std::int64_t member_id, std::string_view kind, const community::RateLimit& limit,
                               std::int64_t now_ms);
    /// The member's windows go (FORGET ME).
    void forget(std::int64_t member_id);

private:
    SQLite::Database& db_;
};

}  // namespace delvex::store
