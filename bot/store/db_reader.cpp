#include "bot/store/db_reader.hpp"

#include <sqlite3.h>

#include <algorithm>

namespace delvex::store {
namespace {

// Below the writer's priority (5): under a flood, answering Meta and applying messages come first.
constexpr int kReaderNiceness = 10;

store::DatabaseOptions read_only(const std::string& path) {
    store::DatabaseOptions o;
    o.path = path;
    o.durable = false;
    o.read_only = true;
    return o;
}

}  // namespace

bool RateLimit::take(std::chrono::steady_clock::time_point now) {
    std::lock_guard lock(mutex_);
    if (last_) {
        const double elapsed = std::chrono::duration<double>(now - *last_).count();
        if (elapsed > 0) {
            tokens_ = std::min(burst_, tokens_ + elapsed * per_second_);
        }
    }
    if (!last_ || now > *last_) {
        last_ = now;
    }
    if (tokens_ < 1.0) {
        return false;
    }
    tokens_ -= 1.0;
    return true;
}

TimeLimit::TimeLimit(store::Database& db, std::chrono::milliseconds limit)
    : db_(db), deadline_(std::chrono::steady_clock::now() + limit) {
    // Checked every 1,000 virtual-machine steps: often enough for a limit in milliseconds, seldom enough that
    // reading the clock costs little.
    sqlite3_progress_handler(db_.sql().getHandle(), 1000, &TimeLimit::check, this);
}

TimeLimit::~TimeLimit() {
    sqlite3_progress_handler(db_.sql().getHandle(), 0, nullptr, nullptr);
}

int TimeLimit::check(void* self) {
    auto* limit = static_cast<TimeLimit*>(self);
    if (std::chrono::steady_clock::now() >= limit->deadline_) {
        limit->expired_ = true;
        return 1;  // non-zero: SQLite stops the statement with SQLITE_INTERRUPT
    }
    return 0;
}

DbReader::DbReader(DbReaderOptions options)
    : options_(std::move(options)),
      rate_(options_.per_second, options_.burst),
      thread_(read_only(options_.db_path), kReaderNiceness) {}

bool DbReader::admit() {
    if (!rate_.take(std::chrono::steady_clock::now())) {
        refused_.fetch_add(1);
        return false;
    }
    if (waiting_.fetch_add(1) >= options_.max_waiting) {
        waiting_.fetch_sub(1);
        refused_.fetch_add(1);
        return false;
    }
    return true;
}

}  // namespace delvex::store
