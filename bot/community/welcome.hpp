#pragma once

#include <string>

#include "bot/core/i18n.hpp"

namespace delvex::community {

/// The first message a new member gets, in their language. The profile name is WhatsApp's display name;
/// when it is empty or looks like a phone number we greet them without it, so no number is ever echoed.
std::string welcome_message(const core::Catalog& catalog, const std::string& language,
                            const std::string& profile_name);

}  // namespace delvex::community
