#pragma once

// The scheduler's durable timers. A job is unique by key ("forums.reminder:12:2027-01-07T20:00Z:1d",
// "rooms.digest:east-africa:2027-01-07"), so planning the same thing twice keeps one job, across restarts.

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace delvex::store {

enum class JobState : int { kWaiting = 0, kDone = 1, kDropped = 2, kFailed = 3 };

struct Job {
    std::int64_t id = 0;
    std::string key;
    std::string kind;  ///< "<feature>.<what>", e.g. "forums.reminder"; the feature is the part before '.'
    std::int64_t due_ms = 0;
    /// After this instant the job is no longer useful (a reminder for a forum that has started): a job
    /// found due later than this, e.g. after downtime, is dropped and counted instead of run.
    std::int64_t expires_ms = 0;
    std::string payload;
    JobState state = JobState::kWaiting;
    std::string last_error;
};

class JobRepository {
public:
    explicit JobRepository(SQLite::Database& db);

    /// Plans a job unless one with this key exists (whatever its state). Returns false if it existed.
    /// expires_ms 0 means "never expires".
    bool schedule(std::string_view key, std::string_view kind, std::int64_t due_ms, std::int64_t expires_ms,
                  std::string_view payload, std::int64_t now_ms);
    /// Moves a waiting job to a new time (and expiry); false if there is no waiting job with this key.
    bool reschedule(std::string_view key, std::int64_t due_ms, std::int64_t expires_ms);
    /// Cancels waiting jobs whose key starts with `prefix` (a cancelled forum). Returns how many.
    int cancel_prefix(std::string_view prefix);

    /// Waiting jobs due at `now_ms`, earliest first.
    std::vector<Job> due(std::int64_t now_ms, int limit);
    /// The earliest due_ms of a waiting job.
    std::optional<std::int64_t> next_due();

    void finish(std::int64_t id, JobState state, std::string_view error, std::int64_t now_ms);

    std::optional<Job> find(std::string_view key);
    std::int64_t count(JobState state);
    /// Waiting jobs whose key starts with `prefix`, earliest first.
    std::vector<Job> waiting(std::string_view prefix);

private:
    SQLite::Database& db_;
    SQLite::Statement schedule_;
    SQLite::Statement due_;
    SQLite::Statement finish_;
};

}  // namespace delvex::store
