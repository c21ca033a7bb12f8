#include "bot/meetings/zones.hpp"

#include <unicode/locid.h>
#include <unicode/strenum.h>
#include <unicode/timezone.h>
#include <unicode/tznames.h>
#include <unicode/ucal.h>
#include <unicode/unistr.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <utility>

#include "forums/zone.hpp"

namespace delvex::meetings {
namespace {

std::string utf8(const icu::UnicodeString& s) {
    std::string out;
    s.toUTF8String(out);
    return out;
}

icu::Locale locale_of(std::string_view language) {
    return icu::Locale(std::string(language.empty() ? "en" : language).c_str());
}

/// Country calling codes (ITU-T E.164 assignments) → ISO 3166 region, for the countries our members come from
/// and their neighbours. Longest prefix wins ("1" is the North American plan: the United States).
struct CallingCode {
    std::string_view code;
    std::string_view region;
};
constexpr CallingCode kCallingCodes[] = {
    // Africa
    {"20", "EG"},  {"211", "SS"}, {"212", "MA"}, {"213", "DZ"}, {"216", "TN"}, {"218", "LY"}, {"220", "GM"},
    {"221", "SN"}, {"222", "MR"}, {"223", "ML"}, {"224", "GN"}, {"225", "CI"}, {"226", "BF"}, {"227", "NE"},
    {"228", "TG"}, {"229", "BJ"}, {"230", "MU"}, {"231", "LR"}, {"232", "SL"}, {"233", "GH"}, {"234", "NG"},
    {"235", "TD"}, {"236", "CF"}, {"237", "CM"}, {"238", "CV"}, {"239", "ST"}, {"240", "GQ"}, {"241", "GA"},
    {"242", "CG"}, {"243", "CD"}, {"244", "AO"}, {"245", "GW"}, {"248", "SC"}, {"249", "SD"}, {"250", "RW"},
    {"251", "ET"}, {"252", "SO"}, {"253", "DJ"}, {"254", "KE"}, {"255", "TZ"}, {"256", "UG"}, {"257", "BI"},
    {"258", "MZ"}, {"260", "ZM"}, {"261", "MG"}, {"263", "ZW"}, {"264", "NA"}, {"265", "MW"}, {"266", "LS"},
    {"267", "BW"}, {"268", "SZ"}, {"269", "KM"}, {"27", "ZA"},  {"291", "ER"},
    // Americas
    {"1", "US"},   {"51", "PE"},  {"52", "MX"},  {"53", "CU"},  {"54", "AR"},  {"55", "BR"},  {"56", "CL"},
    {"57", "CO"},  {"58", "VE"},  {"501", "BZ"}, {"502", "GT"}, {"503", "SV"}, {"504", "HN"}, {"505", "NI"},
    {"506", "CR"}, {"507", "PA"}, {"509", "HT"}, {"591", "BO"}, {"592", "GY"}, {"593", "EC"}, {"594", "GF"},
    {"595", "PY"}, {"597", "SR"}, {"598", "UY"},
    // Asia and the Pacific
    {"60", "MY"},  {"61", "AU"},  {"62", "ID"},  {"63", "PH"},  {"64", "NZ"},  {"65", "SG"},  {"66", "TH"},
    {"670", "TL"}, {"673", "BN"}, {"675", "PG"}, {"676", "TO"}, {"677", "SB"}, {"678", "VU"}, {"679", "FJ"},
    {"685", "WS"}, {"7", "RU"},   {"81", "JP"},  {"82", "KR"},  {"84", "VN"},  {"850", "KP"}, {"852", "HK"},
    {"855", "KH"}, {"856", "LA"}, {"86", "CN"},  {"880", "BD"}, {"886", "TW"}, {"90", "TR"},  {"91", "IN"},
    {"92", "PK"},  {"93", "AF"},  {"94", "LK"},  {"95", "MM"},  {"960", "MV"}, {"961", "LB"}, {"962", "JO"},
    {"963", "SY"}, {"964", "IQ"}, {"965", "KW"}, {"966", "SA"}, {"967", "YE"}, {"968", "OM"}, {"971", "AE"},
    {"972", "IL"}, {"973", "BH"}, {"974", "QA"}, {"975", "BT"}, {"976", "MN"}, {"977", "NP"}, {"98", "IR"},
    {"992", "TJ"}, {"993", "TM"}, {"994", "AZ"}, {"995", "GE"}, {"996", "KG"}, {"998", "UZ"},
    // Europe
    {"30", "GR"},  {"31", "NL"},  {"32", "BE"},  {"33", "FR"},  {"34", "ES"},  {"351", "PT"}, {"353", "IE"},
    {"39", "IT"},  {"41", "CH"},  {"43", "AT"},  {"44", "GB"},  {"45", "DK"},  {"46", "SE"},  {"47", "NO"},
    {"48", "PL"},  {"49", "DE"},
};

/// ICU (CLDR) keeps some older ids as canonical; the tz database names them differently now.
std::string iana_of(const std::string& cldr) {
    static constexpr std::pair<std::string_view, std::string_view> kRenamed[] = {
        {"Asia/Calcutta", "Asia/Kolkata"},
        {"Asia/Katmandu", "Asia/Kathmandu"},
        {"Asia/Saigon", "Asia/Ho_Chi_Minh"},
        {"Asia/Rangoon", "Asia/Yangon"},
        {"Africa/Asmera", "Africa/Asmara"},
        {"America/Buenos_Aires", "America/Argentina/Buenos_Aires"},
        {"America/Catamarca", "America/Argentina/Catamarca"},
        {"America/Cordoba", "America/Argentina/Cordoba"},
        {"America/Jujuy", "America/Argentina/Jujuy"},
        {"America/Mendoza", "America/Argentina/Mendoza"},
        {"America/Indianapolis", "America/Indiana/Indianapolis"},
        {"America/Louisville", "America/Kentucky/Louisville"},
        {"America/Godthab", "America/Nuuk"},
        {"Atlantic/Faeroe", "Atlantic/Faroe"},
        {"Europe/Kiev", "Europe/Kyiv"},
        {"Pacific/Truk", "Pacific/Chuuk"},
        {"Pacific/Ponape", "Pacific/Pohnpei"},
        {"Pacific/Enderbury", "Pacific/Kanton"},
    };
    for (const auto& [old_id, new_id] : kRenamed) {
        if (cldr == old_id && forums::find_zone(new_id)) {
            return std::string(new_id);
        }
    }
    return cldr;
}

std::string exemplar_city(std::string_view tz, std::string_view language);

}  // namespace

std::string zone_city(std::string_view tz, std::string_view language) {
    // Every forum time shown names its city: remember the few (language, zone) pairs in use.
    static std::mutex mutex;
    static std::map<std::string, std::string, std::less<>> cache;
    std::string key(language);
    key.append("|").append(tz);
    {
        const std::lock_guard lock(mutex);
        if (const auto it = cache.find(key); it != cache.end()) {
            return it->second;
        }
    }
    std::string city = exemplar_city(tz, language);
    const std::lock_guard lock(mutex);
    if (cache.size() < 4096) {
        cache.emplace(std::move(key), city);
    }
    return city;
}

namespace {

std::string exemplar_city(std::string_view tz, std::string_view language) {
    UErrorCode status = U_ZERO_ERROR;
    std::unique_ptr<icu::TimeZoneNames> names(icu::TimeZoneNames::createInstance(locale_of(language), status));
    if (U_SUCCESS(status) && names) {
        icu::UnicodeString city;
        names->getExemplarLocationName(icu::UnicodeString::fromUTF8(std::string(tz)), city);
        if (!city.isEmpty()) {
            return utf8(city);
        }
    }
    std::string name(tz);
    if (const auto slash = name.rfind('/'); slash != std::string::npos) {
        name = name.substr(slash + 1);
    }
    std::replace(name.begin(), name.end(), '_', ' ');
    return name;
}

}  // namespace

std::string region_of_number(std::string_view digits) {
    if (!digits.empty() && digits.front() == '+') {
        digits.remove_prefix(1);
    }
    std::string_view best;
    std::string_view region;
    for (const auto& c : kCallingCodes) {
        if (digits.starts_with(c.code) && c.code.size() > best.size()) {
            best = c.code;
            region = c.region;
        }
    }
    return std::string(region);
}

std::vector<ZoneChoice> zones_for_region(std::string_view region, std::string_view language, std::size_t limit,
                                         std::int64_t now_ms) {
    std::vector<ZoneChoice> out;
    if (region.size() != 2 || limit == 0) {
        return out;
    }
    UErrorCode status = U_ZERO_ERROR;
    const std::string region_s(region);
    std::unique_ptr<icu::StringEnumeration> ids(
        icu::TimeZone::createTimeZoneIDEnumeration(UCAL_ZONE_TYPE_CANONICAL_LOCATION, region_s.c_str(), nullptr,
                                                   status));
    if (U_FAILURE(status) || !ids) {
        return out;
    }
    std::unique_ptr<icu::TimeZoneNames> names(icu::TimeZoneNames::createInstance(locale_of(language), status));
    if (U_FAILURE(status)) {
        names.reset();
        status = U_ZERO_ERROR;
    }
    std::vector<std::string> in_region;
    while (const icu::UnicodeString* id = ids->snext(status)) {
        if (U_FAILURE(status)) {
            break;
        }
        in_region.push_back(utf8(*id));
    }
    const auto now = static_cast<UDate>(now_ms);
    std::set<std::string> seen;
    for (const auto& tz : in_region) {
        // One choice per local time: the region's reference zone of the zone's metazone (CLDR "golden zone").
        std::string chosen = tz;
        icu::UnicodeString metazone;
        if (names) {
            names->getMetaZoneID(icu::UnicodeString::fromUTF8(tz), now, metazone);
            if (!metazone.isEmpty()) {
                icu::UnicodeString reference;
                names->getReferenceZoneID(metazone, region_s.c_str(), reference);
                const auto ref = utf8(reference);
                if (std::find(in_region.begin(), in_region.end(), ref) != in_region.end()) {
                    chosen = ref;
                }
            }
        }
        if (!seen.insert(chosen).second) {
            continue;
        }
        ZoneChoice choice;
        choice.tz = iana_of(chosen);
        choice.city = zone_city(chosen, language);
        std::unique_ptr<icu::TimeZone> zone(icu::TimeZone::createTimeZone(icu::UnicodeString::fromUTF8(chosen)));
        std::int32_t raw = 0;
        std::int32_t dst = 0;
        UErrorCode offset_status = U_ZERO_ERROR;
        zone->getOffset(now, false, raw, dst, offset_status);
        const int minutes = (raw + dst) / 60000;
        char offset[16];
        std::snprintf(offset, sizeof offset, "GMT%c%02d:%02d", minutes < 0 ? '-' : '+', std::abs(minutes) / 60,
                      std::abs(minutes) % 60);
        choice.description = offset;
        if (names && !metazone.isEmpty()) {
            icu::UnicodeString generic;
            names->getMetaZoneDisplayName(metazone, UTZNM_LONG_GENERIC, generic);
            if (!generic.isEmpty()) {
                choice.description += " · " + utf8(generic);
            }
        }
        out.push_back(std::move(choice));
        if (out.size() == limit) {
            break;
        }
    }
    return out;
}

}  // namespace delvex::meetings
