#pragma once

// An in-process fake Graph API for tests, benchmarks and `delvex demo`: same paths, bodies and answers as
// Meta, bound to 127.0.0.1:0. It refuses what Meta refuses (the 24 h window, templates, media, message
// limits, the messaging limit; docs/FAKE_GRAPH.md has the table of rules and codes), enforces the
// throughput cap (130429) and the per-recipient pair limit (131056), injects faults, serves the template
// management API, and records every accepted message and every refusal.

#include "bot/core/clock.hpp"
#include "bot/core/outgoing.hpp"
#include "bot/whatsapp/wire/templates.hpp"

#include <boost/asio/any_io_executor.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace delvex::whatsapp {

/// A fault the fake can answer with instead of accepting a request.
enum class FakeFault {
    kNone,
    kServerError,   ///< HTTP 500, code 131000, is_transient
    kSlow,          ///< answers normally after FakeGraphOptions::slow_delay
    kTimeout,       ///< reads the request and never answers (the client must time out)
    kWindowClosed,  ///< HTTP 400, code 131047
    kTokenExpired,  ///< HTTP 401, code 190, subcode 463
    kThrottle,      ///< HTTP 429 + Retry-After, code 130429
    kPairLimit,     ///< HTTP 400, code 131056
    /// HTTP 400, code 131026 "Message Undeliverable" (not a WhatsApp number, terms not accepted, an old
    /// client; Meta's error codes reference, Cloud API). Never retried: the message fails for good.
    kUndeliverable,
};

struct FakeGraphOptions {
    std::string api_version = "v25.0";
    std::string phone_number_id = "106540352242922";
    std::string access_token = "fake-graph-token";
    /// The WhatsApp Business Account: /{waba_id}/message_templates and entry.id of the WABA webhooks.
    std::string waba_id = "102290129340398";
    /// The fake's time for the 24 h window and the messaging limit; nullptr = the system clock. Not owned.
    const core::Clock* clock = nullptr;
    /// Unique recipients reached by templates outside their window per moving 24 h (Meta's messaging
    /// limit, 250 for a new portfolio); 0 = unlimited. Over → 131048.
    std::size_t messaging_limit = 250;
    /// When non-empty, every call must carry appsecret_proof = hex(HMAC-SHA256(app_secret, token)).
    std::string app_secret;

    /// Messages per second accepted on the number (a 1-second token bucket); 0 = no cap. Over → 130429.
    double max_messages_per_second = 0;
    /// Per-recipient pair limit: a bucket of `pair_burst` messages refilled one per `pair_interval`;
    /// pair_burst 0 = off. Meta: about 1 per 6 s sustained, bursts up to 45. Over → 131056.
    std::size_t pair_burst = 0;
    std::chrono::milliseconds pair_interval{6000};
    /// Retry-After seconds sent with HTTP 429 answers.
    int retry_after_seconds = 1;

    /// Random faults on /messages requests, as percentages (0–100), drawn from a generator seeded with `seed`.
    double percent_server_error = 0;
    double percent_slow = 0;
    double percent_timeout = 0;
    double percent_window_closed = 0;
    double percent_token_expired = 0;
    double percent_throttle = 0;
    std::uint64_t seed = 1;
    std::chrono::milliseconds slow_delay{200};

    std::size_t max_body_bytes = 120 * 1024 * 1024;
};

/// One message the fake accepted.
struct RecordedMessage {
    std::string recipient;   ///< "to" (with its '+') or the BSUID of "recipient"
    bool by_bsuid = false;
    std::string type;        ///< "text", "interactive", "image", "template", …
    std::string text;        ///< text.body; interactive body text; media caption; template name
    std::string title;       ///< interactive: header text / list button label
    std::vector<std::string> options;  ///< reply-button titles or list row titles, in order
    std::string context_message_id;
    std::string wamid;       ///< the id the fake answered with
    std::string raw_json;    ///< the request body as received
    core::OutgoingMessage message;  ///< the body parsed back into domain form
    /// What Meta would bill, as its status webhooks say (pricing.category, pricing.type, billable): a
    /// template its own category, anything else "service"; a non-template or a utility template inside the
    /// member's customer service window is free ("free_customer_service"), the rest "regular".
    std::string pricing_category = {};
    std::string pricing_type = {};
    bool billable = false;
};

struct RecordedRead {
    std::string message_id;
    bool typing = false;
};

/// A request the fake refused by one of Meta's rules (not the rate caps, faults or a bad token).
struct RecordedRefusal {
    std::string recipient;  ///< as sent ("to" or "recipient"); empty when the body named none
    std::int64_t code = 0;
    std::string path;       ///< e.g. "/v25.0/106540352242922/messages"
    std::string raw_json;   ///< the request body (a media upload: its type and size only)
};

/// A file the fake holds (uploaded or sent by a member).
struct FakeMediaInfo {
    std::string mime_type;
    std::size_t bytes = 0;
    bool inbound = false;
};

struct FakeGraphStats {
    std::uint64_t connections = 0;  ///< TCP connections accepted
    std::uint64_t requests = 0;     ///< HTTP requests read (all paths)
    std::uint64_t accepted = 0;     ///< messages accepted and recorded
    std::uint64_t throttled = 0;    ///< 130429 answers from the throughput cap
    std::uint64_t pair_limited = 0; ///< 131056 answers from the pair limit
    std::uint64_t faults = 0;       ///< injected faults answered (or left unanswered)
    std::uint64_t rejected = 0;     ///< 400/401 for bad token or malformed bodies
    std::uint64_t refused = 0;      ///< requests refused by one of Meta's rules (see refusals())
    std::map<std::int64_t, std::uint64_t> refused_by_code;  ///< the same, per Graph error code
    std::uint64_t messaging_limited = 0;  ///< 131048 answers from the messaging limit (also in refused)
    std::uint64_t media_lookups = 0;    ///< GET /{media-id} answered with a download URL
    std::uint64_t media_downloads = 0;  ///< files served from a download URL
    std::uint64_t media_uploads = 0;    ///< POST /{phone-number-id}/media accepted
};

/// The fake server. Runs on `executor` (typically the test's io_context); the accessors are thread-safe.
class FakeGraph {
public:
    explicit FakeGraph(boost::asio::any_io_executor executor, FakeGraphOptions options = {});
    ~FakeGraph();
    FakeGraph(const FakeGraph&) = delete;
    FakeGraph& operator=(const FakeGraph&) = delete;

    /// Binds 127.0.0.1:0 and starts accepting (on the executor). Throws if the bind fails.
    void start();
    /// Stops accepting and closes every connection, unanswered ones included. Call it on the executor's
    /// thread or while the executor is not running.
    void stop();
    /// Closes every open connection but keeps accepting (as Meta closing idle keep-alive connections).
    /// Same threading rule as stop().
    void close_connections();

    std::uint16_t port() const;
    std::string base_url() const;  ///< "http://127.0.0.1:<port>"
    const FakeGraphOptions& options() const;

    std::vector<RecordedMessage> messages() const;
    std::vector<RecordedRead> reads() const;
    FakeGraphStats stats() const;
    /// Called on the executor for each accepted message, before the answer is written.
    void on_message(std::function<void(const RecordedMessage&)> callback);

    /// Answers the next `count` /messages requests with `fault` (before any random fault).
    void fail_next(FakeFault fault, std::size_t count = 1);
    /// Changes the random fault percentages while running.
    void set_fault_percentages(double server_error, double slow, double timeout, double window_closed,
                               double token_expired, double throttle);
    /// Changes the throughput cap while running (0 = none).
    void set_max_messages_per_second(double rate);
    /// Registers bytes as an uploaded media file and returns its id (downloadable and sendable).
    std::string add_media(std::string bytes, std::string mime_type);
    /// Registers bytes as media a member sent: resolvable by GET /{id} and downloadable, never sendable.
    std::string add_inbound_media(std::string bytes, std::string mime_type);
    /// The type and size of a file the fake holds, by id (nullopt for an unknown id).
    std::optional<FakeMediaInfo> media_info(const std::string& id) const;

    /// A message from a member, as seen by Meta: opens (or refreshes) their 24 h window at `at`.
    /// `wa_id_or_bsuid` may carry a leading '+'. Thread-safe.
    void note_inbound(std::string wa_id_or_bsuid, core::TimePoint at);
    /// Every request refused by a rule, in order.
    std::vector<RecordedRefusal> refusals() const;
    /// Changes the messaging limit while running (0 = unlimited).
    void set_messaging_limit(std::size_t limit);

    /// Adds a template after Meta's approval review, with the status it carries (seed APPROVED ones this
    /// way). Returns its id; throws std::invalid_argument with the review's reason when it would be refused.
    std::string add_template(wire::TemplateDefinition definition);
    /// Shorthand: an APPROVED UTILITY template whose example values are generated.
    std::string add_approved_template(std::string name, std::string language, std::string body,
                                      std::vector<std::string> quick_replies = {});
    /// Every PENDING template becomes APPROVED; returns how many.
    std::size_t approve_pending();
    /// Sets a template's status and returns the message_template_status_update webhook body Meta would
    /// post about it. Throws std::invalid_argument when no template has that name and language.
    std::string set_template_status(const std::string& name, const std::string& language, const std::string& status,
                                    const std::string& reason = "NONE");
    std::vector<wire::TemplateDefinition> templates() const;
    /// The account_update webhook body for `event` (e.g. "ACCOUNT_RESTRICTION").
    std::string account_update_webhook(const std::string& event) const;
    /// The business_capability_update webhook body announcing a new messaging limit.
    std::string business_capability_webhook(std::int64_t messaging_limit) const;
    /// The status webhook bodies Meta would post about an accepted message, one per status in `statuses`
    /// ("sent", "delivered", "read"), each with the message's pricing object (Meta repeats it on every one).
    /// Throws std::invalid_argument for an id the fake never answered with.
    std::vector<std::string> status_webhooks(const std::string& wamid,
                                             const std::vector<std::string>& statuses = {"sent", "delivered",
                                                                                          "read"}) const;

private:
    struct Impl;
    std::shared_ptr<Impl> impl_;
};

}  // namespace delvex::whatsapp
