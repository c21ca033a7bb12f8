#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>

namespace delvex::core {

/// How a webhook or other HTTP request ended; one counter each.
enum class Outcome : int {
    kOk = 0,          ///< 200, stored
    kQuarantined,     ///< 200, shape unknown, raw body kept
    kVerified,        ///< GET /webhook answered with the challenge
    kForbidden,       ///< 403: verification refused
    kBadSignature,    ///< 401
    kBadJson,         ///< 400
    kTooLarge,        ///< 413
    kHeaderTooLarge,  ///< 431
    kNotFound,        ///< 404 / 405
    kError,           ///< 500: not stored, Meta will retry
    kOverloaded,      ///< 503: connection limit
    kOther,           ///< /healthz, /metrics and the like
    kCount_,
};

/// A counter family with two labels (`delvex_messages_failed_total{purpose,code}`). The label values come
/// from our code (purposes) or from Meta (error codes), so the number of series is capped: past kMaxSeries,
/// new pairs are counted under ("other", "other") and never lost. A mutex guards the map; the dispatcher
/// updates it once per message, which is far below any contention that would matter.
class LabelledCounter {
public:
    static constexpr std::size_t kMaxSeries = 200;

    void add(std::string_view first, std::string_view second, std::uint64_t n = 1);
    /// Copies under the lock, for rendering and tests.
    std::map<std::pair<std::string, std::string>, std::uint64_t> snapshot() const;

private:
    mutable std::mutex mutex_;
    std::map<std::pair<std::string, std::string>, std::uint64_t> series_;
};

/// Process-wide counters, rendered as Prometheus text on /metrics. Lock-free but for the labelled families;
/// any thread may update.
class Metrics {
public:
    static constexpr std::array<double, 12> kLatencyBuckets = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                                               0.05,   0.1,   0.25,   0.5,   1.0,  2.5};

    void request(Outcome o) { requests_[static_cast<std::size_t>(o)].fetch_add(1, std::memory_order_relaxed); }

    /// One webhook from the first byte of its body read to the 200 (seconds).
    void ingest_latency(double seconds);

    std::atomic<std::uint64_t> events_stored{0};
    std::atomic<std::uint64_t> events_duplicate{0};
    std::atomic<std::uint64_t> events_applied{0};
    std::atomic<std::uint64_t> events_failed{0};
    std::atomic<std::int64_t> inbox_backlog{0};
    std::atomic<std::uint64_t> quarantined{0};
    std::atomic<std::uint64_t> group_commits{0};
    std::atomic<std::uint64_t> webhooks_landed{0};
    std::atomic<std::int64_t> landing_backlog_bytes{0};
    std::atomic<std::int64_t> connections_open{0};
    std::atomic<std::uint64_t> connections_evicted{0};
    std::atomic<std::uint64_t> messages_sent{0};
    std::atomic<std::uint64_t> send_retries{0};
    std::atomic<std::uint64_t> messages_failed{0};
    std::atomic<std::int64_t> outbox_queued{0};
    std::atomic<int> sending_halted{0};
    std::atomic<std::int64_t> outbox_held{0};
    std::atomic<std::uint64_t> messages_held{0};
    std::atomic<std::uint64_t> messages_templated{0};
    std::atomic<std::int64_t> templates_unusable{0};
    std::atomic<std::int64_t> messaging_limit{0};
    std::atomic<std::int64_t> messaging_limit_used{0};
    std::atomic<std::uint64_t> jobs_run{0};
    std::atomic<std::uint64_t> jobs_dropped{0};
    std::atomic<std::uint64_t> jobs_failed{0};
    std::atomic<std::uint64_t> webhooks_other_number{0};
    std::atomic<std::uint64_t> members_moved{0};
    std::atomic<std::uint64_t> member_moves_refused{0};

    /// By purpose (the outbox row's, e.g. `relay`, `forums.reminder`) and Meta's error code, or `transport`
    /// (no answer), `payload` (an unreadable row), `media` (the file could not be prepared). The totals above
    /// count the same messages without labels.
    LabelledCounter failed_by{};
    /// Accepted by Graph, by purpose and kind of send (`free_form` or `template`).
    LabelledCounter sent_by{};
    /// Put back for a later try, by purpose and Meta's error code (or `transport`).
    LabelledCounter retries_by{};

    /// Prometheus text exposition format 0.0.4.
    std::string render() const;

private:
    std::array<std::atomic<std::uint64_t>, static_cast<std::size_t>(Outcome::kCount_)> requests_{};
    std::array<std::atomic<std::uint64_t>, kLatencyBuckets.size() + 1> latency_buckets_{};
    std::atomic<std::uint64_t> latency_count_{0};
    std::atomic<std::uint64_t> latency_sum_us_{0};
};

}  // namespace delvex::core
