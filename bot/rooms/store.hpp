#pragma once

// Where the rooms keep their state, as the decider's callers see it. bot/store/room_store implements it on
// SQLite (inside the caller's transaction); tests may use an in-memory one.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bot/rooms/state.hpp"

namespace delvex::rooms {

class RoomStore {
public:
    virtual ~RoomStore() = default;

    virtual std::optional<Profile> profile(std::int64_t member_id) = 0;
    virtual std::optional<Membership> membership(std::string_view room, std::int64_t member_id) = 0;
    /// Active, onboarded, not stopped members of a room, but `except`.
    virtual std::vector<RoomMember> room_members(std::string_view room, std::int64_t except) = 0;
    /// Posts of this author the room saw (relayed, or approved by a moderator).
    virtual std::int64_t count_shared_posts(std::int64_t author_id) = 0;
    virtual void set_flood(std::int64_t member_id, std::int64_t start_ms, int count) = 0;
    virtual void count_post(std::int64_t member_id) = 0;
    virtual void set_seen(std::string_view room, std::int64_t member_id, std::int64_t post_id) = 0;
    virtual void set_digest(std::int64_t member_id, std::string_view day, bool owed) = 0;
    /// The own zones (TIME ZONE, kept with the forums) of a room's members who set one: member id -> zone.
    virtual std::map<std::int64_t, std::string> own_zones(std::string_view room) = 0;

    /// Stores a post; nullopt if one with this author message exists (a redelivered webhook).
    virtual std::optional<std::int64_t> add_post(const Post& post) = 0;
    virtual std::optional<Post> post(std::int64_t id) = 0;
    /// The post whose author message, or one of whose relayed copies, has this wamid.
    virtual std::optional<Post> post_by_wamid(std::string_view wamid) = 0;
    virtual void set_post_state(std::int64_t id, PostState state) = 0;
    /// Relayed (and forgotten) posts of a room after `after`, not by `except`, newest first, with their
    /// reactions and edit mark (what a digest or catch-up shows).
    virtual std::vector<Post> posts_after(std::string_view room, std::int64_t after, std::int64_t except,
                                          int limit) = 0;
    virtual std::int64_t count_after(std::string_view room, std::int64_t after, std::int64_t except) = 0;

    // ---- reactions: one per member and post; the bot's one reaction on the author's message ----
    /// Counts per emoji, most given first (ties: the first given first).
    virtual std::vector<ReactionCount> reactions(std::int64_t post_id) = 0;
    /// A member's reaction to a post; "" takes theirs away.
    virtual void set_reaction(std::int64_t post_id, std::int64_t member_id, std::string_view emoji,
                              std::int64_t at_ms) = 0;
    virtual std::string shown_reaction(std::int64_t post_id) = 0;
    virtual void set_shown_reaction(std::int64_t post_id, std::string_view emoji) = 0;
    /// How many posts a member reacted to (MY DATA).
    virtual std::int64_t count_reactions_by(std::int64_t member_id) = 0;
    /// Every reaction a member gave (FORGET ME).
    virtual void forget_reactions(std::int64_t member_id) = 0;

    // ---- the author's edits and deletions in WhatsApp ----
    /// New words for a post, marked edited.
    virtual void edit_post(std::int64_t post_id, std::string_view body) = 0;
    /// The post is taken out (kRevoked): its content and reactions go, and its copies and moderator alerts
    /// not yet sent are withdrawn. Returns how many queued messages were withdrawn.
    virtual int revoke_post(std::int64_t post_id) = 0;
};

}  // namespace delvex::rooms
