#pragma once

// The rooms' decisions, pure: given the member, the room, the settings, the clock value and the inbound message
// as plain structs, what happens — which answer in which language key, whether a post is stored and in which
// state, who gets a copy now and who later, what a digest or catch-up says, what an edit, a deletion or a
// reaction changes. No SQLite, no Asio: bot/events/rooms_* read the state through the store, ask these
// functions, and turn the answers into outbox rows and writes.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "bot/community/regions.hpp"
#include "bot/core/chat.hpp"
#include "bot/core/i18n.hpp"
#include "bot/rooms/state.hpp"

namespace delvex::rooms {

using Vars = std::vector<std::pair<std::string, std::string>>;

/// Something to say to a member: a catalog key (in the member's language) and its variables.
struct Say {
    std::string key;
    Vars vars;
};

struct Limits {
    int flood_posts = 10;                          ///< posts a member may write per flood window
    std::int64_t flood_window_ms = 10 * 60 * 1000;
    std::size_t max_text = 3800;                   ///< the longest catch-up or digest text
};

// ---- posting ----------------------------------------------------------------------------------------------

/// The flood counters after a post attempt (a fixed window per member; the refusal is said once a window).
struct Flood {
    std::int64_t start_ms = 0;
    int count = 0;
    bool refused = false;  ///< over the limit: the post is dropped
    bool warn = false;     ///< the first refusal of this window: say why
};
Flood count_flood(const Profile& author, std::int64_t now_ms, const Limits& limits);

/// Whether a new post waits for a moderator: the member is on hold in the room, or still among their first
/// `hold_first_posts` posts the network saw.
bool holds(MembershipState state, int hold_first_posts, std::int64_t shared_posts);

/// The words of a member's message as a post would keep them ("text", "image", … or nullptr: not postable).
const char* post_kind(core::MessageType type);

struct PostInput {
    const Profile* author = nullptr;
    const community::Room* room = nullptr;     ///< the room it goes to (nullptr: none)
    std::optional<Membership> membership;      ///< the author's membership there
    std::int64_t shared_posts = 0;             ///< the author's posts the network already saw
    core::MessageType type = core::MessageType::kText;
    std::int64_t now_ms = 0;
};

/// What a member's post becomes.
struct PostDecision {
    std::optional<Say> answer;  ///< to the author (a refusal, or "held for a moderator")
    bool write_flood = false;   ///< store `flood` (set once the author may post at all)
    Flood flood;
    bool store = false;         ///< keep the post (in `state`)
    PostState state = PostState::kRelayed;  ///< kPending: a contact card waits for its author's yes
};
PostDecision decide_post(const PostInput& in, const Limits& limits);

/// The room as the author's yes to a contact card finds it: nullopt = gone (the card is dropped, "no room").
std::optional<PostState> confirm_contacts_state(const community::Room* room, const std::optional<Membership>& m,
                                                std::int64_t shared_posts);

/// How many members would read a post (everyone but the muted): what a contact card's question says.
std::size_t readers(const std::vector<RoomMember>& members);

// ---- fan-out ----------------------------------------------------------------------------------------------

/// kNow: a live member with an open 24 h window gets the copy at once; kLater: through their digest or
/// catch-up; kNever: muted.
enum class Delivery { kNow, kLater, kNever };
Delivery delivery_of(const RoomMember& member, std::int64_t now_ms);

/// One member's copy of a post, sent now.
struct Copy {
    std::size_t member = 0;  ///< index into the members given
    std::string header;      ///< "*Alias* · Room" (or "↩️ *Other*" for a reply), in the member's language
    /// A reply shows as a quote of the member's own message (they wrote the quoted post) or of their copy of it.
    enum class Quote { kNone, kOwn, kCopy } quote = Quote::kNone;
};
std::vector<Copy> plan_relay(const core::Catalog& catalog, const community::Room& room, const Post& post,
                             const std::optional<Post>& quoted, const std::vector<RoomMember>& members,
                             std::int64_t now_ms);

// ---- digests and catch-up ---------------------------------------------------------------------------------

/// A catch-up or digest text and the files and places in it a member may ask for (numbered 1–10 in the text).
struct Missed {
    std::string text;
    std::vector<Post> offered;
    std::int64_t shown = 0;
};
/// "*Alias*: text" lines, newest first, within `max_chars` bytes; an edited post says so, reactions are
/// counted ("👍 3"), "…and N more" when not all fit.
Missed missed_lines(const core::Catalog& catalog, const std::string& lang, const std::vector<Post>& posts,
                    std::int64_t total, std::size_t max_chars);

/// What the daily digest does for one member: kText (window open: the posts themselves), kTemplate (window
/// closed: one short template; the reply brings them), kSkip (muted, nothing new, or already today).
enum class DigestAction { kSkip, kText, kTemplate };
DigestAction digest_action(const RoomMember& member, std::string_view day, std::int64_t unseen, std::int64_t now_ms);

/// Whether it is a member's digest time now, and which day it is for them. Their own zone (TIME ZONE) if they
/// set a valid one, else the room's. `due` while their local clock reads the digest hour (18:00–18:59);
/// `day` is their local "YYYY-MM-DD" (what `digest_day` is compared with: one digest a member a local day).
struct DigestTime {
    std::string zone;
    std::string day;
    bool due = false;
};
DigestTime digest_time(std::string_view own_zone, std::string_view room_zone, int digest_hour, std::int64_t now_ms);

/// The next instant after `now_ms` (unix ms) at which the digest hour begins in one of `zones` (invalid zones
/// are left out); 0 if none is valid. The digest job is planned for it, so a member in Kolkata gets theirs at
/// 18:00 Kolkata time (12:30 UTC), not at the next whole UTC hour.
std::int64_t next_digest_ms(const std::vector<std::string>& zones, int digest_hour, std::int64_t now_ms);

// ---- reactions ----------------------------------------------------------------------------------------------

/// The most given emoji (ties: the first in the list, which the store orders by first given); "" for none.
std::string top_reaction(const std::vector<ReactionCount>& counts);
/// "👍 3 · ❤️ 1": at most `max` emoji, most given first; "" for none.
std::string reaction_summary(const std::vector<ReactionCount>& counts, std::size_t max = 3);

/// Whether a membership lets its member take part in its room now: active, or held by a moderator (who still
/// reads the room). Left, removed and banned members do not.
bool in_room(const std::optional<Membership>& membership);

/// Whether a member's reaction counts: on a relayed post of someone else, by a member who is in the post's
/// room now (`reactor`: their membership there). A banned, removed or departed member's reaction is dropped.
bool reaction_counts(const std::optional<Post>& target, std::int64_t reactor_id,
                     const std::optional<Membership>& reactor);

/// The bot's one reaction on the author's own message shows the room's most given emoji. Returns the emoji to
/// set ("" removes it) when it differs from what is shown, or nullopt when nothing is to be sent.
std::optional<std::string> author_reaction(const std::string& shown, const std::vector<ReactionCount>& counts);

// ---- edits and deletions ------------------------------------------------------------------------------------

/// What an `edit` or `revoke` of a member's own message changes in the room.
struct Change {
    enum class Kind { kNone, kRevoke, kEdit } kind = Kind::kNone;
    std::string body;  ///< kEdit: the post's new words
};
/// `target`: the post whose author message is `message.original_message_id` (nullopt: none). Only the author's
/// own post, not yet taken out, changes; an edit changes only what has words (a text, a caption).
Change decide_change(const std::optional<Post>& target, std::int64_t member_id, const core::InboundMessage& message);

}  // namespace delvex::rooms
