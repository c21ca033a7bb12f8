#pragma once

// One person, one member. Meta names a member by their phone number (wa_id), by a business-scoped user id
// (BSUID), or by both; a member who changes SIM arrives with a new number and a new BSUID, announced by a
// `system` message. This repository finds the member whatever name they come by, links the names when Meta
// gives both, and moves a member (alias, rooms, forum answers, Academy progress, queued messages) to a new
// name. It also keeps the moderators' decisions that must outlive the member's data: a ban, a removal or a
// hold is kept, after FORGET ME, as a salted hash of each of the member's names (migration 13), so that
// writing again, from the same number or BSUID, does not undo it. See docs/ROOMS.md "One person, one member".

#include <SQLiteCpp/Database.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace delvex::store {

/// What a moderator decided about a member in a room that survives their erasure.
enum class Bar : int { kNone = 0, kHeld = 1, kRemoved = 2, kBanned = 3 };

/// How a change of name went.
enum class Moved {
    kMoved,      ///< the member now goes by the new name
    kUnknown,    ///< no member had the old name: nothing to move
    kConflict,   ///< another member with data already has the new name; both kept, the operator decides
};

class IdentityRepository {
public:
    explicit IdentityRepository(SQLite::Database& db);

    /// The member key of whoever has this number or this BSUID. When the member is found by one and the
    /// other is new to them, it is recorded (Meta gave both: they are one person). nullopt for a newcomer.
    std::optional<std::string> resolve(std::string_view wa_id, std::string_view user_id);

    /// A `user_changed_number` (new number and new BSUID) or `user_changed_user_id` (new BSUID only): the
    /// member known by `old_wa_id` or `old_user_id` takes the new names. Everything filed under the old key
    /// moves with them; messages still waiting to be sent go to the new key. A member who already wrote from
    /// the new number and has done nothing yet (not past onboarding) is folded into the old one.
    Moved change(std::string_view old_wa_id, std::string_view old_user_id, std::string_view new_wa_id,
                 std::string_view new_user_id);

    /// Keeps `bar` for the member's names in `room` (strongest decision wins), as salted hashes.
    void keep_bar(std::string_view room, std::string_view wa_id, std::string_view user_id, Bar bar,
                  std::int64_t at_ms);
    /// The decision kept for either name in `room` (kNone if none).
    Bar kept_bar(std::string_view room, std::string_view wa_id, std::string_view user_id);
    /// A moderator lifted the decision (LIFT): nothing is kept for either name in `room` any more.
    void clear_bar(std::string_view room, std::string_view wa_id, std::string_view user_id);

    /// The salted hash under which a name is kept (hex). Exposed for tests that scan the database.
    std::string hash_of(std::string_view name);

private:
    void rekey(const std::string& old_key, const std::string& new_key);
    bool fold_newcomer(std::int64_t newcomer_id, const std::string& newcomer_key);

    SQLite::Database& db_;
    std::string salt_;  ///< read on first use
};

}  // namespace delvex::store
