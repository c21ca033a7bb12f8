#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <utility>
#include <vector>

#include "bot/core/clock.hpp"
#include "bot/core/log_throttle.hpp"
#include "bot/core/metrics.hpp"
#include "bot/store/db_writer.hpp"
#include "bot/store/landing_log.hpp"
#include "bot/store/repositories.hpp"

namespace delvex::events {

/// What one webhook POST asks the inbox to keep (received_ms is set when it lands).
using IngestBatch = store::LandedBatch;

struct IngestResult {
    std::size_t stored = 0;  ///< updates landed (duplicates are found later, by the importer)
    std::string error;       ///< non-empty when nothing of the POST landed
};

/// Takes webhooks in, in two steps.
///
/// Landing, on the thread that received the POST: the POSTs a thread receives in one turn of its event loop
/// are appended to that thread's landing log segment with one write, and only then resumed; so a 200 means
/// the POST survives a kill -9. When the log is durable they are resumed only after an fdatasync, done by a
/// sync thread of its own so that the receiving thread never waits for the disk: one sync covers every
/// write made before it, so while it runs the next groups are read and written (group commit). No lock is
/// shared between receiving threads and none waits for SQLite.
///
/// Importing, on the writer thread: landed POSTs move into the inbox (deduplicated there) in transactions of
/// up to kMaxGroup POSTs, each recording how far it got in the log, so each is imported exactly once.
/// Thread-safe.
class Ingestor {
public:
    Ingestor(store::DbWriter& writer, store::LandingLog& log, const core::Clock& clock, core::Metrics& metrics);
    ~Ingestor();
    Ingestor(const Ingestor&) = delete;
    Ingestor& operator=(const Ingestor&) = delete;

    /// Called on the writer thread after each import transaction, committed or not.
    void on_committed(std::function<void()> callback) { on_committed_ = std::move(callback); }

    /// Work that rides in each import transaction, after the inbox inserts and before the commit:
    /// `before(db, stored)` (it must not throw, and must leave the transaction usable), then
    /// `after(committed)` once the commit succeeded or failed. The inbox consumer applies a share of the
    /// backlog this way, keeping pace with the import.
    void ride_along(std::function<void(store::Database&, std::size_t)> before, std::function<void(bool)> after) {
        ride_before_ = std::move(before);
        ride_after_ = std::move(after);
    }

    /// Lands the batch and resumes once it is durable. A failed write is reported in the result (the
    /// caller answers 500 and Meta retries).
    boost::asio::awaitable<IngestResult> ingest(IngestBatch batch);

    /// Schedules an import pass (at start: what landed before a restart).
    void kick();

    /// No more import passes after the current one (shutdown: what is left is imported at the next start).
    void stop_importing() { stopping_.store(true); }

    /// Whether something landed that is not imported yet. Any thread.
    bool waiting() const { return log_.backlog(); }

    /// Most POSTs one import transaction takes; the rest wait for the next.
    static constexpr std::size_t kMaxGroup = 512;

private:
    using Done = std::function<void(IngestResult)>;
    struct Pending {
        IngestBatch batch;
        Done done;
    };
    struct Lane;
    struct SyncItem {
        std::shared_ptr<store::LandingLog::File> file;
        std::vector<std::pair<Done, std::size_t>> waiting;  // each POST's completion and its update count
    };

    Lane& lane_for_this_thread();
    void sync_loop();
    void land(Lane& lane);                // the receiving thread
    void import(store::Database& db);     // writer thread
    void retry_later();                   // writer thread

    store::DbWriter& writer_;
    store::LandingLog& log_;
    const core::Clock& clock_;
    core::Metrics& metrics_;
    // A failing import (a full disk) is retried every second: its error is logged at most once a minute, with
    // how many passes failed in between, and its recovery once (security review L-23). Writer thread only.
    core::LogThrottle import_errors_{clock_, std::chrono::seconds(60)};
    std::uint64_t failed_passes_ = 0;
    const std::uint64_t instance_;
    std::function<void()> on_committed_;
    std::function<void(store::Database&, std::size_t)> ride_before_;
    std::function<void(bool)> ride_after_;

    std::mutex lanes_mutex_;
    std::unordered_map<std::thread::id, std::unique_ptr<Lane>> lanes_;

    std::mutex sync_mutex_;
    std::condition_variable sync_wake_;
    std::vector<SyncItem> sync_queue_;
    bool sync_stop_ = false;
    std::thread syncer_;  // only when the log is durable

    std::atomic<bool> import_scheduled_{false};
    std::atomic<bool> stopping_{false};

    // Writer thread only.
    std::unique_ptr<store::InboxRepository> repo_;
    std::map<std::uint64_t, std::uint64_t> progress_;
    bool progress_loaded_ = false;
    std::vector<std::uint64_t> forget_;  // removed segments whose progress row is still there
    std::size_t next_segment_ = 0;       // where the next pass starts, so lanes take turns
    std::unique_ptr<boost::asio::steady_timer> retry_;
};

}  // namespace delvex::events
