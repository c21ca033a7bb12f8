#include "bot/whatsapp/signature.hpp"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <array>
#include <atomic>
#include <memory>
#include <stdexcept>

#include "bot/core/crypto.hpp"

namespace delvex::whatsapp {
namespace {

constexpr std::string_view kPrefix = "sha256=";
constexpr std::size_t kMacSize = 32;

std::atomic<std::uint64_t> next_verifier_id{1};

/// One keyed HMAC-SHA256 context per thread, re-initialised with the same key for each body. OpenSSL 3's
/// one-shot HMAC() fetches the algorithm, allocates and keys a context on every call: 3.5 µs for a 1 KB
/// webhook against 1.1 µs this way (measured on the benchmark machine).
class KeyedMac {
public:
    void mac(std::uint64_t id, std::string_view key, std::string_view data, unsigned char* out) {
        if (ctx_ == nullptr || id_ != id) {
            rekey(id, key);
        } else if (EVP_MAC_init(ctx_.get(), nullptr, 0, nullptr) != 1) {
            throw std::runtime_error("HMAC-SHA256 init failed");
        }
        std::size_t len = 0;
        if (EVP_MAC_update(ctx_.get(), reinterpret_cast<const unsigned char*>(data.data()), data.size()) != 1 ||
            EVP_MAC_final(ctx_.get(), out, &len, kMacSize) != 1 || len != kMacSize) {
            ctx_.reset();  // a failed context is not reused
            throw std::runtime_error("HMAC-SHA256 failed");
        }
    }

private:
    struct Free {
        void operator()(EVP_MAC_CTX* c) const { EVP_MAC_CTX_free(c); }
    };

    void rekey(std::uint64_t id, std::string_view key) {
        static EVP_MAC* const hmac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
        if (hmac == nullptr) {
            throw std::runtime_error("HMAC is not available in OpenSSL");
        }
        ctx_.reset(EVP_MAC_CTX_new(hmac));
        char digest[] = "SHA256";
        const OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0),
                                     OSSL_PARAM_construct_end()};
        if (ctx_ == nullptr ||
            EVP_MAC_init(ctx_.get(), reinterpret_cast<const unsigned char*>(key.data()), key.size(), params) != 1) {
            ctx_.reset();
            throw std::runtime_error("HMAC-SHA256 init failed");
        }
        id_ = id;
    }

    std::unique_ptr<EVP_MAC_CTX, Free> ctx_;
    std::uint64_t id_ = 0;
};

}  // namespace

SignatureVerifier::SignatureVerifier(std::string app_secret)
    : secret_(std::move(app_secret)), id_(next_verifier_id.fetch_add(1, std::memory_order_relaxed)) {}

bool SignatureVerifier::valid(std::string_view body, std::string_view header) const {
    if (secret_.empty()) {
        return false;  // an HMAC with an empty key is one anybody can compute: nothing is valid without a secret
    }
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
    std::array<unsigned char, kMacSize> expected{};
    thread_local KeyedMac keyed;
    keyed.mac(id_, secret_, body, expected.data());
    // Compare before looking at well_formed, so a malformed header costs the same as a wrong one.
    const bool equal = CRYPTO_memcmp(given.data(), expected.data(), kMacSize) == 0;
    return equal && well_formed;
}

std::string SignatureVerifier::sign(std::string_view body) const {
    return std::string(kPrefix) + core::hmac_sha256_hex(secret_, body);
}

}  // namespace delvex::whatsapp
