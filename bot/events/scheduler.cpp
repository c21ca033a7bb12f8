#include "bot/events/scheduler.hpp"

#include <SQLiteCpp/Transaction.h>
#include <spdlog/spdlog.h>

#include "bot/core/log.hpp"
#include "bot/store/database.hpp"

namespace delvex::events {

Scheduler::Scheduler(store::DbWriter& writer, const core::Clock& clock, core::Metrics& metrics,
                     const core::Catalog& catalog, std::vector<Feature*> features)
    : writer_(writer),
      clock_(clock),
      metrics_(metrics),
      catalog_(catalog),
      features_(std::move(features)),
      timer_(writer.executor()),
      log_(core::logger("scheduler")) {}

Scheduler::~Scheduler() = default;

void Scheduler::start(std::chrono::milliseconds period) {
    period_ = period;
    boost::asio::post(writer_.executor(), [this] { arm(); });
    kick();
}

void Scheduler::stop() {
    stopped_.store(true);
    boost::asio::post(writer_.executor(), [this] { timer_.cancel(); });
}

void Scheduler::arm() {
    if (stopped_.load()) {
        return;
    }
    timer_.expires_after(period_);
    timer_.async_wait([this](const boost::system::error_code& ec) {
        if (ec || stopped_.load()) {
            return;
        }
        kick();
        arm();
    });
}

void Scheduler::kick() {
    if (stopped_.load()) {
        return;
    }
    if (!scheduled_.exchange(true)) {
        writer_.post([this](store::Database& db) {
            scheduled_.store(false);
            run_due(db);
        });
    }
}

void Scheduler::every(std::string name, std::chrono::milliseconds period,
                      std::function<void(store::Database&, std::int64_t now_ms)> task) {
    periodic_.push_back(Periodic{std::move(name), period, std::move(task), 0});
}

void Scheduler::run_periodic(store::Database& db, std::int64_t now_ms) {
    for (auto& p : periodic_) {
        if (now_ms < p.next_ms) {
            continue;
        }
        p.next_ms = now_ms + p.period.count();
        try {
            SQLite::Transaction tx(db.sql(), SQLite::TransactionBehavior::IMMEDIATE);
            p.task(db, now_ms);
            tx.commit();
        } catch (const std::exception& e) {
            log_->error("{} failed: {}", p.name, e.what());
        }
    }
}

int Scheduler::run_due(store::Database& db) {
    const std::int64_t now_ms = core::to_unix_ms(clock_.now());
    run_periodic(db, now_ms);
    store::JobRepository jobs(db.sql());
    const auto due = jobs.due(now_ms, kChunk);
    if (due.empty()) {
        return 0;
    }
    store::OutboxRepository outbox_repo(db.sql());
    Outbox outbox(outbox_repo, now_ms);
    Context ctx{db.sql(), catalog_, now_ms, outbox, jobs};
    int ran = 0;
    {
        SQLite::Transaction tx(db.sql(), SQLite::TransactionBehavior::IMMEDIATE);
        for (const auto& job : due) {
            if (job.expires_ms > 0 && now_ms > job.expires_ms) {
                jobs.finish(job.id, store::JobState::kDropped, "missed: due while the service was down", now_ms);
                metrics_.jobs_dropped.fetch_add(1, std::memory_order_relaxed);
                log_->warn("job dropped id={} kind={} late_by_ms={}", job.id, job.kind, now_ms - job.due_ms);
                continue;
            }
            const auto dot = job.kind.find('.');
            const std::string_view feature_name = std::string_view(job.kind).substr(0, dot);
            Feature* owner = nullptr;
            for (Feature* f : features_) {
                if (f->name() == feature_name) {
                    owner = f;
                }
            }
            store::Savepoint savepoint(db.sql(), "job");
            savepoint.begin();
            try {
                if (owner == nullptr) {
                    throw std::runtime_error("no feature handles job kind " + job.kind);
                }
                owner->on_job(ctx, job);
                jobs.finish(job.id, store::JobState::kDone, {}, now_ms);
                savepoint.release();
                ++ran;
                metrics_.jobs_run.fetch_add(1, std::memory_order_relaxed);
            } catch (const std::exception& e) {
                savepoint.rollback();
                jobs.finish(job.id, store::JobState::kFailed, e.what(), now_ms);
                metrics_.jobs_failed.fetch_add(1, std::memory_order_relaxed);
                log_->error("job failed id={} kind={} error={}", job.id, job.kind, e.what());
            }
        }
        tx.commit();
    }
    if (outbox.queued() && on_outbox_) {
        on_outbox_();
    }
    if (due.size() == static_cast<std::size_t>(kChunk)) {
        kick();
    }
    return ran;
}

}  // namespace delvex::events
