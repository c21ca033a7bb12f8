#pragma once

#include <string>
#include <string_view>

namespace delvex::community {

/// A first guess at a member's language from their number's country calling code (they can change it).
/// Returns one of en, fr, es, pt, sw; English when the code says nothing useful or there is no number.
std::string guess_language(std::string_view wa_id);

}  // namespace delvex::community
