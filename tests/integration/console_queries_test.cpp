// The console's numbers (bot/store/console_queries): a small known programme written through the real
// repositories into a real SQLite file, read back with exact counts; the funders' suppression of small counts,
// masked numbers, CSV quoting; and the pricing of a message counted once across the status webhooks the strict
// fake Graph API posts for it (sent, delivered, read), through the real service.

#include <gtest/gtest.h>

#include <SQLiteCpp/Database.h>

#include <chrono>

#include "bot/core/csv_writer.hpp"
#include "bot/core/mask.hpp"
#include "bot/store/academy_repository.hpp"
#include "bot/store/account_repository.hpp"
#include "bot/store/community_repository.hpp"
#include "bot/store/console_queries.hpp"
#include "bot/store/database.hpp"
#include "bot/store/forum_repository.hpp"
#include "bot/store/message_costs.hpp"
#include "bot/store/outbox_repository.hpp"
#include "tests/support/harness.hpp"

namespace delvex {
namespace {

using namespace std::chrono;
using store::console::MemberQuery;
using store::console::RoleFilter;
using testing::TempDir;

std::int64_t ms(int y, unsigned m, unsigned d, int hour = 12) {
    const sys_days date = year{y} / month{m} / day{d};
    return duration_cast<milliseconds>((date + hours{hour}).time_since_epoch()).count();
}

std::string key(int n) {
    return "2547000000" + std::string(n < 10 ? "0" : "") + std::to_string(n);
}

const store::console::RoomMonth* find(const std::vector<store::console::RoomMonth>& months, const std::string& room,
                                      const std::string& month) {
    for (const auto& m : months) {
        if (m.room == room && m.month == month) return &m;
    }
    return nullptr;
}

const store::console::RoomNow* find_now(const std::vector<store::console::RoomNow>& now, const std::string& room) {
    for (const auto& r : now) {
        if (r.room == room) return &r;
    }
    return nullptr;
}

// Eight members: 1–6 in "east" (1 and 2 since February), 7 and 8 in "west"; 2 leaves, 3 goes to the digest, 4
// mutes, 5 sends STOP, 6 moderates east. March: posts, reports, one forum occurrence with RSVPs, attendance and
// ratings, two Academy learners, messages with their pricing.
class ConsoleQueriesTest : public ::testing::Test {
protected:
    TempDir dir;
    store::Database db{store::DatabaseOptions{dir.file("console.db")}};
    store::CommunityRepository community{db.sql()};
    std::vector<std::int64_t> ids{0};

    void SetUp() override {
        static const char* const kAliases[] = {"", "Asha", "Baraka", "Chausiku", "Dawit", "Esi", "Faraji", "Gakii", "Halima"};
        for (int i = 1; i <= 8; ++i) {
            const auto id = community.import_member(key(i), i == 1 || i == 3 ? "sw" : "en", kAliases[i], 1'700'000'000);
            ids.push_back(id);
            const std::string room = i <= 6 ? "east" : "west";
            community.set_current_room(id, room);
            ASSERT_TRUE(community.join(room, id, i <= 2 ? ms(2026, 2, 10) : ms(2026, 3, 1 + static_cast<unsigned>(i)), 0));
        }
        community.join("east", ids[1], ms(2026, 3, 9), 0);  // already in: not a second join
        community.set_membership_state("east", ids[2], store::MembershipState::kLeft, ms(2026, 3, 20));
        community.set_mode(ids[3], store::DeliveryMode::kDigest, ms(2026, 3, 5));
        community.set_mode(ids[4], store::DeliveryMode::kMuted, ms(2026, 3, 6));
        community.set_mode(ids[4], store::DeliveryMode::kMuted, ms(2026, 3, 7));  // no change: not noted
        community.set_stopped(ids[5], true, ms(2026, 3, 8));
        community.set_role("east", ids[6], store::RoomRole::kModerator);

        // Posts: three in east, one in west; two members report the first.
        std::vector<std::int64_t> posts;
        for (int i = 0; i < 4; ++i) {
            store::Post p;
            p.room = i < 3 ? "east" : "west";
            p.author_id = ids[i < 3 ? 1 : 7];
            p.wamid = "wamid.post" + std::to_string(i);
            p.kind = "text";
            p.body = "hello";
            p.created_ms = ms(2026, 3, 10 + static_cast<unsigned>(i));
            posts.push_back(*community.add_post(p));
        }
        ASSERT_TRUE(community.report(posts[0], ids[3], ms(2026, 3, 11)));
        ASSERT_TRUE(community.report(posts[0], ids[4], ms(2026, 3, 11)));

        // A forum in east on 10 March: 6 going, 2 maybe, 1 not; one going changes to not; 4 attend, 4 rate.
        store::ForumRepository forums(db.sql());
        meetings::ForumSeriesRow series;
        series.room = "east";
        series.title = "Safety";
        series.rrule = "FREQ=WEEKLY";
        series.tz = "Africa/Nairobi";
        series.dtstart_local = "2026-03-10T17:00:00";
        const auto sid = forums.insert_series(series, ms(2026, 3, 1));
        const std::string occ = "20260310T170000";
        for (int i = 0; i < 9; ++i) {
            meetings::RsvpRow r;
            r.series_id = sid;
            r.occurrence = occ;
            r.member_key = "2547111111" + std::to_string(10 + i);
            r.status = i < 6 ? meetings::RsvpStatus::kAccepted
                       : i < 8 ? meetings::RsvpStatus::kTentative
                               : meetings::RsvpStatus::kDeclined;
            r.since_ms = r.updated_ms = ms(2026, 3, 9);
            forums.save_rsvp(r);
        }
        auto changed = *forums.rsvp(sid, occ, "254711111110");
        changed.status = meetings::RsvpStatus::kDeclined;
        forums.save_rsvp(changed);
        const int ratings[] = {5, 4, 4, 3};
        for (int i = 0; i < 4; ++i) {
            const std::string who = "2547111111" + std::to_string(11 + i);
            forums.mark_attendance(sid, occ, who, 1, ms(2026, 3, 10, 18));
            forums.save_feedback(sid, occ, who, ratings[i], "", ms(2026, 3, 10, 19));
        }

        // The Academy: Asha (east) passes m1 after one wrong answer; Gakii (west) is at its first question.
        store::AcademyRepository academy(db.sql());
        const auto asha = academy.add_profile({0, key(1), "Asha", ms(2026, 3, 2), ms(2026, 3, 2)});
        const auto gakii = academy.add_profile({0, key(7), "Gakii", ms(2026, 3, 2), ms(2026, 3, 2)});
        academy::Progress p;
        p.profile_id = asha;
        p.module_id = "m1";
        p.module_version = 1;
        p.plan = {"intro", "q1", "q2"};
        p.started_ms = p.updated_ms = ms(2026, 3, 2);
        academy.save_progress(p);
        academy.record_answer({asha, "m1", "q1", "a", false, ms(2026, 3, 2)});
        academy.record_answer({asha, "m1", "q1", "b", true, ms(2026, 3, 2)});
        academy.record_answer({asha, "m1", "q2", "c", true, ms(2026, 3, 3)});
        p.position = 3;
        p.status = academy::Status::kPassed;
        p.score = 100;
        p.updated_ms = p.completed_ms = ms(2026, 3, 3);
        academy.save_progress(p);
        academy::Certificate c;
        c.code = "CERT1";
        c.profile_id = asha;
        c.module_id = "m1";
        c.module_version = 1;
        c.learner_name = "Asha";
        c.module_title = "Safety";
        c.score = 100;
        c.issued_ms = ms(2026, 3, 3);
        academy.add_certificate(c);
        p.profile_id = gakii;
        p.position = 1;
        p.status = academy::Status::kInProgress;
        p.score = -1;
        p.completed_ms = 0;
        p.started_ms = p.updated_ms = ms(2026, 3, 4);
        academy.save_progress(p);
        academy.record_answer({gakii, "m1", "q1", "b", true, ms(2026, 3, 4)});

        // Messages: a service reply to Asha (three statuses carry its pricing), a utility template to Gakii,
        // and one message coalesced from two rows to Baraka.
        store::OutboxRepository outbox(db.sql());
        const auto sent = [&](const std::string& logical, const std::string& to) {
            outbox.enqueue(logical, to, "text", "hi", ms(2026, 3, 5));
            return outbox.find(logical, to)->id;
        };
        outbox.mark_sent(sent("a", key(1)), "wamid.A", ms(2026, 3, 5));
        outbox.mark_sent(sent("g", key(7)), "wamid.G", ms(2026, 3, 5));
        outbox.mark_sent({sent("b1", key(2)), sent("b2", key(2))}, "wamid.B", ms(2026, 3, 5));
        EXPECT_TRUE(store::count_message_cost(db.sql(), "wamid.A", "service", false, ms(2026, 3, 5)));
        EXPECT_FALSE(store::count_message_cost(db.sql(), "wamid.A", "service", false, ms(2026, 3, 5)));  // delivered
        EXPECT_FALSE(store::count_message_cost(db.sql(), "wamid.A", "service", false, ms(2026, 3, 6)));  // read
        EXPECT_TRUE(store::count_message_cost(db.sql(), "wamid.G", "utility", true, ms(2026, 3, 5)));
        EXPECT_TRUE(store::count_message_cost(db.sql(), "wamid.B", "service", false, ms(2026, 3, 5)));
        EXPECT_FALSE(store::count_message_cost(db.sql(), "wamid.unknown", "service", false, ms(2026, 3, 5)));
    }
};

TEST_F(ConsoleQueriesTest, OverviewCountsEachRoomAndMonthExactly) {
    const auto ov = store::console::overview(db.sql(), "2026-02", "2026-03");
    const auto* east_now = find_now(ov.now, "east");
    ASSERT_NE(east_now, nullptr);
    EXPECT_EQ(east_now->members.live, 2);     // Asha, Faraji
    EXPECT_EQ(east_now->members.digest, 1);   // Chausiku
    EXPECT_EQ(east_now->members.muted, 1);    // Dawit
    EXPECT_EQ(east_now->members.stopped, 1);  // Esi
    EXPECT_EQ(east_now->moderators, 1);
    const auto* west_now = find_now(ov.now, "west");
    ASSERT_NE(west_now, nullptr);
    EXPECT_EQ(west_now->members.live, 2);
    EXPECT_EQ(west_now->members.total(), 2);

    const auto* feb = find(ov.months, "east", "2026-02");
    ASSERT_NE(feb, nullptr);
    EXPECT_EQ(feb->joins, 2);
    EXPECT_EQ(feb->members_end, 2);
    EXPECT_EQ(feb->posts, 0);

    const auto* east = find(ov.months, "east", "2026-03");
    ASSERT_NE(east, nullptr);
    EXPECT_EQ(east->joins, 4);
    EXPECT_EQ(east->leaves, 1);
    EXPECT_EQ(east->removed, 0);
    EXPECT_EQ(east->members_end, 5);
    EXPECT_EQ(east->stops, 1);
    EXPECT_EQ(east->to_digest, 1);
    EXPECT_EQ(east->to_muted, 1);
    EXPECT_EQ(east->posts, 3);
    EXPECT_EQ(east->reports, 2);
    EXPECT_EQ(east->rsvp_yes, 5);
    EXPECT_EQ(east->rsvp_maybe, 2);
    EXPECT_EQ(east->rsvp_no, 2);
    EXPECT_EQ(east->attended, 4);
    EXPECT_EQ(east->ratings, 4);
    EXPECT_DOUBLE_EQ(east->rating_average, 4.0);
    EXPECT_EQ(east->academy_starts, 1);
    EXPECT_EQ(east->academy_passes, 1);
    EXPECT_EQ(east->certificates, 1);
    ASSERT_EQ(east->messages.size(), 1u);
    EXPECT_EQ(east->messages[0].category, "service");
    EXPECT_EQ(east->messages[0].count, 2);  // Asha's once across three statuses; Baraka's once for two rows
    EXPECT_EQ(east->messages[0].billable, 0);

    const auto* west = find(ov.months, "west", "2026-03");
    ASSERT_NE(west, nullptr);
    EXPECT_EQ(west->joins, 2);
    EXPECT_EQ(west->members_end, 2);
    EXPECT_EQ(west->posts, 1);
    EXPECT_EQ(west->academy_starts, 1);
    EXPECT_EQ(west->academy_passes, 0);
    ASSERT_EQ(west->messages.size(), 1u);
    EXPECT_EQ(west->messages[0].category, "utility");
    EXPECT_EQ(west->messages[0].count, 1);
    EXPECT_EQ(west->messages[0].billable, 1);
    EXPECT_EQ(west->messages_total(), 1);

    EXPECT_THROW(store::console::overview(db.sql(), "2026-3", "2026-03"), std::invalid_argument);
    EXPECT_THROW(store::console::overview(db.sql(), "2026-04", "2026-03"), std::invalid_argument);
}

TEST_F(ConsoleQueriesTest, TheCountersFollowForgettingAMember) {
    // FORGET ME erases Dawit's membership: east has one member less now, and the month one more exit.
    community.forget(*community.profile(ids[4]), ms(2026, 3, 25));
    const auto ov = store::console::overview(db.sql(), "2026-03", "2026-03");
    const auto* east_now = find_now(ov.now, "east");
    ASSERT_NE(east_now, nullptr);
    EXPECT_EQ(east_now->members.muted, 0);
    EXPECT_EQ(east_now->members.total(), 4);
    // The counters agree with the tables they summarise.
    SQLite::Statement q(db.sql(),
                        "SELECT count(*) FROM room_members r JOIN members m ON m.id = r.member_id "
                        "WHERE r.room = 'east' AND r.state IN (0, 4) AND m.forgotten = 0");
    ASSERT_TRUE(q.executeStep());
    EXPECT_EQ(q.getColumn(0).getInt64(), 4);
}

TEST_F(ConsoleQueriesTest, AcademyFunnelHasEachStepAndFirstTries) {
    const auto funnel = store::console::academy_funnel(db.sql());
    ASSERT_EQ(funnel.size(), 1u);
    const auto& m1 = funnel[0];
    EXPECT_EQ(m1.module_id, "m1");
    EXPECT_EQ(m1.started, 2);
    EXPECT_EQ(m1.passed, 1);
    EXPECT_EQ(m1.in_progress, 1);
    EXPECT_EQ(m1.failed, 0);
    ASSERT_EQ(m1.steps.size(), 3u);
    EXPECT_EQ(m1.steps[0].step_id, "intro");
    EXPECT_EQ(m1.steps[0].reached, 2);
    EXPECT_EQ(m1.steps[1].step_id, "q1");
    EXPECT_EQ(m1.steps[1].reached, 2);
    EXPECT_EQ(m1.steps[2].step_id, "q2");
    EXPECT_EQ(m1.steps[2].reached, 1);
    ASSERT_EQ(m1.questions.size(), 2u);
    EXPECT_EQ(m1.questions[0].step_id, "q1");
    EXPECT_EQ(m1.questions[0].attempts, 3);
    EXPECT_EQ(m1.questions[0].learners, 2);
    EXPECT_EQ(m1.questions[0].first_try_right, 1);
    EXPECT_DOUBLE_EQ(m1.questions[0].first_try_rate(), 0.5);
    EXPECT_EQ(m1.questions[1].step_id, "q2");
    EXPECT_EQ(m1.questions[1].attempts, 1);
    EXPECT_EQ(m1.questions[1].first_try_right, 1);
}

TEST_F(ConsoleQueriesTest, FunderReportSuppressesCountsUnderFiveAndHoldsNoNumbers) {
    const auto rows = store::console::funder_report(db.sql(), "2026-03");
    ASSERT_EQ(rows.size(), 2u);
    const auto& east = rows[0];
    EXPECT_EQ(east.room, "east");
    EXPECT_EQ(east.members.text(), "5");
    EXPECT_FALSE(east.members.suppressed);
    EXPECT_TRUE(east.joins.suppressed);
    EXPECT_EQ(east.joins.value, 0);  // the true number does not travel with a suppressed count
    EXPECT_EQ(east.joins.text(), "<5");
    EXPECT_EQ(east.forum_rsvps.text(), "7");
    EXPECT_EQ(east.attended.text(), "<5");
    EXPECT_EQ(east.ratings.text(), "<5");
    EXPECT_EQ(east.rating_average, "");  // fewer than 5 ratings: no average either
    EXPECT_EQ(east.messages_marketing.text(), "0");  // zero is not suppressed
    const auto csv = store::console::funder_csv(rows);
    EXPECT_EQ(csv.substr(0, csv.find("\r\n")),
              "room,month,members,joins,leaves,posts,forum_rsvps,attended,ratings,rating_average,academy_starts,"
              "academy_passes,certificates,messages,messages_marketing,messages_utility,messages_authentication,"
              "messages_service,messages_other");
    EXPECT_NE(csv.find("\r\neast,2026-03,5,<5,<5,<5,7,<5,<5,,<5,<5,<5,<5,0,0,0,<5,0\r\n"), std::string::npos) << csv;
    EXPECT_EQ(csv.find("2547"), std::string::npos);
}

TEST_F(ConsoleQueriesTest, MemberSearchMasksNumbersButForAdmins) {
    MemberQuery q;
    q.text = "ha";
    auto page = store::console::search_members(db.sql(), q);
    ASSERT_EQ(page.total, 3);
    ASSERT_EQ(page.rows.size(), 3u);
    EXPECT_EQ(page.rows[0].alias, "Halima");  // starts with the text
    EXPECT_EQ(page.rows[1].alias, "Asha");
    EXPECT_EQ(page.rows[2].alias, "Chausiku");
    EXPECT_EQ(page.rows[1].number, "+254 7•• ••• •01");
    q.admin_viewer = true;
    page = store::console::search_members(db.sql(), q);
    EXPECT_EQ(page.rows[1].number, "+254700000001");

    // Digits find a number for an admin only.
    MemberQuery digits;
    digits.text = "700000008";
    EXPECT_EQ(store::console::search_members(db.sql(), digits).total, 0);
    digits.admin_viewer = true;
    page = store::console::search_members(db.sql(), digits);
    ASSERT_EQ(page.total, 1);
    EXPECT_EQ(page.rows[0].alias, "Halima");

    MemberQuery mods;
    mods.room = "east";
    mods.role = RoleFilter::kModerator;
    page = store::console::search_members(db.sql(), mods);
    ASSERT_EQ(page.total, 1);
    EXPECT_EQ(page.rows[0].alias, "Faraji");
    EXPECT_TRUE(page.rows[0].moderator);

    MemberQuery swahili;
    swahili.language = "sw";
    page = store::console::search_members(db.sql(), swahili);
    ASSERT_EQ(page.total, 2);
    EXPECT_EQ(page.rows[0].alias, "Chausiku");  // newest first without a text
    EXPECT_EQ(page.rows[1].alias, "Asha");

    MemberQuery east;
    east.room = "east";  // Baraka left
    EXPECT_EQ(store::console::search_members(db.sql(), east).total, 5);
    east.limit = 2;
    east.offset = 4;
    EXPECT_EQ(store::console::search_members(db.sql(), east).rows.size(), 1u);

    MemberQuery literal;
    literal.text = "%";  // a LIKE wildcard matches itself only
    EXPECT_EQ(store::console::search_members(db.sql(), literal).total, 0);

    std::string csv = store::console::member_csv_header();
    store::console::export_members(db.sql(), MemberQuery{}, [&](const store::console::MemberSummary& m) {
        csv += store::console::member_csv_record(m);
    });
    EXPECT_EQ(csv.find("254700000001"), std::string::npos);
    EXPECT_NE(csv.find("Asha,+254 7•• ••• •01,sw,east,member,live,no,0\r\n"), std::string::npos) << csv;
    EXPECT_NE(csv.find("Faraji,+254 7•• ••• •06,en,east,moderator,live,no,0\r\n"), std::string::npos) << csv;
}

TEST(ConsoleText, CsvFieldsAreQuotedAsRfc4180SaysAndFormulasNeutralised) {
    EXPECT_EQ(core::csv_field("plain"), "plain");
    EXPECT_EQ(core::csv_field("a,b"), "\"a,b\"");
    EXPECT_EQ(core::csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
    EXPECT_EQ(core::csv_field("two\nlines"), "\"two\nlines\"");
    EXPECT_EQ(core::csv_field("=1+1", true), "'=1+1");
    EXPECT_EQ(core::csv_field("@SUM(A1),x", true), "\"'@SUM(A1),x\"");
    EXPECT_EQ(core::csv_field("=1+1"), "=1+1");
    std::string out;
    core::csv_record(out, {"a", "", "c d"});
    EXPECT_EQ(out, "a,,c d\r\n");
}

TEST(ConsoleText, NumbersAreMaskedToTheirFirstFourAndLastTwoDigits) {
    EXPECT_EQ(core::mask_number("254712345678"), "+254 7•• ••• •78");
    EXPECT_EQ(core::mask_number("+254712345678"), "+254 7•• ••• •78");
    EXPECT_EQ(core::mask_number("15551234567"), "+155 5•• ••• 67");
    EXPECT_EQ(core::mask_number("12345"), "+•••45");
    EXPECT_EQ(core::mask_number("KE.1234567890"), "KE.1…");
    EXPECT_EQ(core::mask_number(""), "");
}

TEST(ConsoleDelivery, HealthShowsQueuedHeldFailedTemplatesLimitAndHalts) {
    TempDir dir;
    store::Database db(store::DatabaseOptions{dir.file("health.db")});
    store::OutboxRepository outbox(db.sql());
    const std::int64_t now = ms(2026, 3, 10);
    const auto row = [&](const std::string& logical, const std::string& to, const std::string& kind) {
        outbox.enqueue(logical, to, kind, "hi", now - 3600'000);
        return outbox.find(logical, to)->id;
    };
    row("q1", key(1), "text");
    row("q2", key(2), "text");
    outbox.hold(row("h1", key(3), "text"), "no template for rooms.digest/sw", now);
    outbox.hold(row("h2", key(4), "text"), "no template for rooms.digest/sw", now);
    outbox.mark_failed(row("f1", key(5), "text"), "131026 Message undeliverable", now);
    outbox.mark_failed(row("f2", key(6), "text"), "131026 Message undeliverable", now);
    outbox.mark_failed(row("f3", key(7), "text"), "window closed (131047 Re-engagement message)", now);
    outbox.mark_failed(row("old", key(8), "text"), "131000 Something went wrong", now - 8LL * 24 * 3600'000);
    outbox.mark_sent(row("t1", key(1), "template"), "wamid.T1", now - 3600'000);
    outbox.mark_sent(row("t2", key(1), "template"), "wamid.T2", now - 1800'000);
    outbox.mark_sent(row("t3", key(2), "template"), "wamid.T3", now - 25LL * 3600'000);  // before the 24 h
    store::AccountRepository account(db.sql());
    account.set_template_status("rooms_digest", "sw", "REJECTED", "INVALID_FORMAT", now);
    account.set_template_status("rooms_digest", "en", "APPROVED", "NONE", now);
    account.set(store::kMessagingLimit, "250", now);
    account.note_halt("halt", "131031 Business account locked", now - 7200'000);
    account.note_halt("resume", "a probe went through", now - 3600'000);
    account.note_halt("halt", "190 token expired", now - 600'000);

    const auto h = store::console::delivery_health(db.sql(), now);
    EXPECT_EQ(h.queued, 2);
    EXPECT_EQ(h.queued_due, 2);
    EXPECT_EQ(h.held, 2);
    ASSERT_EQ(h.held_by_reason.size(), 1u);
    EXPECT_EQ(h.held_by_reason[0].reason, "no template for rooms.digest/sw");
    EXPECT_EQ(h.held_by_reason[0].count, 2);
    EXPECT_EQ(h.failed, 3);  // the old failure is outside the 7 days
    ASSERT_EQ(h.failed_by_reason.size(), 2u);
    EXPECT_EQ(h.failed_by_reason[0].code, 131026);
    EXPECT_EQ(h.failed_by_reason[0].count, 2);
    EXPECT_EQ(h.failed_by_reason[1].code, 0);  // "window closed (…)" does not start with a code
    EXPECT_EQ(h.templates.size(), 2u);
    EXPECT_EQ(h.messaging_limit, 250);
    EXPECT_EQ(h.reached_24h, 1);
    EXPECT_TRUE(h.halted);
    ASSERT_EQ(h.halts.size(), 3u);
    EXPECT_EQ(h.halts[0].reason, "190 token expired");
}

// Through the real service: the member writes, the service answers through the strict fake Graph API, and the
// fake posts Meta's three status webhooks for that answer, each with the same pricing: counted once.
TEST(ConsolePricing, StatusWebhooksFromTheFakeCountTheirMessageOnce) {
    TempDir dir;
    const std::string db_path = dir.file("delvex.db");
    testing::ServiceHarness h(db_path);
    ASSERT_EQ(h.post_webhook(h.webhook_for(testing::ServiceHarness::text_message("wamid.p1", "254700000201", "hi")))
                  .status,
              200);
    ASSERT_TRUE(testing::eventually([&] { return h.fake().messages().size() == 1; }));
    const auto sent = h.fake().messages().front();
    EXPECT_EQ(sent.pricing_category, "service");  // a free-form reply inside the member's window
    EXPECT_EQ(sent.pricing_type, "free_customer_service");
    EXPECT_FALSE(sent.billable);
    ASSERT_TRUE(testing::eventually([&] { return h.service().quiet(); }));
    const auto statuses = h.fake().status_webhooks(sent.wamid);
    ASSERT_EQ(statuses.size(), 3u);
    for (const auto& body : statuses) {
        EXPECT_NE(body.find("\"pricing\""), std::string::npos);
        ASSERT_EQ(h.post_webhook(body).status, 200);
    }
    const auto counted = [&] {
        SQLite::Database db(db_path, SQLite::OPEN_READONLY);
        SQLite::Statement q(db, "SELECT coalesce(sum(count), 0), coalesce(sum(billable), 0), count(*) FROM message_costs "
                                "WHERE category = 'service'");
        q.executeStep();
        return std::tuple{q.getColumn(0).getInt64(), q.getColumn(1).getInt64(), q.getColumn(2).getInt64()};
    };
    ASSERT_TRUE(testing::eventually([&] {
        SQLite::Database db(db_path, SQLite::OPEN_READONLY);
        return db.execAndGet("SELECT count(*) FROM outbox WHERE status = 3").getInt64() == 1 &&
               std::get<0>(counted()) == 1 && h.service().quiet();
    }));
    EXPECT_EQ(counted(), std::tuple(std::int64_t{1}, std::int64_t{0}, std::int64_t{1}));
    EXPECT_THROW(h.fake().status_webhooks("wamid.never"), std::invalid_argument);
}

}  // namespace
}  // namespace delvex
