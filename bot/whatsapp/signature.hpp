#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace delvex::whatsapp {

/// Checks Meta's `X-Hub-Signature-256: sha256=<64 hex>` against HMAC-SHA256(app secret, raw body), in
/// constant time. Any other header form (missing, wrong prefix, wrong length, not hex) is invalid.
class SignatureVerifier {
public:
    explicit SignatureVerifier(std::string app_secret);

    bool valid(std::string_view body, std::string_view header) const;

    /// The header value Meta would send for this body (the simulator and tests sign with it).
    std::string sign(std::string_view body) const;

private:
    std::string secret_;
    std::uint64_t id_;  ///< tells this verifier's key apart in the per-thread HMAC context cache
};

}  // namespace delvex::whatsapp
