#pragma once

// The web console's accounts and sessions (migration 19). An account is a person: admin, staff, or moderator
// of given rooms. Passwords arrive here already hashed (argon2id, bot/console/password.hpp); session and API
// tokens arrive as the hex SHA-256 of the secret the person holds, so nothing stored lets anyone log in.

#include <SQLiteCpp/Database.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace delvex::store {

struct ConsoleUser {
    std::int64_t id = 0;
    std::string name{};
    std::string password_hash{};  ///< argon2id, PHC string form
    std::string role{};           ///< admin, staff or moderator
    std::vector<std::string> rooms{};  ///< a moderator's rooms
    std::string language{};       ///< en, fr, es or pt: the console's language for this person
    std::int64_t created_ms = 0;
    bool disabled = false;
};

struct ConsoleSession {
    ConsoleUser user{};
    std::string csrf{};
    std::int64_t expires_ms = 0;
};

/// A named API token as the console lists it (never the token itself).
struct ConsoleToken {
    std::string account{};
    std::int64_t user_id = 0;
    std::string label{};
    std::int64_t created_ms = 0;
    bool revoked = false;
};

class ConsoleAccounts {
public:
    explicit ConsoleAccounts(SQLite::Database& db) : db_(db) {}

    /// Adds an account; nullopt when the name is taken (names compare without case).
    std::optional<std::int64_t> add(std::string_view name, std::string_view password_hash, std::string_view role,
                                    const std::vector<std::string>& rooms, std::string_view language,
                                    std::int64_t now_ms);
    std::optional<ConsoleUser> by_name(std::string_view name);
    std::optional<ConsoleUser> by_id(std::int64_t id);
    std::vector<ConsoleUser> all();
    std::int64_t count();
    void set_password(std::int64_t id, std::string_view password_hash);
    /// A disabled account cannot log in and its sessions and tokens stop working at once.
    void set_disabled(std::int64_t id, bool disabled, std::int64_t now_ms);

    void open_session(std::string_view token_hash, std::int64_t user_id, std::string_view csrf, std::int64_t now_ms,
                      std::int64_t expires_ms);
    /// The live session of that token (not expired, account not disabled).
    std::optional<ConsoleSession> session(std::string_view token_hash, std::int64_t now_ms);
    void close_session(std::string_view token_hash);
    /// Deletes expired sessions; returns how many.
    int purge_sessions(std::int64_t now_ms);

    /// A named API token for an account (bearer, for /api/v1).
    void add_token(std::string_view token_hash, std::int64_t user_id, std::string_view label, std::int64_t now_ms);
    /// The account holding that token, if the token is not revoked and the account not disabled.
    std::optional<ConsoleUser> token_user(std::string_view token_hash);
    /// Every token, newest first.
    std::vector<ConsoleToken> tokens();
    /// Revokes every token of that label of the account; returns how many.
    int revoke_tokens(std::int64_t user_id, std::string_view label, std::int64_t now_ms);

private:
    SQLite::Database& db_;
};

}  // namespace delvex::store
