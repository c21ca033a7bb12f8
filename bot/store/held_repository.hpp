#pragma once

// Texts that wait for their author to say where they go (migration 16): a message that could be a room post
// or an answer to a pending prompt is kept here, not relayed, until the member taps a button.

#include <SQLiteCpp/Database.h>

#include <cstdint>
#include <optional>
#include <string>

namespace delvex::store {

struct HeldText {
    std::int64_t id = 0;
    std::int64_t member_id = 0;      ///< members.id
    std::string wamid;               ///< the member's message
    std::string body;                ///< its text, as typed
    std::string context_wamid{};     ///< the message it quoted, if any
    std::int64_t created_ms = 0;
};

class HeldRepository {
public:
    explicit HeldRepository(SQLite::Database& db) : db_(db) {}

    /// Keeps a text; returns its id, or nullopt when this message is already kept (a webhook delivered twice).
    std::optional<std::int64_t> hold(const HeldText& text);
    /// The kept text `id` of `member_id`, removed; nullopt when there is none (already chosen, or not theirs).
    std::optional<HeldText> take(std::int64_t id, std::int64_t member_id);
    /// Number of texts kept for a member.
    std::int64_t count(std::int64_t member_id);
    /// The member is forgotten: their kept texts go.
    void forget(std::int64_t member_id);

private:
    SQLite::Database& db_;
};

}  // namespace delvex::store
