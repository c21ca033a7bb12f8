#include "bot/community/rate_window.hpp"

#include <algorithm>

namespace delvex::community {

RateCount count_action(const RateWindow& before, std::int64_t now_ms, const RateLimit& limit) {
    RateCount out;
    if (limit.max <= 0 || limit.window_ms <= 0) {
        out.window = before;
        return out;
    }
    // A clock that went back (now before the start) stays in the window: it cannot open a fresh one.
    if (now_ms - before.start_ms < limit.window_ms && before.count > 0) {
        out.window.start_ms = before.start_ms;
        out.refused = before.count >= limit.max;
        out.warn = before.count == limit.max;
        // Capped: past the first refusal the number no longer matters, and it never overflows.
        out.window.count = std::min(before.count + 1, limit.max + 1);
    } else {
        out.window.start_ms = now_ms;
        out.window.count = 1;
    }
    return out;
}

std::int64_t minutes_left(const RateWindow& window, std::int64_t now_ms, const RateLimit& limit) {
    const std::int64_t left_ms = std::max<std::int64_t>(window.start_ms + limit.window_ms - now_ms, 0);
    return std::max<std::int64_t>((left_ms + 59'999) / 60'000, 1);
}

}  // namespace delvex::community
