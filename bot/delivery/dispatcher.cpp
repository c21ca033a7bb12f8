#include "bot/delivery/dispatcher.hpp"

#include <spdlog/spdlog.h>

#include "bot/core/log.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <cmath>

#include "bot/core/redact.hpp"

namespace delvex::delivery {
namespace {

namespace asio = boost::asio;
using std::chrono::milliseconds;

core::Recipient recipient_of(const std::string& key) {
    // BSUIDs are "<country>.<alphanumerics>"; phone numbers are digits only.
    return key.find('.') != std::string::npos ? core::Recipient::bsuid(key) : core::Recipient::phone(key);
}

constexpr milliseconds kHaltPause{60'000};
constexpr milliseconds kMaxBackoff{5 * 60'000};
constexpr int kMaxAttempts = 12;
constexpr int kBatch = 64;

}  // namespace

RetryDecision decide_retry(whatsapp::ErrorClass cls, int attempts, std::optional<std::chrono::seconds> retry_after,
                           double jitter01) {
    using whatsapp::ErrorClass;
    const auto exponential = [&](milliseconds base) {
        const double factor = std::pow(2.0, std::min(attempts, 16));
        const auto capped = std::min<double>(static_cast<double>(base.count()) * factor,
                                             static_cast<double>(kMaxBackoff.count()));
        // Full jitter in [50 %, 100 %] of the step, so many rows failing together do not retry together.
        return milliseconds{static_cast<std::int64_t>(capped * (0.5 + 0.5 * jitter01))};
    };
    switch (cls) {
        case ErrorClass::kThrottle:
            if (retry_after) {
                return {RetryDecision::Action::kRetry, std::chrono::duration_cast<milliseconds>(*retry_after),
                        false};
            }
            return {RetryDecision::Action::kRetry, exponential(milliseconds{1000}), false};
        case ErrorClass::kRetryable:
            if (attempts + 1 >= kMaxAttempts) {
                return {RetryDecision::Action::kFail, milliseconds{0}, true};
            }
            return {RetryDecision::Action::kRetry, exponential(milliseconds{500}), true};
        case ErrorClass::kHalt:
            return {RetryDecision::Action::kHalt, kHaltPause, false};
        case ErrorClass::kWindowClosed:
        case ErrorClass::kPermanent:
            return {RetryDecision::Action::kFail, milliseconds{0}, true};
    }
    return {RetryDecision::Action::kFail, milliseconds{0}, true};
}

Dispatcher::Dispatcher(asio::any_io_executor executor, events::DbWriter& writer, whatsapp::GraphClient& graph,
                       const core::Clock& clock, core::Metrics& metrics, int concurrency)
    : executor_(std::move(executor)),
      writer_(writer),
      graph_(graph),
      clock_(clock),
      metrics_(metrics),
      concurrency_(static_cast<std::size_t>(std::max(1, concurrency))),
      wake_(executor_),
      log_(core::logger("delivery")) {}

Dispatcher::~Dispatcher() = default;

void Dispatcher::start() {
    running_ = true;
    asio::co_spawn(executor_, run(), [log = log_](std::exception_ptr e) {
        if (e) {
            try {
                std::rethrow_exception(e);
            } catch (const std::exception& ex) {
                log->critical("dispatcher stopped: {}", ex.what());
            }
        }
    });
}

void Dispatcher::kick() {
    asio::post(executor_, [this] { wake_.cancel(); });
}

void Dispatcher::stop() {
    asio::post(executor_, [this] {
        stopping_ = true;
        wake_.cancel();
    });
}

asio::awaitable<void> Dispatcher::run() {
    while (!stopping_) {
        const auto now_steady = std::chrono::steady_clock::now();
        std::vector<store::OutboxRow> rows;
        if (now_steady >= halted_until_ && in_flight_.size() < concurrency_) {
            const auto now_ms = core::to_unix_ms(clock_.now());
            std::function<std::vector<store::OutboxRow>(store::Database&)> fetch = [this, now_ms](store::Database& db) {
                if (!repo_) {
                    repo_ = std::make_unique<store::OutboxRepository>(db.sql());
                }
                return repo_->due(now_ms, kBatch);
            };
            rows = co_await writer_.run<std::vector<store::OutboxRow>>(std::move(fetch));
        }
        bool started = false;
        for (auto& row : rows) {
            if (in_flight_.size() >= concurrency_ || stopping_) {
                break;
            }
            if (!in_flight_.insert(row.id).second) {
                continue;
            }
            started = true;
            asio::co_spawn(executor_, send(std::move(row)), [log = log_](std::exception_ptr e) {
                if (e) {
                    try {
                        std::rethrow_exception(e);
                    } catch (const std::exception& ex) {
                        log->error("send failed: {}", ex.what());
                    }
                }
            });
        }
        if (stopping_) {
            break;
        }
        if (started && in_flight_.size() < concurrency_) {
            continue;  // there may be more due rows beyond this batch
        }
        // Sleep until kicked, a send finishes, or a short poll passes (retries come due by time).
        wake_.expires_after(now_steady < halted_until_ ? halted_until_ - now_steady : milliseconds{250});
        boost::system::error_code ec;
        co_await wake_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    }
    running_ = false;
}

asio::awaitable<void> Dispatcher::send(store::OutboxRow row) {
    // GCC 12 mis-destroys temporaries with destructors inside co_await expressions: every awaited call
    // below takes named locals only.
    core::OutgoingMessage message;
    message.to = recipient_of(row.recipient);
    message.body = core::OutgoingText{row.payload, false};
    const auto outcome = co_await graph_.send(std::move(message));
    const auto now_ms = core::to_unix_ms(clock_.now());
    const auto id = row.id;
    std::function<bool(store::Database&)> record;
    if (outcome.ok()) {
        metrics_.messages_sent.fetch_add(1, std::memory_order_relaxed);
        metrics_.sending_halted.store(0);
        log_->info("sent id={} to={} wamid={} ms={}", id, core::redact(row.recipient), outcome.wamid,
                   outcome.elapsed.count());
        record = [this, id, wamid = outcome.wamid, now_ms](store::Database&) {
            repo_->mark_sent(id, wamid, now_ms);
            return true;
        };
    } else {
        const auto cls = whatsapp::classify(outcome);
        const auto retry_after = outcome.error ? outcome.error->retry_after : std::nullopt;
        std::uniform_real_distribution<double> unit(0.0, 1.0);
        const auto decision = decide_retry(cls, row.attempts, retry_after, unit(rng_));
        std::string reason = std::string(whatsapp::to_string(cls)) + ": ";
        reason += outcome.error ? std::to_string(outcome.error->code) + " " + outcome.error->message
                                : outcome.transport_error.message();
        if (decision.action == RetryDecision::Action::kFail) {
            metrics_.messages_failed.fetch_add(1, std::memory_order_relaxed);
            log_->warn("message failed id={} to={} reason={}", id, core::redact(row.recipient), reason);
            record = [this, id, reason, now_ms](store::Database&) {
                repo_->mark_failed(id, reason, now_ms);
                return true;
            };
        } else {
            if (decision.action == RetryDecision::Action::kHalt) {
                halted_until_ = std::chrono::steady_clock::now() + decision.delay;
                metrics_.sending_halted.store(1);
                log_->critical("sending halted for {}s: {}", decision.delay.count() / 1000, reason);
            }
            metrics_.send_retries.fetch_add(1, std::memory_order_relaxed);
            const auto next = now_ms + decision.delay.count();
            record = [this, id, next, reason, count = decision.count_attempt, now_ms](store::Database&) {
                repo_->reschedule(id, next, reason, count, now_ms);
                return true;
            };
        }
    }
    // Never throws: a failed write leaves the row queued, and it is simply sent again later.
    std::function<bool(store::Database&)> guarded = [record = std::move(record), id, log = log_](store::Database& db) {
        try {
            return record(db);
        } catch (const std::exception& e) {
            log->error("recording the outcome of id={} failed: {}", id, e.what());
            return false;
        }
    };
    co_await writer_.run<bool>(std::move(guarded));
    in_flight_.erase(id);
    wake_.cancel();
}

}  // namespace delvex::delivery
