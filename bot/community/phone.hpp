#pragma once

// Phone numbers as people type them in a spreadsheet ("0712 345 678", "+254 712 345678", "00254712345678")
// turned into the international digits WhatsApp uses as a member's key ("254712345678"), with Google's
// libphonenumber and the room's countries: a number without its country code is read as a national number of
// one of them. Thread-safe (libphonenumber's PhoneNumberUtil is an immutable singleton).

#include <string>
#include <string_view>
#include <vector>

namespace delvex::community {

enum class NumberProblem {
    kNone,
    kNotANumber,  ///< letters, too few or too many digits: not a phone number at all
    kNotValid,    ///< digits, but no number of any of the room's countries (nor, with '+', of its own country)
    kAmbiguous,   ///< a valid number of more than one country: the file must give the country code ('+…')
};

struct NormalisedNumber {
    std::string digits;                          ///< E.164 without '+', when problem is kNone
    NumberProblem problem = NumberProblem::kNone;
    std::vector<std::string> readings;           ///< when ambiguous: each reading (E.164, no '+')
    std::string national_of;                     ///< the calling code it was read in, when typed without one


    bool ok() const { return problem == NumberProblem::kNone; }
};

/// The number `typed` in international form (E.164 digits, no '+').
///   - With '+' or '00' in front it names its own country: any valid number of any country is accepted.
///   - Bare digits are read both as an international number without its '+' (how WhatsApp writes numbers,
///     and how these files were written before) and as a national number of the room's countries
///     (`room_calling_codes`, e.g. {"254", "255"}; a calling code shared by several regions tries each): in the
///     room's first country (its home) when the number is valid there (also with that country's calling code
///     in front: "51987654321" in a room whose first country is Peru), else in the one other country of the
///     room where it is valid. National numbers of neighbours overlap (Kenya's, Tanzania's and Uganda's
///     mobiles are all 07… with nine digits), so a neighbour's number must be written with its '+'.
///     When the international and the national reading are both valid and differ, or two of the other
///     countries have the number, it is ambiguous.
/// Spaces, '-', '.', '/' and brackets between the digits are ignored.
NormalisedNumber normalise_number(std::string_view typed, const std::vector<std::string>& room_calling_codes);

/// A short English label of a problem, for error lines: "not a phone number", "not valid", "ambiguous".
const char* number_problem_label(NumberProblem problem);

}  // namespace delvex::community
