#include "bot/store/identity_repository.hpp"

#include <SQLiteCpp/Statement.h>

#include <array>
#include <algorithm>
#include <stdexcept>

#include "bot/core/crypto.hpp"

namespace delvex::store {
namespace {

// Everything filed under a member's key (the string Meta names them by), old key ?1, new key ?2. Tables that
// file by members.id (rooms, posts, media, tips, the moderation log) need nothing: the id does not change.
constexpr std::array<const char*, 10> kRekey = {
    "UPDATE members SET member_key = ?2 WHERE member_key = ?1",
    "UPDATE inbox SET member_key = ?2 WHERE member_key = ?1",
    "UPDATE forum_rsvps SET member_key = ?2 WHERE member_key = ?1",
    "UPDATE forum_attendance SET member_key = ?2 WHERE member_key = ?1",
    "UPDATE forum_feedback SET member_key = ?2 WHERE member_key = ?1",
    "UPDATE forum_recaps SET member_key = ?2 WHERE member_key = ?1",
    "UPDATE forum_drafts SET member_key = ?2 WHERE member_key = ?1",
    "UPDATE forum_member_zones SET member_key = ?2 WHERE member_key = ?1",
    "UPDATE academy_profiles SET member_key = ?2 WHERE member_key = ?1",
    "UPDATE academy_sessions SET member_key = ?2 WHERE member_key = ?1",
};

// What a member who only just arrived under the new key left behind, so that the old member can take the key:
// rows filed under their key (?1), then their rooms and member row by id (?1). Their outbox rows stay as history
// under a placeholder recipient; any still waiting are cancelled (the moved member's own rows carry on).
constexpr std::array<const char*, 9> kFoldNewcomerByKey = {
    "DELETE FROM forum_rsvps WHERE member_key = ?1",
    "DELETE FROM forum_attendance WHERE member_key = ?1",
    "DELETE FROM forum_feedback WHERE member_key = ?1",
    "DELETE FROM forum_recaps WHERE member_key = ?1",
    "DELETE FROM forum_drafts WHERE member_key = ?1",
    "DELETE FROM forum_member_zones WHERE member_key = ?1",
    "DELETE FROM academy_profiles WHERE member_key = ?1",
    "DELETE FROM academy_sessions WHERE member_key = ?1",
    "UPDATE outbox SET recipient = 'moved:' || id, payload = '', status = CASE WHEN status IN (0, 5) THEN 4 "
    "ELSE status END, last_error = CASE WHEN status IN (0, 5) THEN 'member moved to their old record' ELSE "
    "last_error END WHERE recipient = ?1",
};
constexpr std::array<const char*, 2> kFoldNewcomerById = {
    "DELETE FROM room_members WHERE member_id = ?1",
    "DELETE FROM members WHERE id = ?1",
};

std::string read_salt(SQLite::Database& db) {
    SQLite::Statement q(db, "SELECT hex(salt) FROM identity_salt LIMIT 1");
    if (!q.executeStep()) {
        throw std::runtime_error("identity_salt is empty (migration 13 not applied)");
    }
    return q.getColumn(0).getString();
}

}  // namespace

IdentityRepository::IdentityRepository(SQLite::Database& db) : db_(db) {}

std::string IdentityRepository::hash_of(std::string_view name) {
    if (salt_.empty()) {
        salt_ = read_salt(db_);  // only decisions kept after FORGET ME need it, not every message's lookup
    }
    return core::hmac_sha256_hex(salt_, name);
}

std::optional<std::string> IdentityRepository::resolve(std::string_view wa_id, std::string_view user_id) {
    struct Found {
        std::int64_t id = 0;
        std::string key;
        std::string wa_id;
        std::string user_id;
    };
    const auto find = [this](const char* sql, std::string_view value) -> std::optional<Found> {
        if (value.empty()) {
            return std::nullopt;
        }
        SQLite::Statement q(db_, sql);
        q.bind(1, std::string(value));
        if (!q.executeStep()) {
            return std::nullopt;
        }
        return Found{q.getColumn(0).getInt64(), q.getColumn(1).getString(), q.getColumn(2).getString(),
                     q.getColumn(3).getString()};
    };
    auto found = find("SELECT id, member_key, wa_id, user_id FROM members WHERE member_key = ?1 OR wa_id = ?1 "
                      "ORDER BY member_key = ?1 DESC LIMIT 1",
                      wa_id);
    if (!found) {
        found = find("SELECT id, member_key, wa_id, user_id FROM members WHERE member_key = ?1 OR user_id = ?1 "
                     "ORDER BY member_key = ?1 DESC LIMIT 1",
                     user_id);
    }
    if (!found) {
        return std::nullopt;
    }
    // Meta gave both names: record the one this member did not have yet (a BSUID beside a known number, or
    // the number of someone first known by BSUID). A name another member already holds is left alone.
    if (!user_id.empty() && found->user_id != user_id) {
        SQLite::Statement q(db_,
                            "UPDATE members SET user_id = ?1 WHERE id = ?2 AND NOT EXISTS (SELECT 1 FROM members "
                            "WHERE id <> ?2 AND (user_id = ?1 OR member_key = ?1))");
        q.bind(1, std::string(user_id));
        q.bind(2, found->id);
        q.exec();
    }
    if (!wa_id.empty() && found->wa_id.empty()) {
        SQLite::Statement q(db_,
                            "UPDATE members SET wa_id = ?1 WHERE id = ?2 AND NOT EXISTS (SELECT 1 FROM members "
                            "WHERE id <> ?2 AND (wa_id = ?1 OR member_key = ?1))");
        q.bind(1, std::string(wa_id));
        q.bind(2, found->id);
        q.exec();
    }
    return found->key;
}

void IdentityRepository::rekey(const std::string& old_key, const std::string& new_key) {
    for (const char* sql : kRekey) {
        SQLite::Statement q(db_, sql);
        q.bind(1, old_key);
        q.bind(2, new_key);
        q.exec();
    }
    // Messages: those still to be sent go to the new key; the sent ones follow too, so that FORGET ME (which
    // clears by key) finds them. A row whose logical key the new key already has stays, renamed.
    SQLite::Statement move(db_, "UPDATE OR IGNORE outbox SET recipient = ?2 WHERE recipient = ?1");
    move.bind(1, old_key);
    move.bind(2, new_key);
    move.exec();
    SQLite::Statement rest(db_,
                           "UPDATE outbox SET recipient = 'moved:' || id, payload = '', status = CASE WHEN status "
                           "IN (0, 5) THEN 4 ELSE status END WHERE recipient = ?1");
    rest.bind(1, old_key);
    rest.exec();
}

bool IdentityRepository::fold_newcomer(std::int64_t newcomer_id, const std::string& newcomer_key) {
    // Only someone who has not finished onboarding, posted, or started anything is folded in: their rows are
    // a welcome and a language question, nothing they would miss.
    SQLite::Statement q(db_,
                        "SELECT stage < 4 AND (SELECT count(*) FROM posts WHERE author_id = ?1) = 0 AND "
                        "(SELECT count(*) FROM academy_profiles WHERE member_key = ?2) = 0 AND "
                        "(SELECT count(*) FROM forum_rsvps WHERE member_key = ?2) = 0 FROM members WHERE id = ?1");
    q.bind(1, newcomer_id);
    q.bind(2, newcomer_key);
    if (!q.executeStep() || q.getColumn(0).getInt() == 0) {
        return false;
    }
    for (const char* sql : kFoldNewcomerByKey) {
        SQLite::Statement step(db_, sql);
        step.bind(1, newcomer_key);
        step.exec();
    }
    for (const char* sql : kFoldNewcomerById) {
        SQLite::Statement step(db_, sql);
        step.bind(1, newcomer_id);
        step.exec();
    }
    return true;
}

Moved IdentityRepository::change(std::string_view old_wa_id, std::string_view old_user_id,
                                 std::string_view new_wa_id, std::string_view new_user_id) {
    SQLite::Statement find(db_,
                           "SELECT id, member_key, wa_id, user_id FROM members WHERE (?1 <> '' AND (member_key = "
                           "?1 OR wa_id = ?1)) OR (?2 <> '' AND (member_key = ?2 OR user_id = ?2)) ORDER BY "
                           "member_key = ?1 DESC, member_key = ?2 DESC LIMIT 1");
    find.bind(1, std::string(old_wa_id));
    find.bind(2, std::string(old_user_id));
    if (!find.executeStep()) {
        return Moved::kUnknown;
    }
    const std::int64_t id = find.getColumn(0).getInt64();
    const std::string old_key = find.getColumn(1).getString();
    std::string wa_id = find.getColumn(2).getString();
    std::string user_id = find.getColumn(3).getString();
    if (!new_wa_id.empty()) {
        wa_id = std::string(new_wa_id);
    }
    if (!new_user_id.empty()) {
        user_id = std::string(new_user_id);
    }
    // The key follows the rule of first contact: the number when known, else the BSUID.
    const std::string new_key = !wa_id.empty() ? wa_id : user_id;
    if (new_key.empty()) {
        return Moved::kUnknown;
    }
    // Someone may already be filed under a new name: they wrote from the new SIM before Meta's notice came.
    SQLite::Statement other(db_,
                            "SELECT id, member_key FROM members WHERE id <> ?1 AND (member_key = ?2 OR (?3 <> '' "
                            "AND wa_id = ?3) OR (?4 <> '' AND user_id = ?4)) LIMIT 1");
    other.bind(1, id);
    other.bind(2, new_key);
    other.bind(3, std::string(new_wa_id));
    other.bind(4, std::string(new_user_id));
    if (other.executeStep()) {
        const std::int64_t other_id = other.getColumn(0).getInt64();
        const std::string other_key = other.getColumn(1).getString();
        other.reset();
        if (!fold_newcomer(other_id, other_key)) {
            return Moved::kConflict;
        }
    }
    if (new_key != old_key) {
        rekey(old_key, new_key);
    }
    SQLite::Statement names(db_, "UPDATE members SET wa_id = ?1, user_id = ?2 WHERE id = ?3");
    names.bind(1, wa_id);
    names.bind(2, user_id);
    names.bind(3, id);
    names.exec();
    return Moved::kMoved;
}

void IdentityRepository::keep_bar(std::string_view room, std::string_view wa_id, std::string_view user_id, Bar bar,
                                  std::int64_t at_ms) {
    if (bar == Bar::kNone) {
        return;
    }
    for (const std::string_view name : {wa_id, user_id}) {
        if (name.empty()) {
            continue;
        }
        SQLite::Statement q(db_,
                            "INSERT INTO identity_bars (room, name_hash, bar, at_ms) VALUES (?1, ?2, ?3, ?4) ON "
                            "CONFLICT (room, name_hash) DO UPDATE SET bar = max(bar, excluded.bar), at_ms = "
                            "excluded.at_ms");
        q.bind(1, std::string(room));
        q.bind(2, hash_of(name));
        q.bind(3, static_cast<int>(bar));
        q.bind(4, at_ms);
        q.exec();
    }
}

Bar IdentityRepository::kept_bar(std::string_view room, std::string_view wa_id, std::string_view user_id) {
    int strongest = 0;
    for (const std::string_view name : {wa_id, user_id}) {
        if (name.empty()) {
            continue;
        }
        SQLite::Statement q(db_, "SELECT bar FROM identity_bars WHERE room = ?1 AND name_hash = ?2");
        q.bind(1, std::string(room));
        q.bind(2, hash_of(name));
        if (q.executeStep()) {
            strongest = std::max(strongest, q.getColumn(0).getInt());
        }
    }
    return static_cast<Bar>(strongest);
}

void IdentityRepository::clear_bar(std::string_view room, std::string_view wa_id, std::string_view user_id) {
    for (const std::string_view name : {wa_id, user_id}) {
        if (name.empty()) {
            continue;
        }
        SQLite::Statement q(db_, "DELETE FROM identity_bars WHERE room = ?1 AND name_hash = ?2");
        q.bind(1, std::string(room));
        q.bind(2, hash_of(name));
        q.exec();
    }
}

}  // namespace delvex::store
