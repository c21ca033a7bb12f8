#pragma once

// The Graph API client: HTTPS (or plain HTTP for a local fake) with a keep-alive connection pool.
// Meta's rules: docs/WHATSAPP.md §5 (send, mark as read), §6 (errors), §8 (media), §10 (appsecret_proof).
// Beast stays in graph_client.cpp; this header is cheap to include.

#include "bot/core/outgoing.hpp"
#include "bot/core/redact.hpp"
#include "bot/whatsapp/errors.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/system/error_code.hpp>

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

namespace spdlog {
class logger;
}

namespace delvex::whatsapp {

struct GraphConfig {
    std::string base_url = "https://graph.facebook.com";  ///< or "http://127.0.0.1:PORT" for a local fake
    std::string api_version = "v25.0";
    std::string phone_number_id;
    core::Secret access_token;
    core::Secret app_secret;      ///< needed only with appsecret_proof
    bool appsecret_proof = false;  ///< add appsecret_proof=hex(HMAC-SHA256(app secret, token)) to every call
    std::chrono::milliseconds timeout{10000};  ///< per step: connect, handshake, write, read
    std::size_t max_connections = 8;           ///< per origin; further requests wait for a free one
    /// A PEM file of the certificate authorities to trust instead of the system's (tests mint a CA; the service
    /// never sets it). Empty: the system's trust store. Verification itself is never optional.
    std::string trusted_ca_file{};
    /// An egress proxy for https origins, "http://[user:password@]host:port" (bot/whatsapp/proxy.hpp): the
    /// client tunnels through it with CONNECT. Empty: direct. An invalid value throws std::invalid_argument.
    std::string https_proxy{};
    /// Hosts reached directly even with a proxy (NO_PROXY's rules: "localhost,.internal.example", "*").
    std::string no_proxy{};
};

/// The result of one Graph call. Exactly one of: success (wamid/ok set), `error` (Graph answered
/// non-2xx, or the message failed validation: http_status 0, code 100), `transport_error` (no usable answer).
struct SendOutcome {
    std::string wamid;  ///< send_message: messages[0].id; empty for mark_as_read
    std::string wa_id;  ///< contacts[0].wa_id when Graph gave one
    std::optional<GraphError> error;
    boost::system::error_code transport_error;
    std::chrono::milliseconds elapsed{0};

    bool ok() const { return !error && !transport_error; }
};

/// Classifies a failed outcome (precondition: !outcome.ok()).
ErrorClass classify(const SendOutcome& outcome);

/// POST /{ver}/{phone_number_id}/media answer.
struct UploadOutcome {
    std::string media_id;
    std::optional<GraphError> error;
    boost::system::error_code transport_error;
    bool ok() const { return !error && !transport_error; }
};

/// GET /{ver}/{media_id} answer: where and what the media is (URL valid ~5 minutes).
struct MediaInfo {
    std::string id;
    std::string url;
    std::string mime_type;
    std::string sha256;
    std::int64_t file_size = 0;
};

struct MediaInfoOutcome {
    MediaInfo info;
    std::optional<GraphError> error;
    boost::system::error_code transport_error;
    bool ok() const { return !error && !transport_error; }
};

/// A downloaded media file. transport_error is boost::beast::http::error::body_limit when the file is
/// larger than the limit asked for.
struct DownloadOutcome {
    std::string bytes;
    std::string mime_type;
    std::optional<GraphError> error;
    boost::system::error_code transport_error;
    bool ok() const { return !error && !transport_error; }
};

/// A management API answer: the body on success, else the error.
struct GraphAnswer {
    std::string body;
    std::optional<GraphError> error;
    boost::system::error_code transport_error;
    bool ok() const { return !error && !transport_error; }
};

/// Counters for tests and /metrics.
struct GraphClientStats {
    std::uint64_t requests = 0;
    std::uint64_t connections_opened = 0;  ///< new TCP (+TLS) connections; far below `requests` with keep-alive
    std::uint64_t transport_errors = 0;
};

/// Talks to the Graph API. All calls must be made from `executor` (one thread or one strand); many
/// coroutines may call concurrently and share up to max_connections keep-alive connections per origin.
/// The access token is only ever written into the Authorization header; it never reaches a log.
class GraphClient {
public:
    /// `log` defaults to the "whatsapp" logger if registered, else spdlog's default logger.
    GraphClient(boost::asio::any_io_executor executor, GraphConfig config,
                std::shared_ptr<spdlog::logger> log = {});
    ~GraphClient();
    GraphClient(const GraphClient&) = delete;
    GraphClient& operator=(const GraphClient&) = delete;

    /// POST /{ver}/{phone_number_id}/messages with a body made by wire::to_graph_json.
    boost::asio::awaitable<SendOutcome> send_message(std::string json_body);

    /// Serializes (checking every §5.2 limit) and sends. A validation failure comes back as
    /// error{http_status 0, code 100, message = the reason}, classified permanent, without a request.
    boost::asio::awaitable<SendOutcome> send(core::OutgoingMessage message);

    /// Marks an inbound message (and earlier ones in that chat) as read; `typing` also shows the typing
    /// indicator until we reply or 25 s pass.
    boost::asio::awaitable<SendOutcome> mark_as_read(std::string wamid, bool typing = false);

    /// Uploads a file (multipart) → media id usable for 30 days.
    boost::asio::awaitable<UploadOutcome> upload_media(std::string bytes, std::string mime_type,
                                                       std::string filename);

    /// Resolves a media id to its short-lived download URL.
    boost::asio::awaitable<MediaInfoOutcome> get_media(std::string media_id);

    /// Fetches a media URL (with the bearer token, as Meta requires), refusing files above max_bytes.
    boost::asio::awaitable<DownloadOutcome> download_media(std::string url, std::size_t max_bytes);

    /// GET (empty body) or POST (JSON body) /{ver}/{path}, path relative to the version and with its query
    /// string, e.g. "{waba-id}/message_templates?limit=100": the management API (templates).
    boost::asio::awaitable<GraphAnswer> call(bool post, std::string path, std::string json_body);

    /// Closes idle connections; in-flight calls finish on their own connections, which are then dropped.
    void close_idle();

    GraphClientStats stats() const;
    const GraphConfig& config() const;

private:
    struct Impl;
    std::shared_ptr<Impl> impl_;
};

/// hex(HMAC-SHA256(key = app_secret, message = access_token)), the appsecret_proof parameter.
std::string appsecret_proof(const core::Secret& app_secret, const core::Secret& access_token);

}  // namespace delvex::whatsapp
