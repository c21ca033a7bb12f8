#pragma once

// Fills a SQLite file, through the real migrations, with a year of a large programme for the console's
// benchmarks (bench/console_seed.cpp has the shape): members over six rooms, posts, reports, forums with RSVPs,
// attendance and ratings, Academy progress and answers, an outbox with pricing, templates and halts.

#include <SQLiteCpp/Database.h>

#include <cstdint>
#include <string>
#include <vector>

namespace delvex::bench {

struct ConsoleSeedOptions {
    std::int64_t members = 100'000;
    std::int64_t posts = 300'000;           ///< over the year
    std::int64_t outbox = 1'000'000;        ///< messages over the year
    std::int64_t learners = 30'000;         ///< members with an Academy profile
    std::int64_t rsvps_per_occurrence = 150;
    /// The end of the seeded year (Unix ms); the year before it is filled. Default 2026-12-01T00:00Z.
    std::int64_t now_ms = 1'796'083'200'000;
    std::uint64_t seed = 42;
};

struct ConsoleSeedCounts {
    std::int64_t members = 0, memberships = 0, room_events = 0, posts = 0, reports = 0, rsvps = 0, attendance = 0,
                 feedback = 0, progress = 0, answers = 0, certificates = 0, outbox = 0, message_costs = 0;
};

/// The rooms seeded, in order.
std::vector<std::string> console_seed_rooms();

/// Seeds `db` (already migrated, empty) in one transaction. Deterministic for a seed.
ConsoleSeedCounts seed_console(SQLite::Database& db, const ConsoleSeedOptions& options = {});

}  // namespace delvex::bench
