// The dispatcher and governor against the real GraphClient and the real FakeGraph on loopback, with a
// FakeClock that the tests step: error classes, Retry-After, halt and resume, the 24 h window, coalescing,
// pacing, and every message kind.

#include <gtest/gtest.h>

#include <map>
#include <set>

#include "bot/whatsapp/wire/outbound.hpp"
#include "tests/integration/delivery_rig.hpp"

namespace delvex {
namespace {

using namespace std::chrono_literals;
using testing::DeliveryRig;
using testing::eventually;

delivery::DeliverySettings settings(int burst = 5) {
    delivery::DeliverySettings s;
    s.governor.rate_per_second = 80;
    s.governor.inbound_share = 0;
    s.governor.recipient_burst = burst;
    return s;
}

core::OutgoingMessage text_to(const std::string& to, const std::string& body) {
    core::OutgoingMessage m;
    m.to = core::Recipient::phone(to);
    m.body = core::OutgoingText{body, false};
    return m;
}

core::OutgoingMessage buttons_to(const std::string& to, const std::string& body, const std::string& title = "Yes") {
    core::OutgoingMessage m;
    m.to = core::Recipient::phone(to);
    core::ReplyButtons b;
    b.body = body;
    b.buttons = {{"yes", title}, {"no", "No"}};
    m.body = b;
    return m;
}

std::vector<std::string> recipients_of(const std::vector<whatsapp::RecordedMessage>& ms) {
    std::vector<std::string> out;
    for (const auto& m : ms) {
        out.push_back(m.recipient);
    }
    return out;
}

TEST(Dispatcher, SendsEveryMessageKindThroughTheRealClientToTheFake) {
    auto s = settings();
    s.governor.rate_per_second = 0;  // the FakeClock stands still: no budget refill to wait for
    DeliveryRig rig({}, s);
    // Meta sends only media ids it issued to us (uploads) and templates approved in that language.
    auto& fake = rig.graph.fake;
    const std::string img = fake.add_media("jpeg", "image/jpeg");
    const std::string aud = fake.add_media("ogg", "audio/ogg");
    const std::string doc = fake.add_media("pdf", "application/pdf");
    const std::string st = fake.add_media("webp", "image/webp");
    fake.add_approved_template("price_alert", "en_US", "Price alert: {{1}} is at {{2}} USD today.");
    fake.add_approved_template("forum_reminder", "sw", "Kumbusho: {{room}} saa {{time}} leo.");
    std::vector<core::OutgoingMessage> all;
    auto add = [&](core::OutgoingBody body) {
        core::OutgoingMessage m;
        m.to = core::Recipient::phone("2547000001" + std::to_string(10 + all.size()));
        m.body = std::move(body);
        all.push_back(std::move(m));
    };
    add(core::OutgoingText{"Habari https://delve.example", true});
    core::ReplyButtons buttons;
    buttons.header.kind = core::InteractiveHeader::Kind::kText;
    buttons.header.text = "Forum";
    buttons.body = "Join the Geita forum on Thursday?";
    buttons.footer = "Delve";
    buttons.buttons = {{"rsvp:yes", "Yes"}, {"rsvp:no", "No"}};
    add(buttons);
    core::ListMessage list;
    list.body = "Pick a module";
    list.button = "Modules";
    list.sections = {{"Safety", {{"m1", "Mercury", "Retorts and risk"}, {"m2", "Dust", ""}}}};
    add(list);
    add(core::OutgoingMedia{core::MediaKind::kImage, core::MediaSource::by_id(img), "A retort", {}});
    add(core::OutgoingMedia{core::MediaKind::kAudio, core::MediaSource::by_id(aud), {}, {}});
    add(core::OutgoingMedia{core::MediaKind::kVideo, core::MediaSource::by_link("https://x.example/v.mp4"), "v", {}});
    add(core::OutgoingMedia{core::MediaKind::kDocument, core::MediaSource::by_id(doc), "Guide", "guide.pdf"});
    add(core::OutgoingMedia{core::MediaKind::kSticker, core::MediaSource::by_id(st), {}, {}});
    add(core::OutgoingLocation{-2.87, 32.23, "Geita hub", "Geita, Tanzania"});
    add(core::OutgoingReaction{"wamid.inbound1", "👍"});
    core::OutgoingTemplate positional;
    positional.name = "price_alert";
    positional.language_code = "en_US";
    positional.body_parameters = {{{}, "Gold"}, {{}, "62.10"}};
    add(positional);
    core::OutgoingTemplate named;
    named.name = "forum_reminder";
    named.language_code = "sw";
    named.body_parameters = {{"room", "Geita"}, {"time", "18:00"}};
    add(named);
    auto reply = text_to("254700000199", "Thanks, noted");
    reply.context_message_id = "wamid.quoted";
    all.push_back(reply);
    auto bsuid = text_to("", "Karibu");
    bsuid.to = core::Recipient::bsuid("US.13491208655302741918");
    all.push_back(bsuid);

    for (std::size_t i = 0; i < all.size(); ++i) {
        rig.enqueue("kind:" + std::to_string(i), all[i]);
    }
    rig.start();
    ASSERT_TRUE(eventually([&] { return rig.graph.fake.messages().size() == all.size(); }))
        << rig.graph.fake.messages().size();
    std::map<std::string, whatsapp::RecordedMessage> by_recipient;
    for (const auto& m : rig.graph.fake.messages()) {
        by_recipient[m.recipient] = m;
    }
    for (const auto& want : all) {
        const auto key = want.to.kind == core::Recipient::Kind::kBsuid ? want.to.id : "+" + want.to.id;
        ASSERT_TRUE(by_recipient.contains(key)) << key;
        auto got = by_recipient[key].message;
        got.to = want.to;
        // What the fake parsed back serializes to what we meant to send.
        EXPECT_EQ(whatsapp::wire::to_graph_json(got).json, whatsapp::wire::to_graph_json(want).json);
    }
    EXPECT_TRUE(by_recipient["US.13491208655302741918"].by_bsuid);
    EXPECT_EQ(by_recipient["+254700000199"].context_message_id, "wamid.quoted");
    ASSERT_TRUE(rig.settled());
    const auto sent = rig.with_outbox([](store::OutboxRepository& r) { return r.count(store::OutboxStatus::kSent); });
    EXPECT_EQ(sent, static_cast<std::int64_t>(all.size()));
}

TEST(Dispatcher, ThrottleBacksOffWithoutCountingAndHonoursRetryAfter) {
    whatsapp::FakeGraphOptions fake;
    fake.retry_after_seconds = 7;
    DeliveryRig rig(fake, settings());
    rig.graph.fake.fail_next(whatsapp::FakeFault::kThrottle);
    const auto t0 = core::to_unix_ms(rig.clock.now());
    rig.enqueue_text("t1", "254700000201", "hello");
    rig.start();
    ASSERT_TRUE(eventually([&] {
        const auto row = rig.row("t1", "254700000201");
        return row && row->last_error.find("throttle") != std::string::npos;
    }));
    auto row = rig.row("t1", "254700000201");
    EXPECT_EQ(row->status, store::OutboxStatus::kQueued);
    EXPECT_EQ(row->attempts, 0) << "a throttle is not the message's fault";
    EXPECT_EQ(row->next_attempt_ms, t0 + 7000) << "Retry-After: 7";
    EXPECT_TRUE(rig.graph.fake.messages().empty());
    rig.clock.advance(6999ms);
    rig.dispatcher->kick();
    rig.clock.advance(1ms);
    rig.dispatcher->kick();
    ASSERT_TRUE(eventually([&] { return rig.graph.fake.messages().size() == 1; }));
    ASSERT_TRUE(eventually([&] { return rig.row("t1", "254700000201")->status == store::OutboxStatus::kSent; }));
    EXPECT_EQ(rig.stats().throttled, 1u);
}

TEST(Dispatcher, PairLimitHoldsOnlyThatRecipient) {
    DeliveryRig rig({}, settings());
    rig.graph.fake.fail_next(whatsapp::FakeFault::kPairLimit);
    rig.enqueue_text("p1", "254700000211", "first");
    rig.start();
    ASSERT_TRUE(eventually([&] { return rig.stats().throttled == 1; }));
    rig.enqueue_text("p2", "254700000212", "other recipient");
    ASSERT_TRUE(eventually([&] { return rig.graph.fake.messages().size() == 1; }));
    EXPECT_EQ(rig.graph.fake.messages().front().recipient, "+254700000212");
    EXPECT_EQ(rig.row("p1", "254700000211")->attempts, 0);
    rig.clock.advance(1s);
    rig.dispatcher->kick();
    ASSERT_TRUE(eventually([&] { return rig.graph.fake.messages().size() == 2; }));
}

TEST(Dispatcher, RetryableErrorsBackOffExponentiallyAndCountAnAttempt) {
    DeliveryRig rig({}, settings());
    rig.graph.fake.fail_next(whatsapp::FakeFault::kServerError, 2);
    const auto t0 = core::to_unix_ms(rig.clock.now());
    rig.enqueue_text("r1", "254700000221", "hello");
    rig.start();
    ASSERT_TRUE(eventually([&] { return rig.row("r1", "254700000221")->attempts == 1; }));
    auto row = rig.row("r1", "254700000221");
    EXPECT_GE(row->next_attempt_ms, t0 + 250);
    EXPECT_LE(row->next_attempt_ms, t0 + 500);
    EXPECT_NE(row->last_error.find("retryable: 131000"), std::string::npos) << row->last_error;
    rig.clock.advance(500ms);
    rig.dispatcher->kick();
    ASSERT_TRUE(eventually([&] { return rig.row("r1", "254700000221")->attempts == 2; }));
    row = rig.row("r1", "254700000221");
    EXPECT_GE(row->next_attempt_ms, t0 + 500 + 500);
    EXPECT_LE(row->next_attempt_ms, t0 + 500 + 1000);
    rig.clock.advance(1s);
    rig.dispatcher->kick();
    ASSERT_TRUE(eventually([&] { return rig.row("r1", "254700000221")->status == store::OutboxStatus::kSent; }));
    EXPECT_EQ(rig.stats().retried, 2u);
}

TEST(Dispatcher, TimeoutIsRetriedLikeAServerError) {
    DeliveryRig rig({}, settings(), 300ms);
    rig.graph.fake.fail_next(whatsapp::FakeFault::kTimeout);
    rig.enqueue_text("to1", "254700000231", "hello");
    rig.start();
    ASSERT_TRUE(eventually([&] { return rig.row("to1", "254700000231")->attempts == 1; }));
    using Series = std::map<std::pair<std::string, std::string>, std::uint64_t>;
    EXPECT_EQ(rig.metrics.retries_by.snapshot(), (Series{{{"to1", "transport"}, 1}}));
    rig.clock.advance(1s);
    rig.dispatcher->kick();
    ASSERT_TRUE(eventually([&] { return rig.row("to1", "254700000231")->status == store::OutboxStatus::kSent; }));
}

TEST(Dispatcher, PermanentErrorFailsTheRowWithItsReasonAndNeverTheMember) {
    DeliveryRig rig({}, settings());
    rig.enqueue("bad", buttons_to("254700000241", "Choose", "A title far over twenty characters"));
    rig.start();
    ASSERT_TRUE(eventually([&] { return rig.row("bad", "254700000241")->status == store::OutboxStatus::kFailed; }));
    const auto failed = rig.with_outbox([](store::OutboxRepository& r) { return r.failed(10); });
    ASSERT_EQ(failed.size(), 1u);
    EXPECT_NE(failed[0].last_error.find("permanent: 100"), std::string::npos) << failed[0].last_error;
    EXPECT_EQ(rig.metrics.messages_failed.load(), 1u);
    // Labelled by purpose (here the logical key's first part) and Meta's code, for alerts per cause.
    using Series = std::map<std::pair<std::string, std::string>, std::uint64_t>;
    EXPECT_EQ(rig.metrics.failed_by.snapshot(), (Series{{{"bad", "100"}, 1}}));
    EXPECT_NE(rig.metrics.render().find("delvex_messages_failed_total{purpose=\"bad\",code=\"100\"} 1\n"),
              std::string::npos);
    // The member is not opted out: the next message to them goes.
    rig.enqueue_text("next", "254700000241", "still here");
    ASSERT_TRUE(eventually([&] { return rig.graph.fake.messages().size() == 1; }));
    ASSERT_TRUE(eventually([&] { return rig.metrics.messages_sent.load() == 1; }));
    EXPECT_EQ(rig.metrics.sent_by.snapshot(), (Series{{{"next", "text"}, 1}}));
}

TEST(Dispatcher, HaltPausesAllSendingUntilAProbeGoesThrough) {
    auto s = settings();
    s.halt_pause = 60s;
    DeliveryRig rig({}, s);
    rig.graph.fake.fail_next(whatsapp::FakeFault::kTokenExpired);
    rig.enqueue_text("h1", "254700000251", "one");
    rig.start();
    ASSERT_TRUE(eventually([&] { return rig.stats().halts == 1; }));
    EXPECT_EQ(rig.metrics.sending_halted.load(), 1);
    EXPECT_NE(rig.metrics.render().find("delvex_sending_halted 1"), std::string::npos);
    rig.enqueue_text("h2", "254700000252", "two");
    rig.enqueue_text("h3", "254700000253", "three");
    // Several passes of the dispatcher while halted: nothing goes out.
    ASSERT_TRUE(eventually([&] { return rig.stats().halted_passes >= 3; }));
    EXPECT_TRUE(rig.graph.fake.messages().empty());
    EXPECT_EQ(rig.row("h1", "254700000251")->attempts, 0);
    rig.clock.advance(60s);
    rig.dispatcher->kick();
    ASSERT_TRUE(eventually([&] { return rig.graph.fake.messages().size() == 3; }));
    EXPECT_EQ(rig.stats().resumes, 1u);
    EXPECT_EQ(rig.metrics.sending_halted.load(), 0);
}

TEST(Dispatcher, HaltAgainOnTheProbeDoublesThePause) {
    auto s = settings();
    s.halt_pause = 60s;
    DeliveryRig rig({}, s);
    rig.graph.fake.fail_next(whatsapp::FakeFault::kTokenExpired, 2);
    rig.enqueue_text("h1", "254700000261", "one");
    rig.start();
    ASSERT_TRUE(eventually([&] { return rig.stats().halts == 1; }));
    rig.clock.advance(60s);
    rig.dispatcher->kick();
    ASSERT_TRUE(eventually([&] { return rig.stats().halts == 2; }));
    const auto passes = rig.stats().halted_passes;
    rig.clock.advance(60s);
    rig.dispatcher->kick();
    ASSERT_TRUE(eventually([&] { return rig.stats().halted_passes >= passes + 3; }));
    EXPECT_TRUE(rig.graph.fake.messages().empty()) << "the second pause is 120 s";
    rig.clock.advance(60s);
    rig.dispatcher->kick();
    ASSERT_TRUE(eventually([&] { return rig.graph.fake.messages().size() == 1; }));
    // The fake holds the message as soon as it answers; the dispatcher records the resume when the answer
    // reaches it, a moment later. The gauge must read 0 once the resume is recorded, not before.
    ASSERT_TRUE(eventually([&] { return rig.stats().resumes == 1; }));
    EXPECT_EQ(rig.metrics.sending_halted.load(), 0);
}

// The templates with_templates() maps, APPROVED on the fake as they are in WhatsApp Manager.
void approve_templates(whatsapp::FakeGraph& fake) {
    fake.add_approved_template("room_update", "en_US", "New in your room: {{1}}. Reply to read more.");
    fake.add_approved_template("room_update", "sw", "Mpya chumbani: {{1}}. Jibu kusoma zaidi.");
}

delivery::DeliverySettings with_templates() {
    auto s = settings();
    s.templates.add("relay", "en", delivery::TemplateSpec{.name = "room_update", .language_code = "en_US", .params = {"{text}"}});
    s.templates.add("relay", "sw", delivery::TemplateSpec{.name = "room_update", .language_code = "sw", .params = {"{text}"}});
    return s;
}

TEST(Dispatcher, ClosedWindowSendsTheTemplateForThePurposeAndLanguage) {
    DeliveryRig rig({}, with_templates());
    approve_templates(rig.graph.fake);
    const auto now = core::to_unix(rig.clock.now());
    rig.add_member("254700000271", now - 25 * 3600, "sw");
    rig.enqueue_text("relay:1", "254700000271", "Bei ya dhahabu imepanda");
    rig.start();
    ASSERT_TRUE(eventually([&] { return rig.graph.fake.messages().size() == 1; }));
    const auto sent = rig.graph.fake.messages().front();
    EXPECT_EQ(sent.type, "template");
    const auto& t = std::get<core::OutgoingTemplate>(sent.message.body);
    EXPECT_EQ(t.name, "room_update");
    EXPECT_EQ(t.language_code, "sw");
    ASSERT_EQ(t.body_parameters.size(), 1u);
    EXPECT_EQ(t.body_parameters[0].text, "Bei ya dhahabu imepanda");
    ASSERT_TRUE(eventually([&] { return rig.row("relay:1", "254700000271")->status == store::OutboxStatus::kSent; }));
    EXPECT_EQ(rig.row("relay:1", "254700000271")->kind, "template");
}

TEST(Dispatcher, ClosedWindowWithoutATemplateHoldsTheMessageForTheDigest) {
    DeliveryRig rig({}, with_templates());
    const auto now = core::to_unix(rig.clock.now());
    rig.add_member("254700000281", now - 24 * 3600, "en");
    rig.add_member("254700000282", now - 3600, "en");
    rig.enqueue_text("chat:1", "254700000281", "closed window, no template");
    rig.enqueue_text("chat:2", "254700000282", "open window");
    rig.start();
    ASSERT_TRUE(eventually([&] { return rig.row("chat:1", "254700000281")->status == store::OutboxStatus::kHeld; }));
    ASSERT_TRUE(eventually([&] { return rig.graph.fake.messages().size() == 1; }));
    EXPECT_EQ(rig.graph.fake.messages().front().recipient, "+254700000282");
    EXPECT_NE(rig.row("chat:1", "254700000281")->last_error.find("waits for the member's next message (no template for chat/en)"), std::string::npos);
}

TEST(Dispatcher, WindowClosedAnswerFallsBackToTheTemplate) {
    DeliveryRig rig({}, with_templates());
    approve_templates(rig.graph.fake);
    rig.graph.fake.fail_next(whatsapp::FakeFault::kWindowClosed);
    rig.enqueue_text("relay:2", "254700000291", "posted while you were away");  // not a member we know
    rig.start();
    ASSERT_TRUE(eventually([&] { return rig.graph.fake.messages().size() == 1; }));
    EXPECT_EQ(rig.graph.fake.messages().front().type, "template");
    EXPECT_EQ(rig.stats().templated, 1u);
}

TEST(Dispatcher, CoalescesWaitingTextsForOneRecipientIntoOneMessage) {
    DeliveryRig rig({}, settings());
    for (int i = 0; i < 5; ++i) {
        rig.enqueue_text("relay:" + std::to_string(i), "254700000301", "post " + std::to_string(i));
    }
    rig.enqueue_text("relay:0", "254700000302", "someone else");
    rig.start();
    ASSERT_TRUE(eventually([&] { return rig.graph.fake.messages().size() == 2; }));
    ASSERT_TRUE(rig.settled());
    std::string merged;
    for (const auto& m : rig.graph.fake.messages()) {
        if (m.recipient == "+254700000301") {
            merged = m.text;
        }
    }
    EXPECT_EQ(merged, "post 0\n\npost 1\n\npost 2\n\npost 3\n\npost 4");
    const auto wamid = rig.row("relay:0", "254700000301")->wamid;
    EXPECT_FALSE(wamid.empty());
    for (int i = 0; i < 5; ++i) {
        const auto row = rig.row("relay:" + std::to_string(i), "254700000301");
        EXPECT_EQ(row->wamid, wamid);
        EXPECT_EQ(row->status, store::OutboxStatus::kSent);
    }
    EXPECT_EQ(rig.stats().coalesced, 1u);
    EXPECT_EQ(rig.stats().rows_sent, 6u);
}

TEST(Dispatcher, NeverCoalescesPastTheTextLimit) {
    DeliveryRig rig({}, settings());
    for (int i = 0; i < 3; ++i) {
        rig.enqueue_text("long:" + std::to_string(i), "254700000311", std::string(2000, static_cast<char>('a' + i)));
    }
    rig.start();
    ASSERT_TRUE(eventually([&] { return rig.graph.fake.messages().size() == 2; }));
    for (const auto& m : rig.graph.fake.messages()) {
        EXPECT_LE(m.text.size(), 4096u);
    }
}

TEST(Dispatcher, PacesOneRecipientAndDefersTheRestWithAFakeClock) {
    auto s = settings(2);
    s.governor.recipient_interval = 6s;
    DeliveryRig rig({}, s);
    for (int i = 0; i < 4; ++i) {
        rig.enqueue("b:" + std::to_string(i), buttons_to("254700000321", "question " + std::to_string(i)));
    }
    rig.start();
    ASSERT_TRUE(eventually([&] { return rig.graph.fake.messages().size() == 2 && rig.stats().deferred >= 2; }));
    ASSERT_TRUE(rig.settled());
    EXPECT_EQ(rig.graph.fake.messages().size(), 2u);
    rig.clock.advance(6s);
    rig.dispatcher->kick();
    ASSERT_TRUE(eventually([&] { return rig.graph.fake.messages().size() == 3; }));
    ASSERT_TRUE(rig.settled());
    rig.clock.advance(6s);
    rig.dispatcher->kick();
    ASSERT_TRUE(eventually([&] { return rig.graph.fake.messages().size() == 4; }));
    // In order: one message in flight per recipient.
    std::vector<std::string> bodies;
    for (const auto& m : rig.graph.fake.messages()) {
        bodies.push_back(m.text);
    }
    EXPECT_EQ(bodies, (std::vector<std::string>{"question 0", "question 1", "question 2", "question 3"}));
    EXPECT_EQ(recipients_of(rig.graph.fake.messages()).size(), 4u);
}

TEST(Dispatcher, AnAnswerToAMembersTapOvertakesAFanOutAlreadyQueued) {
    auto s = settings();
    s.governor.rate_per_second = 1;  // one message per second of the FakeClock: the order is the test
    s.governor.number_burst_seconds = 0.1;
    DeliveryRig rig({}, s);
    for (int i = 0; i < 20; ++i) {
        rig.enqueue_text("rooms.relay:7", "2547001001" + std::to_string(10 + i), "a post to a big room");
    }
    rig.start();
    ASSERT_TRUE(eventually([&] { return rig.graph.fake.messages().size() == 1; }));
    // A member taps a button: the answer is queued (priority 0, as the consumer queues it) behind 19 copies.
    rig.add_member("254700100999", core::to_unix(rig.clock.now()));  // the tap opened their window
    auto answer = delivery::entry_for("academy.next:wamid.tap", text_to("254700100999", "Step 2 of 5"), {});
    answer.priority = 0;
    const auto now = core::to_unix_ms(rig.clock.now());
    rig.with_outbox([&](store::OutboxRepository& repo) { return repo.enqueue(answer, now); });
    rig.dispatcher->kick();
    ASSERT_TRUE(eventually([&] { return rig.stats().claimed == 21; })) << "the answer is claimed";
    rig.clock.advance(1s);
    rig.dispatcher->kick();
    ASSERT_TRUE(eventually([&] { return rig.graph.fake.messages().size() == 2; }));
    EXPECT_EQ(rig.graph.fake.messages().at(1).recipient, "+254700100999") << "the answer went next";
    for (int i = 0; i < 19; ++i) {
        rig.clock.advance(1s);
        rig.dispatcher->kick();
        ASSERT_TRUE(eventually([&] { return rig.graph.fake.messages().size() == static_cast<std::size_t>(3 + i); }));
    }
    EXPECT_EQ(rig.graph.fake.messages().size(), 21u) << "and the fan-out went on after it, nothing lost";
}

TEST(Dispatcher, TemplatesStopAtTheMessagingLimitAndTheRestWaitVisibly) {
    auto s = with_templates();
    s.governor.rate_per_second = 0;
    s.messaging_limit = 2;
    DeliveryRig rig({}, s);
    approve_templates(rig.graph.fake);
    const auto now = core::to_unix(rig.clock.now());
    for (int i = 0; i < 4; ++i) {
        const auto to = "2547002000" + std::to_string(10 + i);
        rig.add_member(to, now - 25 * 3600, "en");
        rig.enqueue_text("relay:" + std::to_string(i), to, "news " + std::to_string(i));
    }
    rig.start();
    ASSERT_TRUE(eventually([&] { return rig.stats().templated == 2 && rig.stats().held == 2; }));
    ASSERT_TRUE(eventually([&] { return rig.graph.fake.messages().size() == 2; }));
    EXPECT_EQ(rig.stats().limit_held, 2u);
    const auto held = rig.with_outbox([](store::OutboxRepository& r) { return r.held_all(10); });
    ASSERT_EQ(held.size(), 2u);
    EXPECT_NE(held[0].last_error.find("messaging limit reached"), std::string::npos) << held[0].last_error;
    EXPECT_EQ(rig.on_io([&] { return rig.dispatcher->messaging_limit_used(); }), 2u);
    // A day later the moving window has room again; and a held member who writes gets theirs free-form.
    rig.with_outbox([&](store::OutboxRepository& r) { return r.release_held(held[0].recipient, 0); });
    rig.add_member_inbound(held[0].recipient, core::to_unix(rig.clock.now()));
    rig.dispatcher->kick();
    ASSERT_TRUE(eventually([&] { return rig.graph.fake.messages().size() == 3; }));
    EXPECT_EQ(rig.graph.fake.messages().back().type, "text");
}

core::OutgoingMessage photo_to(const std::string& to, const std::string& inbound_id) {
    core::OutgoingMessage m;
    m.to = core::Recipient::phone(to);
    m.body = core::OutgoingMedia{core::MediaKind::kImage, core::MediaSource::by_inbound(inbound_id),
                                 "*Amina* · East Africa\nThe new sluice", ""};
    return m;
}

TEST(Dispatcher, AMembersFileIsDownloadedAndUploadedOnceAndEveryCopyGoesWithTheUploadedId) {
    auto s = settings();
    s.governor.rate_per_second = 0;
    DeliveryRig rig({}, s);
    // Meta's id for the file a member sent: downloadable, but not sendable.
    const auto inbound = rig.graph.fake.add_inbound_media(std::string(2000, 'p'), "image/png");
    for (int i = 0; i < 5; ++i) {
        rig.enqueue("rooms.relay:9", photo_to("2547003000" + std::to_string(10 + i), inbound));
    }
    rig.start();
    ASSERT_TRUE(eventually([&] { return rig.graph.fake.messages().size() == 5; }));
    std::set<std::string> ids;
    for (const auto& m : rig.graph.fake.messages()) {
        ASSERT_EQ(m.type, "image");
        ids.insert(std::get<core::OutgoingMedia>(m.message.body).source.id);
    }
    ASSERT_EQ(ids.size(), 1u) << "one upload for every copy";
    EXPECT_NE(*ids.begin(), inbound);
    EXPECT_EQ(rig.stats().media_uploads, 1u);
    EXPECT_TRUE(rig.graph.fake.refusals().empty());
    // A second post with the same file (a forward) reuses the upload.
    rig.enqueue("rooms.relay:10", photo_to("254700300099", inbound));
    ASSERT_TRUE(eventually([&] { return rig.graph.fake.messages().size() == 6; }));
    EXPECT_EQ(rig.stats().media_uploads, 1u);
}

TEST(Dispatcher, AFileMetaNoLongerHasFailsItsCopiesWithTheReason) {
    auto s = settings();
    s.governor.rate_per_second = 0;
    DeliveryRig rig({}, s);
    rig.enqueue("rooms.relay:11", photo_to("254700300111", "987654321000"));  // never issued, or expired
    rig.start();
    ASSERT_TRUE(eventually([&] {
        const auto row = rig.row("rooms.relay:11", "254700300111");
        return row && row->status == store::OutboxStatus::kFailed;
    }, std::chrono::seconds(20)));
    EXPECT_NE(rig.row("rooms.relay:11", "254700300111")->last_error.find("member's file"), std::string::npos)
        << rig.row("rooms.relay:11", "254700300111")->last_error;
    EXPECT_TRUE(rig.graph.fake.messages().empty()) << "nothing Meta would refuse was sent";
}

}  // namespace
}  // namespace delvex
