#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>

#include <cstdint>
#include <memory>
#include <random>
#include <set>

#include "bot/core/clock.hpp"
#include "bot/core/metrics.hpp"
#include "bot/events/db_writer.hpp"
#include "bot/store/repositories.hpp"
#include "bot/whatsapp/graph_client.hpp"

namespace spdlog {
class logger;
}

namespace delvex::delivery {

/// What to do with a row after a failed send: pure, so it is tested without a network.
struct RetryDecision {
    enum class Action { kRetry, kFail, kHalt } action = Action::kRetry;
    std::chrono::milliseconds delay{0};
    bool count_attempt = true;  ///< throttling is not the message's fault
};

/// Backoff policy of contract §6: throttle → back off without counting; retryable → capped exponential
/// backoff with jitter; permanent and window-closed → fail with the reason; halt → pause everything.
RetryDecision decide_retry(whatsapp::ErrorClass cls, int attempts, std::optional<std::chrono::seconds> retry_after,
                           double jitter01);

/// Sends due outbox rows through the Graph API, a few at a time, and records each outcome on the writer
/// thread. Runs on the io executor that owns the GraphClient. (Pacing, coalescing and the 24 h window
/// policy belong to the delivery issue and grow here.)
class Dispatcher {
public:
    Dispatcher(boost::asio::any_io_executor executor, events::DbWriter& writer, whatsapp::GraphClient& graph,
               const core::Clock& clock, core::Metrics& metrics, int concurrency);
    ~Dispatcher();

    void start();
    /// New rows may be due: look now. Any thread.
    void kick();
    /// Stops taking rows; sends in flight finish and are recorded.
    void stop();
    /// Rows being sent right now.
    std::size_t in_flight() const { return in_flight_.size(); }

private:
    boost::asio::awaitable<void> run();
    boost::asio::awaitable<void> send(store::OutboxRow row);

    boost::asio::any_io_executor executor_;
    events::DbWriter& writer_;
    whatsapp::GraphClient& graph_;
    const core::Clock& clock_;
    core::Metrics& metrics_;
    std::size_t concurrency_;
    boost::asio::steady_timer wake_;
    std::set<std::int64_t> in_flight_;
    bool stopping_ = false;
    bool running_ = false;
    std::chrono::steady_clock::time_point halted_until_{};
    std::mt19937_64 rng_{std::random_device{}()};
    std::unique_ptr<store::OutboxRepository> repo_;  // writer thread only
    std::shared_ptr<spdlog::logger> log_;
};

}  // namespace delvex::delivery
