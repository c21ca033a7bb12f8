#pragma once

// The regional rooms' state as plain structs: a member as the rooms see them, their memberships, the posts.
// The store (bot/store/community_repository) reads and writes them; the decider (bot/rooms/decider) reasons
// about them. No SQLite here.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace delvex::rooms {

enum class Stage : int { kLanguage = 0, kRoom = 1, kAlias = 2, kConsent = 3, kActive = 4 };
enum class DeliveryMode : int { kLive = 0, kDigest = 1, kMuted = 2 };
enum class RoomRole : int { kMember = 0, kModerator = 1 };
/// kSilenced: a moderator muted the member in this room: they still read, their posts wait for approval.
enum class MembershipState : int { kActive = 0, kLeft = 1, kRemoved = 2, kBanned = 3, kSilenced = 4 };
/// kPending: a contact card waiting for its author to confirm that its numbers may be shown to the room.
/// kDeleted: its author asked to be forgotten (shown as "[deleted]"). kTakenDown and kHeldForReports are
/// moderation's (bot/moderation/state.hpp mirrors them as PostStatus): a moderator took the post down after the
/// room saw it, or enough members reported it and it waits for a moderator. kRevoked: its author deleted it in
/// WhatsApp (a `revoke` webhook), its content gone. Digests and catch-up read kRelayed and kDeleted only, so
/// 5, 6 and 7 stay out of them. The numbers are the database's (posts.state): never renumber.
enum class PostState : int {
    kRelayed = 0,
    kHeld = 1,
    kRejected = 2,
    kDeleted = 3,
    kPending = 4,
    kTakenDown = 5,
    kHeldForReports = 6,
    kRevoked = 7,
};

/// How many members reacted to a post with one emoji.
struct ReactionCount {
    std::string emoji;
    int count = 0;
};

/// A member as the rooms see them.
struct Profile {
    std::int64_t id = 0;
    std::string key;  ///< phone digits or BSUID ("forgotten:<id>" once erased)
    std::string wa_id;
    std::string user_id;
    std::string language;
    Stage stage = Stage::kLanguage;
    std::string alias;  ///< empty until chosen
    std::string current_room;
    DeliveryMode mode = DeliveryMode::kLive;
    bool stopped = false;
    std::string consent_version;
    std::int64_t consent_ms = 0;
    bool admin = false;
    bool imported = false;
    bool forgotten = false;
    std::string digest_day;   ///< the room-local day of the last digest template, "YYYY-MM-DD"
    bool digest_owed = false;  ///< a digest template went out and the member has not replied since
    std::int64_t flood_start_ms = 0;
    int flood_count = 0;
    std::int64_t posts = 0;
    std::int64_t first_seen = 0;
    std::int64_t last_inbound = 0;  ///< unix seconds
};

struct Membership {
    std::string room;
    RoomRole role = RoomRole::kMember;
    MembershipState state = MembershipState::kActive;
    std::int64_t joined_ms = 0;
    std::int64_t seen_post = 0;
};

/// A room member a post may go to.
struct RoomMember {
    std::int64_t id = 0;
    std::string key;
    std::string language;
    std::string alias;
    std::int64_t last_inbound = 0;
    DeliveryMode mode = DeliveryMode::kLive;
    RoomRole role = RoomRole::kMember;
    std::int64_t seen_post = 0;
    std::string digest_day;
};

struct Post {
    std::int64_t id = 0;
    std::string room;
    std::int64_t author_id = 0;
    std::string wamid;  ///< the author's own message
    std::string kind;   ///< "text", "image", "audio", "video", "document", "sticker", "location", "contacts"
    std::string body;   ///< text, or the media caption, or the place name, or the contact cards as text
    std::string media_id;
    std::string mime_type;
    std::string filename;
    bool voice = false;
    std::optional<double> latitude;
    std::optional<double> longitude;
    std::optional<std::int64_t> reply_to;
    PostState state = PostState::kRelayed;
    std::int64_t created_ms = 0;
    std::string author_alias;  ///< filled by reads; "" once the author is forgotten
    bool edited = false;       ///< its author edited it in WhatsApp after it was posted
    /// Members' reactions, most given first (filled by the reads for digests and catch-up only).
    std::vector<ReactionCount> reactions;
};

}  // namespace delvex::rooms
