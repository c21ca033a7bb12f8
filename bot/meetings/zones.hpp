#pragma once

// Time zones as members see them: a city name in their language instead of an IANA id ("Nairobi", "Le Caire"),
// and the zones to offer a member from their number's country calling code (+254 → Kenya → Nairobi;
// +55 → Brazil → São Paulo, Manaus, Rio Branco, Noronha). Names and zones come from ICU's data (CLDR).

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace delvex::meetings {

/// The zone's exemplar city in `language` (ICU), else the last part of the id with spaces ("Dar es Salaam").
std::string zone_city(std::string_view tz, std::string_view language);

/// ISO 3166 region of a number in international form without '+' ("254712…" → "KE"); empty when unknown.
std::string region_of_number(std::string_view digits);

/// A zone to offer a member.
struct ZoneChoice {
    std::string tz;           ///< IANA id
    std::string city;         ///< zone_city in the member's language
    std::string description;  ///< e.g. "GMT+03:00 · East Africa Time", in the member's language
};

/// One zone per distinct local time of the region (its reference city: São Paulo for Brasília time), at most
/// `limit`, in the member's language, with the offsets in force at `now_ms` (the caller's clock). Empty for an
/// unknown region.
std::vector<ZoneChoice> zones_for_region(std::string_view region, std::string_view language, std::size_t limit,
                                         std::int64_t now_ms);

}  // namespace delvex::meetings
