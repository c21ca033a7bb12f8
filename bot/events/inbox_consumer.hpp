#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <vector>

#include "bot/core/clock.hpp"
#include "bot/core/i18n.hpp"
#include "bot/core/metrics.hpp"
#include "bot/store/db_writer.hpp"
#include "bot/events/feature.hpp"
#include "bot/store/repositories.hpp"
#include "bot/whatsapp/wire/inbound.hpp"

namespace spdlog {
class logger;
}

namespace delvex::events {

/// Applies stored webhook updates, oldest first (so in order per member), each exactly once: the effect and
/// the done-mark commit in the same transaction. Runs on the writer thread in short chunks so that webhook
/// commits are never held up for long.
class InboxConsumer {
public:
    InboxConsumer(store::DbWriter& writer, const core::Clock& clock, core::Metrics& metrics,
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

    /// Our business number's id (WHATSAPP_PHONE_NUMBER_ID): an update for another number (an app subscribed to
    /// several) is kept in the inbox for the operator and counted, never answered from ours. Empty: any.
    void only_for(std::string phone_number_id) { phone_number_id_ = std::move(phone_number_id); }

    /// Writer thread, inside the ingestor's open transaction, just before it commits a group of webhooks:
    /// applies up to `budget` pending updates there, so that under a stream of webhooks the consumer keeps
    /// pace in the same commits instead of paying for its own (one commit and one WAL write per cycle, not
    /// two). Nothing escapes: a failure undoes only this share and leaves the updates pending.
    /// `settle(committed)` must follow once the transaction has committed or failed.
    void apply_within(store::Database& db, std::size_t budget);
    void settle(bool committed);

    /// Updates applied per transaction at most, and at least before yielding.
    static constexpr int kChunk = 64;
    static constexpr std::uint64_t kMinChunk = 4;

private:
    struct Repos;
    struct Tally {
        std::uint64_t applied = 0;
        std::uint64_t failed = 0;
        bool queued = false;
    };
    void consume(store::Database& db);
    /// Applies `events` in order, each in its own savepoint, until done or `stop()` says so.
    template <typename Stop>
    Tally apply_events(const std::vector<store::PendingEvent>& events, Stop stop);
    void publish(const Tally& tally);
    /// Applies one update inside the caller's savepoint; returns true if it queued an outbound message.
    bool apply(const store::PendingEvent& event);
    /// `user_changed_number` / `user_changed_user_id`: the member moves to their new names.
    void apply_identity_change(const core::InboundMessage& msg);
    /// A template status, account or capability webhook: recorded for the dispatcher (which reads it at its
    /// next fetch); returns true when sending must look again (a restriction, a new limit).
    bool apply_change(const whatsapp::wire::ParsedUpdate& change, std::int64_t now_ms);

    store::DbWriter& writer_;
    const core::Clock& clock_;
    core::Metrics& metrics_;
    const core::Catalog& catalog_;
    std::vector<Feature*> features_;
    std::string phone_number_id_;
    std::function<void()> on_outbox_;
    std::function<bool()> yield_;
    std::atomic<bool> scheduled_{false};
    std::unique_ptr<Repos> repos_;  // writer thread only
    Tally within_;                  // writer thread only: applied inside the ingestor's open transaction
    std::shared_ptr<spdlog::logger> log_;
};

}  // namespace delvex::events
