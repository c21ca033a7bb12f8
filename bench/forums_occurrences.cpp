// Benchmark: the next 1,000 occurrences of each of 1,000 forum series (bench/forums_occurrences.sh).
// Series mix monthly BYDAY ordinals, last weekdays, BYMONTHDAY (negative too), weekly with INTERVAL and
// yearly rules across zones with and without daylight saving. Prints one line per run and the median.

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "forums/series.hpp"

int main(int argc, char** argv) {
    using namespace delvex::forums;
    const int runs = argc > 1 ? std::atoi(argv[1]) : 5;
    const std::size_t n_series = 1000;
    const std::size_t per_series = 1000;
    const char* const zones[] = {"America/Lima",   "Europe/London",  "America/Santiago", "Africa/Nairobi",
                                 "Africa/Kinshasa", "Asia/Manila",   "America/La_Paz",   "Australia/Sydney"};
    const char* const rules[] = {"FREQ=MONTHLY;BYDAY=1TH",          "FREQ=MONTHLY;BYDAY=-1FR",
                                 "FREQ=MONTHLY;BYMONTHDAY=-1",       "FREQ=WEEKLY;INTERVAL=2;BYDAY=SU",
                                 "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1", "FREQ=WEEKLY;BYDAY=TU,TH",
                                 "FREQ=YEARLY;BYMONTH=3,9;BYDAY=2WE", "FREQ=MONTHLY;INTERVAL=3;BYMONTHDAY=15"};
    std::vector<Series> series;
    for (std::size_t i = 0; i < n_series; ++i) {
        const auto hour = 8 + static_cast<int>(i % 10);
        char start[32];
        std::snprintf(start, sizeof start, "2027-01-%02dT%02d:30", 1 + static_cast<int>(i % 28), hour);
        auto s = make_series(rules[i % 8], zones[(i / 8) % 8], start);
        if (!s) {
            std::fprintf(stderr, "bad series %zu: %s\n", i, s.error().message.c_str());
            return 1;
        }
        series.push_back(std::move(*s));
    }
    const Instant from{std::chrono::seconds{1'798'761'600}};  // 2027-01-01T00:00:00Z
    std::vector<double> ms;
    std::size_t total = 0;
    for (int r = 0; r < runs; ++r) {
        total = 0;
        const auto t0 = std::chrono::steady_clock::now();
        for (const auto& s : series) {
            total += next_occurrences(s, from, per_series).size();
        }
        const auto t1 = std::chrono::steady_clock::now();
        ms.push_back(std::chrono::duration<double, std::milli>(t1 - t0).count());
        std::printf("run %d: %zu occurrences in %.1f ms\n", r + 1, total, ms.back());
    }
    std::sort(ms.begin(), ms.end());
    const double median = ms[ms.size() / 2];
    std::printf("median: %.1f ms for %zu series x %zu occurrences = %zu (%.0f ns per occurrence)\n", median,
                n_series, per_series, total, median * 1e6 / static_cast<double>(total));
    return total == n_series * per_series ? 0 : 2;
}
