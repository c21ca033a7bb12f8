#pragma once

// Checks on a member's file before we keep and upload it: Meta's supported types and sizes
// (docs/WHATSAPP.md §8) and the content hash Meta gave for it.

#include <cstddef>
#include <optional>
#include <string_view>

namespace delvex::delivery {

/// The largest file Meta takes for this type (parameters such as "; codecs=opus" ignored), or nullopt when
/// the type is not one Meta sends.
std::optional<std::size_t> media_size_limit(std::string_view mime);

/// Whether `expected` (Meta's sha256 of the file: base64 in webhooks, sometimes hex) names the content whose
/// digest is `sha256_hex`; nullopt when `expected` is empty or not a SHA-256 digest in either form.
std::optional<bool> digest_matches(std::string_view expected, std::string_view sha256_hex);

}  // namespace delvex::delivery
