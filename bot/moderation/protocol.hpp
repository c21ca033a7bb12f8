#pragma once

// The moderation buttons' ids, as one typed protocol: every id a moderation message carries is made by
// encode() and read back by parse(), so the two cannot drift. Ids are short ASCII ("mod:ok:812") because a
// reply button id is at most 256 characters and a list row id at most 200 (docs/WHATSAPP.md).
//
//   mod:ok:<post>                 approve a held post, or keep a reported one
//   mod:no:<post>                 reject a held post, or take a reported one down
//   mod:down:<post>               take a post down
//   mod:in:<room>:<verb>:<member> the room a command on a member was meant for (asked when ambiguous)
//   mod:q:<room>                  the queue of one room
//
// Ids sent before this protocol ("rooms:mod:approve:<post>", "rooms:mod:reject:<post>") are still read.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace delvex::moderation {

/// What a moderator can do, typed or tapped.
enum class Verb : int {
    kNone = 0,
    kQueue,      ///< the held and reported posts, oldest first
    kApprove,    ///< a held post goes to the room; a reported one is kept
    kReject,     ///< a held post is dropped; a reported one is taken down
    kTakeDown,   ///< a post leaves digests and catch-up; its author is told
    kLift,       ///< a hold, removal or ban on a member is undone
    kHold,       ///< a member's posts wait for approval (HOLD)
    kRemove,     ///< a member leaves the room and cannot come back alone
    kBan,        ///< a member cannot post in the room, even after FORGET ME
    kLog,        ///< the last actions (the audit log)
    kAppoint,    ///< an admin makes a member a moderator of a room
    kUnappoint,  ///< an admin takes the role back
    kAnnounce,   ///< a message to the whole room
    kAnnounceAll,  ///< an admin's message to every room
};

/// A moderation button, decoded.
struct Button {
    Verb verb = Verb::kNone;
    std::int64_t post = 0;       ///< kApprove, kReject, kTakeDown
    std::string room{};          ///< kQueue, and the room chosen for a member verb
    std::int64_t member = 0;     ///< the member a room choice is about
};

/// The id of a button. Verbs that take a post need `post`; member verbs with a room need `room` and `member`.
std::string encode(const Button& button);

/// The button an id names; nullopt for an id that is not a moderation button (or is malformed).
std::optional<Button> parse(std::string_view id);

/// Short stable name of a verb, as written in the audit log ("approve", "takedown", …).
std::string_view verb_name(Verb verb);

}  // namespace delvex::moderation
