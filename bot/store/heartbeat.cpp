#include "bot/store/heartbeat.hpp"

#include <SQLiteCpp/Statement.h>

namespace delvex::store {

void write_heartbeat(Database& db, std::int64_t now_ms) {
    SQLite::Statement stmt(db.sql(), "INSERT OR REPLACE INTO ops_heartbeat (id, written_ms) VALUES (1, ?)");
    stmt.bind(1, static_cast<std::int64_t>(now_ms));
    stmt.exec();
}

}  // namespace delvex::store
