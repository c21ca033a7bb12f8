#include "forums/ical.hpp"

#include <gtest/gtest.h>

#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <thread>

#include <sstream>
#include <string>
#include <vector>

using namespace delvex::forums;

namespace {

LocalTime local(const char* iso) {
    return parse_local_iso(iso).value();
}

IcalCalendar lima_calendar() {
    IcalCalendar calendar;
    calendar.name = "Región Andina";
    calendar.stamp = to_utc(local("2026-11-27T10:00"), *find_zone("UTC").value());
    IcalEvent event;
    event.uid = "forum-7@delve.exchange";
    event.sequence = 2;
    event.series = make_series("FREQ=MONTHLY;BYDAY=1TH", "America/Lima", "2027-01-07T15:00").value();
    event.duration = std::chrono::minutes{90};
    event.summary = "Foro mensual";
    event.location = "WhatsApp call";
    calendar.events.push_back(event);
    return calendar;
}

/// Content lines with folds undone, CRLF stripped.
std::vector<std::string> unfolded_lines(const std::string& ics) {
    std::vector<std::string> lines;
    std::size_t pos = 0;
    while (pos < ics.size()) {
        const std::size_t end = ics.find("\r\n", pos);
        const std::string physical = ics.substr(pos, end - pos);
        if (!physical.empty() && physical.front() == ' ' && !lines.empty()) {
            lines.back() += physical.substr(1);
        } else {
            lines.push_back(physical);
        }
        pos = end == std::string::npos ? ics.size() : end + 2;
    }
    return lines;
}

bool has_line(const std::vector<std::string>& lines, const std::string& line) {
    return std::find(lines.begin(), lines.end(), line) != lines.end();
}

std::size_t count_lines(const std::vector<std::string>& lines, const std::string& line) {
    return static_cast<std::size_t>(std::count(lines.begin(), lines.end(), line));
}

}  // namespace

TEST(Ical, WritesEventWithZonedStartAndRule) {
    const auto lines = unfolded_lines(write_ical(lima_calendar()));
    ASSERT_GE(lines.size(), 4u);
    EXPECT_EQ(lines.front(), "BEGIN:VCALENDAR");
    EXPECT_EQ(lines.back(), "END:VCALENDAR");
    EXPECT_TRUE(has_line(lines, "VERSION:2.0"));
    EXPECT_TRUE(has_line(lines, "UID:forum-7@delve.exchange"));
    EXPECT_TRUE(has_line(lines, "SEQUENCE:2"));
    EXPECT_TRUE(has_line(lines, "DTSTAMP:20261127T100000Z"));
    EXPECT_TRUE(has_line(lines, "DTSTART;TZID=America/Lima:20270107T150000"));
    EXPECT_TRUE(has_line(lines, "RRULE:FREQ=MONTHLY;BYDAY=1TH"));
    EXPECT_TRUE(has_line(lines, "DURATION:PT1H30M"));
    EXPECT_TRUE(has_line(lines, "SUMMARY:Foro mensual"));
    EXPECT_TRUE(has_line(lines, "X-WR-CALNAME:Región Andina"));
    EXPECT_EQ(count_lines(lines, "BEGIN:VEVENT"), 1u);
}

TEST(Ical, DefinesTheZoneWhenEventUsesTzid) {
    const auto lines = unfolded_lines(write_ical(lima_calendar()));
    EXPECT_EQ(count_lines(lines, "BEGIN:VTIMEZONE"), 1u);
    EXPECT_TRUE(has_line(lines, "TZID:America/Lima"));
    EXPECT_TRUE(has_line(lines, "TZOFFSETTO:-0500"));
    // The VTIMEZONE comes before the events that refer to it.
    const auto tz = std::find(lines.begin(), lines.end(), "BEGIN:VTIMEZONE");
    const auto event = std::find(lines.begin(), lines.end(), "BEGIN:VEVENT");
    EXPECT_LT(tz, event);
}

TEST(Ical, ListsDstTransitionsWhenZoneHasThem) {
    IcalCalendar calendar = lima_calendar();
    calendar.events[0].series = make_series("FREQ=WEEKLY;COUNT=30", "Europe/London", "2027-03-18T19:00").value();
    const auto lines = unfolded_lines(write_ical(calendar));
    EXPECT_TRUE(has_line(lines, "BEGIN:DAYLIGHT"));
    EXPECT_TRUE(has_line(lines, "BEGIN:STANDARD"));
    EXPECT_TRUE(has_line(lines, "TZOFFSETFROM:+0000"));
    EXPECT_TRUE(has_line(lines, "TZOFFSETTO:+0100"));
    // The spring-forward onset of 2027 (01:00 UTC = 01:00 GMT) is among the DAYLIGHT onsets.
    bool found = false;
    for (const std::string& line : lines) {
        found = found || ((line.rfind("DTSTART:", 0) == 0 || line.rfind("RDATE:", 0) == 0) &&
                          line.find("20270328T010000") != std::string::npos);
    }
    EXPECT_TRUE(found);
}

TEST(Ical, WritesCancelledInstancesAsExdate) {
    IcalCalendar calendar = lima_calendar();
    calendar.events[0].series.exdates = {local("2027-03-04T15:00"), local("2027-02-04T15:00")};
    const auto lines = unfolded_lines(write_ical(calendar));
    EXPECT_TRUE(has_line(lines, "EXDATE;TZID=America/Lima:20270204T150000,20270304T150000"));
}

TEST(Ical, WritesMovedInstanceAsOverrideEvent) {
    IcalCalendar calendar = lima_calendar();
    calendar.events[0].series.overrides = {Override{local("2027-02-04T15:00"), local("2027-02-05T17:00")}};
    const auto lines = unfolded_lines(write_ical(calendar));
    EXPECT_EQ(count_lines(lines, "BEGIN:VEVENT"), 2u);
    EXPECT_EQ(count_lines(lines, "UID:forum-7@delve.exchange"), 2u);
    EXPECT_TRUE(has_line(lines, "RECURRENCE-ID;TZID=America/Lima:20270204T150000"));
    EXPECT_TRUE(has_line(lines, "DTSTART;TZID=America/Lima:20270205T170000"));
}

TEST(Ical, WritesUntilInUtcWhenRuleHasLocalUntil) {
    IcalCalendar calendar = lima_calendar();
    calendar.events[0].series =
        make_series("FREQ=WEEKLY;UNTIL=20270301T150000", "America/Lima", "2027-01-07T15:00").value();
    const auto lines = unfolded_lines(write_ical(calendar));
    EXPECT_TRUE(has_line(lines, "RRULE:FREQ=WEEKLY;UNTIL=20270301T200000Z"));
}

TEST(Ical, MarksSeriesCancelledWhenCancelled) {
    IcalCalendar calendar = lima_calendar();
    calendar.events[0].cancelled = true;
    calendar.events[0].sequence = 3;
    const auto lines = unfolded_lines(write_ical(calendar));
    EXPECT_TRUE(has_line(lines, "STATUS:CANCELLED"));
    EXPECT_TRUE(has_line(lines, "SEQUENCE:3"));
}

TEST(Ical, ProducesSameBytesWhenInputIsUnchanged) {
    EXPECT_EQ(write_ical(lima_calendar()), write_ical(lima_calendar()));
}

TEST(Ical, EndsEveryLineWithCrlfAndFoldsAt75Octets) {
    IcalCalendar calendar = lima_calendar();
    calendar.events[0].description = std::string(200, 'x') + " ñandú " + std::string(100, 'y');
    const std::string ics = write_ical(calendar);
    ASSERT_GE(ics.size(), 2u);
    EXPECT_EQ(ics.substr(ics.size() - 2), "\r\n");
    std::size_t pos = 0;
    while (pos < ics.size()) {
        const std::size_t end = ics.find("\r\n", pos);
        ASSERT_NE(end, std::string::npos);
        EXPECT_LE(end - pos, 75u) << ics.substr(pos, end - pos);
        EXPECT_EQ(ics.substr(pos, end - pos).find('\n'), std::string::npos);
        pos = end + 2;
    }
    EXPECT_TRUE(has_line(unfolded_lines(ics), "DESCRIPTION:" + calendar.events[0].description));
}

TEST(Ical, FoldingEndsEvenOnBytesThatAreNotUtf8) {
    // Continuation bytes only (no character starts anywhere): before, the search for a character start went
    // back to 0 and the loop never ended. Every folded line stays within 75 octets and nothing is lost.
    const std::string junk = "X:" + std::string(300, '\x80');
    // A hang must fail, not stall the suite: the fold first runs in a child process with 5 s and 1 GiB (the old
    // loop also grew its output without end), and only once it has ended is it run here.
    const pid_t child = fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
#if !defined(__SANITIZE_ADDRESS__) && !defined(__SANITIZE_THREAD__)  // their shadow memory is far over 1 GiB
        const rlimit memory{1L << 30, 1L << 30};
        setrlimit(RLIMIT_AS, &memory);
#endif
        const auto out = fold_ical_line(junk);
        std::_Exit(out.empty() ? 1 : 0);
    }
    int status = 0;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    pid_t done = 0;
    while ((done = waitpid(child, &status, WNOHANG)) == 0 && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    if (done == 0) {
        kill(child, SIGKILL);
        waitpid(child, &status, 0);
        FAIL() << "fold_ical_line did not end within 5 s";
    }
    ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "fold_ical_line failed in the child: " << status;
    const std::string folded = fold_ical_line(junk);
    std::string unfolded;
    std::size_t start = 0;
    for (;;) {
        const auto end = folded.find("\r\n ", start);
        const auto piece = folded.substr(start, end == std::string::npos ? std::string::npos : end - start);
        EXPECT_LE(piece.size() + (start == 0 ? 0 : 1), 75u);
        unfolded += piece;
        if (end == std::string::npos) {
            break;
        }
        start = end + 3;
    }
    EXPECT_EQ(unfolded, junk);
}

TEST(Ical, NeverSplitsUtf8CharacterWhenFolding) {
    // 73 ASCII octets, then 2-octet ñs ending at octets 75, 77, 79: the fold goes after the first ñ.
    EXPECT_EQ(fold_ical_line("SUMMARY:" + std::string(65, 'a') + "ñññ"),
              "SUMMARY:" + std::string(65, 'a') + "ñ\r\n ññ");
    // 74 ASCII octets: the first ñ would straddle octet 75, so it moves whole to the next line.
    EXPECT_EQ(fold_ical_line("SUMMARY:" + std::string(66, 'a') + "ñ"), "SUMMARY:" + std::string(66, 'a') + "\r\n ñ");
    EXPECT_EQ(fold_ical_line("SHORT:x"), "SHORT:x");
    EXPECT_EQ(fold_ical_line(std::string(75, 'z')), std::string(75, 'z'));
    EXPECT_EQ(fold_ical_line(std::string(76, 'z')), std::string(75, 'z') + "\r\n z");
    EXPECT_EQ(fold_ical_line(std::string(75 + 74 + 1, 'z')),
              std::string(75, 'z') + "\r\n " + std::string(74, 'z') + "\r\n z");
}

TEST(Ical, EscapesTextWhenItHasSpecialCharacters) {
    EXPECT_EQ(escape_ical_text("a,b;c\\d\ne\r\nf\rg"), "a\\,b\\;c\\\\d\\ne\\nf\\ng");
    EXPECT_EQ(escape_ical_text(std::string("tab\there\x01\x7f")), "tab\there");
    EXPECT_EQ(escape_ical_text("¿Qué?"), "¿Qué?");
}
