#include "bot/delivery/governor.hpp"

#include <algorithm>
#include <cmath>

namespace delvex::delivery {
namespace {

using Seconds = std::chrono::duration<double>;

core::TimePoint add_seconds(core::TimePoint t, double s) {
    return t + std::chrono::duration_cast<core::TimePoint::duration>(Seconds(s));
}

}  // namespace

TokenBucket::TokenBucket(double rate, double capacity, core::TimePoint now)
    : rate_(rate), capacity_(std::max(1.0, capacity)), tokens_(std::max(1.0, capacity)), last_(now) {}

double TokenBucket::level(core::TimePoint now) const {
    if (now <= last_) {
        return tokens_;
    }
    return std::min(capacity_, tokens_ + Seconds(now - last_).count() * rate_);
}

bool TokenBucket::try_take(core::TimePoint now) {
    if (now < last_) {
        return false;  // paused
    }
    tokens_ = level(now);
    last_ = now;
    if (tokens_ >= 1.0) {
        tokens_ -= 1.0;
        return true;
    }
    return false;
}

bool TokenBucket::ready(core::TimePoint now) const {
    return now >= last_ && level(now) >= 1.0;
}

core::TimePoint TokenBucket::next_token(core::TimePoint now) const {
    const auto from = std::max(now, last_);
    const double have = level(from);
    if (have >= 1.0) {
        return from;
    }
    return add_seconds(from, (1.0 - have) / rate_);
}

void TokenBucket::pause_until(core::TimePoint until) {
    if (until > last_) {
        last_ = until;
        tokens_ = 1.0;  // one message may go at `until` (a Retry-After means "try again then")
    }
}

bool TokenBucket::full(core::TimePoint now) const {
    return now >= last_ && level(now) >= capacity_;
}

Governor::Governor(GovernorSettings settings, const core::Clock& clock) : settings_(settings), clock_(clock) {
    const double rate = outbound_rate();
    if (rate > 0) {
        number_.emplace(rate, rate * settings_.number_burst_seconds, clock_.now());
    }
}

double Governor::outbound_rate() const {
    if (settings_.rate_per_second <= 0) {
        return 0;
    }
    return settings_.rate_per_second * (1.0 - std::clamp(settings_.inbound_share, 0.0, 0.9));
}

bool Governor::take_number() {
    return !number_ || number_->try_take(clock_.now());
}

core::TimePoint Governor::number_ready_at() const {
    const auto now = clock_.now();
    return number_ ? number_->next_token(now) : now;
}

void Governor::pause_number(core::TimePoint until) {
    if (number_) {
        number_->pause_until(until);
    }
}

Governor::RecipientState& Governor::state(const std::string& recipient) {
    auto it = recipients_.find(recipient);
    if (it == recipients_.end()) {
        const double interval = Seconds(settings_.recipient_interval).count();
        const double rate = interval > 0 ? 1.0 / interval : 1e12;  // 0 = no pacing
        it = recipients_
                 .emplace(recipient, RecipientState{TokenBucket(rate, settings_.recipient_burst, clock_.now()), 0})
                 .first;
    }
    return it->second;
}

bool Governor::recipient_ready(const std::string& recipient) const {
    const auto it = recipients_.find(recipient);
    return it == recipients_.end() || it->second.bucket.ready(clock_.now());
}

core::TimePoint Governor::recipient_ready_at(const std::string& recipient) const {
    const auto now = clock_.now();
    const auto it = recipients_.find(recipient);
    return it == recipients_.end() ? now : it->second.bucket.next_token(now);
}

void Governor::take_recipient(const std::string& recipient) {
    state(recipient).bucket.try_take(clock_.now());
}

std::chrono::seconds Governor::pair_limited(const std::string& recipient) {
    auto& s = state(recipient);
    const auto pause = pair_backoff(s.pair_strikes);
    ++s.pair_strikes;
    s.bucket.pause_until(clock_.now() + pause);
    return pause;
}

void Governor::recipient_ok(const std::string& recipient) {
    const auto it = recipients_.find(recipient);
    if (it != recipients_.end()) {
        it->second.pair_strikes = 0;
    }
}

void Governor::prune() {
    const auto now = clock_.now();
    std::erase_if(recipients_, [now](const auto& item) {
        return item.second.pair_strikes == 0 && item.second.bucket.full(now);
    });
}

Window window_state(std::int64_t last_inbound, core::TimePoint now) {
    if (last_inbound <= 0) {
        return Window::kUnknown;
    }
    return core::window_open(last_inbound, core::to_unix_ms(now)) ? Window::kOpen : Window::kClosed;
}

bool needs_window(const core::OutgoingMessage& message) {
    return !std::holds_alternative<core::OutgoingTemplate>(message.body);
}


bool coalescable(const core::OutgoingMessage& message) {
    return std::holds_alternative<core::OutgoingText>(message.body) && message.context_message_id.empty() &&
           message.callback_data.empty();
}

std::size_t coalesce_count(const std::vector<std::string_view>& texts, std::size_t max_chars) {
    if (texts.empty()) {
        return 0;
    }
    std::size_t total = utf8_length(texts[0]);
    std::size_t n = 1;
    while (n < texts.size()) {
        const std::size_t next = total + 2 + utf8_length(texts[n]);  // "\n\n" between texts
        if (next > max_chars) {
            break;
        }
        total = next;
        ++n;
    }
    return n;
}

std::string join_texts(const std::vector<std::string_view>& texts) {
    std::string out;
    for (std::size_t i = 0; i < texts.size(); ++i) {
        if (i > 0) {
            out += "\n\n";
        }
        out += texts[i];
    }
    return out;
}

std::chrono::seconds pair_backoff(int strikes) {
    const int x = std::clamp(strikes, 0, 4);
    return std::chrono::seconds(static_cast<std::int64_t>(std::pow(4.0, x)));
}

}  // namespace delvex::delivery
