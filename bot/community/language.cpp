#include "bot/community/language.hpp"

#include <array>
#include <utility>

namespace delvex::community {
namespace {

// Calling codes of the countries where Delve Exchange's miners live, mapped to the language most members
// there read. Longest prefixes are tried first. Where two languages are common (Cameroon, Kenya) we pick
// the one the programme uses most; the member changes it with one command.
constexpr std::array<std::pair<std::string_view, std::string_view>, 52> kPrefixes = {{
    // West Africa & Sahel
    {"221", "fr"}, {"222", "fr"}, {"223", "fr"}, {"224", "fr"}, {"225", "fr"}, {"226", "fr"},
    {"227", "fr"}, {"228", "fr"}, {"229", "fr"}, {"233", "en"}, {"234", "en"}, {"231", "en"},
    {"232", "en"}, {"220", "en"}, {"245", "pt"}, {"238", "pt"},
    // Central Africa
    {"235", "fr"}, {"236", "fr"}, {"237", "fr"}, {"241", "fr"}, {"242", "fr"}, {"243", "fr"},
    {"250", "fr"}, {"257", "fr"}, {"240", "es"}, {"239", "pt"}, {"244", "pt"},
    // East Africa
    {"254", "sw"}, {"255", "sw"}, {"256", "en"}, {"251", "en"}, {"211", "en"},
    // Southern Africa
    {"258", "pt"}, {"260", "en"}, {"263", "en"}, {"265", "en"}, {"27", "en"}, {"261", "fr"},
    // Latin America
    {"51", "es"}, {"52", "es"}, {"53", "es"}, {"54", "es"}, {"56", "es"}, {"57", "es"}, {"58", "es"},
    {"591", "es"}, {"593", "es"}, {"595", "es"}, {"55", "pt"},
    // Europe (staff and partners)
    {"33", "fr"}, {"34", "es"}, {"351", "pt"},
}};

}  // namespace

std::string guess_language(std::string_view wa_id) {
    if (!wa_id.empty() && wa_id.front() == '+') {
        wa_id.remove_prefix(1);
    }
    std::string_view best;
    std::string_view lang = "en";
    for (const auto& [prefix, language] : kPrefixes) {
        if (wa_id.starts_with(prefix) && prefix.size() > best.size()) {
            best = prefix;
            lang = language;
        }
    }
    return std::string(lang);
}

}  // namespace delvex::community
