#pragma once

#include <cstdint>

#include "bot/store/database.hpp"

namespace delvex::store {

/// Rewrites the one row of ops_heartbeat (a committed write, synced like any other): readiness uses it to
/// show that the database takes writes. Throws what SQLite reports (locked, read-only, disk full).
void write_heartbeat(Database& db, std::int64_t now_ms);

}  // namespace delvex::store
