#pragma once

// SQL for moderation (bot/moderation/state.hpp): the queue of held and reported posts, reports and their
// closing, members' standing and role in a room, and the audit log (audit_log, actor "member:<id>", never a
// number; the older moderation_log gets the same rows for the counts the rooms' tests read). One unit of work
// per command: UnitOfWork is a savepoint inside the event's transaction, so a command's writes and the
// messages it queues commit together, or none of them does.

#include <SQLiteCpp/Database.h>

#include <memory>

#include "bot/moderation/state.hpp"
#include "bot/store/community_repository.hpp"
#include "bot/store/database.hpp"

namespace delvex::store {

class ModerationRepository final : public moderation::ModerationStore {
public:
    explicit ModerationRepository(SQLite::Database& db);

    /// A savepoint: begun on construction, undone on destruction unless commit() was called.
    class UnitOfWork {
    public:
        explicit UnitOfWork(SQLite::Database& db);
        ~UnitOfWork();
        UnitOfWork(const UnitOfWork&) = delete;
        UnitOfWork& operator=(const UnitOfWork&) = delete;
        void commit();

    private:
        Savepoint savepoint_;
        bool done_ = false;
    };
    UnitOfWork unit() { return UnitOfWork(db_); }

    /// The member with this key (the adapter's way in).
    std::optional<moderation::Person> person_by_key(std::string_view member_key);

    std::optional<moderation::Person> person(std::int64_t id) override;
    std::optional<moderation::Person> by_alias(std::string_view alias) override;
    std::vector<moderation::Seat> seats(std::int64_t member_id) override;
    std::optional<moderation::PostInfo> post(std::int64_t id) override;
    std::optional<moderation::PostInfo> post_by_message(std::string_view wamid) override;
    std::vector<moderation::PostInfo> queue(const std::vector<std::string>& rooms, std::size_t limit) override;
    std::vector<moderation::Person> moderators(std::string_view room) override;
    std::vector<moderation::Reader> readers(std::string_view room) override;
    bool add_report(std::int64_t post, std::int64_t reporter, std::int64_t at_ms) override;
    void set_post_status(std::int64_t post, moderation::PostStatus status) override;
    void close_reports(std::int64_t post, std::int64_t at_ms) override;
    void cancel_copies(std::int64_t post) override;
    void set_standing(std::string_view room, std::int64_t member, moderation::Standing standing) override;
    void lift(std::string_view room, std::int64_t member) override;
    void set_moderator(std::string_view room, std::int64_t member, bool moderator) override;
    void set_admin(std::int64_t member) override;
    void record(const moderation::Record& record) override;
    std::vector<moderation::LogLine> recent(const std::vector<std::string>& rooms, std::size_t limit) override;

    /// The rooms' repository over the same connection.
    CommunityRepository& community() { return community_; }

private:
    std::optional<moderation::PostInfo> info(const std::optional<Post>& post);
    std::string alias_of(std::int64_t member_id);

    SQLite::Database& db_;
    CommunityRepository community_;
};

}  // namespace delvex::store
