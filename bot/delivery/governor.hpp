#pragma once

// The governor: every decision that keeps sending within WhatsApp's limits (docs/WHATSAPP.md §6.3, §7), pure and
// driven by an injected core::Clock, so that tests step time instead of sleeping. The dispatcher asks it;
// it never does I/O.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "bot/core/clock.hpp"
#include "bot/core/outgoing.hpp"
#include "bot/core/window.hpp"
#include "bot/core/text.hpp"

namespace delvex::delivery {

struct GovernorSettings {
    /// The number's cap in messages/s, inbound included (Meta: 80 by default, 1,000 after upgrade).
    /// 0 = no budget at all (benchmarks of the bot's own headroom).
    double rate_per_second = 80;
    /// Share of the cap kept free for inbound traffic, 0–0.9.
    double inbound_share = 0.1;
    /// Depth of the number bucket in seconds of outbound rate (at least one token): small, so that a burst
    /// never meets Meta's one-second window already spent.
    double number_burst_seconds = 0.1;
    /// Per recipient: a bucket of `recipient_burst` messages refilled one per `recipient_interval`
    /// (Meta: about 1 per 6 s sustained; bursts are borrowed from the future).
    int recipient_burst = 5;
    std::chrono::milliseconds recipient_interval{6000};
    /// Texts waiting for one recipient are merged up to this many characters (Meta's text body limit).
    std::size_t coalesce_max_chars = 4096;
};

/// A refilling bucket on a Clock's time: `capacity` tokens, `rate` new ones per second. Starts full.
class TokenBucket {
public:
    TokenBucket(double rate, double capacity, core::TimePoint now);

    /// Takes a token if there is one now.
    bool try_take(core::TimePoint now);
    /// Whether a token is there now (without taking it).
    bool ready(core::TimePoint now) const;
    /// When the next token is there (now if one is already).
    core::TimePoint next_token(core::TimePoint now) const;
    /// No token before `until`; then one, and the refill goes on from there.
    void pause_until(core::TimePoint until);
    /// Full again and idle: the bucket can be forgotten.
    bool full(core::TimePoint now) const;

private:
    double level(core::TimePoint now) const;

    double rate_;
    double capacity_;
    double tokens_;
    core::TimePoint last_;
};

/// The number budget and per-recipient pacing. Owned and called by the dispatcher on its executor.
class Governor {
public:
    Governor(GovernorSettings settings, const core::Clock& clock);

    const GovernorSettings& settings() const { return settings_; }
    /// Messages/s we allow ourselves: the cap less the inbound share (0 = unlimited).
    double outbound_rate() const;

    /// Takes one message from the number budget if there is room now.
    bool take_number();
    /// When the number budget has room again.
    core::TimePoint number_ready_at() const;
    /// Meta throttled the whole number (130429, 4, 80007, 613, HTTP 429): nothing before `until`.
    void pause_number(core::TimePoint until);

    /// Whether `recipient` may get a message now.
    bool recipient_ready(const std::string& recipient) const;
    /// When `recipient` may get its next message.
    core::TimePoint recipient_ready_at(const std::string& recipient) const;
    /// Counts one message to `recipient`.
    void take_recipient(const std::string& recipient);
    /// Meta's pair limit answered (131056): back off 4^X s for the X-th time in a row (Meta's advice).
    /// Returns the pause.
    std::chrono::seconds pair_limited(const std::string& recipient);
    /// A message to `recipient` went through: the pair-limit streak ends.
    void recipient_ok(const std::string& recipient);
    /// Forgets recipients whose buckets are full again (bounded memory for large fan-outs).
    void prune();
    std::size_t tracked_recipients() const { return recipients_.size(); }

private:
    struct RecipientState {
        TokenBucket bucket;
        int pair_strikes = 0;
    };
    RecipientState& state(const std::string& recipient);

    GovernorSettings settings_;
    const core::Clock& clock_;
    std::optional<TokenBucket> number_;
    std::unordered_map<std::string, RecipientState> recipients_;
};

/// What the 24 h window allows for a member (core::window_open decides, for every feature alike).
enum class Window {
    kOpen,     ///< last inbound within 24 h less core::kWindowMargin: any message
    kClosed,   ///< templates only
    kUnknown,  ///< not a member we know: try free-form; a 131047 answer then closes it
};

/// The window for a member whose last inbound was at `last_inbound` unix seconds (0 = unknown).
Window window_state(std::int64_t last_inbound, core::TimePoint now);

/// Whether a message needs an open window (everything but a template).
bool needs_window(const core::OutgoingMessage& message);

/// Unicode code points in UTF-8 text (Meta's limits count characters): the one of bot/core/text.hpp.
using core::utf8_length;

/// Whether a message may be merged with its neighbours: a plain text, no quote, no callback data.
bool coalescable(const core::OutgoingMessage& message);

/// How many of `texts`, from the first, fit together in one message of at most `max_chars` characters when
/// joined by a blank line. At least 1 (a text alone is never split).
std::size_t coalesce_count(const std::vector<std::string_view>& texts, std::size_t max_chars);

/// The texts joined by a blank line, in order.
std::string join_texts(const std::vector<std::string_view>& texts);

/// The backoff after a throttle with no Retry-After: 4^X seconds (X = 0, 1, 2, …), capped at 256 s.
std::chrono::seconds pair_backoff(int strikes);

}  // namespace delvex::delivery
