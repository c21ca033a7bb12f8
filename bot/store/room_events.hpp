#pragma once

// The rooms' anonymous history for the console's overview (migration 20, room_events): joins, leaves, removals
// and bans of a room; STOP, its undoing and delivery-mode changes once per room the member is active in. Rows
// carry no member id. Written by CommunityRepository in the caller's transaction, only on a real change.

#include <SQLiteCpp/Database.h>

#include <cstdint>
#include <string_view>

namespace delvex::store::room_events {

/// at_ms 0 = SQLite's own clock (callers that have no clock of their own, e.g. moderation's standing).
void room(SQLite::Database& db, std::string_view room, std::string_view kind, std::int64_t at_ms);

/// One `kind` row per room the member is active in (state active or silenced), when `changed_where` holds for
/// the member's row in members (e.g. "stopped <> :v"), evaluated before the caller's update.
void member_rooms(SQLite::Database& db, std::int64_t member_id, std::string_view kind, const char* changed_where,
                  int value, std::int64_t at_ms);

/// The kind for a membership state entered from an active one: "leave", "removed", "banned"; empty otherwise.
std::string_view state_kind(int state);

}  // namespace delvex::store::room_events
