#include "bot/core/message_ref.hpp"

#include "bot/core/crypto.hpp"

namespace delvex::core {

std::string message_ref(std::string_view wamid) { return "m." + sha256_hex(wamid).substr(0, 24); }

}  // namespace delvex::core
