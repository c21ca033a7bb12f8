// A thousand members in three rooms over three simulated days, against the strict fake Graph API (it refuses
// free-form messages outside the window, unapproved templates, multi-line parameters, and templates past the
// messaging limit, as Meta does). Members write at random, most of them rarely, some in digest mode. At the
// end every post has reached every other member of its room exactly once — live, in a digest or in a
// catch-up — nothing is left waiting, and Meta's rules were never broken.

#include <gtest/gtest.h>

#include <date/date.h>

#include <cstdlib>
#include <map>
#include <random>
#include <set>

#include "bot/store/database.hpp"
#include "bot/store/outbox_repository.hpp"
#include "tests/support/harness.hpp"

namespace delvex::testing {
namespace {

using namespace std::chrono_literals;

constexpr int kMembers = 1000;
constexpr int kDays = 3;
constexpr std::int64_t kMessagingLimit = 400;  // binds: most members are outside their window on digest days

struct SimMember {
    std::string wa_id;
    std::string room;
    std::string alias;
    double writes_per_hour = 0;
    bool digest = false;
};

struct SimPost {
    std::string token;
    std::string room;
    std::size_t author = 0;
};

// Aliases may not hold digits: "Miner Bcd" from a number in base 26.
std::string alias_for(int i) {
    std::string letters;
    for (int k = 0; k < 3; ++k) {
        letters.insert(letters.begin(), static_cast<char>('a' + i % 26));
        i /= 26;
    }
    letters[0] = static_cast<char>(letters[0] - 'a' + 'A');
    return "Miner " + letters;
}

class WindowSimulation : public ::testing::Test {
protected:
    void SetUp() override {
        ::setenv("DELVEX_RECIPIENT_INTERVAL_MS", "0", 1);
        ::setenv("DELVEX_RECIPIENT_BURST", "45", 1);
        ::setenv("DELVEX_SEND_RATE", "0", 1);
        ::setenv("DELVEX_MESSAGING_LIMIT", std::to_string(kMessagingLimit).c_str(), 1);
        whatsapp::FakeGraphOptions fake;
        fake.messaging_limit = kMessagingLimit;
        harness = std::make_unique<ServiceHarness>(dir.file("sim.db"), fake, &clock);
    }
    void TearDown() override {
        harness.reset();
        for (const char* v : {"DELVEX_RECIPIENT_INTERVAL_MS", "DELVEX_RECIPIENT_BURST", "DELVEX_SEND_RATE",
                              "DELVEX_MESSAGING_LIMIT"}) {
            ::unsetenv(v);
        }
    }

    void post(const SimMember& who, core::InboundMessage m) {
        m.id = "wamid.sim" + std::to_string(++sequence);
        m.sender.wa_id = who.wa_id;
        m.sender.profile_name = who.alias;
        m.timestamp = core::to_unix(clock.now());
        const auto r = harness->post_webhook(harness->webhook_for(m));
        ASSERT_EQ(r.status, 200) << r.body;
    }
    void text(const SimMember& who, const std::string& body) {
        post(who, ServiceHarness::text_message("", who.wa_id, body, who.alias));
    }
    void choose(const SimMember& who, const std::string& id, bool button) {
        core::InboundMessage m;
        m.type = core::MessageType::kInteractive;
        m.type_name = "interactive";
        m.interactive = button ? core::InteractiveType::kButtonReply : core::InteractiveType::kListReply;
        m.reply_id = id;
        m.text = id;
        post(who, m);
    }
    void settle() {
        ASSERT_TRUE(eventually([&] { return harness->service().quiet(); }, 60s));
    }
    void run_jobs() {
        harness->service().run_scheduler();
        settle();
    }

    TempDir dir;
    // Monday 1 March 2027, 06:00 UTC.
    core::FakeClock clock{core::TimePoint{date::sys_days{date::year{2027} / 3 / 1} + 6h}};
    std::unique_ptr<ServiceHarness> harness;
    int sequence = 0;
};

TEST_F(WindowSimulation, AThousandMembersOverThreeDaysGetEveryPostExactlyOnceAndMetaRefusesNothing) {
    std::mt19937_64 rng(20270301);
    std::uniform_real_distribution<double> u(0, 1);
    const std::vector<std::pair<std::string, std::string>> rooms = {
        {"east-africa", "2547"}, {"west-africa", "2217"}, {"latin-america", "519"}};
    std::vector<SimMember> members;
    for (int i = 0; i < kMembers; ++i) {
        const auto& [room, prefix] = rooms[static_cast<std::size_t>(i % 3)];
        SimMember m;
        m.wa_id = prefix + std::to_string(10000000 + i);
        m.room = room;
        m.alias = alias_for(i);
        const double kind = u(rng);
        // A few are online all day, some daily, most rarely (shared phones, costly data).
        m.writes_per_hour = kind < 0.1 ? 0.25 : kind < 0.4 ? 0.04 : 0.006;
        m.digest = u(rng) < 0.2;
        members.push_back(m);
    }

    // Onboarding, step by step for everyone: hello, language, room, alias, consent (and DIGEST for some).
    for (const auto& m : members) text(m, "hello");
    settle();
    for (const auto& m : members) choose(m, "rooms:lang:en", false);
    settle();
    for (const auto& m : members) choose(m, "rooms:room:" + m.room, false);
    settle();
    for (const auto& m : members) text(m, m.alias);
    settle();
    for (const auto& m : members) choose(m, "rooms:consent:yes", true);
    settle();
    for (const auto& m : members) {
        if (m.digest) text(m, "digest");
    }
    settle();
    const auto onboarding_sent = harness->fake().messages().size();
    ASSERT_GE(onboarding_sent, static_cast<std::size_t>(kMembers * 5));

    // Three days, hour by hour: members write at random; a few of their messages are posts, the rest MENU.
    std::vector<SimPost> posts;
    for (int hour = 0; hour < kDays * 24; ++hour) {
        clock.advance(1h);
        for (std::size_t i = 0; i < members.size(); ++i) {
            if (u(rng) >= members[i].writes_per_hour) continue;
            if (u(rng) < 0.03) {
                SimPost p{"tok" + alias_for(static_cast<int>(posts.size())).substr(6) + "x" +
                              std::to_string(posts.size()),
                          members[i].room, i};
                text(members[i], "Price note " + p.token + " from the buying centre");
                posts.push_back(p);
            } else {
                text(members[i], "menu");
            }
        }
        settle();
        run_jobs();  // digests at 18:00 in each room's zone, as they come due
    }
    ASSERT_GT(posts.size(), 30u);

    // A quiet last day, hour by hour, for the last evening's digests; then everyone writes once more: what
    // waited is released, the owed catch-ups come.
    for (int hour = 0; hour < 24; ++hour) {
        clock.advance(1h);
        run_jobs();
    }
    for (const auto& m : members) text(m, "menu");
    settle();
    run_jobs();

    // Every post reached every other member of its room exactly once.
    std::map<std::string, std::string> to_member;  // "+wa_id" → everything accepted for them
    for (const auto& msg : harness->fake().messages()) {
        to_member[msg.recipient] += msg.raw_json;
        to_member[msg.recipient] += '\n';
    }
    std::size_t pairs = 0;
    std::size_t wrong = 0;
    for (const auto& p : posts) {
        for (std::size_t i = 0; i < members.size(); ++i) {
            if (members[i].room != p.room || i == p.author) continue;
            ++pairs;
            const auto& all = to_member["+" + members[i].wa_id];
            std::size_t n = 0;
            for (auto at = all.find(p.token); at != std::string::npos; at = all.find(p.token, at + 1)) ++n;
            if (n != 1 && ++wrong <= 10) {
                ADD_FAILURE() << "post " << p.token << " reached " << members[i].alias << " (digest mode "
                              << members[i].digest << ") " << n << " times";
            }
        }
    }
    EXPECT_EQ(wrong, 0u) << "of " << pairs << " (post, member) pairs";

    // Nothing left waiting, and Meta's rules were never broken (the fake refused nothing, the messaging limit
    // included).
    store::Database db(store::DatabaseOptions{dir.file("sim.db"), false, 5000, true});
    store::OutboxRepository outbox(db.sql());
    EXPECT_EQ(outbox.counts().held, 0);
    EXPECT_EQ(outbox.counts().queued, 0);
    EXPECT_EQ(harness->fake().stats().refused, 0u);
    // The limit did bind: digests waited for their member instead of going past it (nothing else waits here:
    // live copies go only to open windows, and the fake refused nothing).
    const auto limited = harness->service().metrics().messages_held.load();
    EXPECT_GT(limited, 0u);
    std::size_t templates = 0;
    for (const auto& msg : harness->fake().messages()) templates += msg.type == "template" ? 1 : 0;
    EXPECT_GT(templates, 0u);
    std::cout << "[ simulation ] members=" << kMembers << " posts=" << posts.size() << " pairs=" << pairs
              << " messages=" << harness->fake().messages().size() << " templates=" << templates
              << " waited_for_the_limit=" << limited << '\n';
}

}  // namespace
}  // namespace delvex::testing
