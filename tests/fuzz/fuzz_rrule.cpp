// libFuzzer target: RRULE text (moderators type it; `delvex forums next --rrule`), the time zone name and
// the local start, through the same path as `delvex forums next`: parse, locate, generate.
// Input: "RULE\nZONE\nSTART" (missing lines fall back to America/Lima and 2027-01-07T15:00).
// Invariants: a rule that parses formats to a canonical text that parses again to the same canonical text;
// generation ends (COUNT, UNTIL, the 400-year no-match proof or year 9999) and instances never go back in
// time.

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <sstream>
#include <string>
#include <string_view>

#include "forums/cli.hpp"
#include "forums/recurrence.hpp"

namespace forums = delvex::forums;

namespace {

void fail(const char* what) {
    std::fprintf(stderr, "fuzz_rrule: invariant broken: %s\n", what);
    std::abort();
}

std::string_view next_line(std::string_view& rest) {
    const auto nl = rest.find('\n');
    const std::string_view line = rest.substr(0, nl);
    rest = nl == std::string_view::npos ? std::string_view() : rest.substr(nl + 1);
    return line;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view rest(reinterpret_cast<const char*>(data), size);
    const std::string rule_text(next_line(rest));
    std::string zone_name(next_line(rest));
    std::string start(next_line(rest));
    if (zone_name.empty()) {
        zone_name = "America/Lima";
    }
    if (start.empty()) {
        start = "2027-01-07T15:00";
    }

    const auto rule = forums::parse_rrule(rule_text);
    if (rule) {
        const std::string canonical = forums::format_rrule(*rule);
        const auto again = forums::parse_rrule(canonical);
        if (!again) {
            fail("the canonical form of a parsed rule does not parse");
        }
        if (forums::format_rrule(*again) != canonical) {
            fail("format_rrule(parse_rrule(format_rrule(r))) differs from format_rrule(r)");
        }
        const auto zone = forums::find_zone(zone_name);
        const auto local = forums::parse_local_iso(start);
        if (zone && local) {
            const auto instances = forums::first_instances(*rule, *local, **zone, 24);
            for (std::size_t i = 1; i < instances.size(); ++i) {
                if (instances[i].local <= instances[i - 1].local) {
                    fail("instances are not in increasing local time");
                }
            }
        }
    }
    std::ostringstream out;
    std::ostringstream err;
    (void)forums::run_forums_next(rule_text, zone_name, start, 24, out, err);
    return 0;
}
