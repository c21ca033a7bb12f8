#pragma once

// Keeping a log readable when something repeats: the first occurrence is logged, then at most one line per
// period, carrying how many were left out since the last one (security review L-1, L-23). And a way to put
// text a client chose into a log line without it forging lines or fields.

#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "bot/core/clock.hpp"

namespace delvex::core {

/// Lets one log line through per `period`. Thread-safe.
class LogThrottle {
public:
    LogThrottle(const Clock& clock, std::chrono::seconds period) : clock_(clock), period_(period) {}

    /// Whether to log this occurrence: nullopt to stay quiet, else how many occurrences were left out since
    /// the last line (0 for the first).
    std::optional<std::uint64_t> allow() {
        const auto now = clock_.now();
        std::lock_guard lock(mutex_);
        if (logged_once_ && now - last_ < period_) {
            ++suppressed_;
            return std::nullopt;
        }
        logged_once_ = true;
        last_ = now;
        const auto left_out = suppressed_;
        suppressed_ = 0;
        return left_out;
    }

private:
    const Clock& clock_;
    const std::chrono::seconds period_;
    std::mutex mutex_;
    bool logged_once_ = false;
    TimePoint last_{};
    std::uint64_t suppressed_ = 0;
};

/// `text` made safe for one log line: at most `max` bytes of it, every byte outside printable ASCII — CR, LF,
/// tabs, escape sequences, bidi controls, any non-ASCII — and the space, '=' and '"' written as \xNN, so it can
/// neither start a new line nor add a key=value field; "…" marks a cut.
std::string printable(std::string_view text, std::size_t max = 64);

}  // namespace delvex::core
