#pragma once

// One unit of work per forums operation for the admin API and the CLI: an IMMEDIATE transaction with the
// forums' store (meetings::ForumStore) and the scheduler's jobs (meetings::JobPlanner) bound to it. In chat the
// inbox consumer's transaction is the unit of work and ForumJobs wraps its JobRepository.

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Transaction.h>

#include "bot/meetings/store.hpp"
#include "bot/store/forum_repository.hpp"
#include "bot/store/job_repository.hpp"

namespace delvex::store {

/// meetings::JobPlanner on the jobs table.
class ForumJobs final : public meetings::JobPlanner {
public:
    explicit ForumJobs(JobRepository& jobs) : jobs_(jobs) {}
    void schedule(const std::string& key, std::string_view kind, std::int64_t due_ms, std::int64_t expires_ms,
                  const std::string& payload, std::int64_t now_ms) override;
    std::vector<meetings::PlannedJob> waiting(std::string_view prefix) override;
    void drop(std::int64_t id, std::int64_t now_ms) override;

private:
    JobRepository& jobs_;
};

/// Begins on construction; `commit()` makes the changes durable; destroyed uncommitted, it rolls back.
class ForumWork {
public:
    explicit ForumWork(SQLite::Database& db)
        : tx_(db, SQLite::TransactionBehavior::IMMEDIATE), repo_(db), job_repo_(db), jobs_(job_repo_) {}
    ForumRepository& store() { return repo_; }
    meetings::JobPlanner& jobs() { return jobs_; }
    void commit() { tx_.commit(); }

private:
    SQLite::Transaction tx_;
    ForumRepository repo_;
    JobRepository job_repo_;
    ForumJobs jobs_;
};

}  // namespace delvex::store
