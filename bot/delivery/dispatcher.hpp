#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>

#include <cstdint>
#include <deque>
#include <list>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "bot/core/clock.hpp"
#include "bot/core/metrics.hpp"
#include "bot/delivery/governor.hpp"
#include "bot/delivery/settings.hpp"
#include "bot/store/db_writer.hpp"
#include "bot/store/outbox_repository.hpp"
#include "bot/whatsapp/graph_client.hpp"

namespace spdlog {
class logger;
}

namespace delvex::delivery {

class MediaRelay;

/// What to do with a row after a failed send: pure, so it is tested without a network.
struct RetryDecision {
    enum class Action { kRetry, kFail, kHalt } action = Action::kRetry;
    std::chrono::milliseconds delay{0};
    bool count_attempt = true;  ///< throttling is not the message's fault
};

/// Backoff policy of docs/WHATSAPP.md §6: throttle → back off without counting (Retry-After honoured); retryable →
/// capped exponential backoff with jitter; permanent and window-closed → fail with the reason; halt → pause
/// everything. `attempts` = failures counted so far; `jitter01` in [0, 1].
RetryDecision decide_retry(whatsapp::ErrorClass cls, int attempts, std::optional<std::chrono::seconds> retry_after,
                           double jitter01);

/// Counters for tests, benchmarks and logs (io thread).
struct DispatcherStats {
    std::uint64_t requests = 0;        ///< Graph requests made
    std::uint64_t sent = 0;            ///< messages Graph accepted
    std::uint64_t rows_sent = 0;       ///< outbox rows those messages carried (> sent when coalesced)
    std::uint64_t coalesced = 0;       ///< messages that carried more than one row
    std::uint64_t throttled = 0;       ///< throttle answers (row put back, attempt not counted)
    std::uint64_t retried = 0;         ///< retryable failures put back
    std::uint64_t failed = 0;          ///< rows failed for good
    std::uint64_t templated = 0;       ///< rows turned into a template (window closed)
    std::uint64_t held = 0;            ///< rows held for the member's next message (window closed, no usable
                                       ///< template, or over the messaging limit)
    std::uint64_t limit_held = 0;      ///< of those, held by the messaging limit
    std::uint64_t urgent_fetches = 0;  ///< claims of answers past a full ready queue
    std::uint64_t claimed = 0;         ///< rows claimed from the outbox
    std::uint64_t media_uploads = 0;   ///< files uploaded (members' files and our own), re-uploads included
    std::uint64_t media_waits = 0;     ///< rows parked until their file is uploaded
    std::uint64_t media_purges = 0;    ///< retention purges run (daily)
    std::uint64_t media_purged = 0;    ///< stored files they deleted
    std::uint64_t deferred = 0;        ///< rows put back for recipient pacing
    std::uint64_t halts = 0;           ///< halt answers
    std::uint64_t resumes = 0;         ///< halts cleared by a probe
    std::uint64_t halted_passes = 0;   ///< passes that sent nothing because of a halt pause
};

/// Sends due outbox rows through the Graph API within every WhatsApp limit (the Governor), and records each
/// outcome on the writer thread, many per transaction. Runs on the io executor that owns the GraphClient;
/// every member is used on that executor unless noted. All time comes from the Clock.
class Dispatcher {
public:
    Dispatcher(boost::asio::any_io_executor executor, store::DbWriter& writer, whatsapp::GraphClient& graph,
               const core::Clock& clock, core::Metrics& metrics, DeliverySettings settings);
    ~Dispatcher();

    void start();
    /// New rows may be due: look now. Any thread.
    void kick();
    /// Stops taking rows; sends in flight finish and are recorded. Any thread.
    void stop();
    /// Sends in flight plus outcomes not yet committed (stop waits for 0).
    std::size_t in_flight() const;
    /// True while sending is paused by a halt error (until a probe succeeds).
    bool halted() const { return halted_; }
    const DispatcherStats& stats() const { return stats_; }
    const Governor& governor() const { return governor_; }
    /// Unique recipients sent a template in the moving 24 h, and the limit in force (0 = none).
    std::size_t messaging_limit_used() const { return template_recipients_.size(); }
    std::int64_t messaging_limit() const;

private:
    struct Write {
        enum class Type { kSent, kRetry, kDefer, kFail, kHold, kRewrite } type = Type::kRetry;
        std::vector<std::int64_t> ids;
        std::string text;     ///< wamid / error / reason / note
        std::int64_t next_ms = 0;
        bool count_attempt = false;
        std::string kind;     ///< kRewrite
        std::string payload;  ///< kRewrite
    };
    struct Unit {
        std::vector<store::OutboxRow> rows;
        core::OutgoingMessage message;
        bool probe = false;
    };

    boost::asio::awaitable<void> run();
    boost::asio::awaitable<void> send(Unit unit);
    boost::asio::awaitable<void> flush();
    /// Claims the next due rows into ready_ (beside the planning loop, one fetch at a time); `urgent` claims
    /// only answers to members' own actions, placed ahead of the fan-out already in ready_.
    boost::asio::awaitable<void> fetch(bool urgent);
    /// What the account webhooks recorded, read with each fetch.
    struct AccountView {
        std::map<std::pair<std::string, std::string>, std::string> template_status;  // (name, code) → status
        std::string restriction;
        std::int64_t restriction_ms = 0;
        std::int64_t limit = 0;
        std::int64_t held = 0;
    };
    void take_account_view(AccountView view);
    /// Whether one more template may go to `recipient` within the messaging limit; counts it if so.
    bool take_limit(const std::string& recipient);
    /// Starts what may start now; returns when to look again if the number budget or a halt is the limit.
    std::optional<core::TimePoint> plan();
    void launch(Unit unit);
    void record(Write write);
    /// 24 h window closed for this row: a template for its purpose and language, or held for the digest.
    void window_policy(const store::OutboxRow& row, const core::OutgoingMessage& message, const std::string& why);
    void on_failure(Unit& unit, const whatsapp::SendOutcome& outcome);
    void enter_halt(const std::string& reason);
    /// Notes a halt or a resume in the database (delivery_halts), fire and forget on the writer.
    void note_halt(const std::string& event, const std::string& reason);
    void apply(store::OutboxRepository& repo, const Write& write, std::int64_t now_ms);

    boost::asio::any_io_executor executor_;
    store::DbWriter& writer_;
    whatsapp::GraphClient& graph_;
    const core::Clock& clock_;
    core::Metrics& metrics_;
    DeliverySettings settings_;
    Governor governor_;
    boost::asio::steady_timer wake_;

    std::list<store::OutboxRow> ready_;                  // claimed rows, oldest first
    std::unordered_map<std::string, int> ready_count_;   // rows in ready_ per recipient
    std::unordered_set<std::string> busy_;               // recipients with a send in flight
    std::size_t sending_ = 0;
    std::vector<Write> writes_;                          // outcomes waiting for the next commit
    std::size_t recording_ = 0;                          // outcomes in the commit under way
    bool flushing_ = false;
    bool fetching_ = false;
    bool more_in_db_ = true;
    bool kicked_ = true;
    std::chrono::steady_clock::time_point last_fetch_{};
    std::chrono::steady_clock::time_point last_prune_{};

    std::unique_ptr<MediaRelay> media_;  // uploads media before its copies go

    AccountView account_;
    std::int64_t restriction_seen_ms_ = -1;
    std::unordered_map<std::string, core::TimePoint> template_recipients_;  // moving 24 h
    std::deque<std::pair<core::TimePoint, std::string>> template_log_;

    bool halted_ = false;
    core::TimePoint halt_until_{};
    std::chrono::seconds halt_pause_{0};

    bool stopping_ = false;
    bool running_ = false;
    DispatcherStats stats_;
    std::mt19937_64 rng_{std::random_device{}()};
    std::unique_ptr<store::OutboxRepository> repo_;  // writer thread only
    std::shared_ptr<spdlog::logger> log_;
};

}  // namespace delvex::delivery
