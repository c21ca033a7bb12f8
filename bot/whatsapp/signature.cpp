#include "bot/whatsapp/signature.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <array>
#include <stdexcept>

#include "bot/core/crypto.hpp"

namespace delvex::whatsapp {
namespace {

constexpr std::string_view kPrefix = "sha256=";
constexpr std::size_t kMacSize = 32;

}  // namespace

SignatureVerifier::SignatureVerifier(std::string app_secret) : secret_(std::move(app_secret)) {}

bool SignatureVerifier::valid(std::string_view body, std::string_view header) const {
    if (header.size() != kPrefix.size() + 2 * kMacSize || header.substr(0, kPrefix.size()) != kPrefix) {
        return false;
    }
    std::array<unsigned char, kMacSize> given{};
    const auto hex = header.substr(kPrefix.size());
    bool well_formed = true;
    for (std::size_t i = 0; i < kMacSize; ++i) {
        const int hi = core::hex_value(hex[2 * i]);
        const int lo = core::hex_value(hex[2 * i + 1]);
        well_formed = well_formed && hi >= 0 && lo >= 0;
        given[i] = static_cast<unsigned char>(((hi & 0xf) << 4) | (lo & 0xf));
    }
    std::array<unsigned char, EVP_MAX_MD_SIZE> expected{};
    unsigned int len = 0;
    if (HMAC(EVP_sha256(), secret_.data(), static_cast<int>(secret_.size()),
             reinterpret_cast<const unsigned char*>(body.data()), body.size(), expected.data(), &len) ==
            nullptr ||
        len != kMacSize) {
        throw std::runtime_error("HMAC-SHA256 failed");
    }
    // Compare before looking at well_formed, so a malformed header costs the same as a wrong one.
    const bool equal = CRYPTO_memcmp(given.data(), expected.data(), kMacSize) == 0;
    return equal && well_formed;
}

std::string SignatureVerifier::sign(std::string_view body) const {
    return std::string(kPrefix) + core::hmac_sha256_hex(secret_, body);
}

}  // namespace delvex::whatsapp
