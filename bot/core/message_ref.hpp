#pragma once

#include <string>
#include <string_view>

namespace delvex::core {

/// A message id (wamid) as keys, job names and log lines may carry it. A wamid is not anonymous: it is the
/// base64 of a structure that starts with the member's number (docs/WHATSAPP.md §2), so a key built from it
/// would put the number into every row and log line that names the key, and keep it there after FORGET ME.
/// The ref is "m." and the first 24 hex digits (96 bits) of the id's SHA-256: the same id always gives the same
/// ref (so keys stay idempotent when Meta delivers a webhook twice), and the ref gives back neither the id nor
/// the number (the id's random part, 16 bytes or more, makes trying numbers hopeless).
std::string message_ref(std::string_view wamid);

}  // namespace delvex::core
