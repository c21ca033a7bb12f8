#include "bot/http/auth_limiter.hpp"

namespace delvex::http {

AuthFailureLimiter::AuthFailureLimiter(const core::Clock& clock, int max_failures, std::chrono::seconds window,
                                       std::size_t max_addresses)
    : clock_(clock), max_failures_(max_failures), window_(window), max_addresses_(max_addresses) {}

std::chrono::seconds AuthFailureLimiter::blocked_for(const std::string& address) {
    const auto now = clock_.now();
    std::lock_guard lock(mutex_);
    const auto it = counts_.find(address);
    if (it == counts_.end() || it->second.failures < max_failures_) {
        return std::chrono::seconds(0);
    }
    const auto left = it->second.start + window_ - now;
    if (left <= core::TimePoint::duration::zero()) {
        counts_.erase(it);
        return std::chrono::seconds(0);
    }
    // Rounded up: a client told "Retry-After: 0" would come straight back.
    return std::chrono::ceil<std::chrono::seconds>(left);
}

void AuthFailureLimiter::failed(const std::string& address) {
    const auto now = clock_.now();
    std::lock_guard lock(mutex_);
    auto it = counts_.find(address);
    if (it != counts_.end() && now - it->second.start >= window_) {
        counts_.erase(it);
        it = counts_.end();
    }
    if (it == counts_.end()) {
        if (counts_.size() >= max_addresses_) {
            forget_old(now);
        }
        it = counts_.emplace(address, Count{now, 0}).first;
    }
    ++it->second.failures;
}

void AuthFailureLimiter::forget_old(core::TimePoint now) {
    std::erase_if(counts_, [&](const auto& entry) { return now - entry.second.start >= window_; });
    // Still full (a flood from many addresses within one window): start over rather than grow without bound;
    // the addresses doing the flooding are counted again from their next failure.
    if (counts_.size() >= max_addresses_) {
        counts_.clear();
    }
}

}  // namespace delvex::http
