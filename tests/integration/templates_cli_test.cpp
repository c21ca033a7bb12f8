// `delvex templates push|status` and `delvex outbox held`, run as the binary against the strict fake Graph
// API: the project's templates pass the fake's copy of Meta's review, are created once, and their states reach
// the database the sender reads.

#include <gtest/gtest.h>

#include "bot/delivery/templates.hpp"
#include "bot/store/account_repository.hpp"
#include "bot/store/database.hpp"
#include "bot/store/outbox_repository.hpp"
#include "tests/support/harness.hpp"
#include "tests/support/process.hpp"

namespace delvex {
namespace {

std::string env_for(const testing::FakeRunner& graph, const std::string& db) {
    return "WHATSAPP_GRAPH_URL=" + graph.fake.base_url() + " WHATSAPP_BUSINESS_ACCOUNT_ID=" +
           graph.fake.options().waba_id + " WHATSAPP_ACCESS_TOKEN=" + graph.fake.options().access_token +
           " DELVEX_HOME=" + DELVEX_SOURCE_DIR + " DELVEX_DB=" + db;
}

TEST(TemplatesCli, PushCreatesEveryTemplateOnceAndStatusFollowsMetasReview) {
    testing::TempDir dir;
    testing::FakeRunner graph;
    {
        store::Database db(store::DatabaseOptions{dir.file("t.db"), false});  // the service's database exists
    }
    const auto env = env_for(graph, dir.file("t.db"));
    const auto shipped = delivery::TemplateMap::load(std::string(DELVEX_SOURCE_DIR) + "/config/templates.yaml");
    std::size_t expected = 0;
    for (const auto& d : shipped.definitions()) {
        expected += d.texts.size();
    }

    auto status = testing::run_delvex("templates status", env);
    EXPECT_EQ(status.code, 1) << status.output;  // nothing approved yet
    EXPECT_NE(status.output.find("delvex_forum_invite\tfr\tMISSING"), std::string::npos) << status.output;

    const auto push = testing::run_delvex("templates push", env);
    ASSERT_EQ(push.code, 0) << push.output;
    EXPECT_NE(push.output.find("delvex_room_update\tpt_PT\tPENDING\tcreated"), std::string::npos) << push.output;
    EXPECT_EQ(graph.fake.templates().size(), expected) << "every template in every language, each passing review";
    EXPECT_EQ(graph.fake.stats().refused, 0u) << push.output;

    // A second push creates nothing more.
    const auto again = testing::run_delvex("templates push", env);
    EXPECT_EQ(again.code, 0) << again.output;
    EXPECT_EQ(again.output.find("created"), std::string::npos) << again.output;
    EXPECT_EQ(graph.fake.templates().size(), expected);

    graph.fake.approve_pending();
    graph.fake.set_template_status("delvex_room_digest", "sw", "PAUSED");
    status = testing::run_delvex("templates status", env);
    EXPECT_EQ(status.code, 1) << "one is paused\n" << status.output;
    EXPECT_NE(status.output.find("delvex_forum_invite\tes\tAPPROVED"), std::string::npos) << status.output;
    EXPECT_NE(status.output.find("delvex_room_digest\tsw\tPAUSED"), std::string::npos) << status.output;

    // The states are in the database, for the sender.
    store::Database db(store::DatabaseOptions{dir.file("t.db"), false, 5000, true});
    store::AccountRepository account(db.sql());
    const auto states = account.template_states();
    EXPECT_EQ(states.size(), expected);
    for (const auto& s : states) {
        EXPECT_EQ(s.status, s.name == "delvex_room_digest" && s.language == "sw" ? "PAUSED" : "APPROVED") << s.name;
    }
}

TEST(TemplatesCli, MissingAccountIdIsAUsageErrorWithAClearLine) {
    const auto run = testing::run_delvex("templates status", "WHATSAPP_ACCESS_TOKEN=x DELVEX_HOME=" +
                                                                 std::string(DELVEX_SOURCE_DIR));
    EXPECT_EQ(run.code, 2) << run.output;
    EXPECT_NE(run.output.find("WHATSAPP_BUSINESS_ACCOUNT_ID"), std::string::npos) << run.output;
}

TEST(OutboxCli, HeldListsWhatWaitsAndWhyWithoutFullNumbers) {
    testing::TempDir dir;
    {
        store::Database db(store::DatabaseOptions{dir.file("o.db"), false});
        store::OutboxRepository outbox(db.sql());
        outbox.enqueue("academy.step:9", "254700000001", "text", "Step 2", 1000);
        outbox.hold(outbox.find("academy.step:9", "254700000001")->id,
                    "window closed; waits for the member's next message (no template for academy/sw)", 2000);
    }
    const auto run = testing::run_delvex("outbox held", "DELVEX_DB=" + dir.file("o.db"));
    EXPECT_EQ(run.code, 0) << run.output;
    EXPECT_NE(run.output.find("1 message(s)"), std::string::npos) << run.output;
    EXPECT_NE(run.output.find("no template for academy/sw"), std::string::npos) << run.output;
    EXPECT_EQ(run.output.find("254700000001"), std::string::npos) << run.output;
    const auto none = testing::run_delvex("outbox held", "DELVEX_DB=" + dir.file("missing.db"));
    EXPECT_EQ(none.code, 2) << none.output;
}

}  // namespace
}  // namespace delvex
