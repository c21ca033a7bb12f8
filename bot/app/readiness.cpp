#include "bot/app/readiness.hpp"

#include <fmt/format.h>

#include <future>

#include "bot/store/db_writer.hpp"
#include "bot/store/heartbeat.hpp"

namespace delvex::app {

struct Readiness::State {
    std::mutex mutex;
    bool outstanding = false;          ///< a heartbeat write is posted and not done
    core::TimePoint posted_at{};       ///< when it was posted
    bool probed = false;               ///< some heartbeat has finished
    std::string last_error;            ///< of the last finished heartbeat; empty when it was written
    core::TimePoint last_written{};    ///< when a heartbeat last succeeded
    /// Progress of a backlog between checks: the count that moves when work is done, and since when it has not
    /// moved while work waited (a backlog first seen at this check counts from now).
    struct Progress {
        std::uint64_t done = 0;
        bool waiting = false;
        core::TimePoint since{};
        /// Whether work has waited with nothing done for longer than `limit`; how long in `waited`.
        bool stalled(bool waiting_now, std::uint64_t done_now, core::TimePoint now, core::TimePoint::duration limit,
                     core::TimePoint::duration& waited) {
            if (!waiting_now || !waiting || done_now != done) {
                since = now;
            }
            done = done_now;
            waiting = waiting_now;
            waited = now - since;
            return waiting_now && waited > limit;
        }
    };
    Progress consumer;  ///< applied + failed, while updates are stored and not applied
    Progress importer;  ///< stored + duplicate + quarantined, while landed bytes wait
};

namespace {

double seconds(core::TimePoint::duration d) {
    return std::chrono::duration<double>(d).count();
}

}  // namespace

Readiness::Readiness(store::DbWriter& writer, const core::Clock& clock, const core::Metrics& metrics,
                     std::chrono::seconds stall_after)
    : writer_(writer), clock_(clock), metrics_(metrics), stall_after_(stall_after), state_(std::make_shared<State>()) {}

void Readiness::post_probe(std::unique_lock<std::mutex>& /*held*/) {
    auto& s = *state_;
    s.outstanding = true;
    s.posted_at = clock_.now();
    const std::int64_t now_ms = core::to_unix_ms(s.posted_at);
    // The state is shared with the job, so a job still queued when this object goes away stays safe.
    writer_.post([state = state_, now_ms, &clock = clock_](store::Database& db) {
        std::string error;
        try {
            store::write_heartbeat(db, now_ms);
        } catch (const std::exception& e) {
            error = e.what();
            if (error.empty()) {
                error = "write failed";
            }
        }
        std::lock_guard lock(state->mutex);
        state->outstanding = false;
        state->probed = true;
        state->last_error = std::move(error);
        if (state->last_error.empty()) {
            state->last_written = clock.now();
        }
    });
}

void Readiness::probe_now() {
    std::promise<void> done;
    auto finished = done.get_future();
    {
        std::unique_lock lock(state_->mutex);
        post_probe(lock);
    }
    writer_.post([&done](store::Database&) { done.set_value(); });
    finished.wait();
}

bool Readiness::probing() const {
    std::lock_guard lock(state_->mutex);
    return state_->outstanding;
}

ReadyReport Readiness::check() {
    auto& s = *state_;
    const auto now = clock_.now();
    std::unique_lock lock(s.mutex);
    ReadyReport report{true, {}};
    auto line = [&report](bool ok, const std::string& text) {
        report.ready = report.ready && ok;
        report.text += text;
        report.text += '\n';
    };

    // The writer: a heartbeat out for longer than stall_after means its jobs do not run.
    if (s.outstanding && now - s.posted_at > stall_after_) {
        line(false, fmt::format("writer: stalled, a write has waited {:.0f} s (more than {} s)",
                                seconds(now - s.posted_at), stall_after_.count()));
    } else {
        line(true, "writer: ok");
    }
    // The database: the last heartbeat that finished was written.
    if (!s.probed) {
        line(false, "database: not checked yet");
    } else if (!s.last_error.empty()) {
        line(false, "database: not writable: " + s.last_error);
    } else {
        line(true, fmt::format("database: ok, written {:.0f} s ago", seconds(now - s.last_written)));
    }

    // The consumer: stored updates waiting and none applied (or given up) for stall_after.
    const auto backlog = metrics_.inbox_backlog.load();
    const auto applied = metrics_.events_applied.load() + metrics_.events_failed.load();
    core::TimePoint::duration waited{};
    if (s.consumer.stalled(backlog > 0, applied, now, stall_after_, waited)) {
        line(false, fmt::format("consumer: stalled, {} update(s) waiting and none applied for {:.0f} s", backlog,
                                seconds(waited)));
    } else {
        line(true, fmt::format("consumer: ok, {} waiting", backlog > 0 ? backlog : 0));
    }
    // The importer: landed webhooks waiting and none imported for stall_after.
    const auto landed = metrics_.landing_backlog_bytes.load();
    const auto imported =
        metrics_.events_stored.load() + metrics_.events_duplicate.load() + metrics_.quarantined.load();
    if (s.importer.stalled(landed > 0, imported, now, stall_after_, waited)) {
        line(false, fmt::format("import: stalled, {} landed byte(s) waiting and nothing imported for {:.0f} s",
                                landed, seconds(waited)));
    } else {
        line(true, "import: ok");
    }
    // Sending: a halt (expired token, blocked account) stops every send until it is resolved.
    if (metrics_.sending_halted.load() != 0) {
        line(false, "sending: halted (delvex_sending_halted; the log says why)");
    } else {
        line(true, "sending: ok");
    }

    if (!s.outstanding) {
        post_probe(lock);
    }
    return report;
}

}  // namespace delvex::app
