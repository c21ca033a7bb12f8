#pragma once

// An in-process fake Graph API for tests, benchmarks and `delvex demo`: same paths, bodies and answers as
// Meta (contract whatsapp-cloud-api.md §5, §6, §8), bound to 127.0.0.1:0. It enforces the throughput cap
// (130429) and the per-recipient pair limit (131056), injects faults, and records every accepted message.

#include "bot/core/outgoing.hpp"

#include <boost/asio/any_io_executor.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
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
};

struct FakeGraphOptions {
    std::string api_version = "v25.0";
    std::string phone_number_id = "106540352242922";
    std::string access_token = "fake-graph-token";
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
};

struct RecordedRead {
    std::string message_id;
    bool typing = false;
};

struct FakeGraphStats {
    std::uint64_t connections = 0;  ///< TCP connections accepted
    std::uint64_t requests = 0;     ///< HTTP requests read (all paths)
    std::uint64_t accepted = 0;     ///< messages accepted and recorded
    std::uint64_t throttled = 0;    ///< 130429 answers from the throughput cap
    std::uint64_t pair_limited = 0; ///< 131056 answers from the pair limit
    std::uint64_t faults = 0;       ///< injected faults answered (or left unanswered)
    std::uint64_t rejected = 0;     ///< 400/401 for bad token or malformed bodies
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
    /// Registers bytes as an uploaded media file and returns its id (for download tests).
    std::string add_media(std::string bytes, std::string mime_type);

private:
    struct Impl;
    std::shared_ptr<Impl> impl_;
};

}  // namespace delvex::whatsapp
