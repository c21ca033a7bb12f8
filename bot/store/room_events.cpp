#include "bot/store/room_events.hpp"

#include <SQLiteCpp/Statement.h>

#include <string>

namespace delvex::store::room_events {
namespace {
// Unix milliseconds: the caller's time, or SQLite's clock when it has none.
constexpr const char* kAt = "CASE WHEN :at > 0 THEN :at ELSE CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER) END";
}  // namespace

void room(SQLite::Database& db, std::string_view room, std::string_view kind, std::int64_t at_ms) {
    SQLite::Statement q(db, std::string("INSERT INTO room_events (room, kind, at_ms) VALUES (:room, :kind, ") + kAt + ")");
    q.bind(":room", std::string(room));
    q.bind(":kind", std::string(kind));
    q.bind(":at", at_ms);
    q.exec();
}

void member_rooms(SQLite::Database& db, std::int64_t member_id, std::string_view kind, const char* changed_where,
                  int value, std::int64_t at_ms) {
    // changed_where is one of our own constant fragments, never text from outside.
    SQLite::Statement q(db, std::string("INSERT INTO room_events (room, kind, at_ms) SELECT r.room, :kind, ") + kAt +
                                " FROM room_members r JOIN members m ON m.id = r.member_id WHERE r.member_id = :id "
                                "AND r.state IN (0, 4) AND m." + changed_where);
    q.bind(":kind", std::string(kind));
    q.bind(":at", at_ms);
    q.bind(":id", member_id);
    q.bind(":v", value);
    q.exec();
}

std::string_view state_kind(int state) {
    switch (state) {
        case 1: return "leave";
        case 2: return "removed";
        case 3: return "banned";
        default: return {};
    }
}

}  // namespace delvex::store::room_events
