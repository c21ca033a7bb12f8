// The 24-hour window's edge, end to end against the strict fake Graph API (which refuses free-form messages
// outside the window, unknown or unapproved templates, and multi-line template parameters, as Meta does):
// members who are least online still get every post exactly once, announcements and forum invitations as
// templates whose buttons work, and moderators the posts that wait for them.

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "bot/store/database.hpp"
#include "bot/store/forum_repository.hpp"
#include "bot/store/outbox_repository.hpp"
#include "tests/integration/chat_fixture.hpp"

namespace delvex::testing {
namespace {

using namespace std::chrono_literals;

class WindowEdge : public ChatScenario {
protected:
    std::vector<store::OutboxRow> held() {
        store::Database db(store::DatabaseOptions{dir.file("chat.db"), false, 5000, true});
        store::OutboxRepository outbox(db.sql());
        return outbox.held_all(1000);
    }
    const Member amina{"254700000001", "Amina"};
    const Member baraka{"255700000002", "Baraka"};
    const Member chloe{"256700000003", "Chloe"};
};

TEST_F(WindowEdge, AMember23h50AfterTheirLastMessageGetsTheRoomPostExactlyOnce) {
    onboard(amina, "en", "east-africa", "Amina");
    onboard(baraka, "en", "east-africa", "Baraka");
    clock.advance(23h + 50min);  // Baraka's window: 10 minutes left by Meta's count, closed by ours
    say(amina, "Gold price at Geita is up today");
    EXPECT_EQ(count_containing(baraka, "Gold price at Geita"), 0u) << "no free-form copy Meta could refuse";
    EXPECT_TRUE(held().empty()) << "and nothing stuck waiting";

    // 18:00 in Nairobi: his digest template, then his reply brings the post.
    clock.set(core::TimePoint{date::sys_days{date::year{2027} / 3 / 2} + 15h + 1min});
    harness->service().run_scheduler();
    settle();
    ASSERT_FALSE(to(baraka).empty());
    EXPECT_EQ(to(baraka).back().type, "template");
    EXPECT_EQ(to(baraka).back().text, "delvex_room_digest");
    say(baraka, "ok");
    EXPECT_EQ(count_containing(baraka, "Gold price at Geita"), 1u) << "exactly once, in the catch-up";
    EXPECT_EQ(harness->fake().stats().refused, 0u);
}

TEST_F(WindowEdge, APostMetaRefusesAtTheWindowsEdgeWaitsAndArrivesOnceWhenTheMemberWrites) {
    onboard(amina, "en", "east-africa", "Amina");
    onboard(baraka, "en", "east-africa", "Baraka");
    // At 23 h Meta finds Baraka's window closed before ours did (its clock and ours differ): the copy is
    // refused with 131047.
    clock.advance(23h);
    harness->fake().fail_next(whatsapp::FakeFault::kWindowClosed);
    say(amina, "Borax is back at the co-op shop");
    ASSERT_TRUE(eventually([&] { return held().size() == 1; }));
    EXPECT_EQ(count_containing(baraka, "Borax is back"), 0u);
    EXPECT_NE(held().front().last_error.find("waits for the member's next message"), std::string::npos)
        << held().front().last_error;

    clock.advance(5h);
    say(baraka, "hello again");
    EXPECT_EQ(count_containing(baraka, "Borax is back"), 1u) << "released by his message, and not repeated";
    EXPECT_TRUE(held().empty());
}

TEST_F(WindowEdge, AnnouncementsForumInvitationsAndRemindersReachMembersOutsideTheWindowWithWorkingButtons) {
    use_regions("rooms:\n"
                "  - id: east-africa\n"
                "    names: {en: East Africa, sw: Afrika Mashariki, fr: Afrique de l'Est}\n"
                "    time_zone: Africa/Nairobi\n"
                "    languages: [sw, en]\n"
                "    countries: [\"254\", \"255\", \"256\"]\n"
                "    moderators: [\"+254700000001\"]\n"
                "    hold_first_posts: 0\n");
    harness->stop_service();
    harness->config().admin_token = core::Secret("window-edge-admin-token-0123");
    harness->start_service();
    onboard(amina, "en", "east-africa", "Amina");
    onboard(baraka, "sw", "east-africa", "Baraka");
    onboard(chloe, "fr", "east-africa", "Chloe");
    clock.advance(30h);
    say(amina, "menu");  // the moderator is back; Baraka and Chloe are not

    say(amina, "announce Forum on Thursday at 15:00.\nBring your questions about borax.");
    const auto announced = to(baraka).back();
    ASSERT_EQ(announced.type, "template");
    EXPECT_EQ(announced.text, "delvex_room_update");
    const auto& t = std::get<core::OutgoingTemplate>(announced.message.body);
    EXPECT_EQ(t.language_code, "sw");
    ASSERT_EQ(t.body_parameters.size(), 1u);
    EXPECT_EQ(t.body_parameters[0].text.find('\n'), std::string::npos) << "one line, as Meta requires";
    EXPECT_NE(t.body_parameters[0].text.find("Bring your questions about borax."), std::string::npos);

    // A forum: its invitation is due at once (the scheduler), with Going / Maybe / Can't.
    const std::map<std::string, std::string> auth{{"Authorization", "Bearer window-edge-admin-token-0123"},
                                                  {"Content-Type", "application/json"}};
    const auto r = http_request(harness->port(), "POST", "/api/v1/forums",
                                R"({"room":"east-africa","title":"Safer pits","rrule":"FREQ=MONTHLY;BYDAY=1TH",
                                    "start":"2027-03-04T15:00","join_kind":"call"})",
                                auth);
    ASSERT_EQ(r.status, 201) << r.body;
    harness->service().run_scheduler();
    settle();
    const auto invite = to(chloe).back();
    ASSERT_EQ(invite.type, "template");
    EXPECT_EQ(invite.text, "delvex_forum_invite");
    const auto& it = std::get<core::OutgoingTemplate>(invite.message.body);
    EXPECT_EQ(it.language_code, "fr");
    ASSERT_EQ(it.quick_reply_payloads.size(), 3u);

    // Chloe taps "J'y serai" on the template: her RSVP is taken and confirmed (her window is open now).
    tap_template_button(chloe, it.quick_reply_payloads[0], "J'y serai");
    EXPECT_EQ(to(chloe).back().type, "text");
    EXPECT_NE(to(chloe).back().text.find("Safer pits"), std::string::npos) << to(chloe).back().text;
    const auto forum_id = nlohmann::json::parse(r.body)["id"].get<std::int64_t>();
    store::Database db(store::DatabaseOptions{dir.file("chat.db"), false, 5000, true});
    store::ForumRepository forums(db.sql());
    EXPECT_EQ(forums.count_status(forum_id, "20270304T150000", store::RsvpStatus::kAccepted), 1);

    // An hour before the forum, two days after her tap: the reminder goes as its template, on one line.
    clock.set(core::TimePoint{date::sys_days{date::year{2027} / 3 / 4} + 11h + 1min});
    harness->service().run_scheduler();
    settle();
    const auto reminder = to(chloe).back();
    ASSERT_EQ(reminder.type, "template");
    EXPECT_EQ(reminder.text, "delvex_forum_reminder");
    const auto& rt = std::get<core::OutgoingTemplate>(reminder.message.body);
    ASSERT_EQ(rt.body_parameters.size(), 1u);
    EXPECT_NE(rt.body_parameters[0].text.find("Safer pits"), std::string::npos) << rt.body_parameters[0].text;
    EXPECT_EQ(rt.body_parameters[0].text.find('\n'), std::string::npos);
    EXPECT_EQ(harness->fake().stats().refused, 0u);
}

TEST_F(WindowEdge, AModeratorOutsideTheWindowStillLearnsOfAHeldPostAndApprovesItFromTheTemplate) {
    use_regions("rooms:\n"
                "  - id: east-africa\n"
                "    names: {en: East Africa}\n"
                "    time_zone: Africa/Nairobi\n"
                "    languages: [en]\n"
                "    countries: [\"254\", \"255\", \"256\"]\n"
                "    moderators: [\"+256700000003\"]\n"
                "    hold_first_posts: 1\n");
    const Member& mod = chloe;
    onboard(mod, "en", "east-africa", "Chloe Mod");
    clock.advance(26h);  // the moderator has been quiet for a day
    onboard(amina, "en", "east-africa", "Amina");
    onboard(baraka, "en", "east-africa", "Baraka");

    say(amina, "Where can we buy a retort near Geita?");
    EXPECT_EQ(count_containing(baraka, "retort near Geita"), 0u);
    const auto alert = to(mod).back();
    ASSERT_EQ(alert.type, "template");
    EXPECT_EQ(alert.text, "delvex_moderator_alert");
    const auto& t = std::get<core::OutgoingTemplate>(alert.message.body);
    ASSERT_EQ(t.quick_reply_payloads.size(), 2u);
    EXPECT_NE(t.body_parameters.at(0).text.find("retort near Geita"), std::string::npos) << "she sees what she judges";

    tap_template_button(mod, t.quick_reply_payloads[0], "Approve");
    EXPECT_EQ(count_containing(baraka, "retort near Geita"), 1u) << "approved from the template's button";
    EXPECT_EQ(harness->fake().stats().refused, 0u);
}

TEST_F(WindowEdge, APausedTemplateMakesItsMessagesWaitVisiblyAndAnAccountRestrictionHaltsSending) {
    use_regions("rooms:\n"
                "  - id: east-africa\n"
                "    names: {en: East Africa, sw: Afrika Mashariki}\n"
                "    time_zone: Africa/Nairobi\n"
                "    languages: [sw, en]\n"
                "    countries: [\"254\", \"255\"]\n"
                "    moderators: [\"+254700000001\"]\n"
                "    hold_first_posts: 0\n");
    onboard(amina, "en", "east-africa", "Amina");
    onboard(baraka, "sw", "east-africa", "Baraka");
    clock.advance(30h);
    say(amina, "menu");

    // Meta pauses the Swahili room-update template (its webhook, as Meta posts it).
    const auto paused = harness->fake().set_template_status("delvex_room_update", "sw", "PAUSED", "LOW_QUALITY");
    ASSERT_EQ(harness->post_webhook(paused).status, 200);
    settle();
    const auto before = to(baraka).size();
    say(amina, "announce The co-op meets on Friday.");
    EXPECT_EQ(to(baraka).size(), before) << "nothing Meta would refuse (132015) was sent";
    ASSERT_TRUE(eventually([&] { return held().size() == 1; }));
    EXPECT_NE(held().front().last_error.find("template delvex_room_update (sw) is PAUSED"), std::string::npos)
        << held().front().last_error;
    EXPECT_EQ(harness->service().metrics().templates_unusable.load(), 1);
    EXPECT_EQ(harness->service().metrics().outbox_held.load(), 1);

    // Baraka writes: his window is open, the announcement reaches him free-form, once.
    say(baraka, "habari");
    EXPECT_EQ(count_containing(baraka, "The co-op meets on Friday."), 1u);
    EXPECT_TRUE(held().empty());

    // Meta restricts the account: sending halts (then probes), as on a halt error.
    ASSERT_EQ(harness->post_webhook(harness->fake().account_update_webhook("ACCOUNT_RESTRICTION")).status, 200);
    settle();
    ASSERT_TRUE(eventually([&] { return harness->service().metrics().sending_halted.load() == 1; }));
    EXPECT_EQ(harness->fake().stats().refused, 0u);
}

}  // namespace
}  // namespace delvex::testing
