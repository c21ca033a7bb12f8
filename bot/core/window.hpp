#pragma once

// WhatsApp's customer-service window, decided in one place. Meta lets a business send free-form messages
// (text, buttons, lists, media, reactions) only within 24 hours of the member's last message to the number;
// after that only approved templates go through, and anything else is refused with error 131047 (Meta's
// "Send messages" and "Error codes" pages). Every feature and the dispatcher ask this function, so that a
// member is never treated as reachable by one part of the service and unreachable by another.

#include <chrono>
#include <cstdint>

namespace delvex::core {

/// Meta's window: 24 hours from the member's last inbound message.
inline constexpr std::chrono::hours kServiceWindow{24};

/// We stop sending free-form this long before Meta closes the window: a message decided at 23 h 50 can wait
/// in the queue behind a large fan-out and reach Graph after the 24th hour, where Meta refuses it.
inline constexpr std::chrono::minutes kWindowMargin{30};

/// Whether free-form messages may be decided now for a member whose last inbound message was at
/// `last_inbound_s` (unix seconds; 0 or less = never wrote, so no window).
inline bool window_open(std::int64_t last_inbound_s, std::int64_t now_ms) {
    if (last_inbound_s <= 0) {
        return false;
    }
    constexpr std::int64_t open_ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(kServiceWindow - kWindowMargin).count();
    return now_ms - last_inbound_s * 1000 < open_ms;
}

}  // namespace delvex::core
