#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <string>

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

/// Process-wide counters, rendered as Prometheus text on /metrics. Lock-free; any thread may update.
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

    /// Prometheus text exposition format 0.0.4.
    std::string render() const;

private:
    std::array<std::atomic<std::uint64_t>, static_cast<std::size_t>(Outcome::kCount_)> requests_{};
    std::array<std::atomic<std::uint64_t>, kLatencyBuckets.size() + 1> latency_buckets_{};
    std::atomic<std::uint64_t> latency_count_{0};
    std::atomic<std::uint64_t> latency_sum_us_{0};
};

}  // namespace delvex::core
