#include "bot/store/job_repository.hpp"

#include "bot/store/statement.hpp"

namespace delvex::store {
namespace {

Job read_job(SQLite::Statement& q) {
    Job job;
    job.id = q.getColumn(0).getInt64();
    job.key = q.getColumn(1).getString();
    job.kind = q.getColumn(2).getString();
    job.due_ms = q.getColumn(3).getInt64();
    job.expires_ms = q.getColumn(4).getInt64();
    job.payload = q.getColumn(5).getString();
    job.state = static_cast<JobState>(q.getColumn(6).getInt());
    job.last_error = q.getColumn(7).isNull() ? std::string() : q.getColumn(7).getString();
    return job;
}

constexpr const char* kColumns = "id, job_key, kind, due_ms, expires_ms, payload, state, last_error";

// LIKE with '\' as escape character, so that '_' and '%' in a key prefix match themselves.
std::string like_prefix(std::string_view prefix) {
    std::string out;
    for (char c : prefix) {
        if (c == '%' || c == '_' || c == '\\') {
            out += '\\';
        }
        out += c;
    }
    out += '%';
    return out;
}

}  // namespace

JobRepository::JobRepository(SQLite::Database& db)
    : db_(db),
      schedule_(db,
                "INSERT INTO jobs (job_key, kind, due_ms, expires_ms, payload, created_ms) "
                "VALUES (:key, :kind, :due, :expires, :payload, :now) ON CONFLICT (job_key) DO NOTHING"),
      due_(db, std::string("SELECT ") + kColumns +
                   " FROM jobs WHERE state = 0 AND due_ms <= :now ORDER BY due_ms, id LIMIT :limit"),
      finish_(db, "UPDATE jobs SET state = :state, last_error = :error, done_ms = :now WHERE id = :id") {}

bool JobRepository::schedule(std::string_view key, std::string_view kind, std::int64_t due_ms,
                             std::int64_t expires_ms, std::string_view payload, std::int64_t now_ms) {
    ResetOnExit guard{schedule_};
    schedule_.bind(":key", std::string(key));
    schedule_.bind(":kind", std::string(kind));
    schedule_.bind(":due", due_ms);
    schedule_.bind(":expires", expires_ms);
    schedule_.bind(":payload", std::string(payload));
    schedule_.bind(":now", now_ms);
    return schedule_.exec() == 1;
}

bool JobRepository::reschedule(std::string_view key, std::int64_t due_ms, std::int64_t expires_ms) {
    SQLite::Statement q(db_, "UPDATE jobs SET due_ms = :due, expires_ms = :expires WHERE job_key = :key AND state = 0");
    q.bind(":due", due_ms);
    q.bind(":expires", expires_ms);
    q.bind(":key", std::string(key));
    return q.exec() == 1;
}

int JobRepository::cancel_prefix(std::string_view prefix) {
    SQLite::Statement q(db_,
                        "UPDATE jobs SET state = 2, last_error = 'cancelled' "
                        "WHERE state = 0 AND job_key LIKE :prefix ESCAPE '\\'");
    q.bind(":prefix", like_prefix(prefix));
    return q.exec();
}

std::vector<Job> JobRepository::due(std::int64_t now_ms, int limit) {
    ResetOnExit guard{due_};
    due_.bind(":now", now_ms);
    due_.bind(":limit", limit);
    std::vector<Job> out;
    while (due_.executeStep()) {
        out.push_back(read_job(due_));
    }
    return out;
}

std::optional<std::int64_t> JobRepository::next_due() {
    SQLite::Statement q(db_, "SELECT min(due_ms) FROM jobs WHERE state = 0");
    if (q.executeStep() && !q.getColumn(0).isNull()) {
        return q.getColumn(0).getInt64();
    }
    return std::nullopt;
}

void JobRepository::finish(std::int64_t id, JobState state, std::string_view error, std::int64_t now_ms) {
    ResetOnExit guard{finish_};
    finish_.bind(":state", static_cast<int>(state));
    if (error.empty()) {
        finish_.bind(":error");
    } else {
        finish_.bind(":error", std::string(error));
    }
    finish_.bind(":now", now_ms);
    finish_.bind(":id", id);
    finish_.exec();
}

std::optional<Job> JobRepository::find(std::string_view key) {
    SQLite::Statement q(db_, std::string("SELECT ") + kColumns + " FROM jobs WHERE job_key = :key");
    q.bind(":key", std::string(key));
    if (q.executeStep()) {
        return read_job(q);
    }
    return std::nullopt;
}

std::int64_t JobRepository::count(JobState state) {
    SQLite::Statement q(db_, "SELECT count(*) FROM jobs WHERE state = :state");
    q.bind(":state", static_cast<int>(state));
    q.executeStep();
    return q.getColumn(0).getInt64();
}

std::vector<Job> JobRepository::waiting(std::string_view prefix) {
    SQLite::Statement q(db_, std::string("SELECT ") + kColumns +
                                 " FROM jobs WHERE state = 0 AND job_key LIKE :prefix ESCAPE '\\' "
                                 "ORDER BY due_ms, id");
    q.bind(":prefix", like_prefix(prefix));
    std::vector<Job> out;
    while (q.executeStep()) {
        out.push_back(read_job(q));
    }
    return out;
}

}  // namespace delvex::store
