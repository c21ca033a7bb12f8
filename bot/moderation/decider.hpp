#pragma once

// The moderation decider: what a moderator's command (typed or tapped), a member's REPORT or a post held on
// arrival means, and what to answer. Pure domain, as the Academy's engine: state goes through ModerationStore,
// messages come back as effects (outgoing bodies, the post files to show, the posts to relay), no SQL, no
// event loop. The adapter (bot/events/moderation_feature) runs it inside one unit of work per command.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bot/community/regions.hpp"
#include "bot/core/i18n.hpp"
#include "bot/core/outgoing.hpp"
#include "bot/moderation/protocol.hpp"
#include "bot/moderation/state.hpp"
#include "bot/core/text.hpp"

namespace delvex::moderation {

struct Settings {
    /// A relayed post this many distinct members reported leaves digests and catch-up until a moderator
    /// decides (approve keeps it, reject or TAKE DOWN removes it). 0 = never held by reports.
    int auto_hold_reports = 3;
    /// Entries shown by QUEUE (the list offers buttons for the first five).
    std::size_t queue_size = 10;
    /// Entries shown by LOG.
    std::size_t log_size = 10;
    /// REPORTs a member may send per window (security review L-2); more are dropped, and the first dropped one
    /// of a window is answered once (bot/events/moderation_feature). 0: no limit.
    int report_limit = 10;
    std::int64_t report_window_ms = 60 * 60 * 1000;
};

/// One thing to do, in order.
struct Step {
    enum class Kind { kMessage, kMedia, kRelay };
    Kind kind = Kind::kMessage;
    std::string to{};        ///< member key (kMessage, kMedia)
    std::string language{};  ///< of the recipient (kMedia: for the file's header)
    std::string logical{};   ///< the outbox key (unique per recipient)
    core::OutgoingBody body{};
    std::string purpose{};   ///< picks the template when the recipient's window is closed; empty: the key's
    std::int64_t post = 0;   ///< kMedia: the post whose file or place to show; kRelay: the post to relay
};

struct Effects {
    bool handled = false;  ///< false: not moderation after all ("reject the offer" from a member is a post)
    std::vector<Step> steps;
    /// What the deciding moderator would be told in chat ("Post 12 is approved and shared."): set for decisions
    /// taken in the web console, where there is no chat answer, and shown there.
    std::string outcome{};
};

/// What a moderator asked: a typed command (verb and the rest of the message) or a tapped button.
struct Request {
    Verb verb = Verb::kNone;
    std::string argument{};
    std::optional<Button> button{};
};

class Decider {
public:
    Decider(const community::Regions& regions, const core::Catalog& catalog, Settings settings = {});

    /// A moderator's command. `ref` makes the answers' keys unique to the inbound message.
    Effects command(ModerationStore& store, const Person& actor, const Request& request, std::string_view ref,
                    std::int64_t now_ms) const;

    /// REPORT, quoting `quoted_message` (empty when nothing was quoted).
    Effects report(ModerationStore& store, const Person& reporter, std::string_view quoted_message,
                   std::string_view ref, std::int64_t now_ms) const;

    /// APPROVE, REJECT or TAKE DOWN of one post by a person in the web console, who is not a member: the same
    /// decision as from chat (post state, the author told, the relay), the room's rights already checked by
    /// the console. Nobody is answered in chat; `outcome` says what happened. The moderation log names no
    /// member (actor 0); the audit log names the console account.
    Effects console_decision(ModerationStore& store, Verb verb, std::int64_t post_id, std::string_view language,
                             std::string_view ref, std::int64_t now_ms) const;

    /// REMOVE, HOLD, BAN, LIFT, APPOINT or DEMOTE of one member in one room by a person in the web console: the
    /// same as the chat command (the member is told; the moderation log records it), rights checked by the
    /// console. `outcome` says what happened, in `language`.
    Effects console_member(ModerationStore& store, Verb verb, std::int64_t member_id, std::string_view room,
                           std::string_view language, std::string_view ref, std::int64_t now_ms) const;

    /// A post was held on arrival (a new or held member's): its room's moderators are asked.
    Effects held(ModerationStore& store, std::int64_t post_id) const;

    /// The main-menu row that opens the QUEUE, for a member who moderates (with how many posts wait); nullopt
    /// for everyone else.
    std::optional<core::ListRow> menu_row(ModerationStore& store, const Person& actor) const;

    /// Whether the member moderates any room (or is an admin).
    bool moderates_any(ModerationStore& store, const Person& actor) const;
    /// Whether the member moderates this room (or is an admin).
    bool moderates(ModerationStore& store, const Person& actor, std::string_view room) const;

    const Settings& settings() const { return settings_; }

private:
    struct Turn;

    void queue(Turn& t) const;
    void decide_post(Turn& t, Verb verb, std::int64_t post_id) const;
    void take_down(Turn& t, const PostInfo& post) const;
    void on_member(Turn& t, Verb verb, std::string_view argument, const std::optional<Button>& button) const;
    void apply_member(Turn& t, Verb verb, const Person& target, const std::string& room) const;
    void log(Turn& t) const;
    void announce(Turn& t, Verb verb) const;
    void help(Turn& t) const;
    void alert(Effects& fx, ModerationStore& store, const PostInfo& post, bool held_for_reports,
               const std::string& key_suffix) const;

    /// The rooms this member moderates (all of them for an admin).
    std::vector<std::string> moderated(ModerationStore& store, const Person& actor) const;
    /// A room named at the end of `argument` (its id or its name in any language), cut off; nullptr if none.
    const community::Room* trailing_room(std::string& argument) const;
    std::string room_name(std::string_view room, std::string_view lang) const;
    std::string text(std::string_view lang, std::string_view key,
                     const std::vector<std::pair<std::string, std::string>>& vars = {}) const;

    const community::Regions& regions_;
    const core::Catalog& catalog_;
    Settings settings_;
};

/// At most `n` code points of `s` (button titles ≤ 20, list titles ≤ 24, descriptions ≤ 72).
using core::clip;  // bot/core/text.hpp

}  // namespace delvex::moderation
