#pragma once

// Unauthenticated lookups (the forums' .ics feeds, certificate checks) on a read-only connection and a
// thread of their own, so a flood of them never waits behind the writer nor delays it (the writer imports
// Meta's webhooks and applies members' messages). They are also bounded: a token bucket limits how many
// start per second, and at most `max_waiting` wait; beyond either the caller answers "busy, retry".

#include <boost/asio/awaitable.hpp>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <functional>
#include <mutex>
#include <optional>
#include <string>

#include "bot/store/db_writer.hpp"

namespace delvex::store {

/// A token bucket: `per_second` tokens a second, at most `burst` saved. Thread-safe; time is passed in.
class RateLimit {
public:
    RateLimit(double per_second, double burst) : per_second_(per_second), burst_(burst), tokens_(burst) {}

    /// Takes a token at `now` (any monotonic clock); false when none is left.
    bool take(std::chrono::steady_clock::time_point now);

private:
    double per_second_;
    double burst_;
    std::mutex mutex_;
    double tokens_;
    std::optional<std::chrono::steady_clock::time_point> last_{};
};

struct DbReaderOptions {
    std::string db_path;
    double per_second = 100;       ///< lookups started per second, sustained
    double burst = 200;            ///< lookups that may start at once after a quiet spell
    std::size_t max_waiting = 64;  ///< lookups queued or running at once
    /// The longest a lookup's SQL may run; past it SQLite is interrupted and the caller answers "busy"
    /// as for a refusal, so one slow lookup cannot hold the reader (and everyone queued behind it).
    std::chrono::milliseconds time_limit{2000};
};

/// Interrupts SQLite on `db` once `limit` has passed, while it lives (a progress handler checked every few
/// thousand virtual-machine steps). expired() tells an interruption from another SQLite error.
class TimeLimit {
public:
    TimeLimit(store::Database& db, std::chrono::milliseconds limit);
    ~TimeLimit();
    TimeLimit(const TimeLimit&) = delete;
    TimeLimit& operator=(const TimeLimit&) = delete;

    bool expired() const { return expired_; }

private:
    static int check(void* self);

    store::Database& db_;
    std::chrono::steady_clock::time_point deadline_;
    bool expired_ = false;
};

class DbReader {
public:
    explicit DbReader(DbReaderOptions options);

    /// Runs `job` on the reader's thread and connection, or returns nullopt when the rate or the queue is
    /// full (at once) or when its SQL ran past the time limit (the caller answers 503 with Retry-After). Any
    /// other exception thrown by the job is rethrown.
    template <typename R>
    boost::asio::awaitable<std::optional<R>> try_run(std::function<R(store::Database&)> job) {
        if (!admit()) {
            co_return std::nullopt;
        }
        Leave leave{waiting_};
        std::function<std::optional<R>(store::Database&)> limited =
            [limit = options_.time_limit, job = std::move(job)](store::Database& db) -> std::optional<R> {
            TimeLimit guard(db, limit);
            try {
                return std::optional<R>(job(db));
            } catch (...) {
                if (guard.expired()) {
                    return std::nullopt;
                }
                throw;
            }
        };
        std::optional<R> result = co_await thread_.run<std::optional<R>>(std::move(limited));
        if (!result) {
            timed_out_.fetch_add(1);
        }
        co_return result;
    }

    /// Lookups refused so far (rate or queue).
    std::uint64_t refused() const { return refused_.load(); }
    /// Lookups whose SQL ran past the time limit and was interrupted.
    std::uint64_t timed_out() const { return timed_out_.load(); }

    void stop() { thread_.stop(); }

private:
    struct Leave {
        explicit Leave(std::atomic<std::size_t>& count) : n(count) {}
        std::atomic<std::size_t>& n;
        Leave(const Leave&) = delete;
        Leave& operator=(const Leave&) = delete;
        ~Leave() { n.fetch_sub(1); }
    };
    bool admit();

    DbReaderOptions options_;
    RateLimit rate_;
    std::atomic<std::size_t> waiting_{0};
    std::atomic<std::uint64_t> refused_{0};
    std::atomic<std::uint64_t> timed_out_{0};
    DbWriter thread_;  // the same one-thread runner as the writer, over a read-only connection
};

}  // namespace delvex::store
