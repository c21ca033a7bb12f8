#include "forums/series.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

using namespace delvex::forums;

namespace {

LocalTime local(const char* iso) {
    return parse_local_iso(iso).value();
}

Instant utc(const char* iso) {
    return to_utc(local(iso), *find_zone("UTC").value());
}

/// First Thursday of the month, 15:00 in Lima (UTC-5 all year): 2027-01-07, 02-04, 03-04, 04-01, 05-06, ...
Series lima_forum() {
    return make_series("FREQ=MONTHLY;BYDAY=1TH", "America/Lima", "2027-01-07T15:00").value();
}

std::vector<std::string> starts(const std::vector<Occurrence>& occurrences) {
    std::vector<std::string> out;
    for (const Occurrence& o : occurrences) {
        out.push_back(format_utc_iso(o.start));
    }
    return out;
}

}  // namespace

TEST(Series, ListsRuleOccurrencesWhenThereAreNoExceptions) {
    EXPECT_EQ(starts(next_occurrences(lima_forum(), Instant{}, 3)),
              (std::vector<std::string>{"2027-01-07T20:00:00Z", "2027-02-04T20:00:00Z", "2027-03-04T20:00:00Z"}));
}

TEST(Series, SkipsOccurrenceWhenItIsCancelled) {
    Series series = lima_forum();
    series.exdates.push_back(local("2027-02-04T15:00"));
    EXPECT_EQ(starts(next_occurrences(series, Instant{}, 3)),
              (std::vector<std::string>{"2027-01-07T20:00:00Z", "2027-03-04T20:00:00Z", "2027-04-01T20:00:00Z"}));
    // The rule itself is untouched: the cancelled instance still counts as part of the series.
    EXPECT_EQ(format_rrule(series.rule), "FREQ=MONTHLY;BYDAY=1TH");
    EXPECT_TRUE(is_instance(series, local("2027-02-04T15:00")));
}

TEST(Series, CancelsOnlyTheNamedInstanceWhenRuleHasCount) {
    Series series = make_series("FREQ=WEEKLY;COUNT=3", "America/Lima", "2027-01-07T15:00").value();
    series.exdates.push_back(local("2027-01-14T15:00"));
    // COUNT bounds the rule before exceptions apply (RFC 5545 §3.8.5.3), so no fourth week appears.
    EXPECT_EQ(starts(next_occurrences(series, Instant{}, 10)),
              (std::vector<std::string>{"2027-01-07T20:00:00Z", "2027-01-21T20:00:00Z"}));
}

TEST(Series, MovesOccurrenceWhenOverridden) {
    Series series = lima_forum();
    series.overrides.push_back(Override{local("2027-02-04T15:00"), local("2027-02-05T17:30")});
    const auto got = next_occurrences(series, Instant{}, 3);
    ASSERT_EQ(got.size(), 3u);
    EXPECT_EQ(starts(got),
              (std::vector<std::string>{"2027-01-07T20:00:00Z", "2027-02-05T22:30:00Z", "2027-03-04T20:00:00Z"}));
    EXPECT_TRUE(got[1].moved);
    EXPECT_EQ(got[1].original, local("2027-02-04T15:00"));
    EXPECT_EQ(got[1].local, local("2027-02-05T17:30"));
    EXPECT_FALSE(got[0].moved);
}

TEST(Series, ReordersWhenOccurrenceIsMovedPastTheNextOne) {
    Series series = lima_forum();
    series.overrides.push_back(Override{local("2027-01-07T15:00"), local("2027-03-10T15:00")});
    EXPECT_EQ(starts(next_occurrences(series, Instant{}, 3)),
              (std::vector<std::string>{"2027-02-04T20:00:00Z", "2027-03-04T20:00:00Z", "2027-03-10T20:00:00Z"}));
}

TEST(Series, PrefersCancelWhenInstanceIsBothMovedAndCancelled) {
    Series series = lima_forum();
    series.overrides.push_back(Override{local("2027-02-04T15:00"), local("2027-02-05T15:00")});
    series.exdates.push_back(local("2027-02-04T15:00"));
    EXPECT_EQ(starts(next_occurrences(series, Instant{}, 2)),
              (std::vector<std::string>{"2027-01-07T20:00:00Z", "2027-03-04T20:00:00Z"}));
}

TEST(Series, IgnoresOverrideWhenOriginalIsNotAnInstance) {
    Series series = lima_forum();
    series.overrides.push_back(Override{local("2027-02-05T15:00"), local("2027-02-06T15:00")});
    EXPECT_FALSE(is_instance(series, local("2027-02-05T15:00")));
    EXPECT_EQ(starts(next_occurrences(series, Instant{}, 3)),
              (std::vector<std::string>{"2027-01-07T20:00:00Z", "2027-02-04T20:00:00Z", "2027-03-04T20:00:00Z"}));
}

TEST(Series, StartsFromGivenInstantWhenAskedForNext) {
    EXPECT_EQ(starts(next_occurrences(lima_forum(), utc("2027-02-04T20:00"), 2)),
              (std::vector<std::string>{"2027-02-04T20:00:00Z", "2027-03-04T20:00:00Z"}));
    EXPECT_EQ(starts(next_occurrences(lima_forum(), utc("2027-02-04T20:01"), 1)),
              (std::vector<std::string>{"2027-03-04T20:00:00Z"}));
}

TEST(Series, IncludesMovedInOccurrenceWhenOriginalIsOutsideTheWindow) {
    Series series = lima_forum();
    series.overrides.push_back(Override{local("2027-01-07T15:00"), local("2027-03-20T10:00")});
    series.overrides.push_back(Override{local("2027-03-04T15:00"), local("2027-06-01T10:00")});
    EXPECT_EQ(starts(occurrences_between(series, utc("2027-03-01T00:00"), utc("2027-04-01T00:00"))),
              (std::vector<std::string>{"2027-03-20T15:00:00Z"}));
}

TEST(Series, ReturnsNothingWhenWindowIsEmpty) {
    EXPECT_TRUE(occurrences_between(lima_forum(), utc("2027-01-08T00:00"), utc("2027-02-01T00:00")).empty());
}

TEST(Series, RejectsBadTextWhenMakingSeries) {
    EXPECT_FALSE(make_series("FREQ=MONTHLY;BYDAY=9ZZ", "America/Lima", "2027-01-07T15:00").has_value());
    EXPECT_FALSE(make_series("FREQ=MONTHLY", "Lima", "2027-01-07T15:00").has_value());
    EXPECT_FALSE(make_series("FREQ=MONTHLY", "America/Lima", "2027-01-07").has_value());
}
