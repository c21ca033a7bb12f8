#pragma once

// Console passwords: argon2id (RFC 9106), the memory-hard function OWASP recommends for stored passwords,
// through the reference library (libargon2). Parameters follow OWASP's first choice for argon2id: 19 MiB of
// memory, 2 passes, 1 lane — about 30 ms here, cheap for one login, costly for a guesser with the file.
// Hashes are kept in the PHC string form ($argon2id$v=19$m=…,t=…,p=…$salt$hash), so the parameters travel
// with each hash and can be raised later without breaking old ones.

#include <string>
#include <string_view>

namespace delvex::console {

struct PasswordCost {
    unsigned memory_kib = 19 * 1024;
    unsigned passes = 2;
    unsigned lanes = 1;
};

/// The shortest password accepted for a console account.
inline constexpr std::size_t kMinPasswordLength = 10;

/// A fresh argon2id hash of `password` with a random 16-byte salt. Throws std::runtime_error if the library
/// fails (out of memory).
std::string hash_password(std::string_view password, PasswordCost cost = {});

/// Whether `password` matches `encoded` (an argon2id PHC string); false for anything malformed.
bool verify_password(std::string_view password, const std::string& encoded);

}  // namespace delvex::console
