// Per-member rate limits of the rooms (security review L-2): reactions and chat commands, each a fixed window
// like the posts' flood limit, kept in SQLite (bot/store/member_limits) so that a restart resets nothing. The
// refusal is said once a window; the rest of a flood gets no answer, so a flood never becomes as many
// messages from us.

#include <spdlog/spdlog.h>

#include <algorithm>

#include "bot/events/rooms_feature.hpp"
#include "bot/events/rooms_util.hpp"
#include "bot/store/member_limits.hpp"

namespace delvex::events {

bool Rooms::within_limit(Turn& t, std::string_view kind, int max, std::int64_t window_ms, std::string_view refusal) {
    const community::RateLimit limit{max, window_ms};
    const auto counted = store::MemberLimits(t.ctx.db).count(t.me.id, kind, limit, t.ctx.now_ms);
    if (!counted.refused) {
        return true;
    }
    if (counted.warn) {
        const auto minutes = community::minutes_left(counted.window, t.ctx.now_ms, limit);
        t.say(refusal, text(t.lang(), refusal, {{"minutes", std::to_string(minutes)}}));
        log_->info("member rate-limited kind={} id={}", kind, t.me.id);
    }
    return false;
}

bool Rooms::answers(const community::ParsedCommand& parsed, std::string_view language) const {
    using community::Command;
    switch (parsed.command) {
        case Command::kMenu:
        case Command::kHelp:
        case Command::kRooms:
        case Command::kLive:
        case Command::kDigest:
        case Command::kMute:
        case Command::kLanguage:
        case Command::kMyData:
        case Command::kForget:
        case Command::kStart:
            return true;
        case Command::kJoin:
        case Command::kLeave:
            // "join us at the market" is a post, not a command: only a known room makes it one.
            return parsed.argument.empty() || find_room(parsed.argument, language) != nullptr;
        case Command::kAlias:
            return std::count(parsed.argument.begin(), parsed.argument.end(), ' ') <= 2;
        default:
            return false;
    }
}

}  // namespace delvex::events
