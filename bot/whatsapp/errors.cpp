#include "bot/whatsapp/errors.hpp"

#include "bot/whatsapp/graph_client.hpp"

#include <algorithm>
#include <array>

namespace delvex::whatsapp {

namespace {

// docs/WHATSAPP.md §6.2 and docs/DELIVERY.md. 613 is Graph's generic "too many calls", documented for some
// WhatsApp endpoints: backing off is the only sensible answer to it.
constexpr std::array<std::int64_t, 7> kThrottleCodes{4, 613, 80007, 130429, 131048, 131056, 133016};
constexpr std::array<std::int64_t, 4> kRetryableCodes{131000, 131016, 131053, 131057};
constexpr std::array<std::int64_t, 5> kHaltCodes{0, 190, 368, 131031, 131042};
constexpr std::int64_t kWindowCode = 131047;

template <std::size_t N>
bool contains(const std::array<std::int64_t, N>& codes, std::int64_t code) {
    return std::find(codes.begin(), codes.end(), code) != codes.end();
}

}  // namespace

ErrorClass classify(const GraphError& error) {
    const bool has_code = error.code != GraphError::kNoCode;
    if (error.http_status == 429 || (has_code && contains(kThrottleCodes, error.code))) {
        return ErrorClass::kThrottle;
    }
    if (has_code && contains(kHaltCodes, error.code)) {
        return ErrorClass::kHalt;
    }
    if (has_code && error.code == kWindowCode) {
        return ErrorClass::kWindowClosed;
    }
    if (error.is_transient || error.http_status >= 500 || (has_code && contains(kRetryableCodes, error.code))) {
        return ErrorClass::kRetryable;
    }
    // Anything else, including an unparsable 4xx body: a retry would fail the same way.
    return ErrorClass::kPermanent;
}

ErrorClass classify(const boost::system::error_code&) {
    return ErrorClass::kRetryable;
}

ErrorClass classify(const SendOutcome& outcome) {
    if (outcome.error) {
        return classify(*outcome.error);
    }
    return classify(outcome.transport_error);
}

std::string_view to_string(ErrorClass c) {
    switch (c) {
        case ErrorClass::kThrottle:
            return "throttle";
        case ErrorClass::kRetryable:
            return "retryable";
        case ErrorClass::kWindowClosed:
            return "window_closed";
        case ErrorClass::kPermanent:
            return "permanent";
        case ErrorClass::kHalt:
            return "halt";
    }
    return "unknown";
}

}  // namespace delvex::whatsapp
