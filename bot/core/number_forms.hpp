#pragma once

// A phone number hides in more than its digits: Meta's message ids (wamids) are the base64 of a structure
// that holds the number, so an erasure that looks only for the digits leaves it behind.

#include <string>
#include <string_view>
#include <vector>

namespace delvex::core {

/// Every text form in which `digits` (a number as WhatsApp writes it, no '+') can sit in a file: the digits,
/// "+digits", and the base64 of the digits at each of the three byte offsets a structure may put them at,
/// standard and URL-safe, full base64 groups only (the groups that mix the number with its neighbours are
/// left out, so the forms match whatever surrounds it). Masking every match leaves no base64 group from
/// which the whole number decodes. Empty for an empty argument.
std::vector<std::string> number_forms(std::string_view digits);

/// Overwrites every occurrence of each of `forms` in `text` with '*' of the same length (offsets and sizes
/// stay as they were). Returns how many occurrences were masked.
std::size_t mask_forms(std::string& text, const std::vector<std::string>& forms);

}  // namespace delvex::core
