#pragma once

// SQL for the regional rooms: members' onboarding and settings, room membership, posts, reports and the
// moderation log. Plain structs in and out.

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "bot/rooms/state.hpp"

namespace delvex::store {

class IdentityRepository;

// The plain structs live with the rooms' domain (bot/rooms/state.hpp); the store speaks them as its own.
using rooms::DeliveryMode;
using rooms::Membership;
using rooms::MembershipState;
using rooms::Post;
using rooms::PostState;
using rooms::Profile;
using rooms::ReactionCount;
using rooms::RoomMember;
using rooms::RoomRole;
using rooms::Stage;

class CommunityRepository {
public:
    explicit CommunityRepository(SQLite::Database& db);
    ~CommunityRepository();
    CommunityRepository(CommunityRepository&&) noexcept;

    std::optional<Profile> profile(std::string_view member_key);
    std::optional<Profile> profile(std::int64_t id);
    /// The member with this alias (case-insensitive).
    std::optional<Profile> by_alias(std::string_view alias);

    void set_stage(std::int64_t id, Stage stage);
    void set_language(std::int64_t id, std::string_view language);
    /// False when another member has the alias (case-insensitive) or one that looks the same
    /// (community::alias_skeleton: "Аѕһа" in Cyrillic letters is "Asha").
    bool set_alias(std::int64_t id, std::string_view alias);
    void set_current_room(std::int64_t id, std::string_view room);
    /// A change is noted in room_events (one row per room the member is active in) at `at_ms`
    /// (0 = SQLite's clock).
    void set_mode(std::int64_t id, DeliveryMode mode, std::int64_t at_ms = 0);
    void set_stopped(std::int64_t id, bool stopped, std::int64_t at_ms = 0);
    void set_consent(std::int64_t id, std::string_view version, std::int64_t at_ms);
    void set_admin(std::int64_t id, bool admin);
    void set_digest(std::int64_t id, std::string_view day, bool owed);
    void set_flood(std::int64_t id, std::int64_t start_ms, int count);
    void count_post(std::int64_t id);
    /// A member imported from the old groups: stage, alias, room, language and role are set at once.
    /// Imported again, a member who has written keeps the language and alias they chose. Returns the member id.
    std::int64_t import_member(std::string_view key, std::string_view language, std::string_view alias,
                               std::int64_t now_s);

    std::vector<Membership> memberships(std::int64_t member_id);
    std::optional<Membership> membership(std::string_view room, std::int64_t member_id);
    /// Joins (or re-joins) a room; keeps the role. False if banned or removed, here or under a name kept
    /// from before a FORGET ME (the refusal is then recorded). A member on hold stays on hold.
    bool join(std::string_view room, std::int64_t member_id, std::int64_t now_ms, std::int64_t seen_post);
    /// Sets the state; kSilenced (HOLD) also sets the lasting hold that survives LEAVE and JOIN. Leaving an
    /// active membership (left, removed, banned) is noted in room_events at `at_ms` (0 = SQLite's clock).
    void set_membership_state(std::string_view room, std::int64_t member_id, MembershipState state,
                              std::int64_t at_ms = 0);
    /// A moderator lifts a hold: the member's posts go straight to the room again.
    void lift_hold(std::string_view room, std::int64_t member_id);
    /// Posts of this author the room saw (relayed, or approved by a moderator).
    std::int64_t count_shared_posts(std::int64_t author_id);
    void set_role(std::string_view room, std::int64_t member_id, RoomRole role);
    void set_seen(std::string_view room, std::int64_t member_id, std::int64_t post_id);

    /// Active, onboarded, not stopped members of a room, but `except` (the author).
    std::vector<RoomMember> room_members(std::string_view room, std::int64_t except);
    /// Active moderators of a room (and admins, who moderate every room).
    std::vector<RoomMember> moderators(std::string_view room);
    std::int64_t count_active(std::string_view room);

    /// Stores a post; nullopt if one with this author wamid exists (a redelivered webhook).
    std::optional<std::int64_t> add_post(const Post& post);
    std::optional<Post> post(std::int64_t id);
    /// The post whose author message, or one of whose relayed copies, has this wamid.
    std::optional<Post> post_by_wamid(std::string_view wamid);
    void set_post_state(std::int64_t id, PostState state);
    std::int64_t last_post_id(std::string_view room);
    /// Relayed posts of a room after `after`, not by `except`, newest first.
    std::vector<Post> posts_after(std::string_view room, std::int64_t after, std::int64_t except, int limit);
    std::int64_t count_after(std::string_view room, std::int64_t after, std::int64_t except);
    std::vector<Post> held_posts(std::string_view room);

    /// When the last message to this member was queued (0 if never).
    std::int64_t last_queued_ms(std::string_view member_key);

    /// The wamid of the relayed copy of a post that went to a member (empty if not sent yet).
    std::string copy_wamid(std::int64_t post_id, std::string_view member_key);

    /// False if this member already reported the post.
    bool report(std::int64_t post_id, std::int64_t reporter_id, std::int64_t at_ms);
    void log_action(std::int64_t actor_id, std::string_view action, std::string_view room,
                    std::optional<std::int64_t> target_id, std::string_view detail, std::int64_t at_ms);
    std::int64_t count_actions(std::string_view action);

    /// Erases a member's personal data everywhere the rooms keep it: number, alias and BSUID; their posts'
    /// content (shown as "[deleted]"); their inbound payloads and outbox rows; the alias inside messages
    /// queued for others. The member row stays as an anonymous, stopped shell so that ids still resolve.
    /// Bans, removals and holds are kept first, as salted hashes of the member's names (IdentityRepository).
    void forget(const Profile& member, std::int64_t now_ms);

private:
    Profile read_profile(SQLite::Statement& q);
    Post read_post(SQLite::Statement& q);

    /// A statement prepared on first use and kept for the repository's life: the calls a members import makes
    /// once per row (a million rows) would otherwise spend half their time preparing SQL.
    SQLite::Statement& cached(const std::string& sql);
    IdentityRepository& identity();

    SQLite::Database& db_;
    std::unordered_map<std::string, std::unique_ptr<SQLite::Statement>> cached_;
    std::unique_ptr<IdentityRepository> identity_;
    SQLite::Statement profile_by_key_;
    SQLite::Statement room_members_;
    SQLite::Statement set_seen_;
    SQLite::Statement add_post_;
    SQLite::Statement copy_wamid_;
    SQLite::Statement last_queued_;
    SQLite::Statement memberships_;
    SQLite::Statement count_after_;
};

}  // namespace delvex::store
