#include "bot/community/welcome.hpp"

#include <algorithm>
#include <cctype>

namespace delvex::community {

std::string welcome_message(const core::Catalog& catalog, const std::string& language,
                            const std::string& profile_name) {
    const auto digits = std::count_if(profile_name.begin(), profile_name.end(),
                                      [](unsigned char c) { return std::isdigit(c) != 0; });
    const bool usable = !profile_name.empty() && digits < 5 && profile_name.size() <= 60;
    const std::string name = usable ? profile_name : catalog.text(language, "welcome.friend");
    return catalog.text(language, "welcome.first", {{"name", name}});
}

}  // namespace delvex::community
