#pragma once

// Failed bearer attempts counted per client address (security review L-14): after `max_failures` wrong or
// missing tokens within a window, that address is answered 429 until the window ends, whatever it sends, so
// that guessing the admin token is throttled to a few tries a minute. Time comes from the injected clock.
// Behind a TLS proxy every request comes from the proxy's address: the limit then applies to all callers
// together (docs/OPERATIONS.md), which still only slows the admin down while someone is guessing.

#include <chrono>
#include <cstddef>
#include <map>
#include <mutex>
#include <string>

#include "bot/core/clock.hpp"

namespace delvex::http {

class AuthFailureLimiter {
public:
    explicit AuthFailureLimiter(const core::Clock& clock, int max_failures = 10,
                                std::chrono::seconds window = std::chrono::seconds(60),
                                std::size_t max_addresses = 10'000);

    /// How long `address` must still wait; zero when it may try.
    std::chrono::seconds blocked_for(const std::string& address);

    /// Counts one failed attempt from `address`.
    void failed(const std::string& address);

private:
    struct Count {
        core::TimePoint start{};
        int failures = 0;
    };
    void forget_old(core::TimePoint now);

    const core::Clock& clock_;
    const int max_failures_;
    const std::chrono::seconds window_;
    const std::size_t max_addresses_;
    std::mutex mutex_;
    std::map<std::string, Count> counts_;
};

}  // namespace delvex::http
