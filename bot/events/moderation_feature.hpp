#pragma once

// Moderation as an events::Feature: glue between the pure decider (bot/moderation/decider) and the store
// (bot/store/moderation_repository). It takes REPORT, the moderators' commands (QUEUE, APPROVE, REJECT,
// TAKE DOWN, HOLD, REMOVE, BAN, LIFT, LOG, APPOINT, DEMOTE, ANNOUNCE) and their buttons ("mod:…",
// bot/moderation/protocol.hpp), and asks a room's moderators about a post held on arrival. Registered before
// the rooms feature, which relays what is left. Each command is one unit of work.

#include <functional>
#include <memory>
#include <string>

#include "bot/community/commands.hpp"
#include "bot/community/regions.hpp"
#include "bot/events/feature.hpp"
#include "bot/moderation/decider.hpp"
#include "bot/store/moderation_repository.hpp"

namespace spdlog {
class logger;
}

namespace delvex::events {

/// Settings of moderation (defaults; bot/app/features.cpp sets them from the config file's `rooms:` keys):
///   auto_hold_reports (3): distinct reports that hide a post until a moderator decides; 0 = never;
///   queue_size (10): entries QUEUE shows; log_size (10): entries LOG shows;
///   report_limit (10) per report_window_ms (1 h): REPORTs a member may send (security review L-2).
using ModerationSettings = moderation::Settings;

class Moderation final : public Feature {
public:
    /// What moderation needs of the rooms (bot/events/rooms_feature): relaying an approved post, and one
    /// member's copy of a post's file or place.
    struct RoomsPort {
        std::function<void(Context&, std::int64_t post_id)> relay;
        std::function<void(Context&, const store::Post&, const std::string& key, const std::string& lang,
                           const std::string& header, const std::string& logical, const std::string& head_logical)>
            copy;
    };

    Moderation(const community::Regions& regions, const core::Catalog& catalog, ModerationSettings settings = {});
    ~Moderation() override;

    std::string_view name() const override { return "moderation"; }
    bool on_message(Context& ctx, const store::MemberRow& member, const core::InboundMessage& message) override;
    /// A moderator's main menu gets a row that opens the QUEUE.
    void menu(Context& ctx, const store::MemberRow& member, std::vector<core::ListRow>& rows) override;

    void set_rooms(RoomsPort port) { rooms_ = std::move(port); }
    /// A post was held on arrival: its room's moderators get it with Approve / Reject buttons (a template when
    /// their window is closed).
    void held(Context& ctx, std::int64_t post_id);

    /// APPROVE, REJECT or TAKE DOWN from the web console (the same decisions as from chat, one decider): the
    /// caller has checked the person's right to the post's room. Returns what happened, in `language`.
    std::string decide_from_console(Context& ctx, moderation::Verb verb, std::int64_t post_id,
                                    const std::string& language, const std::string& ref);

    /// REMOVE, HOLD, BAN, LIFT, APPOINT or DEMOTE of a member in a room from the web console (the chat commands'
    /// decider). Returns what happened, in `language`.
    std::string member_from_console(Context& ctx, moderation::Verb verb, std::int64_t member_id, const std::string& room,
                                    const std::string& language, const std::string& ref);

    const moderation::Decider& decider() const { return decider_; }

private:
    store::ModerationRepository& repo(Context& ctx);
    void apply(Context& ctx, store::ModerationRepository& repo, const moderation::Effects& fx);
    /// A held or reported post's file or place, to a moderator, before the words about it.
    void show_to_moderator(Context& ctx, store::ModerationRepository& repo, const moderation::Step& step);

    const community::Regions& regions_;
    const core::Catalog& catalog_;
    ModerationSettings settings_;
    community::CommandTable commands_;
    moderation::Decider decider_;
    RoomsPort rooms_;
    const SQLite::Database* repo_db_ = nullptr;
    std::unique_ptr<store::ModerationRepository> repo_;  // writer thread only
    std::shared_ptr<spdlog::logger> log_;
};

}  // namespace delvex::events
