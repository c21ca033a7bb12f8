// Numbers as typed in a members file, normalised with libphonenumber and the room's countries.

#include <gtest/gtest.h>

#include "bot/community/phone.hpp"

namespace delvex::community {
namespace {

const std::vector<std::string> kEastAfrica{"254", "255", "256", "251", "252", "253", "291", "211", "249"};
const std::vector<std::string> kCentralAfrica{"243", "242", "236", "237", "241", "240", "239", "250", "257"};
const std::vector<std::string> kWestAfrica{"221", "223", "224", "225", "226", "227", "228", "229", "231",
                                           "232", "233", "234", "235", "245", "220", "222", "238"};
const std::vector<std::string> kSouthernAfrica{"27", "258", "260", "263", "265", "264", "267", "266", "268",
                                               "244", "261"};

std::string digits(std::string_view typed, const std::vector<std::string>& codes) {
    const auto n = normalise_number(typed, codes);
    EXPECT_TRUE(n.ok()) << typed << ": " << number_problem_label(n.problem);
    return n.digits;
}

NumberProblem problem(std::string_view typed, const std::vector<std::string>& codes) {
    return normalise_number(typed, codes).problem;
}

TEST(PhoneNumber, AKenyanNumberInEveryFormIsOneNumber) {
    for (const char* typed : {"0712 345 678", "0712345678", "712345678", "+254 712 345678", "00254712345678",
                              "254712345678", "+254-712-345-678", "(0712) 345.678"}) {
        EXPECT_EQ(digits(typed, kEastAfrica), "254712345678") << typed;
    }
}

TEST(PhoneNumber, NationalNumbersOfSeveralCountries) {
    EXPECT_EQ(digits("081 234 5678", kCentralAfrica), "243812345678");    // Democratic Republic of the Congo
    EXPECT_EQ(digits("024 123 4567", kWestAfrica), "233241234567");       // Ghana
    EXPECT_EQ(digits("84 123 4567", {"258", "27"}), "258841234567");     // Mozambique: no trunk prefix
    EXPECT_EQ(digits("+258 84 123 4567", kSouthernAfrica), "258841234567");
    EXPECT_EQ(digits("84 123 4567", kSouthernAfrica), "27841234567");  // that room's first country: South Africa
    EXPECT_EQ(digits("987 654 321", {"51"}), "51987654321");              // Peru
    EXPECT_EQ(digits("+51 987 654 321", kEastAfrica), "51987654321");     // '+': its own country, any room
    // Tanzania, in the same room as Kenya: Kenya is the room's first country and 0744 123 456 is a Kenyan
    // mobile too, so a Tanzanian number in this room is written with its country code.
    EXPECT_EQ(digits("0744 123 456", kEastAfrica), "254744123456");
    EXPECT_EQ(digits("+255 744 123 456", kEastAfrica), "255744123456");
}

TEST(PhoneNumber, NotNumbersAndInvalidNumbers) {
    EXPECT_EQ(problem("call me", kEastAfrica), NumberProblem::kNotANumber);
    EXPECT_EQ(problem("0712 345 678 ext. 4", kEastAfrica), NumberProblem::kNotANumber);
    EXPECT_EQ(problem("1234", kEastAfrica), NumberProblem::kNotANumber);
    EXPECT_EQ(problem("", kEastAfrica), NumberProblem::kNotANumber);
    EXPECT_EQ(problem("2547+12345678", kEastAfrica), NumberProblem::kNotANumber);
    EXPECT_EQ(problem("1234567890123456789", kEastAfrica), NumberProblem::kNotANumber);
    EXPECT_EQ(problem("0712 34", kEastAfrica), NumberProblem::kNotValid);         // too short for Kenya
    EXPECT_EQ(problem("+254 112", kEastAfrica), NumberProblem::kNotValid);
    EXPECT_EQ(problem("+999 712 345 678", kEastAfrica), NumberProblem::kNotValid);  // no such country
    // A Congolese national number in the East Africa room: no country of that room has it.
    EXPECT_EQ(problem("081 234 5678", kEastAfrica), NumberProblem::kNotValid);
}

TEST(PhoneNumber, TheRoomsFirstCountryReadsNationalNumbersThenTheOneOtherCountryThatHasIt) {
    // Peru's and Chile's mobile numbers are both nine digits starting with 9: the room's first country wins.
    EXPECT_EQ(digits("987 654 321", {"51", "56"}), "51987654321");
    EXPECT_EQ(normalise_number("987 654 321", {"51", "56"}).national_of, "51");
    EXPECT_EQ(digits("987 654 321", {"56", "51"}), "56987654321");
    EXPECT_EQ(digits("+56 9 8765 4321", {"51", "56"}), "56987654321");  // with its country code
    EXPECT_EQ(normalise_number("+56 9 8765 4321", {"51", "56"}).national_of, "");
    // Not valid in the first country (Kenya), valid in two others (Peru and Chile): ambiguous.
    // Written with the first country's code and no '+', it is that country's number (as WhatsApp writes
    // numbers), although "51 98765 4321" is also a valid Brazilian national number (area code 51).
    const std::vector<std::string> latin_america{"51", "52", "53", "54", "55", "56", "57", "58"};
    EXPECT_EQ(digits("51987654321", latin_america), "51987654321");
    const auto n = normalise_number("987 654 321", {"254", "51", "56"});
    EXPECT_EQ(n.problem, NumberProblem::kAmbiguous);
    EXPECT_EQ(n.readings, (std::vector<std::string>{"51987654321", "56987654321"}));
}

}  // namespace
}  // namespace delvex::community
