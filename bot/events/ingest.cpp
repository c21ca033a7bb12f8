#include "bot/events/ingest.hpp"

#include <SQLiteCpp/Transaction.h>
#include <pthread.h>
#include <spdlog/spdlog.h>

#include <algorithm>

#include <boost/asio/async_result.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "bot/core/log.hpp"
#include "bot/store/landing_import.hpp"

namespace delvex::events {
namespace {

std::atomic<std::uint64_t> g_instances{0};

/// The lane the current thread used last, and whose it is (an ingestor may be gone and its address reused,
/// hence the instance number rather than the pointer).
struct LaneCache {
    std::uint64_t owner = 0;
    void* lane = nullptr;
};
thread_local LaneCache t_lane;

}  // namespace

struct Ingestor::Lane {
    std::mutex mutex;  // pending and flush_posted
    std::vector<Pending> pending;
    bool flush_posted = false;

    std::mutex write_mutex;  // the rest: one land() at a time, even if an io_context runs on several threads
    std::unique_ptr<store::LandingLog::Lane> out;
    std::vector<Pending> group;
    std::vector<const store::LandedBatch*> batches;
};

Ingestor::Ingestor(store::DbWriter& writer, store::LandingLog& log, const core::Clock& clock, core::Metrics& metrics)
    : writer_(writer), log_(log), clock_(clock), metrics_(metrics), instance_(++g_instances) {
    if (log_.durable()) {
        syncer_ = std::thread([this] { sync_loop(); });
    }
}

Ingestor::~Ingestor() {
    if (syncer_.joinable()) {
        {
            std::lock_guard lock(sync_mutex_);
            sync_stop_ = true;
        }
        sync_wake_.notify_one();
        syncer_.join();
    }
}

void Ingestor::sync_loop() {
    ::pthread_setname_np(::pthread_self(), "delvex-sync");
    std::vector<SyncItem> batch;
    for (;;) {
        {
            std::unique_lock lock(sync_mutex_);
            sync_wake_.wait(lock, [this] { return sync_stop_ || !sync_queue_.empty(); });
            if (sync_queue_.empty()) {
                return;  // stopping, and everything written is synced and answered
            }
            batch.swap(sync_queue_);
        }
        // One fdatasync per file covers every write to it queued so far.
        std::vector<std::pair<const store::LandingLog::File*, std::string>> synced;
        for (const auto& item : batch) {
            const auto* file = item.file.get();
            if (std::none_of(synced.begin(), synced.end(), [file](const auto& s) { return s.first == file; })) {
                std::string error;
                try {
                    item.file->sync();
                } catch (const std::exception& e) {
                    error = e.what();
                }
                synced.emplace_back(file, std::move(error));
            }
        }
        for (auto& item : batch) {
            const auto* file = item.file.get();
            const auto& error =
                std::find_if(synced.begin(), synced.end(), [file](const auto& s) { return s.first == file; })->second;
            if (error.empty()) {
                metrics_.group_commits.fetch_add(1, std::memory_order_relaxed);
                metrics_.webhooks_landed.fetch_add(item.waiting.size(), std::memory_order_relaxed);
            }
            for (auto& [done, updates] : item.waiting) {
                // Not synced: a 500, and Meta sends it again (the import may still take the written copy;
                // the inbox then recognises the retry as a duplicate).
                done(error.empty() ? IngestResult{updates, {}} : IngestResult{0, error});
            }
        }
        batch.clear();
    }
}

Ingestor::Lane& Ingestor::lane_for_this_thread() {
    if (t_lane.owner == instance_) {
        return *static_cast<Lane*>(t_lane.lane);
    }
    std::lock_guard lock(lanes_mutex_);
    auto& lane = lanes_[std::this_thread::get_id()];
    if (!lane) {
        lane = std::make_unique<Lane>();
    }
    t_lane = LaneCache{instance_, lane.get()};
    return *lane;
}

boost::asio::awaitable<IngestResult> Ingestor::ingest(IngestBatch batch) {
    return boost::asio::async_initiate<const boost::asio::use_awaitable_t<>&, void(IngestResult)>(
        [this](auto handler, IngestBatch b) {
            auto h = std::make_shared<decltype(handler)>(std::move(handler));
            auto ex = boost::asio::get_associated_executor(*h);
            Lane& lane = lane_for_this_thread();
            bool post_flush = false;
            {
                std::lock_guard lock(lane.mutex);
                lane.pending.push_back(Pending{std::move(b), [h](IngestResult result) {
                                                   auto e = boost::asio::get_associated_executor(*h);
                                                   boost::asio::post(e, [h, r = std::move(result)]() mutable {
                                                       std::move (*h)(std::move(r));
                                                   });
                                               }});
                post_flush = !lane.flush_posted;
                lane.flush_posted = true;
            }
            // Posted behind whatever else this turn of the event loop has ready, so the POSTs read meanwhile
            // land with the same write.
            if (post_flush) {
                boost::asio::post(ex, [this, &lane] { land(lane); });
            }
        },
        boost::asio::use_awaitable, std::move(batch));
}

void Ingestor::land(Lane& lane) {
    std::lock_guard write_lock(lane.write_mutex);
    {
        std::lock_guard lock(lane.mutex);
        lane.group.swap(lane.pending);
        lane.flush_posted = false;
    }
    if (lane.group.empty()) {
        return;
    }
    const auto now_ms = core::to_unix_ms(clock_.now());
    lane.batches.clear();
    for (auto& p : lane.group) {
        p.batch.received_ms = now_ms;
        lane.batches.push_back(&p.batch);
    }
    std::string error;
    std::uint64_t bytes = 0;
    try {
        if (!lane.out) {
            lane.out = log_.lane();
        }
        bytes = lane.out->append(lane.batches);
    } catch (const std::exception& e) {
        // Nothing of this group has landed: every POST in it gets a 500 and Meta sends it again.
        error = e.what();
    }
    if (error.empty()) {
        metrics_.landing_backlog_bytes.fetch_add(static_cast<std::int64_t>(bytes), std::memory_order_relaxed);
        if (log_.durable()) {
            // Answered by the sync thread once on disk; the batches themselves are no longer needed.
            SyncItem item{lane.out->file(), {}};
            item.waiting.reserve(lane.group.size());
            for (auto& p : lane.group) {
                item.waiting.emplace_back(std::move(p.done), p.batch.records.size());
            }
            lane.group.clear();
            {
                std::lock_guard lock(sync_mutex_);
                sync_queue_.push_back(std::move(item));
            }
            sync_wake_.notify_one();
            kick();
            return;
        }
        metrics_.group_commits.fetch_add(1, std::memory_order_relaxed);
        metrics_.webhooks_landed.fetch_add(lane.group.size(), std::memory_order_relaxed);
    }
    for (auto& p : lane.group) {
        p.done(error.empty() ? IngestResult{p.batch.records.size(), {}} : IngestResult{0, error});
    }
    lane.group.clear();
    if (error.empty()) {
        kick();
    }
}

void Ingestor::kick() {
    if (!stopping_.load() && !import_scheduled_.exchange(true)) {
        writer_.post([this](store::Database& db) { import(db); });
    }
}

void Ingestor::import(store::Database& db) {
    // Clear the flag first: a landing during this pass schedules another, so nothing is missed.
    import_scheduled_.store(false);
    if (stopping_.load()) {
        return;
    }
    struct Step {
        std::uint64_t segment;
        std::uint64_t offset;
        bool finished;  // sealed and read to its end: the file can go
    };
    std::vector<Step> steps;
    std::vector<std::uint64_t> damaged;
    std::string error;
    store::LandedImportCounts counts;
    const std::size_t& stored = counts.stored;
    const auto segments = log_.segments();
    auto log = core::logger("events");
    try {
        if (!repo_) {
            repo_ = std::make_unique<store::InboxRepository>(db.sql());
        }
        if (!progress_loaded_) {
            progress_ = repo_->landing_progress();
            progress_loaded_ = true;
            for (const auto& [id, offset] : progress_) {
                const bool present = std::any_of(segments.begin(), segments.end(),
                                                 [id = id](const auto& s) { return s.id == id; });
                if (present) {
                    log_.imported(id, offset);
                } else {
                    forget_.push_back(id);  // deleted after its import, before its row was
                }
            }
        }
        // Import commits need not wait for the disk: the landing log holds the webhooks durably, and if the
        // machine loses power first, the inbox rows and their progress vanish together and are imported
        // again. Before a finished segment's file is deleted, a synced commit makes them durable (below).
        const store::Unsynced unsynced(db);
        SQLite::Transaction tx(db.sql(), SQLite::TransactionBehavior::IMMEDIATE);
        for (const auto id : forget_) {
            repo_->forget_landing_segment(id);
        }
        std::size_t taken = 0;
        const std::size_t n = segments.size();
        for (std::size_t k = 0; k < n && taken < kMaxGroup; ++k) {
            const auto& segment = segments[(next_segment_ + k) % n];
            const auto known = progress_.find(segment.id);
            const std::uint64_t from = known == progress_.end() ? 0 : known->second;
            if (from >= segment.readable_end) {
                if (segment.sealed) {
                    steps.push_back(Step{segment.id, from, true});
                }
                continue;
            }
            store::LandingLog::ReadResult read;
            try {
                read = log_.read(segment.id, from, segment.readable_end, kMaxGroup - taken);
            } catch (const std::exception& e) {
                // One unreadable file must not hold up the others (nor the consumer, which waits on imports).
                log->error("landing segment {} cannot be read ({}); set aside in {}", segment.id, e.what(),
                           log_.dir());
                damaged.push_back(segment.id);
                continue;
            }
            for (const auto& batch : read.batches) {
                store::import_landed(*repo_, db.sql(), batch, counts);
            }
            taken += read.batches.size();
            bool finished = segment.sealed && read.at_end;
            if (!read.damage.empty()) {
                if (segment.recovered) {
                    // The last write of a process that was killed: it was never acknowledged.
                    log->warn("landing segment {} ends in a write cut short ({}); {} bytes after it dropped",
                              segment.id, read.damage, segment.readable_end - read.next_offset);
                    finished = true;
                } else {
                    log->error("landing segment {} is damaged ({}); it is kept in {} for an operator", segment.id,
                               read.damage, log_.dir());
                    damaged.push_back(segment.id);
                }
            }
            if (read.next_offset != from) {
                repo_->set_landing_progress(segment.id, read.next_offset);
            }
            steps.push_back(Step{segment.id, read.next_offset, finished});
        }
        if (n > 0) {
            next_segment_ = (next_segment_ + 1) % n;
        }
        if (ride_before_) {
            ride_before_(db, stored);
        }
        tx.commit();
    } catch (const std::exception& e) {
        error = e.what();
    }
    if (ride_after_) {
        ride_after_(error.empty());
    }
    bool retry = !error.empty();  // after a pause, rather than at once (a full disk would spin this thread)
    // The same failure comes back every second until someone frees the disk: logged when it starts, then once
    // a minute with the count of passes that failed meanwhile, and once when it is over.
    const auto import_failed = [&](const std::string& what) {
        ++failed_passes_;
        if (const auto left_out = import_errors_.allow()) {
            log->error("landing import failed, retrying every second: {} failed_passes_not_logged={}", what,
                       *left_out);
        }
    };
    if (error.empty() && db.durable() &&
        std::any_of(steps.begin(), steps.end(), [](const Step& st) { return st.finished; })) {
        // A synced commit syncs the WAL up to it, the unsynced imports before it included; only then may a
        // finished segment's file go. If it fails, the files stay until a later pass.
        try {
            db.set_synced(true);
            SQLite::Transaction sync(db.sql(), SQLite::TransactionBehavior::IMMEDIATE);
            for (const auto& step : steps) {
                if (step.finished) {
                    repo_->set_landing_progress(step.segment, step.offset);
                }
            }
            sync.commit();
        } catch (const std::exception& e) {
            import_failed(std::string("cannot sync before deleting imported segments: ") + e.what());
            for (auto& step : steps) {
                step.finished = false;
            }
            retry = true;
        }
    }
    if (error.empty()) {
        // Counted before the log's backlog drops, so that whoever waits for the import to finish sees them.
        metrics_.events_stored.fetch_add(stored, std::memory_order_relaxed);
        metrics_.events_duplicate.fetch_add(counts.duplicates, std::memory_order_relaxed);
        metrics_.quarantined.fetch_add(counts.quarantined, std::memory_order_relaxed);
        metrics_.inbox_backlog.fetch_add(static_cast<std::int64_t>(stored), std::memory_order_relaxed);
        forget_.clear();
        for (const auto& step : steps) {
            progress_[step.segment] = step.offset;
            log_.imported(step.segment, step.offset);
            if (step.finished) {
                try {
                    log_.remove(step.segment);
                    progress_.erase(step.segment);
                    forget_.push_back(step.segment);
                } catch (const std::exception& e) {
                    log->error("landing segment {} imported but not deleted: {}", step.segment, e.what());
                    log_.set_aside(step.segment);
                }
            }
        }
        for (const auto id : damaged) {
            log_.set_aside(id);
        }
    } else {
        // Nothing of this pass counts; read the progress again from the database and try again shortly.
        import_failed(error);
        progress_loaded_ = false;
        progress_.clear();
        forget_.clear();
    }
    if (!retry && failed_passes_ > 0) {
        log->info("landing import works again after {} failed passes", failed_passes_);
        failed_passes_ = 0;
    }
    metrics_.landing_backlog_bytes.store(static_cast<std::int64_t>(log_.backlog_bytes()), std::memory_order_relaxed);
    // Also after a failed pass: the consumer skips its own passes while an import is due, so it must hear
    // of every pass's end.
    if (on_committed_) {
        on_committed_();
    }
    if (retry) {
        retry_later();
    } else if (log_.backlog()) {
        kick();
    }
}

void Ingestor::retry_later() {
    if (!retry_) {
        retry_ = std::make_unique<boost::asio::steady_timer>(writer_.executor());
    }
    retry_->expires_after(std::chrono::seconds(1));
    retry_->async_wait([this](const boost::system::error_code& ec) {
        if (!ec) {
            kick();
        }
    });
}

}  // namespace delvex::events
