#pragma once

#include <string>
#include <string_view>

namespace delvex::core {

/// True when a and b are equal, in time that depends on neither's content (secrets, tokens, signatures).
/// Both sides are hashed first, so not even the length of the secret leaks through timing.
bool constant_time_equal(std::string_view a, std::string_view b);

/// The value of one hex digit (either case), or -1.
int hex_value(char c);

/// Lower-case hex of HMAC-SHA256(key, message).
std::string hmac_sha256_hex(std::string_view key, std::string_view message);

/// Lower-case hex of SHA-256(data).
std::string sha256_hex(std::string_view data);

/// Standard base64 (RFC 4648 §4, with padding) of `data`.
std::string base64(std::string_view data);

/// `n` random bytes from the system CSPRNG, as lower-case hex.
std::string random_hex(std::size_t n);

}  // namespace delvex::core
