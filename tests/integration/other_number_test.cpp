// An app subscribed to several business numbers gets every number's webhooks: updates for another number
// are kept for the operator and counted, never answered from ours (security review L-11).

#include <gtest/gtest.h>

#include "bot/store/database.hpp"
#include "bot/whatsapp/wire/inbound.hpp"
#include "tests/support/harness.hpp"

namespace delvex {
namespace {

using testing::ServiceHarness;

TEST(OtherNumber, AnUpdateForAnotherBusinessNumberIsKeptAndCountedButNotAnswered) {
    testing::TempDir dir;
    ServiceHarness h(dir.file("d.db"));
    const auto msg = ServiceHarness::text_message("wamid.other1", "254700000501", "habari");
    const auto theirs =
        whatsapp::wire::make_message_webhook("100000000000009", "999999999999999", "15550000001", msg);
    ASSERT_EQ(h.post_webhook(theirs).status, 200) << "Meta gets its 200: the update is stored";
    ASSERT_TRUE(testing::eventually([&] { return h.service().quiet(); }));
    EXPECT_EQ(h.service().metrics().webhooks_other_number.load(), 1u);
    EXPECT_TRUE(h.fake().messages().empty()) << "no welcome from our number to the other number's customer";
    {
        store::Database db({dir.file("d.db"), false, 5000, true});
        EXPECT_EQ(db.sql().execAndGet("SELECT count(*) FROM inbox WHERE phone_number_id = '999999999999999'").getInt(),
                  1)
            << "kept for the operator";
        EXPECT_EQ(db.sql().execAndGet("SELECT count(*) FROM members").getInt(), 0);
    }
    // The same member writing to our number is welcomed as usual.
    const auto ours = ServiceHarness::text_message("wamid.other2", "254700000501", "habari");
    ASSERT_EQ(h.post_webhook(h.webhook_for(ours)).status, 200);
    ASSERT_TRUE(testing::eventually([&] { return h.fake().messages().size() == 1; }));
}

}  // namespace
}  // namespace delvex
