#pragma once

// Miners teach miners: TIP. A member sends TIP (and then, or with it, a text, a photo or a voice note about a
// practice that worked at their site); the moderators of their room get it with Approve / Edit / Reject; an
// approved tip joins the Academy's "From the network" for learners of the tip's language, credited by the
// author's alias (never their number); the author is told when it is published and, a week later, how many
// learners saw it. Part of the Academy feature (bot/events/academy_feature), on the writer thread.

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "bot/events/feature.hpp"

namespace delvex::events {

class AcademyTips {
public:
    /// A room's name in a language (the regions file), for the messages; default: the room id.
    using RoomNames = std::function<std::string(std::string_view room, std::string_view lang)>;
    void set_room_names(RoomNames names) { room_names_ = std::move(names); }

    /// True when the message was about tips: the TIP word, the tip itself after it, a moderator's tap or
    /// edit, or a learner's tap in "From the network".
    bool on_message(Context& ctx, const store::MemberRow& member, const core::InboundMessage& message) const;

    /// "academy.tip_report": tells the author how many learners saw their tip (payload m<author>\nt<tip>\nr<n>).
    void on_job(Context& ctx, const store::MemberRow& author, const store::Job& job) const;

    void forget(Context& ctx, const store::MemberRow& member) const;
    /// "My data": how many tips the member sent, when any.
    void describe(Context& ctx, const store::MemberRow& member, std::vector<std::string>& lines) const;

    static constexpr std::string_view kReportKind = "academy.tip_report";
    static constexpr int kReportAfterDays = 7;

private:
    bool start_tip(Context& ctx, const store::MemberRow& member, std::string_view inline_text) const;
    void take_tip(Context& ctx, const store::MemberRow& member, const core::InboundMessage& message) const;
    void tap(Context& ctx, const store::MemberRow& member, const core::InboundMessage& message) const;
    void to_moderators(Context& ctx, std::int64_t tip_id, const std::string& key_suffix) const;
    void ask_moderator(Context& ctx, std::int64_t tip_id, std::int64_t moderator_id, const std::string& key_suffix) const;
    void show_network(Context& ctx, const store::MemberRow& member, std::size_t index, const std::string& key) const;
    std::string room_name(std::string_view room, std::string_view lang) const;

    RoomNames room_names_;
};

}  // namespace delvex::events
