#include "bot/console/password.hpp"

#include <argon2.h>
#include <openssl/rand.h>

#include <array>
#include <cstdint>
#include <stdexcept>
#include <vector>

namespace delvex::console {

std::string hash_password(std::string_view password, PasswordCost cost) {
    std::array<unsigned char, 16> salt{};
    if (RAND_bytes(salt.data(), static_cast<int>(salt.size())) != 1) {
        throw std::runtime_error("no random bytes for a password salt");
    }
    constexpr std::size_t kHashLength = 32;
    const std::size_t length =
        argon2_encodedlen(cost.passes, cost.memory_kib, cost.lanes, static_cast<std::uint32_t>(salt.size()),
                          kHashLength, Argon2_id);
    std::vector<char> encoded(length);
    const int rc = argon2id_hash_encoded(cost.passes, cost.memory_kib, cost.lanes, password.data(), password.size(),
                                         salt.data(), salt.size(), kHashLength, encoded.data(), encoded.size());
    if (rc != ARGON2_OK) {
        throw std::runtime_error(std::string("argon2id failed: ") + argon2_error_message(rc));
    }
    return std::string(encoded.data());
}

bool verify_password(std::string_view password, const std::string& encoded) {
    if (!encoded.starts_with("$argon2id$")) {
        return false;
    }
    return argon2id_verify(encoded.c_str(), password.data(), password.size()) == ARGON2_OK;
}

}  // namespace delvex::console
