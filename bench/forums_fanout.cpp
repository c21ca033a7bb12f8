// Benchmark: one forum reminder to a room of 10,000 members who said Going, and the announcement (three
// RSVP buttons) to the same room: time from the scheduler picking the due job to every outbox row
// committed (bench/forums_fanout.sh). Same-run reference: 10,000 plain outbox inserts in one transaction.
// Each run uses a fresh SQLite file (WAL, synchronous=FULL as the service runs by default).

#include <SQLiteCpp/Transaction.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "bot/core/clock.hpp"
#include "bot/core/i18n.hpp"
#include "bot/core/metrics.hpp"
#include "bot/store/db_writer.hpp"
#include "bot/events/forums_feature.hpp"
#include "bot/events/scheduler.hpp"
#include "bot/store/database.hpp"
#include "bot/store/repositories.hpp"

namespace {

using namespace delvex;

class BenchRooms final : public events::RoomDirectory {
public:
    explicit BenchRooms(std::size_t n) {
        static const char* const kLangs[] = {"en", "fr", "es", "pt", "sw"};
        for (std::size_t i = 0; i < n; ++i) {
            members_.push_back({std::to_string(2547'0000'0000ULL + i), kLangs[i % 5]});
        }
    }
    std::vector<std::string> rooms() const override { return {"east-africa"}; }
    bool has_room(std::string_view room) const override { return room == "east-africa"; }
    std::string zone(std::string_view) const override { return "Africa/Nairobi"; }
    std::string name(std::string_view, std::string_view) const override { return "East Africa"; }
    std::vector<events::ForumMember> members(SQLite::Database&, std::string_view) override { return members_; }
    bool is_moderator(SQLite::Database&, std::string_view, std::string_view) override { return false; }
    const std::vector<events::ForumMember>& all() const { return members_; }

private:
    std::vector<events::ForumMember> members_;
};

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
    const std::string dir = argc > 1 ? argv[1] : "/tmp";
    const int runs = argc > 2 ? std::atoi(argv[2]) : 5;
    const std::size_t n = argc > 3 ? static_cast<std::size_t>(std::atoll(argv[3])) : 10000;
    const auto catalog = core::Catalog::load(std::string(DELVEX_SOURCE_DIR) + "/config/locales");
    BenchRooms rooms(n);
    std::vector<double> reminder_ms, announce_ms, plain_ms;
    for (int r = 0; r < runs; ++r) {
        const auto path = dir + "/forums-fanout-" + std::to_string(r) + ".db";
        std::filesystem::remove(path);
        std::filesystem::remove(path + "-wal");
        std::filesystem::remove(path + "-shm");
        core::FakeClock clock{core::TimePoint{std::chrono::seconds{1'798'761'600}}};  // 2027-01-01
        core::Metrics metrics;
        store::DbWriter spare{store::DatabaseOptions{":memory:", false, 5000, false}};
        store::Database db{store::DatabaseOptions{path, true, 5000, false}};
        events::ForumsFeature feature(rooms);
        events::Scheduler scheduler(spare, clock, metrics, catalog, {&feature});
        std::int64_t id = 0;
        {
            SQLite::Transaction tx(db.sql(), SQLite::TransactionBehavior::IMMEDIATE);
            store::MemberRepository members(db.sql());
            store::ForumRepository forums(db.sql());
            for (const auto& m : rooms.all()) {
                store::MemberRow row;
                row.member_key = m.member_key;
                row.wa_id = m.member_key;
                row.language = m.language;
                members.insert(row);
            }
            store::JobRepository jobs(db.sql());
            store::ForumSeriesRow row;
            row.room = "east-africa";
            row.title = "Safer pits";
            row.rrule = "FREQ=MONTHLY;BYDAY=1TH";
            row.dtstart_local = "2027-01-07T15:00";
            row.join_info = "https://meet.example.org/east";
            id = feature.create_series(db.sql(), jobs, core::to_unix_ms(clock.now()), row, {}).value();
            for (const auto& m : rooms.all()) {
                forums.save_rsvp({id, "20270107T150000", m.member_key, store::RsvpStatus::kAccepted, false, 0, 0});
            }
            tx.commit();
        }
        // The "scheduled" announcement (buttons, room members) is due at once.
        auto t0 = std::chrono::steady_clock::now();
        scheduler.run_due(db);
        auto t1 = std::chrono::steady_clock::now();
        announce_ms.push_back(std::chrono::duration<double, std::milli>(t1 - t0).count());
        const auto after_announce = store::OutboxRepository(db.sql()).counts().queued;

        // The forum is 2027-01-07 15:00 Nairobi = 12:00Z. First the 3-days-before announcement (not timed),
        // then the 1-day reminder, due 2027-01-06T12:00Z, alone.
        store::JobRepository jobs(db.sql());
        int guard = 0;
        clock.set(core::TimePoint{std::chrono::seconds{1'798'761'600 + 3 * 86400 + 12 * 3600}});
        while (!jobs.due(core::to_unix_ms(clock.now()), 1).empty() && ++guard < 100) {
            scheduler.run_due(db);
        }
        const auto before_reminder = store::OutboxRepository(db.sql()).counts().queued;
        clock.set(core::TimePoint{std::chrono::seconds{1'798'761'600 + 5 * 86400 + 12 * 3600}});
        t0 = std::chrono::steady_clock::now();
        while (!jobs.due(core::to_unix_ms(clock.now()), 1).empty() && ++guard < 100) {
            scheduler.run_due(db);
        }
        t1 = std::chrono::steady_clock::now();
        reminder_ms.push_back(std::chrono::duration<double, std::milli>(t1 - t0).count());
        const auto queued = store::OutboxRepository(db.sql()).counts().queued;

        // Reference: the same number of rows written straight through the repository, one transaction.
        t0 = std::chrono::steady_clock::now();
        {
            SQLite::Transaction tx(db.sql(), SQLite::TransactionBehavior::IMMEDIATE);
            store::OutboxRepository outbox(db.sql());
            for (const auto& m : rooms.all()) {
                outbox.enqueue("bench.plain", m.member_key, "text", "Reminder: Safer pits starts in 1 hour.", 0);
            }
            tx.commit();
        }
        t1 = std::chrono::steady_clock::now();
        plain_ms.push_back(std::chrono::duration<double, std::milli>(t1 - t0).count());
        std::printf("run %d: announcement %lld rows %.1f ms; 1-day reminder %lld rows %.1f ms; plain inserts %.1f ms\n",
                    r + 1, static_cast<long long>(after_announce), announce_ms.back(),
                    static_cast<long long>(queued - before_reminder), reminder_ms.back(), plain_ms.back());
        std::filesystem::remove(path);
        std::filesystem::remove(path + "-wal");
        std::filesystem::remove(path + "-shm");
    }
    std::printf("median over %d runs, %zu members: announcement %.1f ms, reminder %.1f ms, plain inserts %.1f ms\n",
                runs, n, median(announce_ms), median(reminder_ms), median(plain_ms));
    return 0;
}
