// Every example of RFC 5545 §3.8.5.3 inside the supported subset, with the instances the RFC lists.
// Left out (parts outside the subset): BYYEARDAY, BYWEEKNO, HOURLY, MINUTELY and BYHOUR/BYMINUTE examples;
// RecurrenceRfcExamples.RejectsExamplesOutsideTheSubset checks that those are refused rather than misread.
#include "forums/series.hpp"
#include "tests/unit/forums/test_support.hpp"

using namespace delvex::forums;
using namespace delvex::forums::testing;

namespace {

constexpr auto kNy = "America/New_York";

void expect_rule(const std::string& rrule, const std::string& start, const Expected& expected) {
    EXPECT_EQ(ny(rrule, start, expected.size()), expected.instants()) << rrule;
}

/// For finite rules: the listed instances and nothing after them.
void expect_whole_rule(const std::string& rrule, const std::string& start, const Expected& expected) {
    EXPECT_EQ(ny(rrule, start, expected.size() + 5), expected.instants()) << rrule;
}

}  // namespace

TEST(RecurrenceRfcExamples, DailyForTenOccurrences) {
    expect_whole_rule("RRULE:FREQ=DAILY;COUNT=10", "1997-09-02T09:00", Expected{}.edt(1997, 9, range(2, 11)));
}

TEST(RecurrenceRfcExamples, DailyUntilDecember24) {
    expect_whole_rule("RRULE:FREQ=DAILY;UNTIL=19971224T000000Z", "1997-09-02T09:00",
                      Expected{}
                          .edt(1997, 9, range(2, 30))
                          .edt(1997, 10, range(1, 25))
                          .est(1997, 10, range(26, 31))
                          .est(1997, 11, range(1, 30))
                          .est(1997, 12, range(1, 23)));
}

TEST(RecurrenceRfcExamples, EveryOtherDayForever) {
    std::vector<int> sep;
    for (int d = 2; d <= 30; d += 2) {
        sep.push_back(d);
    }
    expect_rule("RRULE:FREQ=DAILY;INTERVAL=2", "1997-09-02T09:00",
                Expected{}
                    .edt(1997, 9, sep)
                    .edt(1997, 10, {2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24})
                    .est(1997, 10, {26, 28, 30})
                    .est(1997, 11, {1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29})
                    .est(1997, 12, {1, 3}));
}

TEST(RecurrenceRfcExamples, EveryTenDaysFiveOccurrences) {
    expect_whole_rule("RRULE:FREQ=DAILY;INTERVAL=10;COUNT=5", "1997-09-02T09:00",
                      Expected{}.edt(1997, 9, {2, 12, 22}).edt(1997, 10, {2, 12}));
}

TEST(RecurrenceRfcExamples, EveryDayInJanuaryForThreeYearsBothForms) {
    const Expected expected =
        Expected{}.est(1998, 1, range(1, 31)).est(1999, 1, range(1, 31)).est(2000, 1, range(1, 31));
    expect_whole_rule("RRULE:FREQ=YEARLY;UNTIL=20000131T140000Z;BYMONTH=1;BYDAY=SU,MO,TU,WE,TH,FR,SA",
                      "1998-01-01T09:00", expected);
    expect_whole_rule("RRULE:FREQ=DAILY;UNTIL=20000131T140000Z;BYMONTH=1", "1998-01-01T09:00", expected);
}

TEST(RecurrenceRfcExamples, WeeklyForTenOccurrences) {
    expect_whole_rule("RRULE:FREQ=WEEKLY;COUNT=10", "1997-09-02T09:00",
                      Expected{}.edt(1997, 9, {2, 9, 16, 23, 30}).edt(1997, 10, {7, 14, 21}).est(1997, 10, {28}).est(
                          1997, 11, {4}));
}

TEST(RecurrenceRfcExamples, WeeklyUntilDecember24) {
    expect_whole_rule("RRULE:FREQ=WEEKLY;UNTIL=19971224T000000Z", "1997-09-02T09:00",
                      Expected{}
                          .edt(1997, 9, {2, 9, 16, 23, 30})
                          .edt(1997, 10, {7, 14, 21})
                          .est(1997, 10, {28})
                          .est(1997, 11, {4, 11, 18, 25})
                          .est(1997, 12, {2, 9, 16, 23}));
}

TEST(RecurrenceRfcExamples, EveryOtherWeekForever) {
    expect_rule("RRULE:FREQ=WEEKLY;INTERVAL=2;WKST=SU", "1997-09-02T09:00",
                Expected{}
                    .edt(1997, 9, {2, 16, 30})
                    .edt(1997, 10, {14})
                    .est(1997, 10, {28})
                    .est(1997, 11, {11, 25})
                    .est(1997, 12, {9, 23})
                    .est(1998, 1, {6, 20})
                    .est(1998, 2, {3, 17}));
}

TEST(RecurrenceRfcExamples, WeeklyOnTuesdayAndThursdayForFiveWeeksBothForms) {
    const Expected expected = Expected{}.edt(1997, 9, {2, 4, 9, 11, 16, 18, 23, 25, 30}).edt(1997, 10, {2});
    expect_whole_rule("RRULE:FREQ=WEEKLY;UNTIL=19971007T000000Z;WKST=SU;BYDAY=TU,TH", "1997-09-02T09:00", expected);
    expect_whole_rule("RRULE:FREQ=WEEKLY;COUNT=10;WKST=SU;BYDAY=TU,TH", "1997-09-02T09:00", expected);
}

TEST(RecurrenceRfcExamples, EveryOtherWeekOnMondayWednesdayFridayUntilDecember24) {
    expect_whole_rule("RRULE:FREQ=WEEKLY;INTERVAL=2;UNTIL=19971224T000000Z;WKST=SU;BYDAY=MO,WE,FR",
                      "1997-09-01T09:00",
                      Expected{}
                          .edt(1997, 9, {1, 3, 5, 15, 17, 19, 29})
                          .edt(1997, 10, {1, 3, 13, 15, 17})
                          .est(1997, 10, {27, 29, 31})
                          .est(1997, 11, {10, 12, 14, 24, 26, 28})
                          .est(1997, 12, {8, 10, 12, 22}));
}

TEST(RecurrenceRfcExamples, EveryOtherWeekOnTuesdayAndThursdayForEightOccurrences) {
    expect_whole_rule("RRULE:FREQ=WEEKLY;INTERVAL=2;COUNT=8;WKST=SU;BYDAY=TU,TH", "1997-09-02T09:00",
                      Expected{}.edt(1997, 9, {2, 4, 16, 18, 30}).edt(1997, 10, {2, 14, 16}));
}

TEST(RecurrenceRfcExamples, MonthlyOnTheFirstFridayForTenOccurrences) {
    expect_whole_rule("RRULE:FREQ=MONTHLY;COUNT=10;BYDAY=1FR", "1997-09-05T09:00",
                      Expected{}
                          .edt(1997, 9, {5})
                          .edt(1997, 10, {3})
                          .est(1997, 11, {7})
                          .est(1997, 12, {5})
                          .est(1998, 1, {2})
                          .est(1998, 2, {6})
                          .est(1998, 3, {6})
                          .est(1998, 4, {3})
                          .edt(1998, 5, {1})
                          .edt(1998, 6, {5}));
}

TEST(RecurrenceRfcExamples, MonthlyOnTheFirstFridayUntilDecember24) {
    expect_whole_rule("RRULE:FREQ=MONTHLY;UNTIL=19971224T000000Z;BYDAY=1FR", "1997-09-05T09:00",
                      Expected{}.edt(1997, 9, {5}).edt(1997, 10, {3}).est(1997, 11, {7}).est(1997, 12, {5}));
}

TEST(RecurrenceRfcExamples, EveryOtherMonthOnTheFirstAndLastSunday) {
    expect_whole_rule("RRULE:FREQ=MONTHLY;INTERVAL=2;COUNT=10;BYDAY=1SU,-1SU", "1997-09-07T09:00",
                      Expected{}
                          .edt(1997, 9, {7, 28})
                          .est(1997, 11, {2, 30})
                          .est(1998, 1, {4, 25})
                          .est(1998, 3, {1, 29})
                          .edt(1998, 5, {3, 31}));
}

TEST(RecurrenceRfcExamples, MonthlyOnTheSecondToLastMondayForSixMonths) {
    expect_whole_rule("RRULE:FREQ=MONTHLY;COUNT=6;BYDAY=-2MO", "1997-09-22T09:00",
                      Expected{}
                          .edt(1997, 9, {22})
                          .edt(1997, 10, {20})
                          .est(1997, 11, {17})
                          .est(1997, 12, {22})
                          .est(1998, 1, {19})
                          .est(1998, 2, {16}));
}

TEST(RecurrenceRfcExamples, MonthlyOnTheThirdToLastDayForever) {
    expect_rule("RRULE:FREQ=MONTHLY;BYMONTHDAY=-3", "1997-09-28T09:00",
                Expected{}
                    .edt(1997, 9, {28})
                    .est(1997, 10, {29})
                    .est(1997, 11, {28})
                    .est(1997, 12, {29})
                    .est(1998, 1, {29})
                    .est(1998, 2, {26}));
}

TEST(RecurrenceRfcExamples, MonthlyOnThe2ndAnd15thForTenOccurrences) {
    expect_whole_rule("RRULE:FREQ=MONTHLY;COUNT=10;BYMONTHDAY=2,15", "1997-09-02T09:00",
                      Expected{}
                          .edt(1997, 9, {2, 15})
                          .edt(1997, 10, {2, 15})
                          .est(1997, 11, {2, 15})
                          .est(1997, 12, {2, 15})
                          .est(1998, 1, {2, 15}));
}

TEST(RecurrenceRfcExamples, MonthlyOnTheFirstAndLastDayForTenOccurrences) {
    expect_whole_rule("RRULE:FREQ=MONTHLY;COUNT=10;BYMONTHDAY=1,-1", "1997-09-30T09:00",
                      Expected{}
                          .edt(1997, 9, {30})
                          .edt(1997, 10, {1})
                          .est(1997, 10, {31})
                          .est(1997, 11, {1, 30})
                          .est(1997, 12, {1, 31})
                          .est(1998, 1, {1, 31})
                          .est(1998, 2, {1}));
}

TEST(RecurrenceRfcExamples, Every18MonthsOnThe10thThru15th) {
    expect_whole_rule("RRULE:FREQ=MONTHLY;INTERVAL=18;COUNT=10;BYMONTHDAY=10,11,12,13,14,15", "1997-09-10T09:00",
                      Expected{}.edt(1997, 9, range(10, 15)).est(1999, 3, range(10, 13)));
}

TEST(RecurrenceRfcExamples, EveryTuesdayEveryOtherMonth) {
    expect_rule("RRULE:FREQ=MONTHLY;INTERVAL=2;BYDAY=TU", "1997-09-02T09:00",
                Expected{}
                    .edt(1997, 9, {2, 9, 16, 23, 30})
                    .est(1997, 11, {4, 11, 18, 25})
                    .est(1998, 1, {6, 13, 20, 27})
                    .est(1998, 3, {3, 10, 17, 24, 31}));
}

TEST(RecurrenceRfcExamples, YearlyInJuneAndJulyForTenOccurrences) {
    Expected expected;
    for (int y = 1997; y <= 2001; ++y) {
        expected.edt(y, 6, {10}).edt(y, 7, {10});
    }
    expect_whole_rule("RRULE:FREQ=YEARLY;COUNT=10;BYMONTH=6,7", "1997-06-10T09:00", expected);
}

TEST(RecurrenceRfcExamples, EveryOtherYearOnJanuaryFebruaryMarch) {
    Expected expected;
    expected.est(1997, 3, {10});
    for (int y = 1999; y <= 2003; y += 2) {
        expected.est(y, 1, {10}).est(y, 2, {10}).est(y, 3, {10});
    }
    expect_whole_rule("RRULE:FREQ=YEARLY;INTERVAL=2;COUNT=10;BYMONTH=1,2,3", "1997-03-10T09:00", expected);
}

TEST(RecurrenceRfcExamples, Every20thMondayOfTheYear) {
    expect_rule("RRULE:FREQ=YEARLY;BYDAY=20MO", "1997-05-19T09:00",
                Expected{}.edt(1997, 5, {19}).edt(1998, 5, {18}).edt(1999, 5, {17}));
}

TEST(RecurrenceRfcExamples, EveryThursdayInMarch) {
    expect_rule("RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=TH", "1997-03-13T09:00",
                Expected{}.est(1997, 3, {13, 20, 27}).est(1998, 3, {5, 12, 19, 26}).est(1999, 3, {4, 11, 18, 25}));
}

TEST(RecurrenceRfcExamples, EveryThursdayInJuneJulyAugust) {
    expect_rule("RRULE:FREQ=YEARLY;BYDAY=TH;BYMONTH=6,7,8", "1997-06-05T09:00",
                Expected{}
                    .edt(1997, 6, {5, 12, 19, 26})
                    .edt(1997, 7, {3, 10, 17, 24, 31})
                    .edt(1997, 8, {7, 14, 21, 28})
                    .edt(1998, 6, {4, 11, 18, 25})
                    .edt(1998, 7, {2, 9, 16, 23, 30})
                    .edt(1998, 8, {6, 13, 20, 27})
                    .edt(1999, 6, {3, 10, 17, 24})
                    .edt(1999, 7, {1, 8, 15, 22, 29})
                    .edt(1999, 8, {5, 12, 19, 26}));
}

TEST(RecurrenceRfcExamples, EveryFriday13thWithDtstartExcluded) {
    // The RFC cancels the unsynchronised DTSTART with an EXDATE; the Series models exactly that.
    auto series = make_series("FREQ=MONTHLY;BYDAY=FR;BYMONTHDAY=13", kNy, "1997-09-02T09:00");
    ASSERT_TRUE(series.has_value());
    series->exdates.push_back(*parse_local_iso("1997-09-02T09:00"));
    std::vector<std::string> got;
    for (const Occurrence& o : next_occurrences(*series, Instant{}, 5)) {
        got.push_back(format_utc_iso(o.start));
    }
    EXPECT_EQ(got, Expected{}
                       .est(1998, 2, {13})
                       .est(1998, 3, {13})
                       .est(1998, 11, {13})
                       .edt(1999, 8, {13})
                       .edt(2000, 10, {13})
                       .instants());
}

TEST(RecurrenceRfcExamples, FirstSaturdayAfterFirstSunday) {
    expect_rule("RRULE:FREQ=MONTHLY;BYDAY=SA;BYMONTHDAY=7,8,9,10,11,12,13", "1997-09-13T09:00",
                Expected{}
                    .edt(1997, 9, {13})
                    .edt(1997, 10, {11})
                    .est(1997, 11, {8})
                    .est(1997, 12, {13})
                    .est(1998, 1, {10})
                    .est(1998, 2, {7})
                    .est(1998, 3, {7})
                    .edt(1998, 4, {11})
                    .edt(1998, 5, {9})
                    .edt(1998, 6, {13}));
}

TEST(RecurrenceRfcExamples, UsPresidentialElectionDay) {
    expect_rule("RRULE:FREQ=YEARLY;INTERVAL=4;BYMONTH=11;BYDAY=TU;BYMONTHDAY=2,3,4,5,6,7,8", "1996-11-05T09:00",
                Expected{}.est(1996, 11, {5}).est(2000, 11, {7}).est(2004, 11, {2}));
}

TEST(RecurrenceRfcExamples, ThirdTuesdayWednesdayOrThursdayForThreeMonths) {
    expect_whole_rule("RRULE:FREQ=MONTHLY;COUNT=3;BYDAY=TU,WE,TH;BYSETPOS=3", "1997-09-04T09:00",
                      Expected{}.edt(1997, 9, {4}).edt(1997, 10, {7}).est(1997, 11, {6}));
}

TEST(RecurrenceRfcExamples, SecondToLastWeekdayOfTheMonth) {
    expect_rule("RRULE:FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-2", "1997-09-29T09:00",
                Expected{}
                    .edt(1997, 9, {29})
                    .est(1997, 10, {30})
                    .est(1997, 11, {27})
                    .est(1997, 12, {30})
                    .est(1998, 1, {29})
                    .est(1998, 2, {26})
                    .est(1998, 3, {30}));
}

TEST(RecurrenceRfcExamples, WeekStartMondayChangesTheDaysGenerated) {
    expect_whole_rule("RRULE:FREQ=WEEKLY;INTERVAL=2;COUNT=4;BYDAY=TU,SU;WKST=MO", "1997-08-05T09:00",
                      Expected{}.edt(1997, 8, {5, 10, 19, 24}));
}

TEST(RecurrenceRfcExamples, WeekStartSundayChangesTheDaysGenerated) {
    expect_whole_rule("RRULE:FREQ=WEEKLY;INTERVAL=2;COUNT=4;BYDAY=TU,SU;WKST=SU", "1997-08-05T09:00",
                      Expected{}.edt(1997, 8, {5, 17, 19, 31}));
}

TEST(RecurrenceRfcExamples, InvalidDateFebruary30IsIgnored) {
    expect_whole_rule("RRULE:FREQ=MONTHLY;BYMONTHDAY=15,30;COUNT=5", "2007-01-15T09:00",
                      Expected{}.est(2007, 1, {15, 30}).est(2007, 2, {15}).edt(2007, 3, {15, 30}));
}

TEST(RecurrenceRfcExamples, RejectsExamplesOutsideTheSubset) {
    for (const char* rule : {"FREQ=YEARLY;INTERVAL=3;COUNT=10;BYYEARDAY=1,100,200", "FREQ=YEARLY;BYWEEKNO=20;BYDAY=MO",
                             "FREQ=HOURLY;INTERVAL=3;UNTIL=19970902T170000Z", "FREQ=MINUTELY;INTERVAL=15;COUNT=6",
                             "FREQ=DAILY;BYHOUR=9,10,11,12,13,14,15,16;BYMINUTE=0,20,40"}) {
        const auto parsed = parse_rrule(rule);
        ASSERT_FALSE(parsed.has_value()) << rule;
        EXPECT_NE(parsed.error().message.find("not supported"), std::string::npos) << parsed.error().message;
    }
}
