#include "bot/store/room_store.hpp"

#include <SQLiteCpp/Statement.h>

#include "bot/rooms/protocol.hpp"

namespace delvex::store {

void RoomStoreSql::complete(rooms::Post& post) {
    SQLite::Statement q(db_, "SELECT edited FROM posts WHERE id = ?");
    q.bind(1, post.id);
    post.edited = q.executeStep() && q.getColumn(0).getInt() != 0;
    post.reactions = reactions(post.id);
}

std::map<std::int64_t, std::string> RoomStoreSql::own_zones(std::string_view room) {
    SQLite::Statement q(db_,
                        "SELECT m.id, z.tz FROM room_members r JOIN members m ON m.id = r.member_id "
                        "JOIN forum_member_zones z ON z.member_key = m.member_key WHERE r.room = ?");
    q.bind(1, std::string(room));
    std::map<std::int64_t, std::string> out;
    while (q.executeStep()) {
        out.emplace(q.getColumn(0).getInt64(), q.getColumn(1).getString());
    }
    return out;
}

std::optional<rooms::Post> RoomStoreSql::post(std::int64_t id) {
    auto p = repo_.post(id);
    if (p) {
        complete(*p);
    }
    return p;
}

std::optional<rooms::Post> RoomStoreSql::post_by_wamid(std::string_view wamid) {
    auto p = repo_.post_by_wamid(wamid);
    if (p) {
        complete(*p);
    }
    return p;
}

std::vector<rooms::Post> RoomStoreSql::posts_after(std::string_view room, std::int64_t after, std::int64_t except,
                                                   int limit) {
    auto posts = repo_.posts_after(room, after, except, limit);
    for (auto& p : posts) {
        complete(p);
    }
    return posts;
}

std::vector<rooms::ReactionCount> RoomStoreSql::reactions(std::int64_t post_id) {
    SQLite::Statement q(db_,
                        "SELECT emoji, count(*) AS n, min(at_ms) AS first FROM post_reactions WHERE post_id = ? "
                        "GROUP BY emoji ORDER BY n DESC, first ASC, emoji ASC");
    q.bind(1, post_id);
    std::vector<rooms::ReactionCount> out;
    while (q.executeStep()) {
        out.push_back({q.getColumn(0).getString(), q.getColumn(1).getInt()});
    }
    return out;
}

void RoomStoreSql::set_reaction(std::int64_t post_id, std::int64_t member_id, std::string_view emoji,
                                std::int64_t at_ms) {
    if (emoji.empty()) {
        SQLite::Statement q(db_, "DELETE FROM post_reactions WHERE post_id = ? AND member_id = ?");
        q.bind(1, post_id);
        q.bind(2, member_id);
        q.exec();
        return;
    }
    SQLite::Statement q(db_,
                        "INSERT INTO post_reactions (post_id, member_id, emoji, at_ms) VALUES (?, ?, ?, ?) "
                        "ON CONFLICT (post_id, member_id) DO UPDATE SET emoji = excluded.emoji, at_ms = excluded.at_ms");
    q.bind(1, post_id);
    q.bind(2, member_id);
    q.bind(3, std::string(emoji));
    q.bind(4, at_ms);
    q.exec();
}

std::string RoomStoreSql::shown_reaction(std::int64_t post_id) {
    SQLite::Statement q(db_, "SELECT shown_reaction FROM posts WHERE id = ?");
    q.bind(1, post_id);
    return q.executeStep() ? q.getColumn(0).getString() : std::string();
}

void RoomStoreSql::set_shown_reaction(std::int64_t post_id, std::string_view emoji) {
    SQLite::Statement q(db_, "UPDATE posts SET shown_reaction = ? WHERE id = ?");
    q.bind(1, std::string(emoji));
    q.bind(2, post_id);
    q.exec();
}

std::int64_t RoomStoreSql::count_reactions_by(std::int64_t member_id) {
    SQLite::Statement q(db_, "SELECT count(*) FROM post_reactions WHERE member_id = ?");
    q.bind(1, member_id);
    q.executeStep();
    return q.getColumn(0).getInt64();
}

void RoomStoreSql::forget_reactions(std::int64_t member_id) {
    SQLite::Statement q(db_, "DELETE FROM post_reactions WHERE member_id = ?");
    q.bind(1, member_id);
    q.exec();
}

void RoomStoreSql::edit_post(std::int64_t post_id, std::string_view body) {
    SQLite::Statement q(db_, "UPDATE posts SET body = ?, edited = 1 WHERE id = ?");
    q.bind(1, std::string(body));
    q.bind(2, post_id);
    q.exec();
}

int RoomStoreSql::revoke_post(std::int64_t post_id) {
    {
        SQLite::Statement q(db_,
                            "UPDATE posts SET body = '', media_id = '', mime_type = '', filename = '', latitude = NULL, "
                            "longitude = NULL, shown_reaction = '', state = ? WHERE id = ?");
        q.bind(1, static_cast<int>(rooms::PostState::kRevoked));
        q.bind(2, post_id);
        q.exec();
    }
    {
        SQLite::Statement q(db_, "DELETE FROM post_reactions WHERE post_id = ?");
        q.bind(1, post_id);
        q.exec();
    }
    // Copies (and moderators' alerts) still waiting in the queue are withdrawn; what is claimed is on its way.
    const std::string id = std::to_string(post_id);
    SQLite::Statement q(db_,
                        "UPDATE outbox SET payload = '', status = 4, last_error = 'author deleted the post' "
                        "WHERE status IN (0, 5) AND claimed = 0 AND logical_key IN (?, ?, ?, ?, ?)");
    q.bind(1, rooms::RelayKey{post_id, false}.encode());
    q.bind(2, rooms::RelayKey{post_id, true}.encode());
    q.bind(3, "rooms.held:" + id);
    q.bind(4, "rooms.heldmedia:" + id);
    q.bind(5, "rooms.heldmedia:" + id + ":head");
    return q.exec();
}

}  // namespace delvex::store
