// RSVP through the announcement's buttons: statuses, changes, capacity and the waitlist.

#include <gtest/gtest.h>

#include <SQLiteCpp/Transaction.h>

#include "bot/core/metrics.hpp"
#include "bot/store/db_writer.hpp"
#include "bot/events/scheduler.hpp"
#include "tests/support/harness.hpp"
#include "tests/unit/forums_app/forums_rig.hpp"

namespace delvex::testing {
namespace {

using namespace std::chrono_literals;

class ForumsRsvpTest : public ::testing::Test {
protected:
    void SetUp() override {
        rooms.rooms_by_id["andes"] = {"America/Lima",
                                      {{"5100000001", "en"},
                                       {"5100000002", "es"},
                                       {"5100000003", "en"},
                                       {"5100000004", "fr"}},
                                      {"5100000001"}};
        for (const auto& m : rooms.rooms_by_id["andes"].members) {
            add_member(db, m.member_key, m.language, now_ms(clock));
        }
        SQLite::Transaction tx(db.sql(), SQLite::TransactionBehavior::IMMEDIATE);
        store::JobRepository jobs(db.sql());
        store::ForumSeriesRow row;
        row.room = "andes";
        row.title = "Mercury-free gold";
        row.rrule = "FREQ=MONTHLY;BYDAY=1TH";
        row.dtstart_local = "2027-01-07T15:00";
        row.join_info = "https://meet.example.org/andes";
        row.capacity = 2;
        auto created = feature.create_series(db.sql(), jobs, now_ms(clock), row,
                                             {{"es", "Oro sin mercurio", "Preguntas y respuestas"}});
        ASSERT_TRUE(created) << created.error().message;
        id = *created;
        tx.commit();
        token = events::occurrence_token(id, date::local_days{date::year{2027} / 1 / 7} + 15h);
    }

    std::optional<store::RsvpRow> rsvp(const std::string& member) {
        store::ForumRepository repo(db.sql());
        return repo.rsvp(id, token.substr(token.find('-') + 1), member);
    }

    std::string last_text_to(const std::string& member) {
        store::OutboxRepository outbox(db.sql());
        std::string text;
        for (const auto& row : outbox.all()) {
            if (row.recipient == member) {
                text = shown_text(row);
            }
        }
        return text;
    }

    bool press(const std::string& member, char letter) {
        return tap(db, feature, catalog, now_ms(clock), member, "forums:rsvp:" + token + ":" + std::string(1, letter),
                   "wamid." + std::to_string(++taps));
    }

    TempDir dir;
    store::Database db{store::DatabaseOptions{dir.file("rsvp.db"), false, 5000, false}};
    core::FakeClock clock{core::TimePoint{date::sys_days{date::year{2027} / 1 / 1}}};
    core::Catalog catalog = load_catalog();
    FakeRooms rooms;
    events::ForumsFeature feature{rooms, events::ForumsSettings{{60min * 24, 60min}, 3 * 24 * 60min, 24h * 60,
                                                                "https://bot.example.org"}};
    std::int64_t id = 0;
    std::string token;
    int taps = 0;
};

TEST_F(ForumsRsvpTest, AnnouncementCarriesThreeButtonsInTheMembersLanguage) {
    core::Metrics metrics;
    store::DbWriter spare{store::DatabaseOptions{":memory:", false, 5000, false}};
    events::Scheduler scheduler(spare, clock, metrics, catalog, {&feature});
    scheduler.run_due(db);  // the "scheduled" announcement, due now
    store::OutboxRepository outbox(db.sql());
    int announced = 0;
    for (const auto& row : outbox.all()) {
        ASSERT_TRUE(row.logical_key.starts_with("forums.scheduled:")) << row.logical_key;
        EXPECT_EQ(row.purpose, "forums.invite") << "its template carries the three buttons";
        const auto ids = choices(row);
        ASSERT_EQ(ids.size(), 3u);
        EXPECT_EQ(ids[0], "forums:rsvp:" + token + ":A");
        EXPECT_EQ(ids[1], "forums:rsvp:" + token + ":T");
        EXPECT_EQ(ids[2], "forums:rsvp:" + token + ":D");
        const auto message = delivery::message_of(row);
        const auto& buttons = std::get<core::ReplyButtons>(message->body);
        if (row.recipient == "5100000002") {
            EXPECT_EQ(buttons.buttons[0].title, "Voy");
            EXPECT_NE(buttons.body.find("Oro sin mercurio"), std::string::npos) << buttons.body;
            EXPECT_NE(buttons.body.find("jueves 7 de enero, 15:00 (hora de Lima)"), std::string::npos) << buttons.body;
        } else if (row.recipient == "5100000001") {
            EXPECT_EQ(buttons.buttons[0].title, "Going");
            EXPECT_EQ(buttons.buttons[2].title, "Can't");
            EXPECT_NE(buttons.body.find("Thursday 7 January, 15:00 (Lima time)"), std::string::npos) << buttons.body;
        }
        ++announced;
    }
    EXPECT_EQ(announced, 4);
}

TEST_F(ForumsRsvpTest, FullForumWaitlistsAndMovesPeopleUpWhenSomeoneCancels) {
    ASSERT_TRUE(press("5100000001", 'A'));
    ASSERT_TRUE(press("5100000002", 'A'));
    ASSERT_TRUE(press("5100000003", 'A'));
    ASSERT_TRUE(press("5100000004", 'A'));
    EXPECT_FALSE(rsvp("5100000001")->waitlisted);
    EXPECT_FALSE(rsvp("5100000002")->waitlisted);
    EXPECT_TRUE(rsvp("5100000003")->waitlisted);
    EXPECT_TRUE(rsvp("5100000004")->waitlisted);
    EXPECT_NE(last_text_to("5100000003").find("waiting list"), std::string::npos) << last_text_to("5100000003");

    // The first member can't come after all: the first on the waitlist moves up and is told.
    ASSERT_TRUE(press("5100000001", 'D'));
    EXPECT_EQ(rsvp("5100000001")->status, store::RsvpStatus::kDeclined);
    EXPECT_FALSE(rsvp("5100000003")->waitlisted);
    EXPECT_TRUE(rsvp("5100000004")->waitlisted);
    EXPECT_NE(last_text_to("5100000003").find("A place opened"), std::string::npos) << last_text_to("5100000003");

    // Going → Maybe frees a seat too; pressing Going again keeps one's place.
    ASSERT_TRUE(press("5100000002", 'T'));
    EXPECT_EQ(rsvp("5100000002")->status, store::RsvpStatus::kTentative);
    EXPECT_FALSE(rsvp("5100000004")->waitlisted);
    ASSERT_TRUE(press("5100000004", 'A'));
    EXPECT_FALSE(rsvp("5100000004")->waitlisted);

    // The one who declined changes their mind: the forum is full again, so they wait.
    ASSERT_TRUE(press("5100000001", 'A'));
    EXPECT_TRUE(rsvp("5100000001")->waitlisted);

    store::ForumRepository repo(db.sql());
    const auto occ = token.substr(token.find('-') + 1);
    EXPECT_EQ(repo.seated(id, occ), 2);
    EXPECT_EQ(repo.count_status(id, occ, store::RsvpStatus::kTentative), 1);
    // Reminders go to the seated and the maybes, not to the waitlist.
    const auto recipients = repo.reminder_recipients(id, occ);
    EXPECT_EQ(recipients.size(), 3u);
    for (const auto& r : recipients) {
        EXPECT_NE(r.member_key, "5100000001");
    }
}

TEST_F(ForumsRsvpTest, ConfirmationIsATextWithTheCalendarLinkNotAnIcsDocument) {
    // Meta's document types do not include text/calendar: a refused .ics document would lose the confirmation
    // that rode on it as a caption. The confirmation is a text; the calendar is a link in it.
    ASSERT_TRUE(press("5100000002", 'A'));
    store::OutboxRepository outbox(db.sql());
    const auto rows = outbox.all();
    ASSERT_FALSE(rows.empty());
    const auto& row = rows.back();
    EXPECT_EQ(row.recipient, "5100000002");
    EXPECT_EQ(row.kind, "text");
    EXPECT_EQ(row.priority, 0) << "an answer to the member's own tap goes before fan-out";
    const auto message = delivery::message_of(row);
    const auto& text = std::get<core::OutgoingText>(message->body).body;
    EXPECT_NE(text.find("Oro sin mercurio"), std::string::npos) << text;
    EXPECT_NE(text.find("https://bot.example.org/forums/andes.ics?series=" + std::to_string(id)), std::string::npos)
        << text;

    // Can't: a plain text, no calendar link.
    ASSERT_TRUE(press("5100000002", 'D'));
    const auto after = outbox.all();
    EXPECT_EQ(after.back().kind, "text");
    EXPECT_EQ(delivery::message_of(after.back())->body.index(), 0u);
    EXPECT_EQ(std::get<core::OutgoingText>(delivery::message_of(after.back())->body).body.find(".ics"),
              std::string::npos);
}

TEST_F(ForumsRsvpTest, AnswersAfterTheForumBeganAreRefusedPolitely) {
    clock.set(core::TimePoint{date::sys_days{date::year{2027} / 1 / 8}});
    ASSERT_TRUE(press("5100000001", 'A'));
    EXPECT_FALSE(rsvp("5100000001").has_value());
    EXPECT_NE(last_text_to("5100000001").find("answers are closed"), std::string::npos);
    // A made-up id with our prefix is ours to swallow, never a crash.
    EXPECT_TRUE(tap(db, feature, catalog, now_ms(clock), "5100000001", "forums:rsvp:nonsense", "wamid.x"));
}

}  // namespace
}  // namespace delvex::testing
