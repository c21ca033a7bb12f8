#pragma once

#include <boost/asio/steady_timer.hpp>

#include <atomic>
#include <chrono>
#include <string>
#include <functional>
#include <memory>
#include <vector>

#include "bot/core/clock.hpp"
#include "bot/core/i18n.hpp"
#include "bot/core/metrics.hpp"
#include "bot/store/db_writer.hpp"
#include "bot/events/feature.hpp"

namespace spdlog {
class logger;
}

namespace delvex::events {

/// Runs due jobs (forum reminders, room digests, lesson nudges) on the writer thread, each exactly once:
/// the feature's effects and the job's done-mark commit in one transaction. A job found due after its
/// expiry (the service was down) is dropped and counted, never sent late and useless. Time comes from the
/// injected clock; the real timer only decides when to look again.
class Scheduler {
public:
    Scheduler(store::DbWriter& writer, const core::Clock& clock, core::Metrics& metrics, const core::Catalog& catalog,
              std::vector<Feature*> features);
    ~Scheduler();

    /// Starts looking every `period` (and whenever kick() is called). Call once.
    void start(std::chrono::milliseconds period = std::chrono::milliseconds(1000));
    void stop();

    /// Asks for a pass now (any thread): after planning a job, or after a fake clock moved.
    void kick();

    /// Runs `task` on the writer thread at the first pass and then every `period` of the injected clock, each
    /// run in a transaction of its own (housekeeping such as the retention purge). Call before start().
    void every(std::string name, std::chrono::milliseconds period,
               std::function<void(store::Database&, std::int64_t now_ms)> task);

    /// Called on the writer thread after a pass that queued outbound messages.
    void on_outbox(std::function<void()> callback) { on_outbox_ = std::move(callback); }

    /// One pass over the due jobs, on the writer thread (tests call it through store::DbWriter::run).
    /// Returns how many jobs ran.
    int run_due(store::Database& db);

    static constexpr int kChunk = 64;

private:
    void arm();

    store::DbWriter& writer_;
    const core::Clock& clock_;
    core::Metrics& metrics_;
    const core::Catalog& catalog_;
    std::vector<Feature*> features_;
    std::function<void()> on_outbox_;
    struct Periodic {
        std::string name;
        std::chrono::milliseconds period;
        std::function<void(store::Database&, std::int64_t)> task;
        std::int64_t next_ms = 0;  // writer thread only
    };
    std::vector<Periodic> periodic_;
    void run_periodic(store::Database& db, std::int64_t now_ms);
    std::atomic<bool> scheduled_{false};
    std::atomic<bool> stopped_{false};
    std::chrono::milliseconds period_{1000};
    boost::asio::steady_timer timer_;
    std::shared_ptr<spdlog::logger> log_;
};

}  // namespace delvex::events
