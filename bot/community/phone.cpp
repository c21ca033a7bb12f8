#include "bot/community/phone.hpp"

#include <phonenumbers/phonenumber.pb.h>
#include <phonenumbers/phonenumberutil.h>

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <list>
#include <map>
#include <set>

namespace delvex::community {
namespace {

using i18n::phonenumbers::PhoneNumber;
using i18n::phonenumbers::PhoneNumberUtil;

const PhoneNumberUtil& util() {
    return *PhoneNumberUtil::GetInstance();
}

struct Region {
    std::string code;  ///< "KE"
    std::string ndd;   ///< the national (trunk) prefix, digits only: "0" in Kenya, "" in Mozambique
};

/// Every calling code's regions (254 → {KE}, 1 → {US, CA, …}), asked of libphonenumber once.
const std::map<int, std::vector<Region>>& calling_codes() {
    static const auto table = [] {
        std::map<int, std::vector<Region>> t;
        std::set<int> codes;
        util().GetSupportedCallingCodes(&codes);
        for (const int code : codes) {
            std::list<std::string> regions;
            util().GetRegionCodesForCountryCallingCode(code, &regions);
            auto& into = t[code];
            for (const auto& region : regions) {
                Region r{region, {}};
                util().GetNddPrefixForRegion(region, true, &r.ndd);
                into.push_back(std::move(r));
            }
        }
        return t;
    }();
    return table;
}

const std::vector<Region>& regions_of(std::string_view calling_code) {
    static const std::vector<Region> none;
    int code = 0;
    const auto* end = calling_code.data() + calling_code.size();
    if (auto [p, ec] = std::from_chars(calling_code.data(), end, code); ec != std::errc() || p != end) {
        return none;
    }
    const auto it = calling_codes().find(code);
    return it == calling_codes().end() ? none : it->second;
}

std::string e164_digits(const PhoneNumber& number) {
    std::string e164;
    util().Format(number, PhoneNumberUtil::E164, &e164);
    return e164.starts_with('+') ? e164.substr(1) : e164;
}

/// The number with calling code `code` and national significant number `nsn` (digits), built without
/// libphonenumber's parser; "" when it is not valid (in `region`, when given).
std::string built_reading(int code, std::string_view nsn, const std::string* region) {
    if (nsn.empty() || nsn.size() > 17) {
        return {};
    }
    PhoneNumber number;
    number.set_country_code(code);
    std::uint64_t value = 0;
    std::from_chars(nsn.data(), nsn.data() + nsn.size(), value);
    number.set_national_number(value);
    if (nsn.front() == '0') {
        number.set_italian_leading_zero(true);
        const auto zeros = static_cast<int>(std::min(nsn.find_first_not_of('0'), nsn.size()));
        if (zeros > 1) {
            number.set_number_of_leading_zeros(zeros);
        }
    }
    const bool valid = region != nullptr ? util().IsValidNumberForRegion(number, *region) : util().IsValidNumber(number);
    return valid ? e164_digits(number) : std::string();
}

/// The E.164 digits (no '+') of `text` read by libphonenumber's parser with `region` as the default ("ZZ":
/// only with a '+' in front), or "" when it is no valid number there.
std::string parsed_reading(const std::string& text, const std::string& region) {
    PhoneNumber number;
    if (util().Parse(text, region, &number) != PhoneNumberUtil::NO_PARSING_ERROR || number.has_extension() ||
        !util().IsValidNumber(number)) {
        return {};
    }
    return e164_digits(number);
}

// libphonenumber's parser runs a dozen ICU regular expressions (about 15 µs a number on this machine), and a
// number is read in up to every country of its room: too slow for a million rows. So every reading is first
// built directly: the calling code split off (calling codes are prefix-free), or the country's trunk prefix
// stripped, then checked with IsValidNumber (no parsing). That covers the usual cases exactly; a few
// countries' trunk-prefix rules do more (carrier codes, Argentina's 15), so a number none of the quick
// readings accepts is read again with the parser before it is called invalid.
enum class Mode { kQuick, kParser };

std::string international_reading(const std::string& digits, Mode mode) {
    if (mode == Mode::kParser) {
        return parsed_reading("+" + digits, "ZZ");
    }
    for (std::size_t len = 1; len <= 3 && len < digits.size(); ++len) {
        int code = 0;
        std::from_chars(digits.data(), digits.data() + len, code);
        if (calling_codes().contains(code)) {
            return built_reading(code, std::string_view(digits).substr(len), nullptr);
        }
    }
    return {};
}

std::string national_reading(const std::string& digits, int code, const Region& region, Mode mode) {
    if (mode == Mode::kParser) {
        return parsed_reading(digits, region.code);
    }
    // As the parser does: the country's own calling code in front is stripped when what follows is valid
    // ("254712345678" read in Kenya is 254 712345678), then the trunk prefix ("0712345678").
    if (const auto cc = std::to_string(code); digits.starts_with(cc)) {
        if (auto r = built_reading(code, std::string_view(digits).substr(cc.size()), &region.code); !r.empty()) {
            return r;
        }
    }
    if (!region.ndd.empty() && digits.starts_with(region.ndd)) {
        if (auto r = built_reading(code, std::string_view(digits).substr(region.ndd.size()), &region.code);
            !r.empty()) {
            return r;
        }
    }
    return built_reading(code, digits, &region.code);
}

/// The readings of bare digits (see normalise_number): the national ones first, then the international one.
void read(const std::string& digits, const std::vector<std::string>& room_calling_codes, Mode mode,
          NormalisedNumber& out) {
    const auto international = international_reading(digits, mode);
    std::vector<std::string> readings;
    std::string national_code;
    auto add = [&](std::string reading) {
        if (!reading.empty() && std::find(readings.begin(), readings.end(), reading) == readings.end()) {
            readings.push_back(std::move(reading));
        }
    };
    for (std::size_t i = 0; i < room_calling_codes.size(); ++i) {
        const auto before = readings.size();
        int code = 0;
        std::from_chars(room_calling_codes[i].data(), room_calling_codes[i].data() + room_calling_codes[i].size(),
                        code);
        for (const auto& region : regions_of(room_calling_codes[i])) {
            add(national_reading(digits, code, region, mode));
        }
        if (readings.size() > before) {
            national_code = room_calling_codes[i];
        }
        if (i == 0 && !readings.empty()) {
            break;  // valid in the room's home country: that reading wins
        }
    }
    add(international);
    out.readings.clear();
    if (readings.empty()) {
        out.problem = NumberProblem::kNotValid;
    } else if (readings.size() > 1) {
        out.problem = NumberProblem::kAmbiguous;
        out.readings = std::move(readings);
    } else {
        out.problem = NumberProblem::kNone;
        out.digits = std::move(readings.front());
        out.national_of = international.empty() ? national_code : std::string();
    }
}

}  // namespace

NormalisedNumber normalise_number(std::string_view typed, const std::vector<std::string>& room_calling_codes) {
    NormalisedNumber out;
    // Our own strict look first: libphonenumber accepts letters (vanity numbers, "ext. 12"), which a member's
    // number never holds.
    std::string digits;
    bool plus = false;
    for (const char c : typed) {
        if (c >= '0' && c <= '9') {
            digits.push_back(c);
        } else if (c == '+' && digits.empty() && !plus) {
            plus = true;
        } else if (c != ' ' && c != '-' && c != '.' && c != '/' && c != '(' && c != ')' && c != '\t') {
            out.problem = NumberProblem::kNotANumber;
            return out;
        }
    }
    if (!plus && digits.starts_with("00")) {  // the international prefix of most of Africa, Europe, Latin America
        digits.erase(0, 2);
        plus = true;
    }
    // E.164 numbers have at most 15 digits; a national one with its trunk prefix a few more; fewer than 5 is
    // no number anywhere.
    if (digits.size() < 5 || digits.size() > 17) {
        out.problem = NumberProblem::kNotANumber;
        return out;
    }
    if (plus) {
        out.digits = international_reading(digits, Mode::kQuick);
        if (out.digits.empty()) {
            out.digits = international_reading(digits, Mode::kParser);
        }
        out.problem = out.digits.empty() ? NumberProblem::kNotValid : NumberProblem::kNone;
        return out;
    }
    read(digits, room_calling_codes, Mode::kQuick, out);
    if (out.problem == NumberProblem::kNotValid) {
        read(digits, room_calling_codes, Mode::kParser, out);
    }
    return out;
}

const char* number_problem_label(NumberProblem problem) {
    switch (problem) {
        case NumberProblem::kNone:
            return "valid";
        case NumberProblem::kNotANumber:
            return "not a phone number";
        case NumberProblem::kNotValid:
            return "not valid";
        case NumberProblem::kAmbiguous:
            return "ambiguous";
    }
    return "not valid";
}

}  // namespace delvex::community
