#pragma once

#include <boost/asio/awaitable.hpp>

#include <atomic>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "bot/core/clock.hpp"
#include "bot/core/metrics.hpp"
#include "bot/events/db_writer.hpp"
#include "bot/store/repositories.hpp"

namespace delvex::events {

/// What one webhook POST asks the inbox to keep.
struct IngestBatch {
    std::vector<store::InboxRecord> records;
    /// Set when (part of) the body could not be understood: the raw body is kept with this reason.
    std::optional<std::string> quarantine_reason;
    std::string raw_body;  ///< only needed with quarantine_reason
};

struct IngestResult {
    std::size_t stored = 0;
    std::size_t duplicates = 0;
    std::string error;  ///< non-empty when the transaction failed and nothing of the batch was stored
};

/// Commits webhook updates to the inbox with group commit: while one transaction is being written and
/// synced, the POSTs that arrive meanwhile queue up and go into the next one together. A caller resumes
/// only after its updates are committed (so its 200 means durable). Thread-safe.
class Ingestor {
public:
    Ingestor(DbWriter& writer, const core::Clock& clock, core::Metrics& metrics);

    /// Called on the writer thread after each group's transaction, committed or not.
    void on_committed(std::function<void()> callback) { on_committed_ = std::move(callback); }

    /// Work that rides in each group's transaction, after the webhooks' inserts and before the commit:
    /// `before(db, stored)` (it must not throw, and must leave the transaction usable), then
    /// `after(committed)` once the commit succeeded or failed. The inbox consumer applies a share of the
    /// backlog this way.
    void ride_along(std::function<void(store::Database&, std::size_t)> before, std::function<void(bool)> after) {
        ride_before_ = std::move(before);
        ride_after_ = std::move(after);
    }

    /// Stores the batch. On a failed transaction the result carries the error (the caller answers 500 and
    /// Meta retries).
    boost::asio::awaitable<IngestResult> ingest(IngestBatch batch);

    /// Whether some POST is waiting for its commit. Any thread.
    bool waiting() const { return waiting_.load(std::memory_order_relaxed); }

    /// Most webhooks one transaction takes; the rest wait for the next.
    static constexpr std::size_t kMaxGroup = 512;

private:
    using Done = std::function<void(IngestResult)>;
    struct Pending {
        IngestBatch batch;
        Done done;
    };

    void enqueue(IngestBatch batch, Done done);
    void flush(store::Database& db);  // writer thread

    DbWriter& writer_;
    const core::Clock& clock_;
    core::Metrics& metrics_;
    std::function<void()> on_committed_;
    std::function<void(store::Database&, std::size_t)> ride_before_;
    std::function<void(bool)> ride_after_;

    std::mutex mutex_;
    std::vector<Pending> pending_;
    bool flush_scheduled_ = false;
    std::atomic<bool> waiting_{false};

    std::unique_ptr<store::InboxRepository> repo_;  // writer thread only
};

}  // namespace delvex::events
