#pragma once

// The regional rooms, as two features: the gate, asked first about every message (STOP and START win over
// everything; onboarding: language → room → alias → consent; catching up on missed posts), and the rooms
// themselves, asked last (commands, the menu, and relaying posts to the room under the author's alias).
// Moderation (REPORT, the moderators' commands and buttons, the alerts) is bot/events/moderation_feature.
// This is the adapter: the decisions are bot/rooms/decider's (pure), the state is kept through
// rooms::RoomStore (bot/store/room_store) and the community repository; this turns decisions into writes and
// outbox rows. By concern: rooms_feature.cpp (commands, menu, forget me), rooms_gate.cpp (STOP/START,
// onboarding), rooms_posts.cpp (posting, relay, reactions, edits and deletions, the hooks moderation uses),
// rooms_digest.cpp (digests and catch-up), rooms_media.cpp (files, places, contact cards).

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "bot/community/commands.hpp"
#include "bot/community/regions.hpp"
#include "bot/events/feature.hpp"
#include "bot/rooms/decider.hpp"
#include "bot/store/community_repository.hpp"
#include "bot/store/room_store.hpp"

namespace spdlog {
class logger;
}

namespace delvex::events {

struct RoomsSettings {
    /// A member may post this many times per flood window; more gets a polite refusal.
    int flood_posts = 10;
    std::int64_t flood_window_ms = 10 * 60 * 1000;
    /// When the daily digest goes out: this hour in the member's own zone (TIME ZONE), else in the room's.
    int digest_hour = 18;
    /// The longest catch-up or digest text (WhatsApp allows 4,096 characters).
    std::size_t max_text = 3800;
    /// During onboarding, a message that does not answer the question gets the question again only if
    /// it was not asked this recently.
    std::int64_t reask_after_ms = 2 * 60 * 1000;
    /// Reactions a member may give per window (each can change the bot's reaction on an author's message, one
    /// outbound message); more are dropped, and the first dropped one of a window is answered once. 0: no limit.
    int react_limit = 30;
    std::int64_t react_window_ms = 10 * 60 * 1000;
    /// Chat commands (MENU, HELP, MY DATA, ROOMS, JOIN, …, typed or tapped in the menu) a member may send per
    /// window; each is answered, so more are dropped, with one answer a window. 0: no limit.
    int command_limit = 20;
    std::int64_t command_window_ms = 10 * 60 * 1000;
};

class RoomsGate;

class Rooms final : public Feature {
public:
    Rooms(community::Regions regions, const core::Catalog& catalog, RoomsSettings settings = {});
    ~Rooms() override;

    std::string_view name() const override { return "rooms"; }
    bool on_message(Context& ctx, const store::MemberRow& member, const core::InboundMessage& message) override;
    void on_job(Context& ctx, const store::Job& job) override;
    void describe(Context& ctx, const store::MemberRow& member, std::vector<std::string>& lines) override;

    /// The gate, to be added first to the consumer (it shares this object's state).
    Feature& gate();

    /// Every feature, for "my data", "forget me" and the menu (set once, after all are built).
    void set_features(std::vector<Feature*> features) { features_ = std::move(features); }

    const community::Regions& regions() const { return regions_; }

    // ---- what moderation (bot/events/moderation_feature) uses of the rooms ----
    /// Who is told of a post held on arrival (the moderation feature asks the room's moderators).
    void set_on_held(std::function<void(Context&, std::int64_t post_id)> on_held) { on_held_ = std::move(on_held); }
    /// FORGET ME reaches past the database: called, after the database part, with every form in which the
    /// member's number and ids can sit in a file (core::number_forms, their BSUID), to mask them in the raw
    /// webhooks the service keeps (set-aside landing segments). A failure is logged, never undoes the rest.
    void set_on_forget_files(std::function<void(const std::vector<std::string>& forms)> scrub) {
        forget_files_ = std::move(scrub);
    }
    /// A post a moderator approved goes to its room (live members now, the others by digest).
    void relay_post(Context& ctx, std::int64_t post_id);
    /// Queues one member's copy of a post: a text, a place, or the file with `header` as its caption (or,
    /// for audio and stickers, as a line just before, queued under `head_logical`).
    void send_copy(Context& ctx, const store::Post& post, const std::string& member_key, const std::string& lang,
                   const std::string& header,
                   const std::string& logical, const std::string& head_logical,
                   const std::string& context_message_id = {});

private:
    friend class RoomsGate;
    struct Turn;

    store::CommunityRepository& repository(Context& ctx);
    /// The rooms' store on the same connection (reactions, edits, deletions; the decider's view).
    store::RoomStoreSql& room_store(Context& ctx);
    rooms::Limits limits() const;
    bool gate_message(Context& ctx, const store::MemberRow& member, const core::InboundMessage& message);
    void onboard(Turn& t, bool prompt_only = false);
    void catch_up(Turn& t);
    bool command(Turn& t, const community::ParsedCommand& parsed);
    bool interactive(Turn& t);
    void post(Turn& t);
    /// A stored post goes out: to the moderators when `hold`, otherwise to the room.
    void publish(Turn& t, const store::Post& post, const community::Room& room, bool hold);
    void relay(Context& ctx, store::CommunityRepository& repo, const store::Post& post);

    // ---- media and contact cards (rooms_media.cpp) ----
    /// After a catch-up or digest text: one button (or list row) per file or place in it, numbered as in
    /// the text; a tap sends that item (get_item).
    void send_offer(Context& ctx, const std::string& member_key, const std::string& lang, const std::string& logical,
                    const std::vector<store::Post>& items);
    void get_item(Turn& t, std::int64_t post_id);
    /// A contact card waits for its author's yes: the question says how many people will see the numbers.
    void confirm_contacts(Turn& t, const store::Post& post, const community::Room& room);
    void answer_contacts(Turn& t, bool yes, std::int64_t post_id);
    void react(Turn& t);
    /// The author edited (kEdit) or deleted (kRevoke) their message in WhatsApp.
    void change(Turn& t);
    void digest(Context& ctx, const std::string& room_id);
    void erase(Turn& t);
    /// Plans the room's next digest run (see rooms_digest.cpp); none after `until_ms` if it is not 0.
    void plan_digest(Context& ctx, const std::string& room_id, std::int64_t until_ms = 0);

    bool asked_recently(Turn& t) const;
    /// Counts one action of `kind` ("react", "command") against the member's window (bot/store/member_limits);
    /// false when over the limit, after saying `refusal` once a window.
    bool within_limit(Turn& t, std::string_view kind, int max, std::int64_t window_ms, std::string_view refusal);
    /// Whether a parsed command is one this feature answers (JOIN with an unknown room, a long ALIAS … are posts).
    bool answers(const community::ParsedCommand& parsed, std::string_view language) const;
    void send_menu(Turn& t);
    void send_rooms(Turn& t, const std::string& body_key);
    void send_languages(Turn& t, const std::string& logical_key);
    /// The consent question; `first_line` (e.g. which room a link chose) before it when not empty.
    void send_consent(Turn& t, const std::string& first_line = {});
    void send_delivery(Turn& t);
    void switch_room(Turn& t, const community::Room& room);
    const community::Room* find_room(std::string_view text, std::string_view language) const;

    std::string text(std::string_view lang, std::string_view key,
                     const std::vector<std::pair<std::string, std::string>>& vars = {}) const;

    const community::Regions regions_;
    const core::Catalog& catalog_;
    RoomsSettings settings_;
    community::CommandTable commands_;
    std::vector<Feature*> features_;
    std::unique_ptr<Feature> gate_;
    std::unique_ptr<store::CommunityRepository> repo_;  // writer thread only
    std::unique_ptr<store::RoomStoreSql> store_;
    const SQLite::Database* repo_db_ = nullptr;
    std::shared_ptr<spdlog::logger> log_;
    std::function<void(Context&, std::int64_t)> on_held_;
    std::function<void(const std::vector<std::string>&)> forget_files_;
};

}  // namespace delvex::events
