#include "bot/delivery/dispatcher.hpp"

#include <SQLiteCpp/Transaction.h>
#include <spdlog/spdlog.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/http/error.hpp>

#include <algorithm>
#include <cmath>

#include "bot/core/log.hpp"
#include "bot/core/redact.hpp"
#include "bot/delivery/codec.hpp"
#include "bot/delivery/media_relay.hpp"
#include "bot/store/account_repository.hpp"
#include "bot/store/media_repository.hpp"

namespace delvex::delivery {
namespace {

namespace asio = boost::asio;
using std::chrono::milliseconds;

constexpr milliseconds kMaxBackoff{5 * 60'000};
constexpr int kMaxAttempts = 12;
constexpr milliseconds kPoll{100};
constexpr std::int64_t kParkedStatusKeepMs = 7LL * 24 * 3600 * 1000;
constexpr std::int64_t kPairLimitCode = 131056;
constexpr std::int64_t kMediaErrorCode = 131053;
constexpr auto kLimitWindow = std::chrono::hours(24);

std::string reason_of(whatsapp::ErrorClass cls, const whatsapp::SendOutcome& outcome) {
    std::string reason(whatsapp::to_string(cls));
    reason += ": ";
    if (outcome.error) {
        reason += std::to_string(outcome.error->code);
        reason += ' ';
        reason += outcome.error->message;
        if (!outcome.error->details.empty()) {
            reason += " (" + outcome.error->details + ")";
        }
    } else {
        reason += outcome.transport_error.message();
    }
    return reason;
}

/// The `code` label of the failure metrics: Meta's error code, or `transport` when no answer came.
std::string code_label(const whatsapp::SendOutcome& outcome) {
    return outcome.error ? std::to_string(outcome.error->code) : std::string("transport");
}

void log_exception(const std::shared_ptr<spdlog::logger>& log, const char* what, std::exception_ptr e) {
    if (!e) {
        return;
    }
    try {
        std::rethrow_exception(e);
    } catch (const std::exception& ex) {
        log->critical("{}: {}", what, ex.what());
    }
}

}  // namespace

RetryDecision decide_retry(whatsapp::ErrorClass cls, int attempts, std::optional<std::chrono::seconds> retry_after,
                           double jitter01) {
    using whatsapp::ErrorClass;
    const auto exponential = [&](milliseconds base) {
        const double factor = std::pow(2.0, std::min(attempts, 16));
        const auto capped = std::min<double>(static_cast<double>(base.count()) * factor,
                                             static_cast<double>(kMaxBackoff.count()));
        // Jitter in [50 %, 100 %] of the step, so many rows failing together do not retry together.
        return milliseconds{static_cast<std::int64_t>(capped * (0.5 + 0.5 * jitter01))};
    };
    switch (cls) {
        case ErrorClass::kThrottle:
            if (retry_after) {
                return {RetryDecision::Action::kRetry, std::chrono::duration_cast<milliseconds>(*retry_after),
                        false};
            }
            return {RetryDecision::Action::kRetry, exponential(milliseconds{1000}), false};
        case ErrorClass::kRetryable:
            if (attempts + 1 >= kMaxAttempts) {
                return {RetryDecision::Action::kFail, milliseconds{0}, true};
            }
            return {RetryDecision::Action::kRetry, exponential(milliseconds{500}), true};
        case ErrorClass::kHalt:
            return {RetryDecision::Action::kHalt, milliseconds{60'000}, false};
        case ErrorClass::kWindowClosed:
        case ErrorClass::kPermanent:
            return {RetryDecision::Action::kFail, milliseconds{0}, true};
    }
    return {RetryDecision::Action::kFail, milliseconds{0}, true};
}

Dispatcher::Dispatcher(asio::any_io_executor executor, store::DbWriter& writer, whatsapp::GraphClient& graph,
                       const core::Clock& clock, core::Metrics& metrics, DeliverySettings settings)
    : executor_(std::move(executor)),
      writer_(writer),
      graph_(graph),
      clock_(clock),
      metrics_(metrics),
      settings_(std::move(settings)),
      governor_(settings_.governor, clock),
      wake_(executor_),
      log_(core::logger("delivery")) {
    settings_.concurrency = std::max(1, settings_.concurrency);
    settings_.batch = std::max(settings_.concurrency, settings_.batch);
    halt_pause_ = settings_.halt_pause;
    media_ = std::make_unique<MediaRelay>(executor_, writer_, graph_, clock_, stats_, settings_, log_);
    media_->on_queued([this] {
        kicked_ = true;
        wake_.cancel();
    });
    media_->on_release([this](std::vector<store::OutboxRow> rows) {
        const auto front = std::find_if(ready_.begin(), ready_.end(), [](const auto& r) { return r.priority > 0; });
        for (auto& row : rows) {
            ++ready_count_[row.recipient];
            ready_.insert(front, std::move(row));
        }
        wake_.cancel();
    });
}

Dispatcher::~Dispatcher() = default;

void Dispatcher::start() {
    running_ = true;
    log_->info("dispatcher rate={}/s outbound={}/s recipient={}/{}ms concurrency={} templates={}",
               settings_.governor.rate_per_second, governor_.outbound_rate(), settings_.governor.recipient_burst,
               settings_.governor.recipient_interval.count(), settings_.concurrency,
               settings_.templates.empty() ? "none" : "configured");
    asio::co_spawn(executor_, run(), [log = log_](std::exception_ptr e) { log_exception(log, "dispatcher stopped", e); });
}

void Dispatcher::kick() {
    asio::post(executor_, [this] {
        kicked_ = true;
        wake_.cancel();
    });
}

void Dispatcher::stop() {
    asio::post(executor_, [this] {
        stopping_ = true;
        wake_.cancel();
    });
}

std::size_t Dispatcher::in_flight() const {
    return sending_ + writes_.size() + recording_;
}

asio::awaitable<void> Dispatcher::run() {
    {
        // Claims live in the memory of the dispatcher that made them: a previous process's are void.
        const auto since_ms = core::to_unix_ms(clock_.now() - kLimitWindow);
        auto sent = std::make_shared<std::vector<std::pair<std::string, std::int64_t>>>();
        auto uploads = std::make_shared<std::vector<store::MediaUpload>>();
        const auto now_ms = core::to_unix_ms(clock_.now());
        std::function<int(store::Database&)> init = [this, since_ms, sent, uploads, now_ms](store::Database& db) {
            repo_ = std::make_unique<store::OutboxRepository>(db.sql());
            *sent = repo_->template_recipients_since(since_ms);
            *uploads = store::MediaRepository(db.sql()).valid(now_ms);
            return repo_->release_claims();
        };
        const int released = co_await writer_.run<int>(std::move(init));
        media_->load(*uploads);
        // The templates of the last 24 h count against the messaging limit across a restart too.
        std::sort(sent->begin(), sent->end(), [](const auto& a, const auto& b) { return a.second < b.second; });
        for (const auto& [recipient, at_ms] : *sent) {
            const core::TimePoint at{std::chrono::milliseconds{at_ms}};
            template_recipients_[recipient] = at;
            template_log_.emplace_back(at, recipient);
        }
        if (released > 0) {
            log_->info("released {} rows claimed by a previous run", released);
        }
    }
    while (!stopping_) {
        const auto steady_now = std::chrono::steady_clock::now();
        const bool paused = halted_ && clock_.now() < halt_until_;
        // Copies waiting for their file's upload count too: a fan-out of 10,000 is not claimed whole while
        // its one download runs.
        const bool want = ready_.size() < static_cast<std::size_t>(settings_.batch) / 2 &&
                          media_->parked() < static_cast<std::size_t>(settings_.batch) &&
                          (more_in_db_ || kicked_ || steady_now - last_fetch_ >= kPoll);
        // With the ready queue full of fan-out, answers to members' own actions are still claimed at once,
        // ahead of it: a tap on a button must not wait minutes behind a post to a large room.
        const bool urgent = !want && (kicked_ || steady_now - last_fetch_ >= kPoll);
        if ((want || urgent) && !paused && !fetching_) {
            // The fetch runs beside the planning: a slow commit must not leave the budget unspent.
            kicked_ = false;
            last_fetch_ = steady_now;
            fetching_ = true;
            asio::co_spawn(executor_, fetch(urgent),
                           [log = log_](std::exception_ptr e) { log_exception(log, "fetch", e); });
        }
        if (stopping_) {
            break;
        }
        media_->purge_when_due();
        const auto started = sending_;
        const auto wake_at = plan();
        if (!writes_.empty() && !flushing_) {
            flushing_ = true;
            asio::co_spawn(executor_, flush(), [log = log_](std::exception_ptr e) { log_exception(log, "flush", e); });
        }
        if (sending_ > started && sending_ < static_cast<std::size_t>(settings_.concurrency) && more_in_db_ &&
            !wake_at) {
            continue;  // room for more and more may be due
        }
        // Sleep until kicked, a send finishes, the budget or a halt allows more, or a short poll passes
        // (retries come due by time).
        std::chrono::microseconds wait = kPoll;
        if (wake_at) {
            // At least 200 µs, so that sub-millisecond budget waits do not spin.
            wait = std::clamp(std::chrono::duration_cast<std::chrono::microseconds>(*wake_at - clock_.now()),
                              std::chrono::microseconds{200}, std::chrono::microseconds{kPoll});
        }
        wake_.expires_after(wait);
        boost::system::error_code ec;
        co_await wake_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    }
    running_ = false;
}

asio::awaitable<void> Dispatcher::fetch(bool urgent) {
    const auto steady_now = std::chrono::steady_clock::now();
    const auto now_ms = core::to_unix_ms(clock_.now());
    const int limit = urgent ? std::max(1, settings_.concurrency) : settings_.batch - static_cast<int>(ready_.size());
    const bool prune = steady_now - last_prune_ >= std::chrono::minutes(10);
    if (prune) {
        last_prune_ = steady_now;
        governor_.prune();
    }
    auto view = std::make_shared<AccountView>();
    std::function<std::vector<store::OutboxRow>(store::Database&)> job =
        [this, now_ms, limit, prune, urgent, view](store::Database& db) {
            try {
                SQLite::Transaction tx(db.sql(), SQLite::TransactionBehavior::IMMEDIATE);
                auto rows = urgent ? repo_->claim_urgent(now_ms, limit) : repo_->claim_due(now_ms, limit);
                if (prune) {
                    repo_->prune_parked(now_ms - kParkedStatusKeepMs);
                }
                if (!urgent) {
                    store::AccountRepository account(db.sql());
                    for (const auto& t : account.template_states()) {
                        view->template_status[{t.name, t.language}] = t.status;
                    }
                    const auto standing = account.all();
                    if (const auto r = standing.find(std::string(store::kAccountRestriction)); r != standing.end()) {
                        view->restriction = r->second.first;
                        view->restriction_ms = r->second.second;
                    }
                    if (const auto l = standing.find(std::string(store::kMessagingLimit)); l != standing.end()) {
                        view->limit = std::stoll(l->second.first);
                    }
                    view->held = repo_->count(store::OutboxStatus::kHeld);
                }
                tx.commit();
                return rows;
            } catch (const std::exception& e) {
                // Rolled back: nothing claimed. The next pass tries again.
                log_->error("claiming due rows failed: {}", e.what());
                return std::vector<store::OutboxRow>{};
            }
        };
    auto rows = co_await writer_.run<std::vector<store::OutboxRow>>(std::move(job));
    stats_.claimed += rows.size();
    if (urgent) {
        ++stats_.urgent_fetches;
    } else {
        more_in_db_ = rows.size() == static_cast<std::size_t>(limit);
        take_account_view(std::move(*view));
    }
    // Answers to members' own actions go ahead of the fan-out already claimed, in their own order; the rest
    // queue behind it.
    const auto first_fan_out = std::find_if(ready_.begin(), ready_.end(), [](const auto& r) { return r.priority > 0; });
    for (auto& row : rows) {
        ++ready_count_[row.recipient];
        if (row.priority == 0) {
            ready_.insert(first_fan_out, std::move(row));
        } else {
            ready_.push_back(std::move(row));
        }
    }
    fetching_ = false;
    if (!rows.empty() || more_in_db_) {
        wake_.cancel();
    }
}

void Dispatcher::take_account_view(AccountView view) {
    if (!view.restriction.empty() && view.restriction_ms != restriction_seen_ms_) {
        const bool first_look = restriction_seen_ms_ < 0;
        restriction_seen_ms_ = view.restriction_ms;
        // At start an old restriction is history: the first probe tells whether it still holds. A new one
        // pauses everything, like a halt answer.
        if (!first_look || clock_.now() - core::TimePoint{std::chrono::milliseconds{view.restriction_ms}} <
                               std::chrono::hours(1)) {
            ++stats_.halts;
            enter_halt("account " + view.restriction);
        }
    } else if (restriction_seen_ms_ < 0) {
        restriction_seen_ms_ = 0;
    }
    std::int64_t unusable = 0;
    for (const auto& [key, status] : view.template_status) {
        if (status != "APPROVED") {
            ++unusable;
        }
    }
    metrics_.templates_unusable.store(unusable);
    metrics_.outbox_held.store(view.held);
    account_ = std::move(view);
    metrics_.messaging_limit.store(messaging_limit());
}

std::int64_t Dispatcher::messaging_limit() const {
    if (account_.limit < 0) {
        return 0;  // Meta says unlimited
    }
    return account_.limit > 0 ? account_.limit : settings_.messaging_limit;
}

bool Dispatcher::take_limit(const std::string& recipient) {
    const auto now = clock_.now();
    while (!template_log_.empty() && now - template_log_.front().first >= kLimitWindow) {
        const auto& [at, who] = template_log_.front();
        if (const auto it = template_recipients_.find(who); it != template_recipients_.end() && it->second == at) {
            template_recipients_.erase(it);
        }
        template_log_.pop_front();
    }
    const auto limit = messaging_limit();
    const bool known = template_recipients_.contains(recipient);
    if (!known && limit > 0 && static_cast<std::int64_t>(template_recipients_.size()) >= limit) {
        return false;
    }
    template_recipients_[recipient] = now;
    template_log_.emplace_back(now, recipient);
    metrics_.messaging_limit_used.store(static_cast<std::int64_t>(template_recipients_.size()));
    return true;
}

std::optional<core::TimePoint> Dispatcher::plan() {
    const auto now = clock_.now();
    if (halted_ && now < halt_until_) {
        ++stats_.halted_passes;
        return halt_until_;
    }
    const auto concurrency = static_cast<std::size_t>(settings_.concurrency);
    for (auto it = ready_.begin(); it != ready_.end();) {
        if (sending_ >= concurrency || stopping_) {
            break;
        }
        if (halted_ && sending_ > 0) {
            break;  // after a halt pause, one probe at a time until one goes through
        }
        const std::string recipient = it->recipient;
        if (busy_.contains(recipient)) {
            ++it;  // one message in flight per recipient keeps them in order
            continue;
        }
        auto take = [&](std::list<store::OutboxRow>::iterator at) {
            auto row = std::move(*at);
            if (--ready_count_[row.recipient] == 0) {
                ready_count_.erase(row.recipient);
            }
            return std::pair{std::move(row), ready_.erase(at)};
        };
        auto message = message_of(*it);
        if (!message) {
            auto [row, next] = take(it);
            it = next;
            ++stats_.failed;
            metrics_.messages_failed.fetch_add(1, std::memory_order_relaxed);
            metrics_.failed_by.add(row.effective_purpose(), "payload");
            log_->error("outbox row id={} has an unreadable payload; failed", row.id);
            record(Write{Write::Type::kFail, {row.id}, "permanent: unreadable payload", 0, true, {}, {}});
            continue;
        }
        if (needs_window(*message) && (it->window_closed || window_state(it->last_inbound, now) == Window::kClosed)) {
            auto [row, next] = take(it);
            it = next;
            window_policy(row, *message,
                          row.window_closed ? row.last_error : std::string("window closed: last message over 23 h 30 ago"));
            continue;
        }
        if (const auto verdict = media_->prepare(*message); verdict.kind != MediaRelay::Verdict::Kind::kReady) {
            auto [row, next] = take(it);
            it = next;
            if (verdict.kind == MediaRelay::Verdict::Kind::kWait) {
                media_->park(verdict.key, std::move(row));
            } else {
                ++stats_.failed;
                metrics_.messages_failed.fetch_add(1, std::memory_order_relaxed);
                metrics_.failed_by.add(row.effective_purpose(), "media");
                record(Write{Write::Type::kFail, {row.id}, "permanent: " + verdict.why, 0, true, {}, {}});
            }
            continue;
        }
        if (!governor_.recipient_ready(recipient)) {
            auto [row, next] = take(it);
            it = next;
            ++stats_.deferred;
            const auto at = core::to_unix_ms(governor_.recipient_ready_at(recipient));
            record(Write{Write::Type::kDefer, {row.id}, {}, at, false, {}, {}});
            continue;
        }
        if (!governor_.take_number()) {
            return governor_.number_ready_at();
        }
        governor_.take_recipient(recipient);
        Unit unit;
        unit.probe = halted_;
        const bool merge = settings_.coalesce && coalescable(*message) && ready_count_[recipient] > 1;
        auto [first, next] = take(it);
        it = next;
        unit.rows.push_back(std::move(first));
        unit.message = std::move(*message);
        if (merge) {
            // Later texts waiting for the same recipient ride along, in order, up to 4,096 characters; a
            // message of another kind for that recipient ends the run (it must not overtake them).
            std::vector<std::list<store::OutboxRow>::iterator> candidates;
            std::vector<std::string> bodies{std::get<core::OutgoingText>(unit.message.body).body};
            bool preview = std::get<core::OutgoingText>(unit.message.body).preview_url;
            for (auto j = it; j != ready_.end(); ++j) {
                if (j->recipient != recipient) {
                    continue;
                }
                auto other = message_of(*j);
                if (!other || !coalescable(*other)) {
                    break;
                }
                const auto& text = std::get<core::OutgoingText>(other->body);
                bodies.push_back(text.body);
                preview = preview || text.preview_url;
                candidates.push_back(j);
            }
            std::vector<std::string_view> views(bodies.begin(), bodies.end());
            const auto n = coalesce_count(views, settings_.governor.coalesce_max_chars);
            if (n > 1) {
                views.resize(n);
                for (std::size_t k = 0; k + 1 < n; ++k) {
                    if (candidates[k] == it) {
                        ++it;
                    }
                    unit.rows.push_back(take(candidates[k]).first);
                }
                unit.message.body = core::OutgoingText{join_texts(views), preview};
            }
        }
        launch(std::move(unit));
    }
    return std::nullopt;
}

void Dispatcher::launch(Unit unit) {
    busy_.insert(unit.rows.front().recipient);
    ++sending_;
    ++stats_.requests;
    asio::co_spawn(executor_, send(std::move(unit)), [log = log_](std::exception_ptr e) { log_exception(log, "send", e); });
}

asio::awaitable<void> Dispatcher::send(Unit unit) {
    // GCC 12 mis-destroys temporaries with destructors inside co_await expressions: every awaited call
    // below takes named locals only.
    core::OutgoingMessage message = std::move(unit.message);  // not needed after: failures re-read the rows
    const auto outcome = co_await graph_.send(std::move(message));
    --sending_;
    const std::string recipient = unit.rows.front().recipient;
    busy_.erase(recipient);
    if (outcome.ok()) {
        std::vector<std::int64_t> ids;
        for (const auto& row : unit.rows) {
            ids.push_back(row.id);
        }
        ++stats_.sent;
        stats_.rows_sent += ids.size();
        stats_.coalesced += ids.size() > 1 ? 1 : 0;
        metrics_.messages_sent.fetch_add(1, std::memory_order_relaxed);
        metrics_.sent_by.add(unit.rows.front().effective_purpose(), unit.rows.front().kind);
        governor_.recipient_ok(recipient);
        if (log_->should_log(spdlog::level::debug)) {  // redact() allocates: not on every send for nothing
            // Never Meta's message id: a wamid is base64 of a structure that holds the recipient's number.
            log_->debug("sent ids={} to={} ms={}", ids.size(), core::redact(recipient), outcome.elapsed.count());
        }
        record(Write{Write::Type::kSent, std::move(ids), outcome.wamid, 0, true, {}, {}});
        if (halted_ && unit.probe) {
            halted_ = false;
            halt_pause_ = settings_.halt_pause;
            metrics_.sending_halted.store(0);
            ++stats_.resumes;
            log_->warn("sending resumed: a probe went through");
            note_halt("resume", "a probe went through");
        }
    } else {
        on_failure(unit, outcome);
    }
    if (!writes_.empty() && !flushing_) {
        flushing_ = true;
        asio::co_spawn(executor_, flush(), [log = log_](std::exception_ptr e) { log_exception(log, "flush", e); });
    }
    wake_.cancel();
}

void Dispatcher::on_failure(Unit& unit, const whatsapp::SendOutcome& outcome) {
    using whatsapp::ErrorClass;
    const auto cls = whatsapp::classify(outcome);
    const auto reason = reason_of(cls, outcome);
    const auto now = clock_.now();
    const auto now_ms = core::to_unix_ms(now);
    const std::string recipient = unit.rows.front().recipient;
    const auto retry_after = outcome.error ? outcome.error->retry_after : std::nullopt;
    int attempts = 0;
    for (const auto& row : unit.rows) {
        attempts = std::max(attempts, row.attempts);
    }
    std::uniform_real_distribution<double> unit_interval(0.0, 1.0);
    const auto decision = decide_retry(cls, attempts, retry_after, unit_interval(rng_));
    auto back = [&](std::int64_t next_ms, bool count) {
        for (const auto& row : unit.rows) {
            record(Write{Write::Type::kRetry, {row.id}, reason, next_ms, count, {}, {}});
        }
        metrics_.send_retries.fetch_add(unit.rows.size(), std::memory_order_relaxed);
        metrics_.retries_by.add(unit.rows.front().effective_purpose(), code_label(outcome), unit.rows.size());
    };
    if (outcome.error && outcome.error->code == kMediaErrorCode && attempts == 0) {
        // Meta refused the media id we uploaded (expired sooner than we counted): the retry uploads it again,
        // once.
        for (const auto& row : unit.rows) {
            if (auto original = message_of(row)) {
                media_->drop_upload(*original);
            }
        }
    }
    if (halted_ && unit.probe && cls != ErrorClass::kHalt && outcome.error) {
        // Graph answered the probe with something other than a halt: whatever stopped us is cleared.
        halted_ = false;
        halt_pause_ = settings_.halt_pause;
        metrics_.sending_halted.store(0);
        ++stats_.resumes;
        log_->warn("sending resumed: probe answered {}", reason);
        note_halt("resume", "probe answered " + reason);
    }
    switch (cls) {
        case ErrorClass::kThrottle: {
            ++stats_.throttled;
            auto delay = decision.delay;
            if (outcome.error && outcome.error->code == kPairLimitCode) {
                // Pair limit: this recipient only, 4^X s (Meta's advice), at least what Retry-After says.
                delay = std::max<milliseconds>(delay, governor_.pair_limited(recipient));
            } else {
                // The number is over its rate: hold every send, not just this one.
                governor_.pause_number(now + std::max<milliseconds>(delay, milliseconds{1000}));
            }
            log_->debug("throttled to={} retry_in_ms={} reason={}", core::redact(recipient), delay.count(), reason);
            back(now_ms + delay.count(), false);
            return;
        }
        case ErrorClass::kRetryable:
            if (decision.action == RetryDecision::Action::kRetry) {
                ++stats_.retried;
                log_->debug("retrying to={} attempt={} in_ms={} reason={}", core::redact(recipient), attempts + 1,
                           decision.delay.count(), reason);
                back(now_ms + decision.delay.count(), true);
                return;
            }
            break;  // out of attempts: fail below
        case ErrorClass::kWindowClosed:
            // The member's window is closed although our records said otherwise (or we had none).
            for (const auto& row : unit.rows) {
                if (auto original = message_of(row)) {
                    window_policy(row, *original, reason);
                }
            }
            return;
        case ErrorClass::kHalt:
            ++stats_.halts;
            enter_halt(reason);
            back(now_ms, false);
            return;
        case ErrorClass::kPermanent:
            break;
    }
    // Fails the message only: a member is never opted out or blocked because of an error.
    for (const auto& row : unit.rows) {
        ++stats_.failed;
        metrics_.messages_failed.fetch_add(1, std::memory_order_relaxed);
        metrics_.failed_by.add(row.effective_purpose(), code_label(outcome));
        // The outbox id and the key's first part only: logical keys may carry a member's inbound wamid, which
        // holds their number (docs/WHATSAPP.md).
        const std::string_view kind = std::string_view(row.logical_key).substr(0, row.logical_key.find(':'));
        log_->warn("message failed id={} kind={} to={} reason={}", row.id, kind, core::redact(recipient), reason);
        record(Write{Write::Type::kFail, {row.id}, reason, 0, true, {}, {}});
    }
}

void Dispatcher::note_halt(const std::string& event, const std::string& reason) {
    const auto at_ms = core::to_unix_ms(clock_.now());
    writer_.post([event, reason, at_ms](store::Database& db) {
        store::AccountRepository(db.sql()).note_halt(event, reason, at_ms);
    });
}

void Dispatcher::enter_halt(const std::string& reason) {
    const auto now = clock_.now();
    if (!halted_) {
        halt_pause_ = settings_.halt_pause;
        note_halt("halt", reason);
    } else if (now >= halt_until_) {
        // A probe came back with a halt again: wait longer before the next one.
        halt_pause_ = std::min(halt_pause_ * 2, settings_.max_halt_pause);
    }
    halted_ = true;
    halt_until_ = std::max(halt_until_, now + halt_pause_);
    metrics_.sending_halted.store(1);
    log_->critical("SENDING HALTED for {}s, then one probe: {}", halt_pause_.count(), reason);
}

void Dispatcher::window_policy(const store::OutboxRow& row, const core::OutgoingMessage& message,
                               const std::string& why) {
    const auto language = row.language.empty() ? std::string("en") : row.language;
    const auto purpose = row.effective_purpose();
    std::string why_not;
    if (const auto* spec = settings_.templates.find(purpose, language); spec == nullptr) {
        why_not = "no template for " + purpose + "/" + language;
    } else if (const auto st = account_.template_status.find({spec->name, spec->language_code});
               st != account_.template_status.end() && st->second != "APPROVED") {
        why_not = "template " + spec->name + " (" + spec->language_code + ") is " + st->second;
    } else if (auto templated = template_for(*spec, message); !templated) {
        why_not = "its buttons do not fit template " + spec->name;
    } else if (!take_limit(row.recipient)) {
        ++stats_.limit_held;
        why_not = "messaging limit reached: " + std::to_string(messaging_limit()) + " members in 24 h";
    } else {
        ++stats_.templated;
        metrics_.messages_templated.fetch_add(1, std::memory_order_relaxed);
        log_->info("window closed to={} purpose={} → template {}", core::redact(row.recipient), purpose, spec->name);
        record(Write{Write::Type::kRewrite, {row.id}, why + "; sent as template " + spec->name, 0, false,
                     "template", encode(*templated)});
        return;
    }
    ++stats_.held;
    metrics_.messages_held.fetch_add(1, std::memory_order_relaxed);
    metrics_.outbox_held.fetch_add(1, std::memory_order_relaxed);
    log_->info("window closed to={} purpose={} → held until the member writes ({})", core::redact(row.recipient),
               purpose, why_not);
    record(Write{Write::Type::kHold, {row.id}, why + "; waits for the member's next message (" + why_not + ")", 0,
                 false, {}, {}});
}

void Dispatcher::record(Write write) {
    writes_.push_back(std::move(write));
}

void Dispatcher::apply(store::OutboxRepository& repo, const Write& w, std::int64_t now_ms) {
    switch (w.type) {
        case Write::Type::kSent:
            repo.mark_sent(w.ids, w.text, now_ms);
            return;
        case Write::Type::kRetry:
            repo.reschedule(w.ids.front(), w.next_ms, w.text, w.count_attempt, now_ms);
            return;
        case Write::Type::kDefer:
            repo.defer(w.ids.front(), w.next_ms);
            return;
        case Write::Type::kFail:
            repo.mark_failed(w.ids.front(), w.text, now_ms);
            return;
        case Write::Type::kHold:
            repo.hold(w.ids.front(), w.text, now_ms);
            return;
        case Write::Type::kRewrite:
            repo.rewrite(w.ids.front(), w.kind, w.payload, store::OutboxEncoding::kMessage, w.text, now_ms);
            return;
    }
}

asio::awaitable<void> Dispatcher::flush() {
    // One transaction for every outcome that piled up while the previous commit ran (group commit): the
    // fsync per commit, not per message, is what bounds the send rate otherwise.
    while (!writes_.empty()) {
        auto batch = std::make_shared<std::vector<Write>>();
        batch->swap(writes_);
        recording_ = batch->size();
        const auto now_ms = core::to_unix_ms(clock_.now());
        std::function<bool(store::Database&)> job = [this, batch, now_ms](store::Database& db) {
            try {
                SQLite::Transaction tx(db.sql(), SQLite::TransactionBehavior::IMMEDIATE);
                for (const auto& w : *batch) {
                    apply(*repo_, w, now_ms);
                }
                tx.commit();
                return true;
            } catch (const std::exception& e) {
                log_->error("recording {} outcomes failed, will retry: {}", batch->size(), e.what());
                return false;
            }
        };
        const bool ok = co_await writer_.run<bool>(std::move(job));
        recording_ = 0;
        if (!ok) {
            // The rows stay claimed (never sent twice meanwhile); try the same outcomes again shortly.
            writes_.insert(writes_.begin(), batch->begin(), batch->end());
            asio::steady_timer pause(executor_, milliseconds{500});
            boost::system::error_code ec;
            co_await pause.async_wait(asio::redirect_error(asio::use_awaitable, ec));
        }
    }
    flushing_ = false;
    wake_.cancel();
}

}  // namespace delvex::delivery
