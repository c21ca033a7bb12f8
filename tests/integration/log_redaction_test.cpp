// No secret and no full phone number reaches a log line, whatever the service does with them.

#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <sstream>

#include "bot/whatsapp/fake_graph_support.hpp"
#include "tests/integration/delivery_rig.hpp"
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

TEST(LogRedaction, NoNumberInAnyEncodingEvenInsideMessageIds) {
    // Meta's message ids are base64 of a structure holding the number (security review H-2); here both the
    // members' ids and the fake's are minted that way, so a key or an id in a log line would show up.
    std::ostringstream captured;
    spdlog::drop_all();
    auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(captured);
    spdlog::set_default_logger(std::make_shared<spdlog::logger>("delvex", sink));
    spdlog::set_level(spdlog::level::trace);
    const std::vector<std::string> numbers = {"254711223355", "255700112233"};
    {
        testing::TempDir dir;
        testing::ServiceHarness h(dir.file("d.db"));
        std::uint64_t serial = 0;
        for (const auto& number : numbers) {
            for (const char* text : {"habari", "JOIN", "nataka kujiunga"}) {
                const auto wamid = whatsapp::fake::mint_wamid(number, ++serial);
                ASSERT_EQ(h.post_webhook(h.webhook_for(testing::ServiceHarness::text_message(wamid, number, text))).status,
                          200);
            }
        }
        ASSERT_TRUE(testing::eventually([&] { return h.service().quiet(); }, std::chrono::seconds(20)));
        ASSERT_FALSE(h.fake().messages().empty());
        ASSERT_NE(h.fake().messages().front().wamid.find("wamid.HBg"), std::string::npos)
            << "the fake mints ids as Meta does";
    }
    spdlog::drop_all();
    spdlog::set_default_logger(spdlog::stdout_color_mt("restored"));
    const std::string log = captured.str();
    for (const auto& number : numbers) {
        for (const auto& form : testing::encoded_forms(number)) {
            EXPECT_EQ(log.find(form), std::string::npos) << number << " leaked as " << form << " into:\n" << log;
        }
    }
}

TEST(LogRedaction, AMessageFailedWarnLineCarriesNothingOfAKeyBuiltFromAMessageId) {
    // Security review §12.3: a `message failed` warn line is forced for a row whose logical key holds a
    // member's message id as Meta mints it (base64 of a structure holding the number), as keys did before they
    // became refs. The line names the row and its kind, never the key, so no form of the number reaches it.
    std::ostringstream captured;
    spdlog::drop_all();
    auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(captured);
    spdlog::set_default_logger(std::make_shared<spdlog::logger>("delvex", sink));
    spdlog::set_level(spdlog::level::trace);
    const std::string number = "254711223377";
    {
        delivery::DeliverySettings settings;
        settings.governor.inbound_share = 0;
        testing::DeliveryRig rig({}, settings);
        const std::string key = "rooms.react:" + whatsapp::fake::mint_wamid(number, 42);
        core::OutgoingMessage m;
        m.to = core::Recipient::phone(number);
        core::ReplyButtons buttons;
        buttons.body = "Choose";
        buttons.buttons = {{"yes", "A title far over twenty characters"}, {"no", "No"}};  // refused: permanent
        m.body = buttons;
        rig.enqueue(key, m);
        rig.start();
        ASSERT_TRUE(testing::eventually([&] {
            const auto row = rig.row(key, number);
            return row && row->status == store::OutboxStatus::kFailed;
        }));
    }
    spdlog::drop_all();
    spdlog::set_default_logger(spdlog::stdout_color_mt("restored"));
    const std::string log = captured.str();
    ASSERT_NE(log.find("message failed"), std::string::npos) << "the warn line was forced:\n" << log;
    for (const auto& form : testing::encoded_forms(number)) {
        EXPECT_EQ(log.find(form), std::string::npos) << number << " leaked as " << form << " into:\n" << log;
    }
}

}  // namespace
}  // namespace delvex
