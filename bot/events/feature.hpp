#pragma once

// How the domain features (rooms, forums, academy) plug into the event path. The inbox consumer and the
// scheduler call them on the writer thread, inside the event's savepoint: whatever a feature writes to
// SQLite and every message it queues commit together with the event's done-mark (transactional outbox),
// or not at all.

#include <SQLiteCpp/Database.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "bot/core/chat.hpp"
#include "bot/core/i18n.hpp"
#include "bot/core/outgoing.hpp"
#include "bot/store/job_repository.hpp"
#include "bot/store/outbox_repository.hpp"
#include "bot/store/repositories.hpp"

namespace delvex::events {

/// Queues messages for the event being handled.
class Outbox {
public:
    /// `actor` is the member whose own message is being handled (empty for jobs): what goes back to them is an
    /// answer to their action and is sent before any fan-out waiting in the queue.
    Outbox(store::OutboxRepository& repo, std::int64_t now_ms, std::string actor = {})
        : repo_(repo), now_ms_(now_ms), actor_(std::move(actor)) {}

    /// Queues `message` under `logical_key` (unique per recipient: queuing the same key twice keeps one).
    /// `purpose` picks the template when the member's 24 h window is closed (templates.yaml); empty means
    /// the logical key up to its first ':'. Returns false if it was already queued.
    bool send(std::string logical_key, const core::OutgoingMessage& message, std::string purpose = {});

    /// A plain text to a member key (phone digits or BSUID).
    bool text(std::string logical_key, const std::string& member_key, std::string body, std::string purpose = {});

    /// Whether anything was queued through this object.
    bool queued() const { return queued_ > 0; }
    std::int64_t now_ms() const { return now_ms_; }

private:
    store::OutboxRepository& repo_;
    std::int64_t now_ms_;
    std::string actor_;
    int queued_ = 0;
};

/// What a feature gets for one event. Valid only during the call.
struct Context {
    SQLite::Database& db;  ///< the writer thread's connection, inside the event's savepoint
    const core::Catalog& catalog;
    std::int64_t now_ms;
    Outbox& outbox;
    store::JobRepository& jobs;
};

/// A domain feature. Every hook has a do-nothing default.
class Feature {
public:
    virtual ~Feature() = default;

    /// Short lowercase name; the scheduler routes a job of kind "<name>.<what>" to this feature.
    virtual std::string_view name() const = 0;

    /// An inbound message (text, media, button or list reply, reaction, …) from a member who has passed
    /// the gate (not stopped, onboarded). Features are asked in order; the first that returns true has
    /// handled it and later ones do not see it. Button and list reply ids carry the feature's prefix
    /// ("rooms:", "forums:", "academy:").
    virtual bool on_message(Context& /*ctx*/, const store::MemberRow& /*member*/,
                            const core::InboundMessage& /*message*/) {
        return false;
    }

    /// A global word (MENU, HELP) won over whatever this feature was waiting for: drop the pending prompt, so
    /// that the member's next text is not read as its answer.
    virtual void drop_prompt(Context& /*ctx*/, const store::MemberRow& /*member*/) {}

    /// A due job of this feature's kind. Throwing marks the job failed (kept, logged) and undoes its writes.
    virtual void on_job(Context& /*ctx*/, const store::Job& /*job*/) {}

    /// The member asked to be forgotten: erase or anonymise everything this feature holds about them.
    virtual void forget(Context& /*ctx*/, const store::MemberRow& /*member*/) {}

    /// "My data": short lines (in the member's language) describing what this feature holds about them.
    virtual void describe(Context& /*ctx*/, const store::MemberRow& /*member*/,
                          std::vector<std::string>& /*lines*/) {}

    /// Rows this feature adds to the member's main menu (ids with the feature's prefix).
    virtual void menu(Context& /*ctx*/, const store::MemberRow& /*member*/, std::vector<core::ListRow>& /*rows*/) {}
};

}  // namespace delvex::events
