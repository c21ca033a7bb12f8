// The webhook endpoint through the real Beast server, the real SQLite file and the real fake Graph API.

#include <gtest/gtest.h>

#include "bot/store/database.hpp"
#include "bot/store/repositories.hpp"
#include "bot/whatsapp/signature.hpp"
#include "bot/whatsapp/wire/inbound.hpp"
#include "tests/support/harness.hpp"

namespace delvex {
namespace {

using testing::eventually;
using testing::ServiceHarness;
using testing::TempDir;

struct Store {
    explicit Store(const std::string& path) : db({path, false, 5000, true}), inbox(db.sql()), outbox(db.sql()) {}
    store::Database db;
    store::InboxRepository inbox;
    store::OutboxRepository outbox;
};

class WebhookTest : public ::testing::Test {
protected:
    TempDir dir;
    std::string db_path = dir.file("delvex.db");
    ServiceHarness h{db_path};
};

TEST_F(WebhookTest, VerificationAnswersTheRawChallengeWhenTheTokenMatches) {
    const auto r = testing::http_request(
        h.port(), "GET", "/webhook?hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token=test-verify-token");
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.body, "1158201444");
}

TEST_F(WebhookTest, VerificationIsRefusedForAWrongTokenModeOrNothing) {
    EXPECT_EQ(testing::http_request(h.port(), "GET",
                                    "/webhook?hub.mode=subscribe&hub.challenge=1&hub.verify_token=wrong")
                  .status,
              403);
    EXPECT_EQ(testing::http_request(h.port(), "GET",
                                    "/webhook?hub.mode=unsubscribe&hub.challenge=1&hub.verify_token=test-verify-token")
                  .status,
              403);
    EXPECT_EQ(testing::http_request(h.port(), "GET", "/webhook").status, 403);
}

TEST_F(WebhookTest, UnsignedOrWronglySignedPostsAre401AndNothingIsStored) {
    const auto body = h.webhook_for(ServiceHarness::text_message("wamid.sig1", "254700000101", "hi"));
    const std::string missing;
    EXPECT_EQ(testing::http_request(h.port(), "POST", "/webhook", body).status, 401);
    const std::string wrong = "sha256=" + std::string(64, '0');
    EXPECT_EQ(h.post_webhook(body, &wrong).status, 401);
    const std::string other = whatsapp::SignatureVerifier(ServiceHarness::kAppSecret).sign(body + " ");
    EXPECT_EQ(h.post_webhook(body, &other).status, 401);
    const std::string bad_prefix = "sha1=" + std::string(64, 'a');
    EXPECT_EQ(h.post_webhook(body, &bad_prefix).status, 401);
    Store s(db_path);
    EXPECT_EQ(s.inbox.count_key("m:wamid.sig1"), 0);
}

TEST_F(WebhookTest, BodyOverThreeMebibytesIs413) {
    const std::string body(3 * 1024 * 1024 + 1, ' ');
    EXPECT_EQ(h.post_webhook(body).status, 413);
}

TEST_F(WebhookTest, SignedBodyThatIsNotJsonIs400) {
    EXPECT_EQ(h.post_webhook("{not json").status, 400);
}

TEST_F(WebhookTest, UnknownShapeIs200AndTheRawBodyIsQuarantined) {
    const std::string body = R"({"object":"instagram","entry":[{"id":"1","changes":[]}]})";
    EXPECT_EQ(h.post_webhook(body).status, 200);
    EXPECT_TRUE(eventually([&] {
        Store s(db_path);
        return s.inbox.quarantined() == 1;
    }));
}

TEST_F(WebhookTest, MessageIsStoredThenAnsweredWithOneWelcomeInTheMembersLanguage) {
    const auto body = h.webhook_for(ServiceHarness::text_message("wamid.w1", "243810000001", "bonjour", "Jean"));
    ASSERT_EQ(h.post_webhook(body).status, 200);
    // The 200 came after the POST landed; the import into the inbox follows.
    EXPECT_EQ(h.service().metrics().webhooks_landed.load(), 1u);
    ASSERT_TRUE(eventually([&] {
        Store s(db_path);
        return s.inbox.count_key("m:wamid.w1") == 1;
    }));
    ASSERT_TRUE(eventually([&] { return h.fake().messages().size() == 1; }));
    const auto sent = h.fake().messages().front();
    EXPECT_EQ(sent.recipient, "+243810000001");
    EXPECT_NE(sent.text.find("Bienvenue"), std::string::npos) << sent.text;
    EXPECT_NE(sent.text.find("Jean"), std::string::npos);
    ASSERT_TRUE(eventually([&] {
        Store s(db_path);
        auto row = s.outbox.find("welcome", "243810000001");
        return row && row->status == store::OutboxStatus::kSent && row->wamid == sent.wamid;
    }));
    // A second message from the same member is not welcomed again.
    ASSERT_EQ(h.post_webhook(h.webhook_for(ServiceHarness::text_message("wamid.w2", "243810000001", "encore")))
                  .status,
              200);
    ASSERT_TRUE(eventually([&] { return h.service().quiet(); }));
    EXPECT_EQ(h.fake().messages().size(), 1u);
}

TEST_F(WebhookTest, DuplicatesAreStoredOnceWithinAPostAcrossPostsAndAcrossARestart) {
    const auto msg = ServiceHarness::text_message("wamid.dup1", "254700000102", "habari");
    const auto body = h.webhook_for(msg);
    ASSERT_EQ(h.post_webhook(body).status, 200);
    ASSERT_EQ(h.post_webhook(body).status, 200);
    // The same update twice inside one body.
    const auto one = testing::fixture("webhooks/duplicate_in_body.json");
    ASSERT_EQ(h.post_webhook(one).status, 200);
    ASSERT_TRUE(eventually([&] { return h.service().quiet(); }));
    h.stop_service();
    h.start_service();
    ASSERT_EQ(h.post_webhook(body).status, 200);
    ASSERT_TRUE(eventually([&] { return h.service().quiet(); }));
    Store s(db_path);
    EXPECT_EQ(s.inbox.count_key("m:wamid.dup1"), 1);
    EXPECT_EQ(h.service().metrics().events_duplicate.load(), 1u);  // counted since the restart
    // One welcome for the member, despite three deliveries of the message.
    std::size_t to_member = 0;
    for (const auto& m : h.fake().messages()) {
        to_member += m.recipient == "+254700000102" ? 1 : 0;
    }
    EXPECT_EQ(to_member, 1u);
}

TEST_F(WebhookTest, StatusWebhookMovesTheOutboxRowForwardOnly) {
    ASSERT_EQ(h.post_webhook(h.webhook_for(ServiceHarness::text_message("wamid.s1", "254700000103", "hi"))).status,
              200);
    ASSERT_TRUE(eventually([&] { return h.fake().messages().size() == 1; }));
    const auto wamid = h.fake().messages().front().wamid;
    ASSERT_TRUE(eventually([&] { return h.service().quiet(); }));
    auto status_body = [&](core::DeliveryStatus st, const char* name) {
        core::StatusUpdate u;
        u.id = wamid;
        u.status = st;
        u.status_name = name;
        u.timestamp = 1'800'000'100;
        u.recipient_id = "254700000103";
        return whatsapp::wire::make_status_webhook("100000000000009", h.config().phone_number_id, "15550000000",
                                                   u);
    };
    // read arrives before delivered: the row ends at read.
    ASSERT_EQ(h.post_webhook(status_body(core::DeliveryStatus::kRead, "read")).status, 200);
    ASSERT_EQ(h.post_webhook(status_body(core::DeliveryStatus::kDelivered, "delivered")).status, 200);
    ASSERT_TRUE(eventually([&] {
        Store s(db_path);
        auto row = s.outbox.find("welcome", "254700000103");
        return row && row->status == store::OutboxStatus::kRead;
    }));
}

TEST_F(WebhookTest, ABatchOfAThousandUpdatesIsStoredWhole) {
    std::string messages;
    for (int i = 0; i < 1000; ++i) {
        if (i > 0) {
            messages += ",";
        }
        messages += R"({"from":"2547000)" + std::to_string(10000 + i) + R"(","id":"wamid.batch)" +
                    std::to_string(i) + R"(","timestamp":"1800000000","type":"text","text":{"body":"hi"}})";
    }
    const std::string body =
        R"({"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"messages","value":{"messaging_product":"whatsapp","metadata":{"display_phone_number":"15550000000","phone_number_id":"106540352242922"},"messages":[)" +
        messages + "]}}]}]}";
    ASSERT_EQ(h.post_webhook(body).status, 200);
    // Imported in one transaction: one query sees all of it or none (the consumer moves rows to done meanwhile).
    ASSERT_TRUE(eventually([&] { return !h.service().importing(); }));
    Store s(db_path);
    EXPECT_EQ(s.inbox.total(), 1000);
    EXPECT_EQ(h.service().metrics().events_stored.load(), 1000u);
}

TEST_F(WebhookTest, HealthAndMetricsAnswer) {
    ASSERT_EQ(h.post_webhook(h.webhook_for(ServiceHarness::text_message("wamid.m1", "254700000104", "hi"))).status,
              200);
    EXPECT_EQ(testing::http_request(h.port(), "GET", "/healthz").status, 200);
    ASSERT_TRUE(eventually([&] { return h.service().quiet(); }));
    const auto metrics = testing::http_request(h.port(), "GET", "/metrics");
    EXPECT_EQ(metrics.status, 200);
    EXPECT_NE(metrics.body.find("delvex_http_requests_total{outcome=\"ok\"} 1"), std::string::npos);
    EXPECT_NE(metrics.body.find("delvex_events_stored_total 1"), std::string::npos);
    EXPECT_NE(metrics.body.find("delvex_ingest_latency_seconds_count 1"), std::string::npos);
    EXPECT_NE(metrics.body.find("delvex_inbox_backlog"), std::string::npos);
    EXPECT_NE(metrics.body.find("delvex_webhooks_landed_total 1"), std::string::npos);
    EXPECT_NE(metrics.body.find("delvex_landing_backlog_bytes 0"), std::string::npos);
}

TEST_F(WebhookTest, UnknownPathsAre404AndOtherMethods405) {
    EXPECT_EQ(testing::http_request(h.port(), "GET", "/nope").status, 404);
    EXPECT_EQ(testing::http_request(h.port(), "PUT", "/webhook").status, 405);
}

TEST_F(WebhookTest, OversizedHeadersAre431) {
    EXPECT_EQ(testing::http_request(h.port(), "GET", "/healthz", {}, {{"X-Big", std::string(20000, 'a')}}).status,
              431);
}

TEST_F(WebhookTest, BsuidOnlySenderIsWelcomedByBsuid) {
    auto msg = ServiceHarness::text_message("wamid.b1", "", "hello");
    msg.sender.user_id = "US.13491208655302741918";
    ASSERT_EQ(h.post_webhook(h.webhook_for(msg)).status, 200);
    ASSERT_TRUE(eventually([&] { return h.fake().messages().size() == 1; }));
    EXPECT_TRUE(h.fake().messages().front().by_bsuid);
    EXPECT_EQ(h.fake().messages().front().recipient, "US.13491208655302741918");
}

}  // namespace
}  // namespace delvex
