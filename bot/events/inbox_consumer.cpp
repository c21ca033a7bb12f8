#include "bot/events/inbox_consumer.hpp"

#include <SQLiteCpp/Transaction.h>

#include <algorithm>
#include <array>
#include <spdlog/spdlog.h>

#include "bot/core/log.hpp"

#include "bot/community/language.hpp"
#include "bot/community/welcome.hpp"
#include "bot/core/redact.hpp"
#include "bot/store/account_repository.hpp"
#include "bot/store/identity_repository.hpp"
#include "bot/store/message_costs.hpp"
#include "bot/whatsapp/wire/inbound.hpp"

namespace delvex::events {
namespace {

namespace wire = whatsapp::wire;

/// Meta's "re-engagement message" error: the member's 24 h window is closed.
constexpr std::int64_t kWindowClosedCode = 131047;

store::OutboxStatus to_outbox_status(core::DeliveryStatus s) {
    switch (s) {
        case core::DeliveryStatus::kSent:
            return store::OutboxStatus::kSent;
        case core::DeliveryStatus::kDelivered:
            return store::OutboxStatus::kDelivered;
        case core::DeliveryStatus::kRead:
        case core::DeliveryStatus::kPlayed:
            return store::OutboxStatus::kRead;
        case core::DeliveryStatus::kFailed:
            return store::OutboxStatus::kFailed;
        default:
            return store::OutboxStatus::kSent;
    }
}

}  // namespace

struct InboxConsumer::Repos {
    explicit Repos(SQLite::Database& db)
        : sql(db),
          inbox(db),
          members(db),
          outbox(db),
          jobs(db),
          event(db, "event"),
          share(db, "consumer_share") {}
    SQLite::Database& sql;
    store::InboxRepository inbox;
    store::MemberRepository members;
    store::OutboxRepository outbox;
    store::JobRepository jobs;
    store::Savepoint event;
    store::Savepoint share;  // apply_within's part of the ingestor's transaction
};

InboxConsumer::InboxConsumer(store::DbWriter& writer, const core::Clock& clock, core::Metrics& metrics,
                             const core::Catalog& catalog)
    : writer_(writer), clock_(clock), metrics_(metrics), catalog_(catalog), log_(core::logger("events")) {}

InboxConsumer::~InboxConsumer() = default;

void InboxConsumer::kick() {
    if (!scheduled_.exchange(true)) {
        writer_.post([this](store::Database& db) { consume(db); });
    }
}

template <typename Stop>
InboxConsumer::Tally InboxConsumer::apply_events(const std::vector<store::PendingEvent>& events, Stop stop) {
    Tally tally;
    for (const auto& event : events) {
        if (stop(tally)) {
            break;
        }
        const auto now_ms = core::to_unix_ms(clock_.now());
        repos_->event.begin();
        try {
            tally.queued = apply(event) || tally.queued;
            repos_->inbox.mark_done(event.id, now_ms,
                                    static_cast<wire::UpdateKind>(event.kind) != wire::UpdateKind::kStatus);
            repos_->event.release();
            ++tally.applied;
        } catch (const std::exception& e) {
            // A bug or data we cannot handle: undo this event's partial effects, keep it as failed
            // (visible to operators, never lost), and go on with the others.
            repos_->event.rollback();
            repos_->inbox.mark_failed(event.id, e.what(), now_ms);
            log_->error("inbox event failed id={} member={} error={}", event.id,
                        core::redact(event.member_key), e.what());
            ++tally.failed;
        }
    }
    return tally;
}

void InboxConsumer::publish(const Tally& tally) {
    metrics_.events_applied.fetch_add(tally.applied, std::memory_order_relaxed);
    metrics_.events_failed.fetch_add(tally.failed, std::memory_order_relaxed);
    metrics_.inbox_backlog.fetch_sub(static_cast<std::int64_t>(tally.applied + tally.failed),
                                     std::memory_order_relaxed);
    if (tally.queued && on_outbox_) {
        on_outbox_();
    }
}

void InboxConsumer::consume(store::Database& db) {
    // Clear the flag first: a kick that lands while this pass runs schedules another, so nothing is missed.
    scheduled_.store(false);
    if (yield_ && yield_()) {
        // Webhooks are waiting: their group commit applies a share of the backlog (apply_within) and kicks
        // again once it has committed, so a pass of our own now would only add a commit.
        return;
    }
    if (!repos_) {
        repos_ = std::make_unique<Repos>(db.sql());
    }
    const auto events = repos_->inbox.pending(0, kChunk);
    if (events.empty()) {
        return;
    }
    // The consumer's commits need not wait for the disk: if the machine loses power first, the effects
    // and the done-marks vanish together and the (durably stored) updates are applied again on restart.
    // Only the webhook commit, which gates Meta's 200, must be synced.
    const store::Unsynced unsynced(db);
    Tally tally;
    {
        SQLite::Transaction tx(db.sql(), SQLite::TransactionBehavior::IMMEDIATE);
        // Webhooks waiting for their commit come first (Meta wants its 200 fast; this work can wait):
        // after a few events, hand the writer thread back to them.
        tally = apply_events(events, [this](const Tally& t) {
            return t.applied + t.failed >= kMinChunk && yield_ && yield_();
        });
        tx.commit();
    }
    publish(tally);
    if (tally.applied + tally.failed < events.size() || events.size() == static_cast<std::size_t>(kChunk)) {
        kick();  // more to do; go to the back of the writer's queue so webhook commits can interleave
    }
}

void InboxConsumer::apply_within(store::Database& db, std::size_t budget) {
    within_ = Tally{};
    if (budget == 0) {
        return;
    }
    if (!repos_) {
        repos_ = std::make_unique<Repos>(db.sql());
    }
    auto& share = repos_->share;
    try {
        share.begin();
        const auto events = repos_->inbox.pending(0, static_cast<int>(std::min<std::size_t>(budget, kChunk)));
        within_ = apply_events(events, [](const Tally&) { return false; });
        share.release();
    } catch (const std::exception& e) {
        // Only SQLite itself failing gets here (each event's own failure is handled in apply_events).
        // Undo this share; the updates stay pending and the webhooks still commit.
        try {
            share.rollback();
        } catch (const std::exception&) {
        }
        within_ = Tally{};
        log_->error("applying updates beside a webhook commit failed: {}", e.what());
    }
}

void InboxConsumer::settle(bool committed) {
    if (committed) {
        publish(within_);
    }
    within_ = Tally{};
}

void InboxConsumer::apply_identity_change(const core::InboundMessage& msg) {
    const bool number = msg.system_type == "user_changed_number";
    const bool user_id = msg.system_type == "user_changed_user_id";
    if ((!number && !user_id) || (msg.new_wa_id.empty() && msg.new_user_id.empty())) {
        log_->info("system notice member={} type={}", core::redact(msg.sender.key()), msg.system_type);
        return;
    }
    // `from` is the old number; the BSUID before the change is `previous_user_id` (or the sender's own).
    const std::string& old_user_id = !msg.previous_user_id.empty() ? msg.previous_user_id : msg.sender.user_id;
    store::IdentityRepository identity(repos_->sql);
    const auto moved = identity.change(msg.sender.wa_id, old_user_id, number ? msg.new_wa_id : std::string(),
                                       msg.new_user_id);
    switch (moved) {
        case store::Moved::kMoved:
            metrics_.members_moved.fetch_add(1, std::memory_order_relaxed);
            log_->info("member moved to a new {} member={} now={}", number ? "number" : "BSUID",
                       core::redact(msg.sender.key()), core::redact(number ? msg.new_wa_id : msg.new_user_id));
            break;
        case store::Moved::kConflict:
            // Both records have a life of their own: merging them is a person's decision, not ours.
            metrics_.member_moves_refused.fetch_add(1, std::memory_order_relaxed);
            log_->warn("number change not applied: the new number already has a member with data member={} now={}",
                       core::redact(msg.sender.key()), core::redact(number ? msg.new_wa_id : msg.new_user_id));
            break;
        case store::Moved::kUnknown:
            log_->info("number change for someone we do not know member={}", core::redact(msg.sender.key()));
            break;
    }
}

bool InboxConsumer::apply(const store::PendingEvent& event) {
    const auto kind = static_cast<wire::UpdateKind>(event.kind);
    if (!phone_number_id_.empty() && !event.phone_number_id.empty() && event.phone_number_id != phone_number_id_) {
        // Another business number's update (the app is subscribed for several): not ours to answer. It stays
        // in the inbox (until retention) for the operator; the metric says it happens.
        metrics_.webhooks_other_number.fetch_add(1, std::memory_order_relaxed);
        log_->warn("update for another business number phone_number_id={} ignored", event.phone_number_id);
        return false;
    }
    const auto parsed = wire::parse_update(kind, event.payload);
    if (!parsed) {
        throw std::runtime_error("stored update is not readable");
    }
    const auto now_ms = core::to_unix_ms(clock_.now());
    switch (kind) {
        case wire::UpdateKind::kMessage: {
            const auto& msg = *parsed->message;
            const std::string& key = msg.sender.key();
            if (key.empty()) {
                throw std::runtime_error("message has neither wa_id nor BSUID");
            }
            const std::int64_t ts = msg.timestamp > 0 ? msg.timestamp : core::to_unix(clock_.now());
            if (msg.type == core::MessageType::kSystem) {
                // A number change or identity notice is not the member speaking: it opens no window. The
                // member moves to their new number or BSUID with everything they had.
                apply_identity_change(msg);
                return false;
            }
            store::IdentityRepository identity(repos_->sql);
            const auto known_as = identity.resolve(msg.sender.wa_id, msg.sender.user_id);
            auto member = repos_->members.find(known_as ? *known_as : key);
            const bool first_time = !member;
            if (member) {
                repos_->members.touch_inbound(member->member_key, ts);
                member->last_inbound = std::max(member->last_inbound, ts);
            } else {
                store::MemberRow row;
                row.member_key = key;
                row.wa_id = msg.sender.wa_id;
                row.user_id = msg.sender.user_id;
                row.language = community::guess_language(msg.sender.wa_id);
                row.first_seen = core::to_unix(clock_.now());
                row.last_inbound = ts;
                repos_->members.insert(row);
                member = repos_->members.find(key);
                log_->info("new member member={} language={}", core::redact(key), row.language);
            }
            if (features_.empty()) {
                if (!first_time) {
                    return false;
                }
                const auto text = community::welcome_message(catalog_, member->language, msg.sender.profile_name);
                repos_->outbox.enqueue("welcome", key, "text", text, now_ms);
                return true;
            }
            // Their window is open again: what waited for it goes first, in order, before anything new.
            const std::string& member_key = member->member_key;
            const int released = repos_->outbox.release_held(member_key, now_ms);
            if (released > 0) {
                log_->info("released {} held messages member={}", released, core::redact(member_key));
            }
            Outbox outbox(repos_->outbox, now_ms, member_key);
            Context ctx{repos_->sql, catalog_, now_ms, outbox, repos_->jobs};
            for (Feature* feature : features_) {
                if (feature->on_message(ctx, *member, msg)) {
                    break;
                }
            }
            return outbox.queued() || released > 0;
        }
        case wire::UpdateKind::kStatus: {
            const auto& st = *parsed->status;
            std::string error;
            if (!st.errors.empty()) {
                error = std::to_string(st.errors.front().code) + " " + st.errors.front().title;
            }
            if (st.status == core::DeliveryStatus::kFailed && !st.errors.empty() &&
                st.errors.front().code == kWindowClosedCode) {
                // Meta found the window closed after accepting the message: it goes again as a template, or
                // waits for the member's next message, like a refusal at send time.
                const int n = repos_->outbox.requeue_window_closed(st.id, "window closed (" + error + ")", now_ms);
                if (n > 0) {
                    return true;
                }
            }
            if (st.status != core::DeliveryStatus::kUnknown && st.status != core::DeliveryStatus::kDeleted) {
                repos_->outbox.apply_status(st.id, to_outbox_status(st.status), error, now_ms);
            }
            // What Meta bills for the message, counted once whichever of its statuses carries it first.
            if (!st.pricing_category.empty()) {
                const std::int64_t at_ms = st.timestamp > 0 ? st.timestamp * 1000 : now_ms;
                store::count_message_cost(repos_->sql, st.id, st.pricing_category, st.billable, at_ms);
            }
            return false;
        }
        case wire::UpdateKind::kError:
            log_->warn("webhook error code={} title={}", parsed->error ? parsed->error->code : 0,
                       parsed->error ? parsed->error->title : "");
            return false;
        case wire::UpdateKind::kChange:
            return apply_change(*parsed, now_ms);
    }
    return false;
}

bool InboxConsumer::apply_change(const wire::ParsedUpdate& change, std::int64_t now_ms) {
    store::AccountRepository account(repos_->sql);
    if (change.field == "message_template_status_update" && !change.template_name.empty()) {
        account.set_template_status(change.template_name, change.template_language, change.event, change.reason,
                                    now_ms);
        if (change.event == "APPROVED") {
            log_->info("template {} ({}) is approved", change.template_name, change.template_language);
        } else {
            // The dispatcher stops using it (its purpose waits for the member's window) until it is approved.
            log_->critical("TEMPLATE {} ({}) is {}: its messages wait for members' windows until it is approved "
                           "again (reason: {})",
                           change.template_name, change.template_language, change.event, change.reason);
        }
        return false;
    }
    if (change.field == "account_update") {
        static constexpr std::array<std::string_view, 4> kRestricting = {
            "ACCOUNT_RESTRICTION", "ACCOUNT_VIOLATION", "DISABLED_UPDATE", "ACCOUNT_DELETED"};
        const bool restricting =
            std::find(kRestricting.begin(), kRestricting.end(), change.event) != kRestricting.end();
        if (restricting) {
            account.set(store::kAccountRestriction, change.event, now_ms);
            log_->critical("ACCOUNT {}: sending pauses, then probes until Meta accepts messages again", change.event);
        } else {
            log_->info("account update event={}", change.event);
        }
        return restricting;
    }
    if (change.field == "business_capability_update" && change.messaging_limit != 0) {
        account.set(store::kMessagingLimit, std::to_string(change.messaging_limit), now_ms);
        log_->warn("messaging limit is now {} unique users per 24 h",
                   change.messaging_limit < 0 ? std::string("unlimited") : std::to_string(change.messaging_limit));
        return true;
    }
    log_->info("webhook change field={} event={}", change.field, change.event);
    return false;
}

}  // namespace delvex::events
