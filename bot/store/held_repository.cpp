#include "bot/store/held_repository.hpp"

#include <SQLiteCpp/Statement.h>

namespace delvex::store {

std::optional<std::int64_t> HeldRepository::hold(const HeldText& text) {
    SQLite::Statement q(db_,
                        "INSERT OR IGNORE INTO chat_held (member_id, wamid, body, context_wamid, created_ms) "
                        "VALUES (:member, :wamid, :body, :context, :at)");
    q.bind(":member", text.member_id);
    q.bind(":wamid", text.wamid);
    q.bind(":body", text.body);
    q.bind(":context", text.context_wamid);
    q.bind(":at", text.created_ms);
    if (q.exec() == 0) {
        return std::nullopt;
    }
    return db_.getLastInsertRowid();
}

std::optional<HeldText> HeldRepository::take(std::int64_t id, std::int64_t member_id) {
    SQLite::Statement q(db_,
                        "SELECT id, member_id, wamid, body, context_wamid, created_ms FROM chat_held "
                        "WHERE id = :id AND member_id = :member");
    q.bind(":id", id);
    q.bind(":member", member_id);
    if (!q.executeStep()) {
        return std::nullopt;
    }
    HeldText t;
    t.id = q.getColumn(0).getInt64();
    t.member_id = q.getColumn(1).getInt64();
    t.wamid = q.getColumn(2).getString();
    t.body = q.getColumn(3).getString();
    t.context_wamid = q.getColumn(4).getString();
    t.created_ms = q.getColumn(5).getInt64();
    q.reset();
    SQLite::Statement del(db_, "DELETE FROM chat_held WHERE id = :id");
    del.bind(":id", id);
    del.exec();
    return t;
}

std::int64_t HeldRepository::count(std::int64_t member_id) {
    SQLite::Statement q(db_, "SELECT count(*) FROM chat_held WHERE member_id = :member");
    q.bind(":member", member_id);
    q.executeStep();
    return q.getColumn(0).getInt64();
}

void HeldRepository::forget(std::int64_t member_id) {
    SQLite::Statement q(db_, "DELETE FROM chat_held WHERE member_id = :member");
    q.bind(":member", member_id);
    q.exec();
}

}  // namespace delvex::store
