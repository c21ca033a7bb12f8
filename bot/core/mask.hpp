#pragma once

// A member's number as people who are not admins see it in the console: enough to tell two members apart at a
// glance, not enough to call them.

#include <string>
#include <string_view>

namespace delvex::core {

/// "254712345678" → "+254 7•• ••• •78": the first four digits (the country code and one more) and the last
/// two stay, the rest become "•", in groups of three after the first three digits. Fewer than 7 digits: all
/// but the last two masked. A BSUID (anything but digits and a leading '+') shows its first 4 characters then
/// "…". Empty stays empty.
std::string mask_number(std::string_view key);

}  // namespace delvex::core
