// The forums' reminders as durable jobs, driven by the real Scheduler over a fake clock.

#include <gtest/gtest.h>

#include <SQLiteCpp/Transaction.h>

#include <cstdio>
#include <map>
#include <memory>
#include <set>
#include <tuple>

#include "bot/core/metrics.hpp"
#include "bot/store/db_writer.hpp"
#include "bot/events/scheduler.hpp"
#include "forums/series.hpp"
#include "tests/support/harness.hpp"
#include "tests/unit/forums_app/forums_rig.hpp"

namespace delvex::testing {
namespace {

using namespace std::chrono_literals;

std::int64_t ms_of(date::sys_seconds t) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

std::int64_t ms_of(date::sys_days d, std::chrono::seconds s = {}) {
    return ms_of(date::sys_seconds{d} + s);
}

std::vector<std::string> split_key(const std::string& key) {
    std::vector<std::string> parts;
    std::size_t start = 0;
    while (true) {
        const auto pos = key.find(':', start);
        parts.push_back(key.substr(start, pos == std::string::npos ? std::string::npos : pos - start));
        if (pos == std::string::npos) {
            return parts;
        }
        start = pos + 1;
    }
}

/// The service's pieces that live on the writer thread, re-creatable to simulate a restart: the database
/// connection, the feature and the scheduler.
struct Node {
    Node(const std::string& path, FakeRooms& rooms, const core::Clock& clock, core::Metrics& metrics,
         const core::Catalog& catalog, store::DbWriter& spare_writer)
        : db(store::DatabaseOptions{path, false, 5000, false}),
          feature(rooms),
          scheduler(spare_writer, clock, metrics, catalog, {&feature}) {}

    store::Database db;
    events::ForumsFeature feature;
    events::Scheduler scheduler;

    /// Runs every job due now (several chunks if needed).
    void run_due(std::int64_t now) {
        store::JobRepository jobs(db.sql());
        for (int guard = 0; guard < 1000 && !jobs.due(now, 1).empty(); ++guard) {
            scheduler.run_due(db);
        }
    }
};

class ForumsSchedulerTest : public ::testing::Test {
protected:
    void SetUp() override {
        rooms.rooms_by_id["andes"] = {"America/Lima",
                                      {{"5100000001", "en"},
                                       {"5100000002", "es"},
                                       {"5100000003", "en"},
                                       {"5100000004", "fr"},
                                       {"5100000005", "pt"},
                                       {"5100000006", "sw"}},
                                      {"5100000001"}};
        rooms.rooms_by_id["london"] = {"Europe/London",
                                       {{"4400000001", "en"}, {"4400000002", "fr"}, {"5100000001", "en"}},
                                       {"4400000001"}};
    }

    std::unique_ptr<Node> open() {
        return std::make_unique<Node>(dir.file("forums.db"), rooms, clock, metrics, catalog, spare);
    }

    void add_people(Node& node) {
        for (const auto& [id, room] : rooms.rooms_by_id) {
            for (const auto& m : room.members) {
                store::MemberRepository repo(node.db.sql());
                if (!repo.find(m.member_key)) {
                    add_member(node.db, m.member_key, m.language, now_ms(clock));
                }
            }
        }
        store::ForumRepository forums(node.db.sql());
        forums.set_member_zone("5100000003", "Asia/Tokyo");
    }

    std::int64_t create(Node& node, const std::string& room, const std::string& rrule, const std::string& start,
                        int capacity = 0) {
        SQLite::Transaction tx(node.db.sql(), SQLite::TransactionBehavior::IMMEDIATE);
        store::JobRepository jobs(node.db.sql());
        store::ForumSeriesRow row;
        row.room = room;
        row.title = "Forum " + room;
        row.rrule = rrule;
        row.dtstart_local = start;
        row.join_info = "https://meet.example.org/" + room;
        row.capacity = capacity;
        auto id = node.feature.create_series(node.db.sql(), jobs, now_ms(clock), row, {});
        EXPECT_TRUE(id) << (id ? "" : id.error().message);
        tx.commit();
        return id ? *id : 0;
    }

    TempDir dir;
    core::FakeClock clock{core::TimePoint{date::sys_days{date::year{2027} / 1 / 1}}};
    core::Metrics metrics;
    core::Catalog catalog = load_catalog();
    store::DbWriter spare{store::DatabaseOptions{":memory:", false, 5000, false}};
    FakeRooms rooms;
};

/// How a member answers an invitation: fixed per (member, occurrence), so a repeated invitation gets the
/// same answer.
char decision(const std::string& member, const std::string& token) {
    static const char kLetters[] = {'A', 'T', 'D'};
    return kLetters[std::hash<std::string>{}(member + "|" + token) % 3];
}

TEST_F(ForumsSchedulerTest, EveryReminderOnceInOrderAtTheRightInstantOverAYearWithARestart) {
    auto node = open();
    add_people(*node);
    const std::int64_t t0 = now_ms(clock);
    const auto andes = create(*node, "andes", "FREQ=MONTHLY;BYDAY=1TH", "2027-01-07T15:00");
    const auto london = create(*node, "london", "FREQ=WEEKLY;INTERVAL=2;BYDAY=SU", "2027-01-03T10:00");
    ASSERT_GT(andes, 0);
    ASSERT_GT(london, 0);

    const std::int64_t end = ms_of(date::sys_days{date::year{2028} / 1 / 1});
    const std::int64_t restart_at = ms_of(date::sys_days{date::year{2027} / 6 / 15});
    bool restarted = false;
    std::int64_t last_seen_row = 0;
    std::map<std::string, std::map<std::string, char>> answers;  // token → member → A/T/D
    int taps = 0;
    int passes = 0;

    while (true) {
        std::optional<std::int64_t> next;
        {
            store::JobRepository jobs(node->db.sql());
            next = jobs.next_due();
        }
        ASSERT_TRUE(next.has_value()) << "the daily plan job keeps the chain alive";
        if (*next > end) {
            break;
        }
        if (!restarted && *next >= restart_at) {
            // Restart: close everything, reopen the same file, re-plan as a starting service would.
            node.reset();
            node = open();
            {
                SQLite::Transaction tx(node->db.sql(), SQLite::TransactionBehavior::IMMEDIATE);
                store::JobRepository jobs(node->db.sql());
                node->feature.plan_all(node->db.sql(), jobs, now_ms(clock));
                tx.commit();
            }
            restarted = true;
            continue;
        }
        ASSERT_GE(*next, now_ms(clock));
        clock.set(core::TimePoint{std::chrono::milliseconds{*next}});
        node->run_due(*next);
        ++passes;

        // Members answer every invitation they got (announcements carry the three RSVP buttons).
        store::OutboxRepository outbox(node->db.sql());
        for (const auto& row : outbox.all()) {
            if (row.id <= last_seen_row) {
                continue;
            }
            last_seen_row = row.id;
            const auto ids = choices(row);
            if (ids.size() != 3 || !ids[0].starts_with("forums:rsvp:")) {
                continue;
            }
            const auto token = split_key(ids[0])[2];
            const char letter = decision(row.recipient, token);
            const auto button = "forums:rsvp:" + token + ":" + std::string(1, letter);
            ASSERT_TRUE(tap(node->db, node->feature, catalog, *next, row.recipient, button,
                            "wamid.tap" + std::to_string(++taps)));
            answers[token][row.recipient] = letter;
        }
    }
    ASSERT_TRUE(restarted);
    EXPECT_GT(passes, 100);

    // Expected reminders, from the rules alone: each occurrence, each offset, each member who said
    // Going or Maybe, at start − offset (when that is after the series was created and within the year).
    struct Expected {
        std::int64_t due_ms;
        std::int64_t start_s;
    };
    std::map<std::tuple<std::string, std::int64_t, std::string, int>, Expected> expected;  // member, series, occ, offset
    const std::vector<std::tuple<std::int64_t, std::string, std::string, std::string>> rules = {
        {andes, "FREQ=MONTHLY;BYDAY=1TH", "America/Lima", "2027-01-07T15:00"},
        {london, "FREQ=WEEKLY;INTERVAL=2;BYDAY=SU", "Europe/London", "2027-01-03T10:00"}};
    int occurrences = 0;
    for (const auto& [id, rrule, tz, start] : rules) {
        auto series = forums::make_series(rrule, tz, start);
        ASSERT_TRUE(series);
        for (const auto& occ : forums::occurrences_between(*series, forums::Instant{std::chrono::seconds{t0 / 1000}},
                                                           forums::Instant{std::chrono::seconds{end / 1000 + 86400}})) {
            const auto token = events::occurrence_token(id, occ.original);
            ++occurrences;
            for (int offset : {1440, 60}) {
                const auto due = ms_of(occ.start) - offset * 60'000LL;
                if (due < t0 || due > end) {
                    continue;
                }
                for (const auto& [member, letter] : answers[token]) {
                    if (letter == 'A' || letter == 'T') {
                        expected[{member, id, forums::format_local_basic(occ.original), offset}] = {
                            due, occ.start.time_since_epoch().count()};
                    }
                }
            }
        }
    }
    EXPECT_GT(occurrences, 30);
    ASSERT_GT(expected.size(), 80u);

    store::OutboxRepository outbox(node->db.sql());
    std::map<std::tuple<std::string, std::int64_t, std::string, int>, int> seen;
    std::int64_t previous_queued = 0;
    int before_restart = 0;
    int after_restart = 0;
    for (const auto& row : outbox.all()) {
        if (!row.logical_key.starts_with("forums.reminder:")) {
            continue;
        }
        // forums.reminder:<series>:<occurrence>:<offset>m:<start seconds>
        const auto parts = split_key(row.logical_key);
        ASSERT_EQ(parts.size(), 5u) << row.logical_key;
        const std::tuple<std::string, std::int64_t, std::string, int> k{
            row.recipient, std::stoll(parts[1]), parts[2], std::stoi(parts[3])};
        ++seen[k];
        const auto it = expected.find(k);
        ASSERT_NE(it, expected.end()) << "unexpected reminder " << row.logical_key << " to " << row.recipient;
        EXPECT_EQ(row.next_attempt_ms, it->second.due_ms) << "queued at the wrong instant: " << row.logical_key;
        EXPECT_EQ(std::stoll(parts[4]), it->second.start_s) << row.logical_key;
        EXPECT_GE(row.next_attempt_ms, previous_queued) << "out of order: " << row.logical_key;
        previous_queued = row.next_attempt_ms;
        EXPECT_EQ(row.purpose, "forum");
        (row.next_attempt_ms < restart_at ? before_restart : after_restart) += 1;
    }
    for (const auto& [k, e] : expected) {
        EXPECT_EQ(seen[k], 1) << "reminder for " << std::get<0>(k) << " series " << std::get<1>(k) << " occurrence "
                              << std::get<2>(k) << " offset " << std::get<3>(k) << "m";
    }
    std::printf("[ forums  ] %d scheduler passes, %d occurrences, %zu reminders expected and checked "
                "(%d queued before the restart, %d after)\n",
                passes, occurrences, expected.size(), before_restart, after_restart);
    EXPECT_GT(before_restart, 10);
    EXPECT_GT(after_restart, 10);
    EXPECT_EQ(metrics.jobs_dropped.load(), 0u);
    EXPECT_EQ(metrics.jobs_failed.load(), 0u);

    // Fixed points, worked out by hand. Lima is UTC−5 all year: the first Thursday 2027-01-07 15:00 is
    // 20:00Z, so its 1 h reminder is queued at 19:00Z. London's fortnightly Sunday on 2027-03-28 is the
    // first day of BST: 10:00 local is 09:00Z, and "1 day before" is 24 h earlier, 2027-03-27T09:00Z.
    const auto andes_first = std::make_tuple(std::string("5100000001"), andes, std::string("20270107T150000"), 60);
    if (expected.contains(andes_first)) {
        EXPECT_EQ(expected[andes_first].due_ms, ms_of(date::sys_days{date::year{2027} / 1 / 7}, 19h));
    }
    bool checked_bst = false;
    for (const auto& row : outbox.all()) {
        if (row.logical_key.starts_with("forums.reminder:" + std::to_string(london) + ":20270328T100000:1440m:")) {
            EXPECT_EQ(row.next_attempt_ms, ms_of(date::sys_days{date::year{2027} / 3 / 27}, 9h));
            checked_bst = true;
        }
    }
    bool bst_expected = false;
    for (const auto& [k, e] : expected) {
        bst_expected = bst_expected || (std::get<1>(k) == london && std::get<2>(k) == "20270328T100000");
    }
    EXPECT_EQ(checked_bst, bst_expected);

    // Time in the member's own zone and language.
    bool tokyo = false;
    bool spanish = false;
    for (const auto& row : outbox.all()) {
        if (!row.logical_key.starts_with("forums.reminder:")) {
            continue;
        }
        const auto text = shown_text(row);
        if (row.recipient == "5100000003") {
            EXPECT_NE(text.find("(Tokyo time)"), std::string::npos) << text;
            tokyo = true;
        }
        if (row.recipient == "5100000002") {
            EXPECT_NE(text.find("Recordatorio"), std::string::npos) << text;
            spanish = true;
        }
    }
    bool tokyo_expected = false;
    bool spanish_expected = false;
    for (const auto& [k, e] : expected) {
        tokyo_expected = tokyo_expected || std::get<0>(k) == "5100000003";
        spanish_expected = spanish_expected || std::get<0>(k) == "5100000002";
    }
    EXPECT_EQ(tokyo, tokyo_expected);
    EXPECT_EQ(spanish, spanish_expected);
    EXPECT_TRUE(tokyo_expected && spanish_expected) << "the answers left a case untested";
}

TEST_F(ForumsSchedulerTest, AfterDowntimeOnlyTheNearestUsefulReminderGoesOutAndMissedOnesAreDropped) {
    auto node = open();
    add_people(*node);
    // Weekly on Wednesdays 18:00 Lima (23:00Z): 2027-01-06, 01-13, …
    const auto id = create(*node, "andes", "FREQ=WEEKLY;BYDAY=WE", "2027-01-06T18:00");
    const auto first = events::occurrence_token(id, date::local_days{date::year{2027} / 1 / 6} + 18h);
    const auto second = events::occurrence_token(id, date::local_days{date::year{2027} / 1 / 13} + 18h);
    ASSERT_TRUE(tap(node->db, node->feature, catalog, now_ms(clock), "5100000002", "forums:rsvp:" + first + ":A", "w1"));
    ASSERT_TRUE(tap(node->db, node->feature, catalog, now_ms(clock), "5100000002", "forums:rsvp:" + second + ":T", "w2"));

    // Down from now until 30 minutes before the first forum: its 1-day and 1-hour reminders are both due,
    // still useful; only the 1-hour one is sent (late), once.
    node.reset();
    const auto late = ms_of(date::sys_days{date::year{2027} / 1 / 6}, 22h + 30min);
    clock.set(core::TimePoint{std::chrono::milliseconds{late}});
    node = open();
    node->run_due(late);
    int reminders = 0;
    for (const auto& row : store::OutboxRepository(node->db.sql()).all()) {
        if (row.logical_key.starts_with("forums.reminder:") && row.recipient == "5100000002") {
            ++reminders;
            EXPECT_NE(row.logical_key.find(":60m:"), std::string::npos) << row.logical_key;
            EXPECT_EQ(row.next_attempt_ms, late);
        }
    }
    EXPECT_EQ(reminders, 1);
    EXPECT_EQ(metrics.jobs_dropped.load(), 0u);

    // Down again until after the second forum began: its announcement and both reminders are useless now,
    // so they are dropped and counted, never sent.
    node.reset();
    const auto after = ms_of(date::sys_days{date::year{2027} / 1 / 13}, 23h + 5min);
    clock.set(core::TimePoint{std::chrono::milliseconds{after}});
    node = open();
    node->run_due(after);
    store::OutboxRepository outbox2(node->db.sql());
    for (const auto& row : outbox2.all()) {
        EXPECT_EQ(row.logical_key.find(second.substr(second.find('-') + 1)), std::string::npos)
            << "sent after the forum began: " << row.logical_key;
    }
    // Plus the first forum's follow-up ("did you attend?"), found six days after that forum ended: too late.
    EXPECT_EQ(metrics.jobs_dropped.load(), 4u);
}

TEST_F(ForumsSchedulerTest, EditsCancelsAndMovesReplanWithoutDoubling) {
    auto node = open();
    add_people(*node);
    const auto id = create(*node, "andes", "FREQ=WEEKLY;BYDAY=WE", "2027-01-06T18:00");
    const auto jan13 = date::local_days{date::year{2027} / 1 / 13} + 18h;
    const auto jan20 = date::local_days{date::year{2027} / 1 / 20} + 18h;
    for (auto occ : {jan13, jan20}) {
        ASSERT_TRUE(tap(node->db, node->feature, catalog, now_ms(clock), "5100000001",
                        "forums:rsvp:" + events::occurrence_token(id, occ) + ":A", "w" + forums::format_local_basic(occ)));
    }
    {
        SQLite::Transaction tx(node->db.sql(), SQLite::TransactionBehavior::IMMEDIATE);
        store::JobRepository jobs(node->db.sql());
        store::ForumRepository repo(node->db.sql());
        auto row = *repo.find_series(id);
        row.title = "Renamed";
        ASSERT_TRUE(node->feature.update_series(node->db.sql(), jobs, now_ms(clock), row, {}));
        ASSERT_TRUE(node->feature.cancel_occurrence(node->db.sql(), jobs, now_ms(clock), id, jan13));
        ASSERT_TRUE(node->feature.move_occurrence(node->db.sql(), jobs, now_ms(clock), id, jan20,
                                                  date::local_days{date::year{2027} / 1 / 21} + 9h));
        // Not an instance of the rule: refused.
        EXPECT_FALSE(node->feature.cancel_occurrence(node->db.sql(), jobs, now_ms(clock), id,
                                                     date::local_days{date::year{2027} / 1 / 14} + 18h));
        tx.commit();
    }
    // Run three weeks.
    const auto end = ms_of(date::sys_days{date::year{2027} / 1 / 25});
    while (true) {
        store::JobRepository jobs(node->db.sql());
        const auto next = jobs.next_due();
        if (!next || *next > end) {
            break;
        }
        clock.set(core::TimePoint{std::chrono::milliseconds{*next}});
        node->run_due(*next);
    }
    store::OutboxRepository outbox(node->db.sql());
    std::map<std::string, int> reminders;
    bool told_cancel = false;
    bool told_move = false;
    for (const auto& row : outbox.all()) {
        if (row.recipient != "5100000001") {
            continue;
        }
        if (row.logical_key.starts_with("forums.reminder:")) {
            ++reminders[row.logical_key];
            EXPECT_EQ(row.logical_key.find("20270113T180000"), std::string::npos) << "cancelled occurrence reminded";
            EXPECT_NE(shown_text(row).find("Renamed"), std::string::npos);
        }
        told_cancel = told_cancel || (row.logical_key.starts_with("forums.notice:") &&
                                      shown_text(row).find("cancelled") != std::string::npos);
        told_move = told_move || (row.logical_key.starts_with("forums.notice:") &&
                                  shown_text(row).find("moved") != std::string::npos);
    }
    EXPECT_TRUE(told_cancel);
    EXPECT_TRUE(told_move);
    // Moved to Thursday 21 January 09:00 Lima = 14:00Z: reminders at 20 Jan 14:00Z and 21 Jan 13:00Z.
    const auto moved_start = std::to_string(ms_of(date::sys_days{date::year{2027} / 1 / 21}, 14h) / 1000);
    ASSERT_EQ(reminders.size(), 2u);
    for (const auto& [key, n] : reminders) {
        EXPECT_EQ(n, 1) << key;
        EXPECT_TRUE(key.ends_with(moved_start)) << key;
        const auto row = outbox.find(key, "5100000001");
        ASSERT_TRUE(row);
        const auto expect_ms = key.find(":1440m:") != std::string::npos
                                   ? ms_of(date::sys_days{date::year{2027} / 1 / 20}, 14h)
                                   : ms_of(date::sys_days{date::year{2027} / 1 / 21}, 13h);
        EXPECT_EQ(row->next_attempt_ms, expect_ms) << key;
    }
}

}  // namespace
}  // namespace delvex::testing
