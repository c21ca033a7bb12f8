// A forum RSVP through the running service, judged by the fake Graph API's rules: what the service sends
// back must be something Meta accepts.

#include <gtest/gtest.h>

#include <date/date.h>

#include <cstdlib>

#include "bot/core/chat.hpp"
#include "tests/support/harness.hpp"

namespace delvex::testing {
namespace {

using namespace std::chrono_literals;

TEST(ForumsRsvpGraph, AcceptingAForumGetsAConfirmationMetaWillSend) {
    // Pacing is tested elsewhere; here every message may go at once on a clock that stands still.
    ::setenv("DELVEX_RECIPIENT_INTERVAL_MS", "0", 1);
    ::setenv("DELVEX_RECIPIENT_BURST", "45", 1);
    ::setenv("DELVEX_SEND_RATE", "0", 1);
    TempDir dir;
    core::FakeClock clock{core::TimePoint{date::sys_days{date::year{2027} / 1 / 1}}};
    ServiceHarness h(dir.file("rsvp.db"), {}, &clock);
    h.stop_service();
    h.config().admin_token = core::Secret("service-admin-token-0123456789");
    h.config().public_url = "https://delve.example";  // the confirmation may then carry the event
    h.start_service();
    const std::string member = "254700000051";
    int sequence = 0;
    auto send = [&](core::InboundMessage m) {
        m.id = "wamid.rsvp" + std::to_string(++sequence);
        m.sender.wa_id = member;
        m.sender.profile_name = "Amina";
        m.timestamp = core::to_unix(clock.now());
        ASSERT_EQ(h.post_webhook(h.webhook_for(m)).status, 200);
        ASSERT_TRUE(eventually([&] { return h.service().quiet(); }, 20s));
    };
    auto choose = [&](const std::string& id, const std::string& title, bool button) {
        core::InboundMessage m;
        m.type = core::MessageType::kInteractive;
        m.type_name = "interactive";
        m.interactive = button ? core::InteractiveType::kButtonReply : core::InteractiveType::kListReply;
        m.reply_id = id;
        m.text = title;
        send(m);
    };
    send(ServiceHarness::text_message("", member, "hello", "Amina"));
    choose("rooms:lang:en", "en", false);
    choose("rooms:room:east-africa", "east-africa", false);
    send(ServiceHarness::text_message("", member, "Amina", "Amina"));
    choose("rooms:consent:yes", "yes", true);

    const auto created = http_request(h.port(), "POST", "/api/v1/forums",
                                      R"({"room":"east-africa","title":"Safer pits","rrule":"FREQ=MONTHLY;BYDAY=1TH",
                                          "start":"2027-01-07T15:00","join_kind":"call"})",
                                      {{"Authorization", "Bearer service-admin-token-0123456789"},
                                       {"Content-Type", "application/json"}});
    ASSERT_EQ(created.status, 201) << created.body;
    std::string going;
    ASSERT_TRUE(eventually([&] {
        h.service().run_scheduler();
        for (const auto& m : h.fake().messages()) {
            if (const auto* b = std::get_if<core::ReplyButtons>(&m.message.body)) {
                for (const auto& button : b->buttons) {
                    if (button.id.starts_with("forums:rsvp:") && button.id.ends_with(":A")) going = button.id;
                }
            }
        }
        return !going.empty();
    }, 20s)) << "no invitation with RSVP buttons reached the member; " << h.fake().messages().size()
             << " messages sent" << describe_refusals(h.fake()) << [&] {
                    std::string t;
                    for (const auto& m : h.fake().messages()) t += "\n  " + m.type + ": " + m.text.substr(0, 90);
                    return t;
                }();

    const auto before = h.fake().messages().size();
    choose(going, "Going", true);
    ASSERT_TRUE(eventually([&] { return h.fake().messages().size() > before || !h.fake().refusals().empty(); }));
    // Meta delivers documents of its supported types only (text, PDF, Office): an .ics file is not one.
    EXPECT_TRUE(h.fake().refusals().empty()) << describe_refusals(h.fake());
    h.allow_refusals();  // reported once, above
}

}  // namespace
}  // namespace delvex::testing
