#include "bot/store/forum_work.hpp"

namespace delvex::store {

void ForumJobs::schedule(const std::string& key, std::string_view kind, std::int64_t due_ms, std::int64_t expires_ms,
                         const std::string& payload, std::int64_t now_ms) {
    jobs_.schedule(key, kind, due_ms, expires_ms, payload, now_ms);
}

std::vector<meetings::PlannedJob> ForumJobs::waiting(std::string_view prefix) {
    std::vector<meetings::PlannedJob> out;
    for (auto& job : jobs_.waiting(prefix)) {
        out.push_back({job.id, std::move(job.key), std::move(job.kind), job.due_ms});
    }
    return out;
}

void ForumJobs::drop(std::int64_t id, std::int64_t now_ms) {
    jobs_.finish(id, JobState::kDropped, "superseded", now_ms);
}

}  // namespace delvex::store
