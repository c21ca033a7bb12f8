#pragma once

#include "forums/recurrence.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <initializer_list>
#include <string>
#include <vector>

namespace delvex::forums::testing {

/// Expected UTC instants written the way RFC 5545 lists them: local dates at a fixed wall time, each group
/// labelled with its UTC offset (EDT = -4, EST = -5 for the RFC's 09:00 America/New_York examples).
class Expected {
public:
    explicit Expected(int local_hour = 9) : local_hour_(local_hour) {}

    Expected& at(int utc_offset_hours, int year, unsigned month, std::vector<int> days) {
        for (const int d : days) {
            char buf[32];
            std::snprintf(buf, sizeof buf, "%04d-%02u-%02dT%02d:00:00Z", year, month, d,
                          local_hour_ - utc_offset_hours);
            instants_.emplace_back(buf);
        }
        return *this;
    }
    Expected& edt(int year, unsigned month, std::vector<int> days) { return at(-4, year, month, std::move(days)); }
    Expected& est(int year, unsigned month, std::vector<int> days) { return at(-5, year, month, std::move(days)); }

    const std::vector<std::string>& instants() const { return instants_; }
    std::size_t size() const { return instants_.size(); }

private:
    int local_hour_;
    std::vector<std::string> instants_;
};

inline std::vector<int> range(int first, int last) {
    std::vector<int> out;
    for (int d = first; d <= last; ++d) {
        out.push_back(d);
    }
    return out;
}

/// The first n instances of an RRULE from a local DTSTART, as UTC ISO strings. Fails the test on bad input.
inline std::vector<std::string> instants(const std::string& rrule, const std::string& tz,
                                         const std::string& start, std::size_t n) {
    const auto rule = parse_rrule(rrule);
    const auto zone = find_zone(tz);
    const auto local = parse_local_iso(start);
    EXPECT_TRUE(rule.has_value()) << (rule ? "" : rule.error().message);
    EXPECT_TRUE(zone.has_value());
    EXPECT_TRUE(local.has_value());
    if (!rule || !zone || !local) {
        return {};
    }
    std::vector<std::string> out;
    for (const Instance& i : first_instances(*rule, *local, **zone, n)) {
        out.push_back(format_utc_iso(i.start));
    }
    return out;
}

/// Instances in New York, the zone of every RFC 5545 §3.8.5.3 example.
inline std::vector<std::string> ny(const std::string& rrule, const std::string& start, std::size_t n) {
    return instants(rrule, "America/New_York", start, n);
}

}  // namespace delvex::forums::testing
