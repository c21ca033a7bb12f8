#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>

#include "bot/core/clock.hpp"
#include "bot/core/metrics.hpp"

namespace delvex::store {
class DbWriter;
}

namespace delvex::app {

/// What /readyz answers: ready, and one line per check ("database: ok", "writer: stalled …").
struct ReadyReport {
    bool ready = false;
    std::string text;
};

/// Readiness of a running service, separate from liveness (/healthz): the database takes writes, the writer
/// thread runs its jobs, the consumer and the importer make progress, sending is not halted.
///
/// A check never blocks the HTTP thread that asks: it posts one small write (store::write_heartbeat) to the
/// writer when none is out, and judges by what it knows. A write still out after `stall_after` (by the
/// service's clock) means the writer is stuck; a write that failed means the database does not take writes.
/// A backlog that has not moved for `stall_after` means the consumer (or the importer) is stuck.
class Readiness {
public:
    Readiness(store::DbWriter& writer, const core::Clock& clock, const core::Metrics& metrics,
              std::chrono::seconds stall_after);

    /// Runs one heartbeat write now and waits for it (at start, so the first check has an answer).
    void probe_now();

    /// Thread-safe and non-blocking.
    ReadyReport check();

    /// A heartbeat write is posted and not finished (tests wait for it before moving a fake clock).
    bool probing() const;

private:
    struct State;
    void post_probe(std::unique_lock<std::mutex>& lock);

    store::DbWriter& writer_;
    const core::Clock& clock_;
    const core::Metrics& metrics_;
    std::chrono::seconds stall_after_;
    std::shared_ptr<State> state_;
};

}  // namespace delvex::app
