#include "forums/cli.hpp"

#include "forums/recurrence.hpp"

#include <ostream>

namespace delvex::forums {

int run_forums_next(const std::string& rrule, const std::string& tz, const std::string& start_local_iso, int count,
                    std::ostream& out, std::ostream& err) {
    auto rule = parse_rrule(rrule);
    if (!rule) {
        err << "forums next: bad --rrule: " << rule.error().message << '\n';
        return 2;
    }
    auto zone = find_zone(tz);
    if (!zone) {
        err << "forums next: bad --tz: " << zone.error().message << '\n';
        return 2;
    }
    auto start = parse_local_iso(start_local_iso);
    if (!start) {
        err << "forums next: bad --start: " << start.error().message << '\n';
        return 2;
    }
    if (count < 0) {
        err << "forums next: bad --count: " << count << " is negative (expected 0 or more)\n";
        return 2;
    }
    Recurrence recurrence(std::move(*rule), *start, **zone);
    for (int i = 0; i < count; ++i) {
        const auto instance = recurrence.next();
        if (!instance) {
            break;
        }
        out << format_utc_iso(instance->start) << '\n';
    }
    return 0;
}

}  // namespace delvex::forums
