#include "bot/events/ingest.hpp"

#include <SQLiteCpp/Transaction.h>

#include <boost/asio/async_result.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace delvex::events {

Ingestor::Ingestor(DbWriter& writer, const core::Clock& clock, core::Metrics& metrics)
    : writer_(writer), clock_(clock), metrics_(metrics) {}

boost::asio::awaitable<IngestResult> Ingestor::ingest(IngestBatch batch) {
    return boost::asio::async_initiate<const boost::asio::use_awaitable_t<>&, void(IngestResult)>(
        [this](auto handler, IngestBatch b) {
            auto h = std::make_shared<decltype(handler)>(std::move(handler));
            enqueue(std::move(b), [h](IngestResult result) {
                auto ex = boost::asio::get_associated_executor(*h);
                boost::asio::post(ex, [h, result = std::move(result)]() mutable { std::move (*h)(std::move(result)); });
            });
        },
        boost::asio::use_awaitable, std::move(batch));
}

void Ingestor::enqueue(IngestBatch batch, Done done) {
    bool schedule = false;
    {
        std::lock_guard lock(mutex_);
        pending_.push_back(Pending{std::move(batch), std::move(done)});
        waiting_.store(true, std::memory_order_relaxed);
        schedule = !flush_scheduled_;
        flush_scheduled_ = true;
    }
    if (schedule) {
        writer_.post([this](store::Database& db) { flush(db); });
    }
}

void Ingestor::flush(store::Database& db) {
    std::vector<Pending> group;
    {
        std::lock_guard lock(mutex_);
        if (pending_.size() <= kMaxGroup) {
            group.swap(pending_);
            flush_scheduled_ = false;
            waiting_.store(false, std::memory_order_relaxed);
        } else {
            group.assign(std::make_move_iterator(pending_.begin()),
                         std::make_move_iterator(pending_.begin() + kMaxGroup));
            pending_.erase(pending_.begin(), pending_.begin() + kMaxGroup);
            writer_.post([this](store::Database& d) { flush(d); });
        }
    }
    if (group.empty()) {
        return;
    }
    std::vector<IngestResult> results(group.size());
    std::string error;
    std::size_t stored = 0;
    std::size_t duplicates = 0;
    std::size_t quarantined = 0;
    try {
        if (!repo_) {
            repo_ = std::make_unique<store::InboxRepository>(db.sql());
        }
        const auto now_ms = core::to_unix_ms(clock_.now());
        SQLite::Transaction tx(db.sql(), SQLite::TransactionBehavior::IMMEDIATE);
        for (std::size_t i = 0; i < group.size(); ++i) {
            auto& batch = group[i].batch;
            for (const auto& record : batch.records) {
                if (repo_->insert(record, now_ms)) {
                    ++results[i].stored;
                } else {
                    ++results[i].duplicates;
                }
            }
            if (batch.quarantine_reason) {
                repo_->quarantine(*batch.quarantine_reason, batch.raw_body, now_ms);
                ++quarantined;
            }
            stored += results[i].stored;
            duplicates += results[i].duplicates;
        }
        if (ride_before_) {
            ride_before_(db, stored);
        }
        tx.commit();
    } catch (const std::exception& e) {
        // Nothing of this group is acknowledged: every POST in it gets a 500 and Meta sends it again.
        error = e.what();
    }
    if (ride_after_) {
        ride_after_(error.empty());
    }
    if (error.empty()) {
        metrics_.group_commits.fetch_add(1, std::memory_order_relaxed);
        metrics_.events_stored.fetch_add(stored, std::memory_order_relaxed);
        metrics_.events_duplicate.fetch_add(duplicates, std::memory_order_relaxed);
        metrics_.quarantined.fetch_add(quarantined, std::memory_order_relaxed);
        metrics_.inbox_backlog.fetch_add(static_cast<std::int64_t>(stored), std::memory_order_relaxed);
    }
    for (std::size_t i = 0; i < group.size(); ++i) {
        if (!error.empty()) {
            results[i] = IngestResult{0, 0, error};
        }
        group[i].done(std::move(results[i]));
    }
    // Also after a failed commit: the consumer skips its own passes while webhooks wait, so it must hear of
    // every group's end, or a backlog could sit until the next webhook.
    if (on_committed_) {
        on_committed_();
    }
}

}  // namespace delvex::events
