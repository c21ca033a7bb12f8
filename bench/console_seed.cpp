// The console benchmark's data set (see console_seed.hpp). Shape, for the defaults:
//   100,000 members over six rooms (10% also in a second room, 5% left, 0.5% moderators; 70% live, 20% digest,
//   10% muted, 3% stopped), room_events for every join, leave, STOP and mode change; 300,000 posts over the year
//   (1% reported); one weekly forum per room (52 occurrences × 150 RSVPs, 60% of the yes attend, a third of
//   those rate it); 30,000 learners over 5 modules of 8 steps (4 quiz steps, a third of the answers wrong the
//   first time); 1,000,000 outbox rows (a year of messages: 10% templates, statuses with pricing, 200 queued,
//   1,000 held, 5,000 failed with Graph reasons) and message_costs counted from them; 20 templates; 6 halts.
// Bulk inserts through prepared statements in one transaction (no journal, synchronous off while seeding); the
// console's counters are filled by migration 19's triggers as the rows go in, as in production.

#include "bench/console_seed.hpp"

#include <SQLiteCpp/Statement.h>
#include <SQLiteCpp/Transaction.h>

#include <array>
#include <cstdio>
#include <string>

namespace delvex::bench {
namespace {

constexpr std::int64_t kDayMs = 86'400'000;
constexpr std::int64_t kYearMs = 365 * kDayMs;

// xorshift64*: fast, deterministic, good enough to spread data.
struct Rng {
    std::uint64_t s;
    std::uint64_t next() {
        s ^= s >> 12;
        s ^= s << 25;
        s ^= s >> 27;
        return s * 2685821657736338717ULL;
    }
    std::int64_t below(std::int64_t n) { return static_cast<std::int64_t>(next() % static_cast<std::uint64_t>(n)); }
    bool chance(int percent) { return below(100) < percent; }
};

// Runs a prepared insert with positional values and resets it.
template <typename... A>
void row(SQLite::Statement& q, const A&... values) {
    int i = 1;
    (q.bind(i++, values), ...);
    q.exec();
    q.reset();
}

std::string occurrence_name(std::int64_t ms) {
    // The local start as iCalendar names it, in UTC here (the rooms' zones do not matter to the counts).
    const std::time_t t = static_cast<std::time_t>(ms / 1000);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[32];
    std::snprintf(buf, sizeof buf, "%04d%02d%02dT%02d%02d%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                  tm.tm_hour, tm.tm_min, tm.tm_sec);
    return buf;
}

/// The same instant as forum_series.dtstart_local writes it: "YYYY-MM-DDTHH:MM:SS".
std::string local_iso(std::int64_t ms) {
    const std::string basic = occurrence_name(ms);
    return basic.substr(0, 4) + "-" + basic.substr(4, 2) + "-" + basic.substr(6, 2) + "T" + basic.substr(9, 2) + ":" +
           basic.substr(11, 2) + ":" + basic.substr(13, 2);
}

}  // namespace

std::vector<std::string> console_seed_rooms() {
    return {"east-africa", "west-africa", "southern-africa", "great-lakes", "sahel", "andes"};
}

ConsoleSeedCounts seed_console(SQLite::Database& db, const ConsoleSeedOptions& o) {
    ConsoleSeedCounts n;
    Rng rng{o.seed * 0x9E3779B97F4A7C15ULL + 1};
    const auto rooms = console_seed_rooms();
    const std::int64_t start = o.now_ms - kYearMs;
    static constexpr std::array<const char*, 5> kLangs = {"en", "fr", "es", "pt", "sw"};
    // A throwaway file: no journal and a large cache while seeding, so that each page is written once.
    db.exec("PRAGMA journal_mode = OFF");
    db.exec("PRAGMA synchronous = OFF");
    db.exec("PRAGMA cache_size = -1048576");
    SQLite::Transaction tx(db);

    // ---- members, memberships, room events ----
    {
        SQLite::Statement member(db,
                                 "INSERT INTO members (id, member_key, wa_id, language, first_seen, last_inbound, stage, "
                                 "alias, alias_key, alias_skeleton, current_room, mode, stopped, admin, posts) "
                                 "VALUES (?, ?, ?, ?, ?, ?, 4, ?, ?, ?, ?, ?, ?, ?, ?)");
        SQLite::Statement membership(db,
                                     "INSERT INTO room_members (room, member_id, role, state, joined_ms) VALUES (?, ?, ?, ?, ?)");
        SQLite::Statement event(db, "INSERT INTO room_events (room, kind, at_ms) VALUES (?, ?, ?)");
        static constexpr std::array<const char*, 12> kNames = {"Amina", "Baraka", "Chinedu", "Dalia", "Esi", "Faith",
                                                               "Grace", "Hassan", "Imani", "Juma", "Kofi", "Lerato"};
        for (std::int64_t id = 1; id <= o.members; ++id) {
            const std::string key = std::to_string(254700000000LL + id * 7);
            const std::string alias = std::string(kNames[static_cast<std::size_t>(id % 12)]) + std::to_string(id);
            std::string folded = alias;
            for (auto& c : folded) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
            const auto& room = rooms[static_cast<std::size_t>(rng.below(static_cast<std::int64_t>(rooms.size())))];
            const std::int64_t joined = start + rng.below(kYearMs - kDayMs);
            const int mode = rng.chance(70) ? 0 : rng.chance(67) ? 1 : 2;
            const bool stopped = rng.chance(3);
            const std::int64_t last = (joined + rng.below(o.now_ms - joined)) / 1000;
            row(member, id, key, key, kLangs[static_cast<std::size_t>(id % 5)], joined / 1000, last, alias, folded,
                folded, room, mode, stopped ? 1 : 0, id <= 3 ? 1 : 0, rng.below(20));
            ++n.members;
            const bool left = rng.chance(5);
            row(membership, room, id, rng.below(200) == 0 ? 1 : 0, left ? 1 : 0, joined);
            row(event, room, "join", joined);
            n.memberships += 1;
            n.room_events += 1;
            if (left) {
                row(event, room, "leave", joined + rng.below(o.now_ms - joined));
                ++n.room_events;
            }
            if (mode != 0) {
                row(event, room, mode == 1 ? "digest" : "muted", joined + rng.below(o.now_ms - joined));
                ++n.room_events;
            }
            if (stopped) {
                row(event, room, "stop", joined + rng.below(o.now_ms - joined));
                ++n.room_events;
            }
            if (rng.chance(10)) {
                const auto& second = rooms[static_cast<std::size_t>((&room - rooms.data() + 1) % 6)];
                const std::int64_t when = joined + rng.below(o.now_ms - joined);
                row(membership, second, id, 0, 0, when);
                row(event, second, "join", when);
                ++n.memberships;
                ++n.room_events;
            }
        }
    }

    // ---- posts and reports ----
    {
        SQLite::Statement post(db,
                               "INSERT INTO posts (id, room, author_id, wamid, kind, body, state, created_ms) "
                               "VALUES (?, ?, ?, ?, 'text', ?, ?, ?)");
        SQLite::Statement report(db, "INSERT INTO post_reports (post_id, reporter_id, at_ms) VALUES (?, ?, ?)");
        for (std::int64_t id = 1; id <= o.posts; ++id) {
            const std::int64_t at = start + (kYearMs * id) / (o.posts + 1);
            const std::int64_t author = 1 + rng.below(o.members);
            const auto& room = rooms[static_cast<std::size_t>(rng.below(6))];
            row(post, id, room, author, "wamid.post" + std::to_string(id), "The new shaft at the ridge is open today.",
                rng.chance(97) ? 0 : 1, at);
            ++n.posts;
            if (rng.chance(1)) {
                row(report, id, 1 + rng.below(o.members), at + rng.below(kDayMs));
                ++n.reports;
            }
        }
    }

    // ---- forums: one weekly series per room ----
    {
        SQLite::Statement series(db,
                                 "INSERT INTO forum_series (id, room, title, rrule, tz, dtstart_local, created_ms, "
                                 "updated_ms) VALUES (?, ?, 'Weekly forum', 'FREQ=WEEKLY', 'UTC', ?, ?, ?)");
        SQLite::Statement rsvp(db,
                               "INSERT OR IGNORE INTO forum_rsvps (series_id, occurrence, member_key, status, since_ms, "
                               "updated_ms) VALUES (?, ?, ?, ?, ?, ?)");
        SQLite::Statement attend(db,
                                 "INSERT OR IGNORE INTO forum_attendance (series_id, occurrence, member_key, source, "
                                 "recorded_ms) VALUES (?, ?, ?, 1, ?)");
        SQLite::Statement feedback(db,
                                   "INSERT OR IGNORE INTO forum_feedback (series_id, occurrence, member_key, rating, "
                                   "recorded_ms) VALUES (?, ?, ?, ?, ?)");
        for (std::int64_t s = 1; s <= 6; ++s) {
            const std::int64_t first = start + s * 3600'000 * 10;
            row(series, s, rooms[static_cast<std::size_t>(s - 1)], local_iso(first), start, start);
            for (std::int64_t w = 0; w < 52; ++w) {
                const std::int64_t at = first + w * 7 * kDayMs;
                const std::string occ = occurrence_name(at);
                for (std::int64_t r = 0; r < o.rsvps_per_occurrence; ++r) {
                    const std::string key = std::to_string(254700000000LL + (1 + rng.below(o.members)) * 7);
                    const int status = rng.chance(60) ? 1 : rng.chance(50) ? 2 : 3;
                    row(rsvp, s, occ, key, status, at - kDayMs, at - kDayMs);
                    ++n.rsvps;
                    if (status == 1 && rng.chance(60)) {
                        row(attend, s, occ, key, at + 3600'000);
                        ++n.attendance;
                        if (rng.chance(33)) {
                            row(feedback, s, occ, key, 1 + rng.below(5), at + 2 * 3600'000);
                            ++n.feedback;
                        }
                    }
                }
            }
        }
    }

    // ---- Academy ----
    {
        SQLite::Statement profile(db,
                                  "INSERT INTO academy_profiles (id, member_key, name, consent_ms, created_ms) "
                                  "VALUES (?, ?, 'learner ' || ?, ?, ?)");
        SQLite::Statement progress(db,
                                   "INSERT INTO academy_progress (profile_id, module_id, module_version, plan, position, "
                                   "pass_mark, status, score, started_ms, updated_ms, completed_ms) "
                                   "VALUES (?, ?, 1, ?, ?, 70, ?, ?, ?, ?, ?)");
        SQLite::Statement answer(db,
                                 "INSERT INTO academy_answers (profile_id, module_id, step_id, answer, correct, at_ms) "
                                 "VALUES (?, ?, ?, 'b', ?, ?)");
        SQLite::Statement certificate(db,
                                      "INSERT INTO academy_certificates (code, profile_id, module_id, module_version, "
                                      "learner_name, module_title, score, issued_ms) VALUES (?, ?, ?, 1, 'me', ?, ?, ?)");
        static constexpr std::array<const char*, 5> kModules = {"safety-basics", "mercury-free", "first-aid",
                                                                "selling-gold", "land-rights"};
        const std::string plan = "intro lesson1 q1 lesson2 q2 q3 lesson3 q4";
        static constexpr std::array<const char*, 8> kSteps = {"intro", "lesson1", "q1", "lesson2",
                                                              "q2",    "q3",      "lesson3", "q4"};
        std::int64_t cert = 0;
        for (std::int64_t p = 1; p <= o.learners; ++p) {
            const std::int64_t member = 1 + rng.below(o.members);
            const std::int64_t created = start + rng.below(kYearMs - 30 * kDayMs);
            row(profile, p, std::to_string(254700000000LL + member * 7), p, created, created);
            const std::int64_t modules = 1 + rng.below(3);
            for (std::int64_t k = 0; k < modules; ++k) {
                const std::string module = kModules[static_cast<std::size_t>((p + k) % 5)];
                const std::int64_t started = created + k * 7 * kDayMs + rng.below(kDayMs);
                // How far the learner got: a third stop early, the rest finish (80% of those pass).
                const int position = rng.chance(33) ? static_cast<int>(rng.below(8)) : 8;
                const int status = position < 8 ? 0 : rng.chance(80) ? 1 : 2;
                const std::int64_t done = started + 2 * kDayMs;
                for (int i = 0; i < std::min(position + 1, 8); ++i) {
                    const std::string step = kSteps[static_cast<std::size_t>(i)];
                    if (step.front() != 'q') continue;
                    const bool first_right = !rng.chance(33);
                    row(answer, p, module, step, first_right ? 1 : 0, started + i * 60'000);
                    ++n.answers;
                    if (!first_right) {
                        row(answer, p, module, step, 1, started + i * 60'000 + 30'000);
                        ++n.answers;
                    }
                }
                if (status != 0) {
                    row(progress, p, module, plan, 8, status, status == 1 ? 85 : 40, started, done, done);
                } else {
                    progress.bind(1, p);
                    progress.bind(2, module);
                    progress.bind(3, plan);
                    progress.bind(4, position);
                    progress.bind(5, 0);
                    progress.bind(6);
                    progress.bind(7, started);
                    progress.bind(8, started);
                    progress.bind(9);
                    progress.exec();
                    progress.reset();
                }
                ++n.progress;
                if (status == 1) {
                    row(certificate, "C" + std::to_string(++cert), p, module, module, 85, done);
                    ++n.certificates;
                }
            }
        }
    }

    // ---- outbox: a year of messages, with their pricing ----
    {
        SQLite::Statement out(db,
                              "INSERT INTO outbox (logical_key, recipient, kind, payload, status, next_attempt_ms, wamid, "
                              "last_error, created_ms, updated_ms, sent_ms, pricing) "
                              "VALUES (?, ?, ?, '', ?, ?, ?, ?, ?, ?, ?, ?)");
        static constexpr std::array<const char*, 4> kFailures = {
            "131026 Message undeliverable", "131047 Re-engagement message", "131049 Meta chose not to deliver",
            "131000 Something went wrong"};
        static constexpr std::array<const char*, 2> kHeld = {"no template for rooms.digest/sw",
                                                             "messaging limit reached: 2000 members in 24 h"};
        for (std::int64_t i = 1; i <= o.outbox; ++i) {
            const std::int64_t member = 1 + rng.below(o.members);
            const std::string to = std::to_string(254700000000LL + member * 7);
            const std::int64_t at = start + (kYearMs * i) / (o.outbox + 1);
            const bool tmpl = rng.chance(10);
            int status = 3;
            std::string error;
            if (i > o.outbox - 200) {
                status = 0;
            } else if (i % 1000 == 0) {
                status = 5;
                error = kHeld[static_cast<std::size_t>(i / 1000 % 2)];
            } else if (i % 200 == 1) {
                status = 4;
                error = kFailures[static_cast<std::size_t>(i / 200 % 4)];
            } else if (rng.chance(10)) {
                status = rng.chance(50) ? 1 : 2;
            }
            const bool sent = status >= 1 && status <= 3;
            const char* category = tmpl ? (rng.chance(80) ? "utility" : "marketing") : "service";
            out.bind(1, "k" + std::to_string(i));
            out.bind(2, to);
            out.bind(3, tmpl ? "template" : "text");
            out.bind(4, status);
            out.bind(5, at);
            if (sent && at > o.now_ms - 30 * kDayMs) {
                out.bind(6, "wamid.seed" + std::to_string(i));
            } else {
                out.bind(6);  // cleared by retention
            }
            if (error.empty()) out.bind(7); else out.bind(7, error);
            out.bind(8, at);
            out.bind(9, at + 5000);
            if (sent) out.bind(10, at + 1000); else out.bind(10);
            if (sent) out.bind(11, category); else out.bind(11);
            out.exec();
            out.reset();
            ++n.outbox;
        }
        // What the status webhooks would have counted: one per priced message, under the recipient's room.
        db.exec("INSERT INTO message_costs (day, room, category, count, billable) "
                "SELECT strftime('%Y-%m-%d', o.sent_ms / 1000, 'unixepoch'), coalesce(m.current_room, ''), o.pricing, "
                "count(*), sum(o.pricing <> 'service') FROM outbox o LEFT JOIN members m ON m.member_key = o.recipient "
                "WHERE o.pricing IS NOT NULL GROUP BY 1, 2, 3");
        n.message_costs = db.execAndGet("SELECT count(*) FROM message_costs").getInt64();
    }

    // ---- templates, the account, halts ----
    {
        SQLite::Statement t(db, "INSERT INTO wa_templates (name, language, status, reason, updated_ms) VALUES (?, ?, ?, ?, ?)");
        static constexpr std::array<const char*, 4> kTemplates = {"rooms_digest", "forum_reminder", "academy_nudge",
                                                                  "welcome_back"};
        static constexpr std::array<const char*, 5> kCodes = {"en", "fr", "es", "pt_PT", "sw"};
        for (std::size_t i = 0; i < kTemplates.size(); ++i) {
            for (std::size_t j = 0; j < kCodes.size(); ++j) {
                const bool odd = i == 3 && j == 4;
                row(t, kTemplates[i], kCodes[j], odd ? "REJECTED" : "APPROVED", odd ? "INVALID_FORMAT" : "NONE", start);
            }
        }
        SQLite::Statement a(db, "INSERT INTO wa_account (key, value, updated_ms) VALUES (?, ?, ?)");
        row(a, "messaging_limit", "2000", start);
        SQLite::Statement h(db, "INSERT INTO delivery_halts (at_ms, event, reason) VALUES (?, ?, ?)");
        for (int i = 0; i < 3; ++i) {
            const std::int64_t at = start + (i + 1) * 90 * kDayMs;
            row(h, at, "halt", "131031 Business account locked");
            row(h, at + 3600'000, "resume", "a probe went through");
        }
    }
    tx.commit();
    // The next connection that opens the file as the service does (store::Database) puts it back in WAL mode.
    return n;
}

}  // namespace delvex::bench
