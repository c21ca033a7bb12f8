#pragma once

// The rooms' store (rooms::RoomStore) on SQLite: the community repository's members, memberships and posts,
// plus reactions, edits and deletions. Writes inside the caller's transaction (the event's savepoint).

#include <SQLiteCpp/Database.h>

#include "bot/rooms/store.hpp"
#include "bot/store/community_repository.hpp"

namespace delvex::store {

class RoomStoreSql final : public rooms::RoomStore {
public:
    RoomStoreSql(SQLite::Database& db, CommunityRepository& repo) : db_(db), repo_(repo) {}
    CommunityRepository& community() { return repo_; }

    std::optional<rooms::Profile> profile(std::int64_t member_id) override { return repo_.profile(member_id); }
    std::optional<rooms::Membership> membership(std::string_view room, std::int64_t member_id) override {
        return repo_.membership(room, member_id);
    }
    std::vector<rooms::RoomMember> room_members(std::string_view room, std::int64_t except) override {
        return repo_.room_members(room, except);
    }
    std::int64_t count_shared_posts(std::int64_t author_id) override { return repo_.count_shared_posts(author_id); }
    void set_flood(std::int64_t member_id, std::int64_t start_ms, int count) override {
        repo_.set_flood(member_id, start_ms, count);
    }
    void count_post(std::int64_t member_id) override { repo_.count_post(member_id); }
    void set_seen(std::string_view room, std::int64_t member_id, std::int64_t post_id) override {
        repo_.set_seen(room, member_id, post_id);
    }
    void set_digest(std::int64_t member_id, std::string_view day, bool owed) override {
        repo_.set_digest(member_id, day, owed);
    }
    std::map<std::int64_t, std::string> own_zones(std::string_view room) override;
    std::optional<std::int64_t> add_post(const rooms::Post& post) override { return repo_.add_post(post); }
    std::optional<rooms::Post> post(std::int64_t id) override;
    std::optional<rooms::Post> post_by_wamid(std::string_view wamid) override;
    void set_post_state(std::int64_t id, rooms::PostState state) override { repo_.set_post_state(id, state); }
    std::vector<rooms::Post> posts_after(std::string_view room, std::int64_t after, std::int64_t except,
                                         int limit) override;
    std::int64_t count_after(std::string_view room, std::int64_t after, std::int64_t except) override {
        return repo_.count_after(room, after, except);
    }

    std::vector<rooms::ReactionCount> reactions(std::int64_t post_id) override;
    void set_reaction(std::int64_t post_id, std::int64_t member_id, std::string_view emoji,
                      std::int64_t at_ms) override;
    std::string shown_reaction(std::int64_t post_id) override;
    void set_shown_reaction(std::int64_t post_id, std::string_view emoji) override;
    std::int64_t count_reactions_by(std::int64_t member_id) override;
    void forget_reactions(std::int64_t member_id) override;

    void edit_post(std::int64_t post_id, std::string_view body) override;
    int revoke_post(std::int64_t post_id) override;

private:
    /// The edit mark and reactions a digest shows.
    void complete(rooms::Post& post);

    SQLite::Database& db_;
    CommunityRepository& repo_;
};

}  // namespace delvex::store
