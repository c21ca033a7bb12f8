// /healthz (alive) and /readyz (ready) of the real service: readiness sees a stuck writer, a database that
// takes no writes and a sending halt, while liveness stays 200 (a restart would not help any of them).

#include <gtest/gtest.h>

#include "bot/store/database.hpp"
#include "tests/support/harness.hpp"

namespace delvex {
namespace {

using namespace std::chrono_literals;
using testing::ServiceHarness;

TEST(Readiness, ReadyzGoesNotReadyWhileTheWriterIsStalledAndBackAfter) {
    testing::TempDir dir;
    core::FakeClock clock;
    ServiceHarness h(dir.file("delvex.db"), {}, &clock);
    const auto ready = testing::http_request(h.port(), "GET", "/readyz");
    ASSERT_EQ(ready.status, 200) << ready.body;
    EXPECT_NE(ready.body.find("writer: ok"), std::string::npos) << ready.body;
    EXPECT_NE(ready.body.find("database: ok"), std::string::npos) << ready.body;

    // Another connection holds SQLite's write lock: the writer's next job (the readiness heartbeat) waits on it.
    store::Database other(store::DatabaseOptions{dir.file("delvex.db"), false, 5000, false});
    other.sql().exec("BEGIN IMMEDIATE");
    testing::http_request(h.port(), "GET", "/readyz");  // posts a heartbeat if none is out
    clock.advance(31s);                                  // past readiness_stall (30 s by default)
    const auto stalled = testing::http_request(h.port(), "GET", "/readyz");
    EXPECT_EQ(stalled.status, 503) << stalled.body;
    // Either the heartbeat is still waiting (stalled) or SQLite's busy timeout gave up (not writable).
    EXPECT_TRUE(stalled.body.find("writer: stalled") != std::string::npos ||
                stalled.body.find("database: not writable") != std::string::npos)
        << stalled.body;
    // Alive all along: restarting would not release another process's lock.
    EXPECT_EQ(testing::http_request(h.port(), "GET", "/healthz").status, 200);

    other.sql().exec("ROLLBACK");
    std::string last;
    EXPECT_TRUE(testing::eventually([&] {
        const auto r = testing::http_request(h.port(), "GET", "/readyz");
        last = r.body;
        return r.status == 200;
    })) << last;
}

TEST(Readiness, ASendingHaltMakesItNotReadyButStillAlive) {
    testing::TempDir dir;
    whatsapp::FakeGraphOptions fake;
    fake.percent_token_expired = 100;  // Graph answers every send with 190: sending halts
    ServiceHarness h(dir.file("delvex.db"), fake);
    ASSERT_EQ(h.post_webhook(h.webhook_for(ServiceHarness::text_message("wamid.rdy1", "254733445566", "hi"))).status,
              200);
    ASSERT_TRUE(testing::eventually([&] { return h.service().metrics().sending_halted.load() == 1; }));
    const auto r = testing::http_request(h.port(), "GET", "/readyz");
    EXPECT_EQ(r.status, 503) << r.body;
    EXPECT_NE(r.body.find("sending: halted"), std::string::npos) << r.body;
    EXPECT_EQ(testing::http_request(h.port(), "GET", "/healthz").status, 200);
}

TEST(Readiness, HealthzKeepsItsContractAndMetricsCarryBuildAndProcessInfo) {
    testing::TempDir dir;
    ServiceHarness h(dir.file("delvex.db"));
    EXPECT_EQ(testing::http_request(h.port(), "GET", "/healthz").body, "ok\n");
    EXPECT_EQ(testing::http_request(h.port(), "POST", "/readyz").status, 404);
    const auto metrics = testing::http_request(h.port(), "GET", "/metrics").body;
    EXPECT_NE(metrics.find("delvex_build_info{version=\""), std::string::npos) << metrics;
    EXPECT_NE(metrics.find("\nprocess_start_time_seconds "), std::string::npos) << metrics;
    EXPECT_NE(metrics.find("\nprocess_resident_memory_bytes "), std::string::npos) << metrics;
}

TEST(Readiness, AnInternalListenerTakesMetricsAndTheAdminApiOffThePublicPort) {
    testing::TempDir dir;
    ServiceHarness h(dir.file("delvex.db"));
    h.stop_service();
    h.config().internal_listen_host = "127.0.0.1";
    h.config().internal_listen_port = 0;
    h.start_service();
    const auto internal = h.service().internal_port();
    ASSERT_NE(internal, 0);
    ASSERT_NE(internal, h.port());

    // Public: webhooks, health and the feeds as before; no metrics, no admin API.
    EXPECT_EQ(testing::http_request(h.port(), "GET", "/metrics").status, 404);
    EXPECT_EQ(testing::http_request(h.port(), "GET", "/api/v1/forums").status, 404);
    EXPECT_EQ(testing::http_request(h.port(), "GET", "/healthz").status, 200);
    EXPECT_EQ(h.post_webhook(h.webhook_for(ServiceHarness::text_message("wamid.int1", "254733445501", "hi"))).status,
              200);

    // Internal: metrics, health, readiness and the admin API (which still wants its token); never webhooks.
    const auto metrics = testing::http_request(internal, "GET", "/metrics");
    EXPECT_EQ(metrics.status, 200);
    EXPECT_NE(metrics.body.find("delvex_webhooks_landed_total 1"), std::string::npos) << metrics.body;
    EXPECT_EQ(testing::http_request(internal, "GET", "/healthz").status, 200);
    EXPECT_EQ(testing::http_request(internal, "GET", "/readyz").status, 200);
    EXPECT_EQ(testing::http_request(internal, "GET", "/api/v1/forums").status, 401);
    EXPECT_EQ(testing::http_request(internal, "POST", "/webhook", "{}").status, 404);
}

}  // namespace
}  // namespace delvex
