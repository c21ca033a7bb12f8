#pragma once

// What moderation decides about, as plain structs, and the interface the decider keeps it through.
// bot/store/moderation_repository implements it on SQLite (one unit of work per command); the unit tests use
// an in-memory one. The numbers of the enums are the database's (posts.state, room_members.state).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace delvex::moderation {

/// A post's state, numbered as rooms::PostState (bot/rooms/state.hpp, posts.state). kTakenDown and
/// kHeldForReports are moderation's: both keep the post out of digests and catch-up (which read kRelayed and
/// kDeleted only). kRevoked: its author deleted it in WhatsApp (the rooms' change): nothing to decide on.
enum class PostStatus : int {
    kRelayed = 0,
    kHeld = 1,           ///< waits for approval before the room sees it
    kRejected = 2,
    kDeleted = 3,        ///< its author was forgotten
    kPending = 4,        ///< a contact card waiting for its author's yes
    kTakenDown = 5,      ///< a moderator took it down after the room saw it
    kHeldForReports = 6, ///< enough members reported it: out of digests until a moderator decides
    kRevoked = 7,        ///< its author deleted it in WhatsApp (bot/rooms)
};

/// A member's standing in a room.
enum class Standing : int { kActive = 0, kLeft = 1, kRemoved = 2, kBanned = 3, kHeld = 4 };

struct Person {
    std::int64_t id = 0;
    std::string key;            ///< where messages go (phone digits or BSUID); never shown or logged
    std::string language = "en";
    std::string alias;          ///< empty once forgotten
    std::string current_room;
    bool admin = false;         ///< set in the database (CSV import) or by `admins:` in regions.yaml
    bool stopped = false;
    std::int64_t last_inbound = 0;  ///< unix seconds
};

/// A member's place in one room.
struct Seat {
    std::string room;
    Standing standing = Standing::kActive;
    bool moderator = false;
    bool held = false;  ///< the lasting hold (survives LEAVE and JOIN)
};

struct PostInfo {
    std::int64_t id = 0;
    std::string room;
    std::int64_t author_id = 0;
    std::string author_alias;  ///< "" once the author is forgotten
    std::string kind;          ///< "text", "image", …
    std::string body;
    PostStatus status = PostStatus::kRelayed;
    std::int64_t created_ms = 0;
    int open_reports = 0;      ///< reports not yet decided on by a moderator
};

/// One line of the audit log, ready to show: aliases, never numbers.
struct LogLine {
    std::int64_t at_ms = 0;
    std::string actor;   ///< the moderator's alias ("" when forgotten or not a member: the admin API)
    std::string action;  ///< "approve", "ban", …
    std::string room;
    std::string target;  ///< an alias, or "#812" for a post
};

/// Who an announcement goes to.
struct Reader {
    std::int64_t id = 0;
    std::string key;
    std::string language = "en";
    bool muted = false;
};

/// One audit entry to record.
struct Record {
    std::int64_t actor_id = 0;
    std::string action;               ///< verb name ("approve", "takedown", "report", "autohold", …)
    std::string room;
    std::optional<std::int64_t> post{};
    std::optional<std::int64_t> member{};  ///< the member acted on
    std::string detail{};             ///< never a number or a secret
    std::int64_t at_ms = 0;
};

/// Where the decider reads and writes. Implementations write inside the caller's unit of work.
class ModerationStore {
public:
    virtual ~ModerationStore() = default;

    virtual std::optional<Person> person(std::int64_t id) = 0;
    /// The member with this alias (case-insensitive).
    virtual std::optional<Person> by_alias(std::string_view alias) = 0;
    virtual std::vector<Seat> seats(std::int64_t member_id) = 0;
    virtual std::optional<PostInfo> post(std::int64_t id) = 0;
    /// The post whose author message, or one of whose relayed copies, has this message id.
    virtual std::optional<PostInfo> post_by_message(std::string_view wamid) = 0;

    /// Held posts (both kinds) and relayed posts with open reports in these rooms, oldest first.
    virtual std::vector<PostInfo> queue(const std::vector<std::string>& rooms, std::size_t limit) = 0;
    /// Who moderates the room now (and the admins): where alerts go.
    virtual std::vector<Person> moderators(std::string_view room) = 0;
    /// Active, onboarded, not stopped members of the room.
    virtual std::vector<Reader> readers(std::string_view room) = 0;

    /// False if this member already reported the post.
    virtual bool add_report(std::int64_t post, std::int64_t reporter, std::int64_t at_ms) = 0;
    virtual void set_post_status(std::int64_t post, PostStatus status) = 0;
    /// A moderator decided: the post's open reports are closed.
    virtual void close_reports(std::int64_t post, std::int64_t at_ms) = 0;
    /// Copies of the post not sent yet are not sent.
    virtual void cancel_copies(std::int64_t post) = 0;

    virtual void set_standing(std::string_view room, std::int64_t member, Standing standing) = 0;
    /// Undoes a hold (back to active), a removal or a ban (back to "left": they may JOIN again), and any
    /// decision kept for the member's names from before a FORGET ME.
    virtual void lift(std::string_view room, std::int64_t member) = 0;
    virtual void set_moderator(std::string_view room, std::int64_t member, bool moderator) = 0;
    virtual void set_admin(std::int64_t member) = 0;

    virtual void record(const Record& record) = 0;
    /// The newest `limit` moderation entries about these rooms, newest first.
    virtual std::vector<LogLine> recent(const std::vector<std::string>& rooms, std::size_t limit) = 0;
};

}  // namespace delvex::moderation
