#include "bot/core/metrics.hpp"

#include <fmt/format.h>

#include "bot/core/process_metrics.hpp"

namespace delvex::core {
namespace {

constexpr std::array<const char*, static_cast<std::size_t>(Outcome::kCount_)> kOutcomeNames = {
    "ok",          "quarantined", "verified",  "forbidden", "bad_signature", "bad_json",
    "too_large",   "header_too_large", "not_found", "error", "overloaded",   "other",
};

/// A Prometheus label value: backslash, double quote and line feed escaped (exposition format 0.0.4).
std::string label_value(std::string_view v) {
    std::string out;
    out.reserve(v.size());
    for (const char c : v) {
        if (c == '\\' || c == '"') {
            out += '\\';
            out += c;
        } else if (c == '\n') {
            out += "\\n";
        } else {
            out += c;
        }
    }
    return out;
}

}  // namespace

void LabelledCounter::add(std::string_view first, std::string_view second, std::uint64_t n) {
    std::lock_guard lock(mutex_);
    auto key = std::make_pair(std::string(first), std::string(second));
    auto it = series_.find(key);
    if (it == series_.end()) {
        if (series_.size() >= kMaxSeries) {
            key = {"other", "other"};
        }
        it = series_.try_emplace(std::move(key), 0).first;
    }
    it->second += n;
}

std::map<std::pair<std::string, std::string>, std::uint64_t> LabelledCounter::snapshot() const {
    std::lock_guard lock(mutex_);
    return series_;
}

void Metrics::ingest_latency(double seconds) {
    std::size_t i = 0;
    while (i < kLatencyBuckets.size() && seconds > kLatencyBuckets[i]) {
        ++i;
    }
    latency_buckets_[i].fetch_add(1, std::memory_order_relaxed);
    latency_count_.fetch_add(1, std::memory_order_relaxed);
    latency_sum_us_.fetch_add(static_cast<std::uint64_t>(seconds * 1e6), std::memory_order_relaxed);
}

std::string Metrics::render() const {
    fmt::memory_buffer out;
    auto line = [&out]<typename... Args>(fmt::format_string<Args...> f, Args&&... args) {
        fmt::format_to(std::back_inserter(out), f, std::forward<Args>(args)...);
    };

    line("# HELP delvex_http_requests_total HTTP requests by outcome.\n");
    line("# TYPE delvex_http_requests_total counter\n");
    for (std::size_t i = 0; i < kOutcomeNames.size(); ++i) {
        line("delvex_http_requests_total{{outcome=\"{}\"}} {}\n", kOutcomeNames[i], requests_[i].load());
    }
    auto counter = [&](const char* name, const char* help, auto value) {
        line("# HELP {} {}\n# TYPE {} counter\n{} {}\n", name, help, name, name, value);
    };
    auto gauge = [&](const char* name, const char* help, auto value) {
        line("# HELP {} {}\n# TYPE {} gauge\n{} {}\n", name, help, name, name, value);
    };
    counter("delvex_events_stored_total", "Webhook updates imported into the inbox (duplicates excluded).", events_stored.load());
    counter("delvex_events_duplicate_total", "Webhook updates dropped as already stored.", events_duplicate.load());
    counter("delvex_events_applied_total", "Inbox updates applied by the consumer.", events_applied.load());
    counter("delvex_events_failed_total", "Inbox updates the consumer could not apply (kept).",
            events_failed.load());
    counter("delvex_quarantined_total", "Webhook bodies of unknown shape kept for inspection.", quarantined.load());
    counter("delvex_group_commits_total", "Landing log appends (each makes a group of webhooks durable).",
            group_commits.load());
    counter("delvex_webhooks_landed_total", "Webhook POSTs made durable in the landing log (then answered 200).",
            webhooks_landed.load());
    gauge("delvex_landing_backlog_bytes", "Landed webhook bytes not yet imported into the inbox.",
          landing_backlog_bytes.load());
    gauge("delvex_inbox_backlog", "Inbox updates stored but not yet applied.", inbox_backlog.load());
    gauge("delvex_http_connections_open", "Open HTTP connections.", connections_open.load());
    counter("delvex_http_connections_evicted_total", "Idle connections closed to make room.",
            connections_evicted.load());
    // Labelled families: one series per pair seen; with none seen yet, one zero series so that a rate()
    // over the family has something to read from the first scrape.
    auto family = [&](const char* name, const char* help, const char* first, const char* second,
                      const LabelledCounter& labelled) {
        line("# HELP {} {}\n# TYPE {} counter\n", name, help, name);
        const auto series = labelled.snapshot();
        if (series.empty()) {
            line("{}{{{}=\"none\",{}=\"none\"}} 0\n", name, first, second);
        }
        for (const auto& [labels, value] : series) {
            line("{}{{{}=\"{}\",{}=\"{}\"}} {}\n", name, first, label_value(labels.first), second,
                 label_value(labels.second), value);
        }
    };
    family("delvex_messages_sent_total", "Messages accepted by the Graph API, by purpose and kind.", "purpose",
           "kind", sent_by);
    family("delvex_send_retries_total", "Sends put back for a later try, by purpose and Meta's error code.",
           "purpose", "code", retries_by);
    family("delvex_messages_failed_total", "Messages failed for good, by purpose and Meta's error code.",
           "purpose", "code", failed_by);
    gauge("delvex_outbox_queued", "Messages waiting in the outbox.", outbox_queued.load());
    gauge("delvex_sending_halted", "1 while all sending is paused by a halt error (expired token, block).",
          sending_halted.load());
    gauge("delvex_outbox_held", "Messages waiting for their member's next message (`delvex outbox held`).",
          outbox_held.load());
    counter("delvex_messages_held_total", "Messages held: window closed and no usable template, or over the "
            "messaging limit.", messages_held.load());
    counter("delvex_messages_templated_total", "Messages sent as a template because the window was closed.",
            messages_templated.load());
    gauge("delvex_templates_unusable", "Mapped templates Meta reports as not approved (paused, rejected, "
          "disabled); their purposes wait for members' windows.", templates_unusable.load());
    gauge("delvex_messaging_limit", "Unique users reachable with templates per moving 24 h (0 = no limit).",
          messaging_limit.load());
    gauge("delvex_messaging_limit_used", "Unique users sent a template in the last 24 h.",
          messaging_limit_used.load());
    counter("delvex_jobs_run_total", "Scheduled jobs run (reminders, digests, nudges).", jobs_run.load());
    counter("delvex_jobs_dropped_total", "Scheduled jobs dropped: found due after they stopped being useful.",
            jobs_dropped.load());
    counter("delvex_jobs_failed_total", "Scheduled jobs whose handler failed (kept for operators).",
            jobs_failed.load());
    counter("delvex_webhook_updates_other_number_total",
            "Webhook updates for another business number than ours: kept, not answered.",
            webhooks_other_number.load());
    counter("delvex_members_moved_total", "Members moved to a new number or BSUID (Meta's system notice).",
            members_moved.load());
    counter("delvex_member_moves_refused_total",
            "Number changes not applied: the new number already had a member with data (an operator decides).",
            member_moves_refused.load());

    line("# HELP delvex_ingest_latency_seconds Webhook POST from request read to committed 200.\n");
    line("# TYPE delvex_ingest_latency_seconds histogram\n");
    std::uint64_t cumulative = 0;
    for (std::size_t i = 0; i < kLatencyBuckets.size(); ++i) {
        cumulative += latency_buckets_[i].load();
        line("delvex_ingest_latency_seconds_bucket{{le=\"{}\"}} {}\n", kLatencyBuckets[i], cumulative);
    }
    cumulative += latency_buckets_[kLatencyBuckets.size()].load();
    line("delvex_ingest_latency_seconds_bucket{{le=\"+Inf\"}} {}\n", cumulative);
    line("delvex_ingest_latency_seconds_sum {}\n", static_cast<double>(latency_sum_us_.load()) / 1e6);
    line("delvex_ingest_latency_seconds_count {}\n", latency_count_.load());
    line("{}", render_build_info());
    line("{}", render_process_metrics());
    return fmt::to_string(out);
}

}  // namespace delvex::core
