#include "bot/store/console_accounts.hpp"

#include <SQLiteCpp/Statement.h>

namespace delvex::store {
namespace {

std::string join_rooms(const std::vector<std::string>& rooms) {
    std::string out;
    for (const auto& r : rooms) {
        if (!out.empty()) {
            out += ',';
        }
        out += r;
    }
    return out;
}

std::vector<std::string> split_rooms(const std::string& text) {
    std::vector<std::string> out;
    std::size_t start = 0;
    while (start <= text.size()) {
        const auto comma = text.find(',', start);
        const auto end = comma == std::string::npos ? text.size() : comma;
        if (end > start) {
            out.push_back(text.substr(start, end - start));
        }
        if (comma == std::string::npos) {
            break;
        }
        start = comma + 1;
    }
    return out;
}

ConsoleUser user_of(SQLite::Statement& q, int first = 0) {
    ConsoleUser u;
    u.id = q.getColumn(first).getInt64();
    u.name = q.getColumn(first + 1).getString();
    u.password_hash = q.getColumn(first + 2).getString();
    u.role = q.getColumn(first + 3).getString();
    u.rooms = split_rooms(q.getColumn(first + 4).getString());
    u.language = q.getColumn(first + 5).getString();
    u.created_ms = q.getColumn(first + 6).getInt64();
    u.disabled = q.getColumn(first + 7).getInt() != 0;
    return u;
}

}  // namespace

std::optional<std::int64_t> ConsoleAccounts::add(std::string_view name, std::string_view password_hash,
                                                 std::string_view role, const std::vector<std::string>& rooms,
                                                 std::string_view language, std::int64_t now_ms) {
    SQLite::Statement q(db_,
                        "INSERT INTO console_users (name, password_hash, role, rooms, language, created_ms) "
                        "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (name) DO NOTHING");
    q.bind(1, std::string(name));
    q.bind(2, std::string(password_hash));
    q.bind(3, std::string(role));
    q.bind(4, join_rooms(rooms));
    q.bind(5, std::string(language));
    q.bind(6, now_ms);
    if (q.exec() == 0) {
        return std::nullopt;
    }
    return db_.getLastInsertRowid();
}

std::optional<ConsoleUser> ConsoleAccounts::by_name(std::string_view name) {
    SQLite::Statement q(db_, "SELECT u.id, u.name, u.password_hash, u.role, u.rooms, u.language, u.created_ms, u.disabled_ms IS NOT NULL FROM console_users u WHERE u.name = ?");
    q.bind(1, std::string(name));
    if (!q.executeStep()) {
        return std::nullopt;
    }
    return user_of(q);
}

std::optional<ConsoleUser> ConsoleAccounts::by_id(std::int64_t id) {
    SQLite::Statement q(db_, "SELECT u.id, u.name, u.password_hash, u.role, u.rooms, u.language, u.created_ms, u.disabled_ms IS NOT NULL FROM console_users u WHERE u.id = ?");
    q.bind(1, id);
    if (!q.executeStep()) {
        return std::nullopt;
    }
    return user_of(q);
}

std::vector<ConsoleToken> ConsoleAccounts::tokens() {
    SQLite::Statement q(db_,
                        "SELECT u.name, t.user_id, t.label, t.created_ms, t.revoked_ms IS NOT NULL FROM console_tokens t "
                        "JOIN console_users u ON u.id = t.user_id ORDER BY t.created_ms DESC, t.rowid DESC");
    std::vector<ConsoleToken> out;
    while (q.executeStep()) {
        out.push_back(ConsoleToken{q.getColumn(0).getString(), q.getColumn(1).getInt64(), q.getColumn(2).getString(),
                                   q.getColumn(3).getInt64(), q.getColumn(4).getInt() != 0});
    }
    return out;
}

std::vector<ConsoleUser> ConsoleAccounts::all() {
    SQLite::Statement q(db_, "SELECT u.id, u.name, u.password_hash, u.role, u.rooms, u.language, u.created_ms, u.disabled_ms IS NOT NULL FROM console_users u ORDER BY u.name");
    std::vector<ConsoleUser> out;
    while (q.executeStep()) {
        out.push_back(user_of(q));
    }
    return out;
}

std::int64_t ConsoleAccounts::count() {
    return db_.execAndGet("SELECT count(*) FROM console_users").getInt64();
}

void ConsoleAccounts::set_password(std::int64_t id, std::string_view password_hash) {
    SQLite::Statement q(db_, "UPDATE console_users SET password_hash = ? WHERE id = ?");
    q.bind(1, std::string(password_hash));
    q.bind(2, id);
    q.exec();
}

void ConsoleAccounts::set_disabled(std::int64_t id, bool disabled, std::int64_t now_ms) {
    SQLite::Statement q(db_, "UPDATE console_users SET disabled_ms = CASE WHEN ? THEN ? END WHERE id = ?");
    q.bind(1, disabled ? 1 : 0);
    q.bind(2, now_ms);
    q.bind(3, id);
    q.exec();
    if (disabled) {
        SQLite::Statement s(db_, "DELETE FROM console_sessions WHERE user_id = ?");
        s.bind(1, id);
        s.exec();
    }
}

void ConsoleAccounts::open_session(std::string_view token_hash, std::int64_t user_id, std::string_view csrf,
                                   std::int64_t now_ms, std::int64_t expires_ms) {
    SQLite::Statement q(db_,
                        "INSERT INTO console_sessions (token_hash, user_id, csrf, created_ms, expires_ms) "
                        "VALUES (?, ?, ?, ?, ?)");
    q.bind(1, std::string(token_hash));
    q.bind(2, user_id);
    q.bind(3, std::string(csrf));
    q.bind(4, now_ms);
    q.bind(5, expires_ms);
    q.exec();
}

std::optional<ConsoleSession> ConsoleAccounts::session(std::string_view token_hash, std::int64_t now_ms) {
    SQLite::Statement q(db_, "SELECT u.id, u.name, u.password_hash, u.role, u.rooms, u.language, u.created_ms, u.disabled_ms IS NOT NULL"
                                 ", s.csrf, s.expires_ms FROM console_sessions s JOIN console_users u ON u.id = "
                                 "s.user_id WHERE s.token_hash = ? AND s.expires_ms > ? AND u.disabled_ms IS NULL");
    q.bind(1, std::string(token_hash));
    q.bind(2, now_ms);
    if (!q.executeStep()) {
        return std::nullopt;
    }
    ConsoleSession s;
    s.user = user_of(q);
    s.csrf = q.getColumn(8).getString();
    s.expires_ms = q.getColumn(9).getInt64();
    return s;
}

void ConsoleAccounts::close_session(std::string_view token_hash) {
    SQLite::Statement q(db_, "DELETE FROM console_sessions WHERE token_hash = ?");
    q.bind(1, std::string(token_hash));
    q.exec();
}

int ConsoleAccounts::purge_sessions(std::int64_t now_ms) {
    SQLite::Statement q(db_, "DELETE FROM console_sessions WHERE expires_ms <= ?");
    q.bind(1, now_ms);
    return q.exec();
}

void ConsoleAccounts::add_token(std::string_view token_hash, std::int64_t user_id, std::string_view label,
                                std::int64_t now_ms) {
    SQLite::Statement q(db_,
                        "INSERT INTO console_tokens (token_hash, user_id, label, created_ms) VALUES (?, ?, ?, ?)");
    q.bind(1, std::string(token_hash));
    q.bind(2, user_id);
    q.bind(3, std::string(label));
    q.bind(4, now_ms);
    q.exec();
}

std::optional<ConsoleUser> ConsoleAccounts::token_user(std::string_view token_hash) {
    SQLite::Statement q(db_, "SELECT u.id, u.name, u.password_hash, u.role, u.rooms, u.language, u.created_ms, u.disabled_ms IS NOT NULL"
                                 " FROM console_tokens t JOIN console_users u ON u.id = t.user_id "
                                 "WHERE t.token_hash = ? AND t.revoked_ms IS NULL AND u.disabled_ms IS NULL");
    q.bind(1, std::string(token_hash));
    if (!q.executeStep()) {
        return std::nullopt;
    }
    return user_of(q);
}

int ConsoleAccounts::revoke_tokens(std::int64_t user_id, std::string_view label, std::int64_t now_ms) {
    SQLite::Statement q(db_,
                        "UPDATE console_tokens SET revoked_ms = ? WHERE user_id = ? AND label = ? AND revoked_ms IS NULL");
    q.bind(1, now_ms);
    q.bind(2, user_id);
    q.bind(3, std::string(label));
    return q.exec();
}

}  // namespace delvex::store
