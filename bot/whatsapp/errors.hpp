#pragma once

// Graph API errors and what delivery does about them (docs/WHATSAPP.md §6).

#include <boost/system/error_code.hpp>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace delvex::whatsapp {

/// A non-2xx Graph API answer. `code` is kNoCode when the body was not a Graph error object (an HTML 502
/// from a proxy, an empty body): never mistake that for code 0 ("auth failed").
struct GraphError {
    static constexpr std::int64_t kNoCode = -1;

    int http_status = 0;  ///< 0 when the error was raised locally (validation) rather than by Graph
    std::int64_t code = kNoCode;
    std::int64_t subcode = 0;
    std::string type;        ///< e.g. "OAuthException"
    std::string message;     ///< e.g. "(#131047) Re-engagement message"
    std::string details;     ///< error_data.details
    std::string user_msg;    ///< error_user_msg (e.g. why a template was refused at review)
    std::string fbtrace_id;
    bool is_transient = false;
    std::optional<std::chrono::seconds> retry_after;  ///< from a Retry-After header (seconds form)
};

/// What delivery does with a failed send.
enum class ErrorClass {
    kThrottle,      ///< back off without counting a failure (4, 613, 80007, 130429, 131048, 131056, 133016, HTTP 429)
    kRetryable,     ///< retry with capped exponential backoff (5xx, transport, 131000, 131016, 131053, 131057, is_transient)
    kWindowClosed,  ///< 131047: the 24 h window is closed; use a template or hold for the digest
    kPermanent,     ///< fail the message with its reason (100, 131026, 132xxx, anything unknown)
    kHalt,          ///< stop all sending and alert (0, 190, 368, 131031, 131042)
};

/// Classifies a Graph error by its code first, then by HTTP status. Pure; thread-safe.
ErrorClass classify(const GraphError& error);

/// Transport failures (connect, TLS, timeout, connection reset) are always retryable.
ErrorClass classify(const boost::system::error_code& transport_error);

/// "throttle", "retryable", "window_closed", "permanent", "halt" (for logs and metrics labels).
std::string_view to_string(ErrorClass c);

}  // namespace delvex::whatsapp
