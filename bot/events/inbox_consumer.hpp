#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <vector>

#include "bot/core/clock.hpp"
#include "bot/core/i18n.hpp"
#include "bot/core/metrics.hpp"
#include "bot/events/db_writer.hpp"
#include "bot/events/feature.hpp"
#include "bot/store/repositories.hpp"

namespace spdlog {
class logger;
}

namespace delvex::events {

/// Applies stored webhook updates, oldest first (so in order per member), each exactly once: the effect and
/// the done-mark commit in the same transaction. Runs on the writer thread in short chunks so that webhook
/// commits are never held up for long.
class InboxConsumer {
public:
    InboxConsumer(DbWriter& writer, const core::Clock& clock, core::Metrics& metrics,
                  const core::Catalog& catalog);
    ~InboxConsumer();

    /// Asks for a pass over the pending updates. Any thread; cheap when one is already scheduled.
    void kick();

    /// Called on the writer thread after a chunk that queued outbound messages.
    void on_outbox(std::function<void()> callback) { on_outbox_ = std::move(callback); }

    /// Called on the writer thread between updates; when it returns true the pass commits early and
    /// goes to the back of the queue (the ingestor passes "webhooks are waiting").
    void yield_when(std::function<bool()> predicate) { yield_ = std::move(predicate); }

    /// Features asked, in the order added, to handle each inbound message (the first that returns true
    /// wins). Without any, a first-time sender just gets the plain welcome. Call before the first kick().
    void add_feature(Feature* feature) { features_.push_back(feature); }

    /// Updates applied per transaction at most, and at least before yielding.
    static constexpr int kChunk = 64;
    static constexpr std::uint64_t kMinChunk = 4;

private:
    struct Repos;
    void consume(store::Database& db);
    /// Applies one update inside the caller's savepoint; returns true if it queued an outbound message.
    bool apply(const store::PendingEvent& event);

    DbWriter& writer_;
    const core::Clock& clock_;
    core::Metrics& metrics_;
    const core::Catalog& catalog_;
    std::vector<Feature*> features_;
    std::function<void()> on_outbox_;
    std::function<bool()> yield_;
    std::atomic<bool> scheduled_{false};
    std::unique_ptr<Repos> repos_;  // writer thread only
    std::shared_ptr<spdlog::logger> log_;
};

}  // namespace delvex::events
