#include "tests/unit/forums/test_support.hpp"

#include <chrono>

using namespace delvex::forums;
using namespace delvex::forums::testing;

namespace {

using Strings = std::vector<std::string>;

std::string parse_error(const std::string& rrule) {
    const auto parsed = parse_rrule(rrule);
    return parsed ? std::string("(parsed)") : parsed.error().message;
}

}  // namespace

TEST(Recurrence, KeepsLocalTimeInLimaWhereThereIsNoDst) {
    EXPECT_EQ(instants("FREQ=MONTHLY;BYDAY=1TH", "America/Lima", "2027-01-07T15:00", 4),
              (Strings{"2027-01-07T20:00:00Z", "2027-02-04T20:00:00Z", "2027-03-04T20:00:00Z",
                       "2027-04-01T20:00:00Z"}));
}

TEST(Recurrence, FollowsSantiagoOffsetsWhenDstEndsAndStarts) {
    // Chile leaves DST on 2027-04-04 (-03 -> -04) and re-enters on 2027-09-05 (-04 -> -03).
    EXPECT_EQ(instants("FREQ=MONTHLY;BYDAY=1TH;COUNT=8", "America/Santiago", "2027-03-04T15:00", 10),
              (Strings{"2027-03-04T18:00:00Z", "2027-04-01T18:00:00Z", "2027-05-06T19:00:00Z",
                       "2027-06-03T19:00:00Z", "2027-07-01T19:00:00Z", "2027-08-05T19:00:00Z",
                       "2027-09-02T19:00:00Z", "2027-10-07T18:00:00Z"}));
}

TEST(Recurrence, TakesFirstOccurrenceWhenSantiagoRepeatsSaturdayEvening) {
    // On 2027-04-03 Santiago's clocks go from 23:59:59 -03 back to 23:00 -04, so 23:30 happens twice.
    EXPECT_EQ(instants("FREQ=WEEKLY;BYDAY=SA", "America/Santiago", "2027-03-27T23:30", 3),
              (Strings{"2027-03-28T02:30:00Z", "2027-04-04T02:30:00Z", "2027-04-11T03:30:00Z"}));
}

TEST(Recurrence, ShiftsForwardWhenSantiagoSkipsMidnight) {
    // 2027-09-05 00:00..00:59 does not exist in Santiago; 00:30 is read with the -04 offset in force before.
    EXPECT_EQ(instants("FREQ=DAILY", "America/Santiago", "2027-09-03T00:30", 4),
              (Strings{"2027-09-03T04:30:00Z", "2027-09-04T04:30:00Z", "2027-09-05T04:30:00Z",
                       "2027-09-06T03:30:00Z"}));
}

TEST(Recurrence, FollowsLondonIntoAndOutOfSummerTime) {
    EXPECT_EQ(instants("FREQ=WEEKLY;BYDAY=TH", "Europe/London", "2027-03-18T19:00", 4),
              (Strings{"2027-03-18T19:00:00Z", "2027-03-25T19:00:00Z", "2027-04-01T18:00:00Z",
                       "2027-04-08T18:00:00Z"}));
    EXPECT_EQ(instants("FREQ=WEEKLY;BYDAY=TH", "Europe/London", "2027-10-21T19:00", 3),
              (Strings{"2027-10-21T18:00:00Z", "2027-10-28T18:00:00Z", "2027-11-04T19:00:00Z"}));
}

TEST(Recurrence, ShiftsForwardByTheGapWhenLondonLocalTimeDoesNotExist) {
    EXPECT_EQ(instants("FREQ=DAILY;COUNT=3", "Europe/London", "2027-03-27T01:30", 5),
              (Strings{"2027-03-27T01:30:00Z", "2027-03-28T01:30:00Z", "2027-03-29T00:30:00Z"}));
}

TEST(Recurrence, TakesFirstOccurrenceWhenLondonLocalTimeRepeats) {
    EXPECT_EQ(instants("FREQ=DAILY;COUNT=3", "Europe/London", "2027-10-30T01:30", 5),
              (Strings{"2027-10-30T00:30:00Z", "2027-10-31T00:30:00Z", "2027-11-01T01:30:00Z"}));
}

TEST(Recurrence, ResolvesNewYorkGapAndRepeatAsRfc5545Section335Says) {
    const auto zone = find_zone("America/New_York");
    ASSERT_TRUE(zone.has_value());
    // RFC 5545 §3.3.5's own examples: 02:30 on 2007-03-11 means 03:30 EDT; 01:30 on 2007-11-04 means EDT.
    EXPECT_EQ(format_utc_iso(to_utc(*parse_local_iso("2007-03-11T02:30"), **zone)), "2007-03-11T07:30:00Z");
    EXPECT_EQ(format_utc_iso(to_utc(*parse_local_iso("2007-11-04T01:30"), **zone)), "2007-11-04T05:30:00Z");
    EXPECT_EQ(instants("FREQ=WEEKLY", "America/New_York", "2007-03-04T02:30", 3),
              (Strings{"2007-03-04T07:30:00Z", "2007-03-11T07:30:00Z", "2007-03-18T06:30:00Z"}));
}

TEST(Recurrence, KeepsNominalLocalTimeForAnInstanceInTheGap) {
    const auto rule = parse_rrule("FREQ=DAILY;COUNT=2");
    const auto zone = find_zone("Europe/London");
    ASSERT_TRUE(rule && zone);
    const auto got = first_instances(*rule, *parse_local_iso("2027-03-27T01:30"), **zone, 2);
    ASSERT_EQ(got.size(), 2u);
    EXPECT_EQ(format_local_basic(got[1].local), "20270328T013000");
}

TEST(Recurrence, CountsDtstartAsFirstInstanceWhenItDoesNotMatchTheRule) {
    // 2027-01-10 is a Sunday, not a first Thursday; RFC 5545 §3.3.10 still makes it instance one of COUNT.
    EXPECT_EQ(instants("FREQ=MONTHLY;BYDAY=1TH;COUNT=3", "America/Lima", "2027-01-10T15:00", 5),
              (Strings{"2027-01-10T20:00:00Z", "2027-02-04T20:00:00Z", "2027-03-04T20:00:00Z"}));
}

TEST(Recurrence, SkipsMonthsWithoutTheDayWhenDtstartIsThe31st) {
    EXPECT_EQ(instants("FREQ=MONTHLY", "America/Lima", "2027-01-31T10:00", 4),
              (Strings{"2027-01-31T15:00:00Z", "2027-03-31T15:00:00Z", "2027-05-31T15:00:00Z",
                       "2027-07-31T15:00:00Z"}));
    EXPECT_EQ(instants("FREQ=MONTHLY;BYMONTHDAY=31", "America/Lima", "2027-01-31T10:00", 3),
              (Strings{"2027-01-31T15:00:00Z", "2027-03-31T15:00:00Z", "2027-05-31T15:00:00Z"}));
}

TEST(Recurrence, SkipsFebruary29InCommonYears) {
    EXPECT_EQ(instants("FREQ=YEARLY", "UTC", "2024-02-29T12:00", 3),
              (Strings{"2024-02-29T12:00:00Z", "2028-02-29T12:00:00Z", "2032-02-29T12:00:00Z"}));
}

TEST(Recurrence, FindsTheNextLeapDayFourCenturiesOnWhenIntervalIsACentury) {
    // 2100, 2200 and 2300 are not leap years: the search must outlast them without giving up.
    EXPECT_EQ(instants("FREQ=YEARLY;INTERVAL=100;BYMONTH=2;BYMONTHDAY=29", "UTC", "2000-02-29T12:00", 2),
              (Strings{"2000-02-29T12:00:00Z", "2400-02-29T12:00:00Z"}));
}

TEST(Recurrence, EndsAfterDtstartWhenRuleCanNeverMatch) {
    for (const char* rule : {"FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30", "FREQ=MONTHLY;BYMONTHDAY=30;BYMONTH=2",
                             "FREQ=DAILY;BYMONTH=4;BYMONTHDAY=31", "FREQ=MONTHLY;BYDAY=5MO;BYMONTHDAY=1",
                             "FREQ=WEEKLY;BYDAY=MO;BYMONTH=2;BYSETPOS=2"}) {
        EXPECT_EQ(instants(rule, "America/Lima", "2027-01-04T15:00", 5), (Strings{"2027-01-04T20:00:00Z"}))
            << rule;
    }
}

TEST(Recurrence, StopsAtYear9999WhenRuleIsUnbounded) {
    const auto rule = parse_rrule("FREQ=YEARLY;INTERVAL=1000");
    const auto zone = find_zone("UTC");
    ASSERT_TRUE(rule && zone);
    EXPECT_EQ(first_instances(*rule, *parse_local_iso("2000-01-01T00:00"), **zone, 100).size(), 8u);
}

TEST(Recurrence, StopsAtLocalUntilWhenUntilHasNoZ) {
    EXPECT_EQ(instants("FREQ=DAILY;UNTIL=20270103T150000", "America/Lima", "2027-01-01T15:00", 10),
              (Strings{"2027-01-01T20:00:00Z", "2027-01-02T20:00:00Z", "2027-01-03T20:00:00Z"}));
    EXPECT_EQ(instants("FREQ=DAILY;UNTIL=20270103T145959", "America/Lima", "2027-01-01T15:00", 10),
              (Strings{"2027-01-01T20:00:00Z", "2027-01-02T20:00:00Z"}));
}

TEST(Recurrence, IncludesTheUntilDayWhenUntilIsADate) {
    EXPECT_EQ(instants("FREQ=DAILY;UNTIL=20270103", "America/Lima", "2027-01-01T15:00", 10),
              (Strings{"2027-01-01T20:00:00Z", "2027-01-02T20:00:00Z", "2027-01-03T20:00:00Z"}));
}

TEST(Recurrence, IncludesInstanceExactlyAtUtcUntil) {
    EXPECT_EQ(instants("FREQ=DAILY;UNTIL=20270102T200000Z", "America/Lima", "2027-01-01T15:00", 10),
              (Strings{"2027-01-01T20:00:00Z", "2027-01-02T20:00:00Z"}));
}

TEST(Recurrence, TakesLastFridayOfEveryMonth) {
    EXPECT_EQ(instants("FREQ=MONTHLY;BYDAY=-1FR", "America/Lima", "2027-01-29T18:00", 3),
              (Strings{"2027-01-29T23:00:00Z", "2027-02-26T23:00:00Z", "2027-03-26T23:00:00Z"}));
}

TEST(Recurrence, TakesLastWorkdayWithSetPosWhenYearlyInOneMonth) {
    // Last weekday of December: 2027-12-31 is a Friday, 2028-12-29 a Friday, 2022 ... via BYSETPOS=-1.
    EXPECT_EQ(instants("FREQ=YEARLY;BYMONTH=12;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1", "UTC", "2027-12-31T09:00", 3),
              (Strings{"2027-12-31T09:00:00Z", "2028-12-29T09:00:00Z", "2029-12-31T09:00:00Z"}));
}

TEST(Recurrence, LimitsOrdinalToTheYearWhenYearlyHasBymonthdayButNoBymonth) {
    // The 1st Monday of the year that is also a 1st..7th of its month: only early January.
    EXPECT_EQ(instants("FREQ=YEARLY;BYDAY=1MO;BYMONTHDAY=1,2,3,4,5,6,7", "UTC", "2027-01-04T09:00", 3),
              (Strings{"2027-01-04T09:00:00Z", "2028-01-03T09:00:00Z", "2029-01-01T09:00:00Z"}));
}

TEST(Recurrence, AcceptsLowercaseAndPrefixWhenParsing) {
    const auto lower = parse_rrule("rrule:freq=monthly;byday=1th;wkst=su");
    ASSERT_TRUE(lower.has_value()) << lower.error().message;
    EXPECT_EQ(lower->freq, Frequency::monthly);
    EXPECT_EQ(lower->by_day, (std::vector<WeekdayNum>{{1, date::Thursday}}));
    EXPECT_EQ(lower->week_start, date::Sunday);
}

TEST(Recurrence, RoundTripsThroughFormatRrule) {
    for (const char* text : {"FREQ=MONTHLY;COUNT=10;BYDAY=1SU,-1SU;INTERVAL=2",
                             "FREQ=YEARLY;UNTIL=20000131T140000Z;BYMONTH=1;BYDAY=SU,MO",
                             "FREQ=WEEKLY;UNTIL=20270103T150000;BYDAY=TU;WKST=SU",
                             "FREQ=DAILY;UNTIL=20270103;BYMONTHDAY=-1,15;BYSETPOS=1,-1"}) {
        const auto first = parse_rrule(text);
        ASSERT_TRUE(first.has_value()) << text;
        const std::string formatted = format_rrule(*first);
        const auto second = parse_rrule(formatted);
        ASSERT_TRUE(second.has_value()) << formatted;
        EXPECT_EQ(format_rrule(*second), formatted);
        EXPECT_EQ(second->until, first->until);
        EXPECT_EQ(second->by_day, first->by_day);
        EXPECT_EQ(second->by_month_day, first->by_month_day);
        EXPECT_EQ(second->by_set_pos, first->by_set_pos);
        EXPECT_EQ(second->interval, first->interval);
        EXPECT_EQ(second->count, first->count);
    }
    EXPECT_EQ(format_rrule(*parse_rrule("RRULE:FREQ=MONTHLY;BYDAY=1TH")), "FREQ=MONTHLY;BYDAY=1TH");
}

TEST(Recurrence, NamesTheBadPartWhenRuleIsInvalid) {
    const std::vector<std::pair<std::string, std::vector<std::string>>> cases{
        {"", {"empty"}},
        {"RRULE:", {"empty"}},
        {"BYDAY=MO", {"FREQ"}},
        {"FREQ=FORTNIGHTLY", {"FREQ", "'FORTNIGHTLY'"}},
        {"FREQ=MONTHLY;BYMONTHDAY=32", {"BYMONTHDAY", "'32'"}},
        {"FREQ=MONTHLY;BYMONTHDAY=0", {"BYMONTHDAY", "'0'"}},
        {"FREQ=MONTHLY;BYMONTH=13", {"BYMONTH", "'13'"}},
        {"FREQ=MONTHLY;BYDAY=1XX", {"BYDAY", "'1XX'"}},
        {"FREQ=MONTHLY;BYDAY=0MO", {"BYDAY", "'0MO'"}},
        {"FREQ=MONTHLY;BYDAY=MO,,TU", {"BYDAY", "''"}},
        {"FREQ=MONTHLY;BYSETPOS=400;BYDAY=MO", {"BYSETPOS", "'400'"}},
        {"FREQ=MONTHLY;INTERVAL=0", {"INTERVAL", "'0'"}},
        {"FREQ=MONTHLY;COUNT=0", {"COUNT", "'0'"}},
        {"FREQ=MONTHLY;COUNT=ten", {"COUNT", "'ten'"}},
        {"FREQ=MONTHLY;UNTIL=2027-01-01", {"UNTIL", "'2027-01-01'"}},
        {"FREQ=MONTHLY;UNTIL=20270230T000000Z", {"UNTIL", "'20270230T000000Z'"}},
        {"FREQ=MONTHLY;WKST=XX", {"WKST", "'XX'"}},
        {"FREQ=MONTHLY;COLOR=RED", {"COLOR"}},
        {"FREQ=MONTHLY;FREQ=WEEKLY", {"FREQ", "more than once"}},
        {"FREQ=MONTHLY;;COUNT=2", {"''", "NAME=VALUE"}},
        {"FREQ=MONTHLY;COUNT", {"'COUNT'", "NAME=VALUE"}},
        {"FREQ=MONTHLY;COUNT=", {"COUNT", "empty"}},
        {"FREQ=DAILY;COUNT=5;UNTIL=20270101T000000Z", {"COUNT", "UNTIL"}},
        {"FREQ=WEEKLY;BYDAY=1MO", {"BYDAY", "'1MO'", "MONTHLY"}},
        {"FREQ=WEEKLY;BYMONTHDAY=1", {"BYMONTHDAY", "WEEKLY"}},
        {"FREQ=MONTHLY;BYSETPOS=1", {"BYSETPOS"}},
        {"FREQ=HOURLY", {"HOURLY", "not supported"}},
        {"FREQ=YEARLY;BYWEEKNO=20", {"BYWEEKNO", "not supported"}},
    };
    for (const auto& [rule, fragments] : cases) {
        const std::string message = parse_error(rule);
        for (const std::string& fragment : fragments) {
            EXPECT_NE(message.find(fragment), std::string::npos)
                << "rule '" << rule << "' gave '" << message << "', missing '" << fragment << "'";
        }
    }
}

TEST(Recurrence, NamesTheBadValueWhenZoneOrLocalTimeIsInvalid) {
    const auto zone = find_zone("Mars/Olympus_Mons");
    ASSERT_FALSE(zone.has_value());
    EXPECT_NE(zone.error().message.find("'Mars/Olympus_Mons'"), std::string::npos);
    EXPECT_FALSE(find_zone("").has_value());

    for (const char* bad : {"2027-02-30T10:00", "2027-01-07 15:00", "2027-01-07T25:00", "2027-01-07T15:60",
                            "2027-1-7T15:00", "2027-01-07T15:00:00Z", "2027-01-07T15:00:0", "", "yesterday"}) {
        const auto local = parse_local_iso(bad);
        ASSERT_FALSE(local.has_value()) << bad;
        EXPECT_NE(local.error().message.find("'" + std::string(bad) + "'"), std::string::npos) << bad;
    }
    EXPECT_TRUE(parse_local_iso("2028-02-29T23:59:59").has_value());
}

TEST(Recurrence, ThrowsOnlyWhenCallerReadsValueOfAnError) {
    EXPECT_THROW((void)parse_rrule("FREQ=NEVER").value(), std::invalid_argument);
}

TEST(Recurrence, ExpandsAThousandMonthlyInstancesQuickly) {
    const auto start = std::chrono::steady_clock::now();
    const auto got = instants("FREQ=MONTHLY;BYDAY=1TH", "America/Santiago", "2027-01-07T15:00", 1000);
    EXPECT_EQ(got.size(), 1000u);
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds{2});
}

TEST(Recurrence, AppliesDstAfter2037WhenTzifListsNoMoreTransitions) {
    // Debian's TZif files list transitions up to 2037 and leave later years to a POSIX rule in the footer.
    EXPECT_EQ(instants("FREQ=YEARLY;BYMONTH=1,7", "America/New_York", "2040-01-02T12:00", 4),
              (Strings{"2040-01-02T17:00:00Z", "2040-07-02T16:00:00Z", "2041-01-02T17:00:00Z",
                       "2041-07-02T16:00:00Z"}));
    EXPECT_EQ(instants("FREQ=WEEKLY;BYDAY=TH;COUNT=2", "Europe/London", "2099-03-26T19:00", 5),
              (Strings{"2099-03-26T19:00:00Z", "2099-04-02T18:00:00Z"}));
    // Santiago 2040: DST starts 2040-09-02 (Sunday), so 00:30 that day does not exist.
    EXPECT_EQ(instants("FREQ=DAILY;COUNT=3", "America/Santiago", "2040-09-01T00:30", 5),
              (Strings{"2040-09-01T04:30:00Z", "2040-09-02T04:30:00Z", "2040-09-03T03:30:00Z"}));
    // And the repeat on 2040-04-07 23:30 (-03 then -04) takes the first.
    EXPECT_EQ(instants("FREQ=DAILY;COUNT=2", "America/Santiago", "2040-04-07T23:30", 5),
              (Strings{"2040-04-08T02:30:00Z", "2040-04-09T03:30:00Z"}));
}

TEST(Recurrence, ReportsZoneInfoBeyond2037WhenAskedForAnInstant) {
    const auto zone = find_zone("Europe/London");
    ASSERT_TRUE(zone.has_value());
    const auto summer = zone_info(**zone, to_utc(*parse_local_iso("2050-07-01T12:00"), **zone));
    EXPECT_EQ(summer.offset, std::chrono::hours{1});
    EXPECT_EQ(summer.abbrev, "BST");
    EXPECT_EQ(format_utc_iso(Instant{summer.begin}), "2050-03-27T01:00:00Z");
    EXPECT_EQ(format_utc_iso(Instant{summer.end}), "2050-10-30T01:00:00Z");
}

TEST(Recurrence, AgreesWithAnIndependentImplementationOnMixedRules) {
    // Expected instances after DTSTART computed with python-dateutil's rrule, a separate implementation.
    struct Case {
        const char* rule;
        const char* start;
        Strings after_start;
    };
    const std::vector<Case> cases{
        {"FREQ=YEARLY;BYMONTHDAY=1,-1;BYDAY=1MO,-1FR", "2027-01-04T09:00",
         {"2027-12-31T09:00:00Z", "2029-01-01T09:00:00Z", "2032-12-31T09:00:00Z", "2035-01-01T09:00:00Z",
          "2038-12-31T09:00:00Z", "2046-01-01T09:00:00Z"}},
        {"FREQ=MONTHLY;INTERVAL=3;BYMONTHDAY=-1,-2,-3;BYSETPOS=2", "2027-01-30T09:00",
         {"2027-04-29T09:00:00Z", "2027-07-30T09:00:00Z", "2027-10-30T09:00:00Z", "2028-01-30T09:00:00Z",
          "2028-04-29T09:00:00Z", "2028-07-30T09:00:00Z"}},
        {"FREQ=YEARLY;BYMONTH=2,8;BYDAY=-1SU,2WE;BYSETPOS=-1,1", "2027-02-10T09:00",
         {"2027-08-29T09:00:00Z", "2028-02-09T09:00:00Z", "2028-08-27T09:00:00Z", "2029-02-14T09:00:00Z",
          "2029-08-26T09:00:00Z", "2030-02-13T09:00:00Z"}},
        {"FREQ=WEEKLY;INTERVAL=3;BYDAY=SA,SU,MO;WKST=SA;BYMONTH=1,6", "2027-01-02T09:00",
         {"2027-01-03T09:00:00Z", "2027-01-04T09:00:00Z", "2027-01-23T09:00:00Z", "2027-01-24T09:00:00Z",
          "2027-01-25T09:00:00Z", "2027-06-19T09:00:00Z", "2027-06-20T09:00:00Z", "2027-06-21T09:00:00Z"}},
        {"FREQ=DAILY;INTERVAL=5;BYMONTHDAY=-1,1,15;BYDAY=MO,TU,WE,TH,FR", "2027-01-01T09:00",
         {"2027-02-15T09:00:00Z", "2027-04-01T09:00:00Z", "2027-05-31T09:00:00Z", "2027-06-15T09:00:00Z",
          "2027-06-30T09:00:00Z", "2027-07-15T09:00:00Z"}},
        {"FREQ=YEARLY;INTERVAL=2;BYDAY=-1MO,10TH", "2027-03-11T09:00",
         {"2027-12-27T09:00:00Z", "2029-03-08T09:00:00Z", "2029-12-31T09:00:00Z", "2031-03-06T09:00:00Z",
          "2031-12-29T09:00:00Z", "2033-03-10T09:00:00Z"}},
    };
    for (const Case& c : cases) {
        Strings got = instants(c.rule, "UTC", c.start, c.after_start.size() + 1);
        ASSERT_FALSE(got.empty()) << c.rule;
        got.erase(got.begin());
        EXPECT_EQ(got, c.after_start) << c.rule;
    }
}
