// No secret and no full phone number reaches a log line, whatever the service does with them.

#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <sstream>

#include "tests/support/harness.hpp"

namespace delvex {
namespace {

TEST(LogRedaction, NoTokenSecretOrFullNumberIsLoggedAtTraceLevel) {
    std::ostringstream captured;
    spdlog::drop_all();
    auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(captured);
    spdlog::set_default_logger(std::make_shared<spdlog::logger>("delvex", sink));
    spdlog::set_level(spdlog::level::trace);
    {
        testing::TempDir dir;
        testing::ServiceHarness h(dir.file("d.db"));
        // A message, a wrong signature, a verification with the right and a wrong token, a BSUID sender.
        ASSERT_EQ(h.post_webhook(h.webhook_for(testing::ServiceHarness::text_message("wamid.l1", "254711223344", "hi",
                                                                                     "Neema")))
                      .status,
                  200);
        const std::string bad = "sha256=" + std::string(64, 'f');
        EXPECT_EQ(h.post_webhook("{}", &bad).status, 401);
        testing::http_request(h.port(), "GET",
                              "/webhook?hub.mode=subscribe&hub.challenge=1&hub.verify_token=test-verify-token");
        testing::http_request(h.port(), "GET", "/webhook?hub.mode=subscribe&hub.challenge=1&hub.verify_token=guess");
        auto bsuid = testing::ServiceHarness::text_message("wamid.l2", "", "hello");
        bsuid.sender.user_id = "US.13491208655302741918";
        ASSERT_EQ(h.post_webhook(h.webhook_for(bsuid)).status, 200);
        ASSERT_TRUE(testing::eventually([&] { return h.fake().messages().size() == 2; }));
        ASSERT_TRUE(testing::eventually([&] { return h.service().quiet(); }));
    }
    spdlog::drop_all();
    spdlog::set_default_logger(spdlog::stdout_color_mt("restored"));
    const std::string log = captured.str();
    ASSERT_NE(log.find("…3344"), std::string::npos) << "the redacted form should be there:\n" << log;
    for (const std::string& secret :
         {std::string("254711223344"), std::string("13491208655302741918"), std::string(testing::ServiceHarness::kAppSecret),
          std::string(testing::ServiceHarness::kVerifyToken), std::string("fake-graph-token")}) {
        EXPECT_EQ(log.find(secret), std::string::npos) << secret << " leaked into:\n" << log;
    }
}

}  // namespace
}  // namespace delvex
