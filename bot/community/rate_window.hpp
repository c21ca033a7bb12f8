#pragma once

// A member's fixed-window rate limit, pure: at most `max` actions of one kind (reactions, reports, commands)
// in each window of `window_ms` that starts with the first action after the previous window ran out. The
// caller keeps the window (bot/store/member_limits keeps it in SQLite, so a restart does not reset it) and
// says the refusal once a window (`warn`), so that a flood never gets one answer per message.

#include <cstdint>

namespace delvex::community {

/// At most `max` actions per `window_ms`; `max` <= 0 or `window_ms` <= 0: no limit.
struct RateLimit {
    int max = 0;
    std::int64_t window_ms = 0;
};

/// Where a member's window stands: when it started and how many actions it counted (refused ones too, up to
/// max + 1).
struct RateWindow {
    std::int64_t start_ms = 0;
    int count = 0;
};

struct RateCount {
    RateWindow window;     ///< to keep for the next action
    bool refused = false;  ///< over the limit: the action is dropped
    bool warn = false;     ///< the first refusal of this window: say why, once
};

/// Counts one more action at `now_ms`.
RateCount count_action(const RateWindow& before, std::int64_t now_ms, const RateLimit& limit);

/// Whole minutes (at least 1) until `window` ends: what a refusal says ("try again in N minutes").
std::int64_t minutes_left(const RateWindow& window, std::int64_t now_ms, const RateLimit& limit);

}  // namespace delvex::community
