// One person, one member, end to end: a member known by number who also arrives by BSUID, a miner who changes
// SIM (Meta's `user_changed_number` notice), and moderators' decisions that FORGET ME, LEAVE/JOIN, a BSUID or
// a new number must not undo (security review H-1, M-4, M-5). Real service, real SQLite file, strict fake.

#include <gtest/gtest.h>

#include <SQLiteCpp/Database.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <utility>
#include <vector>

#include "bot/store/community_repository.hpp"
#include "bot/store/identity_repository.hpp"
#include "bot/whatsapp/fake_graph_support.hpp"
#include "tests/integration/chat_fixture.hpp"
#include "tests/support/harness.hpp"

namespace delvex {
namespace {

using namespace std::chrono_literals;

constexpr const char* kRegions =
    "rooms:\n"
    "  - id: east-africa\n"
    "    names: {en: East Africa, sw: Afrika Mashariki, fr: Afrique de l'Est}\n"
    "    time_zone: Africa/Nairobi\n"
    "    languages: [sw, en]\n"
    "    countries: [\"254\", \"255\"]\n"
    "    moderators: [\"+254700000009\"]\n"
    "    hold_first_posts: 0\n"
    "  - id: central-africa\n"
    "    names: {en: Central Africa, fr: Afrique centrale}\n"
    "    time_zone: Africa/Lubumbashi\n"
    "    languages: [fr, sw]\n"
    "    countries: [\"243\"]\n"
    "    hold_first_posts: 0\n";

class IdentityScenario : public testing::ChatScenario {
protected:
    IdentityScenario() { db_file = "identity.db"; }

    /// A message from someone Meta names by BSUID, with or without their number.
    void say_as(const std::string& wa_id, const std::string& user_id, const std::string& text) {
        auto m = testing::ServiceHarness::text_message("", wa_id, text, "Miner");
        m.id = "wamid.identity" + std::to_string(++sequence);
        m.sender.user_id = user_id;
        m.timestamp = core::to_unix(clock.now());
        ASSERT_EQ(harness->post_webhook(harness->webhook_for(m)).status, 200);
        settle();
    }
    /// Meta's notice that `from` now has number `new_wa_id` (and BSUID `new_user_id`).
    void number_changed(const Member& from, const std::string& new_wa_id, const std::string& new_user_id = {},
                        const std::string& previous_user_id = {}) {
        core::InboundMessage m;
        m.id = "wamid.system" + std::to_string(++sequence);
        m.sender.wa_id = from.wa_id;
        m.timestamp = core::to_unix(clock.now());
        m.type = core::MessageType::kSystem;
        m.type_name = "system";
        m.system_type = "user_changed_number";
        m.text = "User " + from.name + " changed from " + from.wa_id + " to " + new_wa_id;
        m.new_wa_id = new_wa_id;
        m.new_user_id = new_user_id;
        m.previous_user_id = previous_user_id;
        ASSERT_EQ(harness->post_webhook(harness->webhook_for(m)).status, 200);
        settle();
    }
    /// Messages the fake accepted for a BSUID recipient.
    std::vector<whatsapp::RecordedMessage> to_bsuid(const std::string& user_id) const {
        std::vector<whatsapp::RecordedMessage> out;
        for (auto& m : harness->fake().messages()) {
            if (m.recipient == user_id) {
                out.push_back(m);
            }
        }
        return out;
    }
    void forget(const Member& who) {
        say(who, "forget me");
        choose(who, "rooms:forget:yes", "Yes, erase");
        ASSERT_NE(to(who).back().text.find("erased"), std::string::npos) << to(who).back().text;
    }
    std::int64_t members_in_db() {
        SQLite::Database db(dir.file("identity.db"));
        SQLite::Statement q(db, "SELECT count(*) FROM members WHERE forgotten = 0");
        q.executeStep();
        return q.getColumn(0).getInt64();
    }

    void SetUp() override {
        ChatScenario::SetUp();
        use_regions(kRegions);
        onboard(mod, "en", "east-africa", "Neema Mod");
    }

    const Member mod{"254700000009", "Neema"};
    const Member amina{"254700000001", "Amina"};
    const Member baraka{"255700000002", "Baraka"};
    const Member chloe{"254700000003", "Chloe"};
};

TEST_F(IdentityScenario, ABanAndARemovalSurviveForgetMeAndWritingAgainFromTheSameNumber) {
    onboard(amina, "en", "east-africa", "Amina");
    onboard(chloe, "en", "east-africa", "Chloe");
    onboard(baraka, "en", "east-africa", "Baraka");
    say(mod, "ban Amina");
    say(mod, "remove Chloe");
    ASSERT_NE(to(amina).back().text.find("banned you"), std::string::npos) << to(amina).back().text;

    forget(amina);
    forget(chloe);
    clock.advance(2h);
    // They write again, are welcomed as newcomers, choose a new name and the same room: refused.
    for (const Member* who : {&amina, &chloe}) {
        say(*who, "hello");
        choose(*who, "rooms:lang:en", "English");
        choose(*who, "rooms:room:east-africa", "East Africa");
        EXPECT_NE(to(*who).back().text.find("You cannot join East Africa"), std::string::npos)
            << who->name << ": " << to(*who).back().text;
    }
    // Another room is open to them; posting there does not reach East Africa.
    choose(amina, "rooms:room:central-africa", "Central Africa");
    say(amina, "New Name");
    choose(amina, "rooms:consent:yes", "yes");
    say(amina, "join East Africa");
    EXPECT_NE(to(amina).back().text.find("You cannot join East Africa"), std::string::npos) << to(amina).back().text;
    say(amina, "hello from the other side");
    EXPECT_EQ(count_containing(baraka, "other side"), 0u);

    // What is kept is a keyed hash of each number, never the number itself.
    harness->stop_service();
    SQLite::Database db(dir.file("identity.db"));
    store::IdentityRepository identity(db);
    SQLite::Statement bars(db, "SELECT name_hash, bar FROM identity_bars WHERE room = 'east-africa' ORDER BY bar");
    std::vector<std::pair<std::string, int>> kept;
    while (bars.executeStep()) {
        kept.emplace_back(bars.getColumn(0).getString(), bars.getColumn(1).getInt());
    }
    ASSERT_EQ(kept.size(), 2u);  // one name each (numbers; Meta gave no BSUID)
    EXPECT_EQ(kept[0], std::make_pair(identity.hash_of(chloe.wa_id), static_cast<int>(store::Bar::kRemoved)));
    EXPECT_EQ(kept[1], std::make_pair(identity.hash_of(amina.wa_id), static_cast<int>(store::Bar::kBanned)));
    EXPECT_EQ(kept[0].first.find(chloe.wa_id), std::string::npos);
}

TEST_F(IdentityScenario, ABanSurvivesForgetMeForAMemberKnownOnlyByBsuid) {
    const std::string bsuid = "KE.8a1b2c3d4e5f60718293";
    say_as("", bsuid, "hello");
    ASSERT_FALSE(to_bsuid(bsuid).empty());
    auto choose_as = [&](const std::string& id, const std::string& title) {
        core::InboundMessage m;
        m.id = "wamid.identity" + std::to_string(++sequence);
        m.sender.user_id = bsuid;
        m.timestamp = core::to_unix(clock.now());
        m.type = core::MessageType::kInteractive;
        m.type_name = "interactive";
        m.interactive = id.starts_with("rooms:consent") || id.starts_with("rooms:forget")
                            ? core::InteractiveType::kButtonReply
                            : core::InteractiveType::kListReply;
        m.reply_id = id;
        m.text = title;
        ASSERT_EQ(harness->post_webhook(harness->webhook_for(m)).status, 200);
        settle();
    };
    choose_as("rooms:lang:en", "English");
    choose_as("rooms:room:east-africa", "East Africa");
    say_as("", bsuid, "Kito");
    choose_as("rooms:consent:yes", "I agree");
    say(mod, "ban Kito");
    say_as("", bsuid, "forget me");
    choose_as("rooms:forget:yes", "Yes, erase");
    EXPECT_NE(to_bsuid(bsuid).back().text.find("erased"), std::string::npos) << to_bsuid(bsuid).back().text;

    say_as("", bsuid, "hello again");
    choose_as("rooms:lang:en", "English");
    choose_as("rooms:room:east-africa", "East Africa");
    EXPECT_NE(to_bsuid(bsuid).back().text.find("You cannot join East Africa"), std::string::npos)
        << to_bsuid(bsuid).back().text;
}

TEST_F(IdentityScenario, AMemberWhoArrivesByBsuidAfterTheirNumberIsTheSameMember) {
    const std::string bsuid = "KE.77aa88bb99cc00dd11ee";
    onboard(amina, "en", "east-africa", "Amina Gold");
    onboard(baraka, "en", "east-africa", "Baraka");
    // Meta gives both names once: they are linked.
    say_as(amina.wa_id, bsuid, "Both names in this one");
    // Later only the BSUID comes (she took a username): still Amina, posting under her alias.
    say_as("", bsuid, "Only my BSUID now");
    EXPECT_EQ(to(baraka).back().text, "*Amina Gold* · East Africa\nOnly my BSUID now");
    EXPECT_EQ(members_in_db(), 3);  // the moderator, Amina, Baraka: no new member
}

TEST_F(IdentityScenario, AMinerWhoChangesSimKeepsAliasRoomsAndForumAnswers) {
    const Member amina_new{"254711111111", "Amina"};
    onboard(amina, "en", "east-africa", "Amina Gold");
    onboard(baraka, "en", "east-africa", "Baraka");
    say(amina, "join Central Africa");
    say(amina, "join East Africa");
    say(amina, "digest");
    clock.advance(1h);

    number_changed(amina, amina_new.wa_id, "KE.0011223344556677");
    // She writes from the new SIM: no onboarding, her alias, her rooms, her digest choice.
    say(amina_new, "New phone, same Amina");
    EXPECT_EQ(to(baraka).back().text, "*Amina Gold* · East Africa\nNew phone, same Amina");
    say(amina_new, "my data");
    const auto data = to(amina_new).back().text;
    EXPECT_NE(data.find("Number: +254711111111"), std::string::npos) << data;
    EXPECT_NE(data.find("Central Africa"), std::string::npos) << data;
    EXPECT_NE(data.find("daily digest"), std::string::npos) << data;
    EXPECT_EQ(members_in_db(), 3);

    // Replies to her go to the new number only.
    const auto before_old = to(amina).size();
    say(baraka, "Welcome back Amina");
    EXPECT_EQ(to(amina).size(), before_old);

    // Her old number is nobody now: writing from it starts a newcomer (asked their language).
    say(amina, "hello");
    ASSERT_FALSE(to(amina).back().options.empty());
    EXPECT_EQ(to(amina).back().options.front(), "Kiswahili");
    EXPECT_EQ(members_in_db(), 4);
}

TEST_F(IdentityScenario, TheNoticeAfterAFirstMessageFromTheNewSimFoldsTheNewcomerIn) {
    const Member amina_new{"254722222222", "Amina"};
    onboard(amina, "en", "east-africa", "Amina Gold");
    onboard(baraka, "en", "east-africa", "Baraka");
    // The new SIM writes before Meta's notice arrives (webhooks are not ordered): a newcomer for a moment.
    say(amina_new, "hello?");
    EXPECT_EQ(members_in_db(), 4);
    number_changed(amina, amina_new.wa_id);
    EXPECT_EQ(members_in_db(), 3);
    say(amina_new, "It is me");
    EXPECT_EQ(to(baraka).back().text, "*Amina Gold* · East Africa\nIt is me");
}

TEST_F(IdentityScenario, ABannedMemberWhoChangesNumberIsStillBanned) {
    const Member amina_new{"254733333333", "Amina"};
    onboard(amina, "en", "east-africa", "Amina");
    onboard(baraka, "en", "east-africa", "Baraka");
    say(mod, "ban Amina");
    number_changed(amina, amina_new.wa_id);
    say(amina_new, "I am back");
    EXPECT_EQ(count_containing(baraka, "I am back"), 0u);
    say(amina_new, "join East Africa");
    EXPECT_NE(to(amina_new).back().text.find("You cannot join East Africa"), std::string::npos)
        << to(amina_new).back().text;
}

TEST_F(IdentityScenario, AHoldSurvivesLeaveJoinAndForgetMe) {
    onboard(amina, "en", "east-africa", "Amina");
    onboard(baraka, "en", "east-africa", "Baraka");
    say(mod, "hold Amina");
    say(amina, "leave");
    say(amina, "join East Africa");
    say(amina, "Post after leaving and joining");
    EXPECT_EQ(count_containing(baraka, "after leaving"), 0u);
    EXPECT_NE(to(mod).back().text.find("A post waits"), std::string::npos) << to(mod).back().text;

    forget(amina);
    onboard(amina, "en", "east-africa", "Amina Two");
    say(amina, "Post after forgetting");
    EXPECT_EQ(count_containing(baraka, "after forgetting"), 0u);
    EXPECT_NE(to(mod).back().text.find("Post after forgetting"), std::string::npos) << to(mod).back().text;
}

TEST_F(IdentityScenario, HoldFirstPostsCannotBeOutrunByPostingAgainOrAfterARejection) {
    use_regions(std::string(kRegions).replace(std::string(kRegions).find("hold_first_posts: 0"), 19,
                                              "hold_first_posts: 1"));
    onboard(amina, "en", "east-africa", "Amina");
    onboard(baraka, "en", "east-africa", "Baraka");
    say(amina, "First post");
    say(amina, "Second post before any approval");
    EXPECT_EQ(count_containing(baraka, "First post"), 0u);
    EXPECT_EQ(count_containing(baraka, "Second post"), 0u);

    // The moderator rejects the first: the next post still waits.
    std::string reject_id;
    for (const auto& m : to(mod)) {
        if (m.text.find("First post") != std::string::npos && m.type == "interactive") {
            reject_id = std::get<core::ReplyButtons>(m.message.body).buttons.at(1).id;
        }
    }
    ASSERT_FALSE(reject_id.empty());
    choose(mod, reject_id, "Reject");
    say(amina, "Third post after a rejection");
    EXPECT_EQ(count_containing(baraka, "Third post"), 0u);

    // One approved post is what hold_first_posts: 1 asks; after it, posts go straight through.
    std::string approve_id;
    for (const auto& m : to(mod)) {
        if (m.text.find("Third post") != std::string::npos && m.type == "interactive") {
            approve_id = std::get<core::ReplyButtons>(m.message.body).buttons.at(0).id;
        }
    }
    ASSERT_FALSE(approve_id.empty());
    choose(mod, approve_id, "Approve");
    EXPECT_EQ(count_containing(baraka, "Third post"), 1u);
    say(amina, "Fourth post");
    EXPECT_EQ(count_containing(baraka, "Fourth post"), 1u);
}

// Message ids are not anonymous: Meta's wamids are the base64 of a structure that starts with the member's
// number. After FORGET ME none of the member's ids, nor any key built from them, may stay in the database.
TEST_F(IdentityScenario, AfterForgetMeNoMessageIdOfTheMemberOrKeyBuiltFromOneIsLeftInTheDatabase) {
    onboard(amina, "en", "east-africa", "Zawadi");
    onboard(baraka, "en", "east-africa", "Baraka");
    // Amina posts, reacts and answers with ids as Meta mints them; a moderator's announcement gives every member
    // a row whose key came from a message id.
    std::uint64_t serial = 900;
    auto post = [&](const std::string& text) {
        auto m = testing::ServiceHarness::text_message(whatsapp::fake::mint_wamid(amina.wa_id, ++serial),
                                                       amina.wa_id, text, amina.name);
        m.timestamp = core::to_unix(clock.now());
        ASSERT_EQ(harness->post_webhook(harness->webhook_for(m)).status, 200);
        settle();
    };
    post("Our pit walls need shoring");
    post("stop");
    post("start");
    say(mod, "announce Forum on Thursday");
    forget(amina);

    // The WAL held her pages as they were: the service truncates it after the erasure, by itself.
    const auto wal_is_clean = [&] {
        std::ifstream wal(dir.file("identity.db-wal"), std::ios::binary);
        const std::string frames((std::istreambuf_iterator<char>(wal)), std::istreambuf_iterator<char>());
        for (const auto& form : testing::encoded_forms(amina.wa_id)) {
            if (frames.find(form) != std::string::npos) {
                return false;
            }
        }
        return true;
    };
    EXPECT_TRUE(testing::eventually(wal_is_clean, 10s));

    harness->stop_service();
    {
        SQLite::Database db(dir.file("identity.db"), SQLite::OPEN_READWRITE);
        db.exec("PRAGMA wal_checkpoint(TRUNCATE)");
    }
    std::ifstream in(dir.file("identity.db"), std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    ASSERT_FALSE(bytes.empty());
    for (const auto& form : testing::encoded_forms(amina.wa_id)) {
        EXPECT_EQ(bytes.find(form), std::string::npos) << "found " << form;
    }
    // The scan does see a number that is still there (Baraka's, in his own ids and rows).
    bool found_baraka = false;
    for (const auto& form : testing::encoded_forms(baraka.wa_id)) {
        found_baraka = found_baraka || bytes.find(form) != std::string::npos;
    }
    EXPECT_TRUE(found_baraka);
}

// Security review §12.4: the goodbye after FORGET ME is the last row that names the member. When Meta refuses it,
// it must keep the number no more than a goodbye that went: held because the window is found closed (a next
// message will never come from this member), or failed for good (131026, undeliverable).
class GoodbyeRefused : public IdentityScenario, public ::testing::WithParamInterface<whatsapp::FakeFault> {};

TEST_P(GoodbyeRefused, AGoodbyeMetaRefusesKeepsNoTraceOfTheNumber) {
    onboard(amina, "en", "east-africa", "Zawadi");
    onboard(baraka, "en", "east-africa", "Baraka");
    say(amina, "forget me");
    harness->fake().fail_next(GetParam());
    choose(amina, "rooms:forget:yes", "Yes, erase");
    settle();
    harness->stop_service();
    {
        SQLite::Database db(dir.file("identity.db"), SQLite::OPEN_READWRITE);
        EXPECT_EQ(db.execAndGet("SELECT count(*) FROM outbox WHERE purpose = 'erasure' AND status = 4").getInt(), 1)
            << "the goodbye was queued, refused and ended";
        db.exec("PRAGMA wal_checkpoint(TRUNCATE)");
    }
    std::ifstream in(dir.file("identity.db"), std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    ASSERT_FALSE(bytes.empty());
    for (const auto& form : testing::encoded_forms(amina.wa_id)) {
        EXPECT_EQ(bytes.find(form), std::string::npos) << "found " << form;
    }
}

INSTANTIATE_TEST_SUITE_P(IdentityScenario, GoodbyeRefused,
                         ::testing::Values(whatsapp::FakeFault::kWindowClosed, whatsapp::FakeFault::kUndeliverable),
                         [](const ::testing::TestParamInfo<whatsapp::FakeFault>& param) {
                             return param.param == whatsapp::FakeFault::kWindowClosed ? std::string("WindowClosed")
                                                                                     : std::string("Undeliverable");
                         });

// Security review §12.4: FORGET ME reaches the raw webhooks too. A segment set aside as damaged keeps raw
// webhooks for an operator; the member's number and ids in it are masked in place (the rest stays for the
// operator). The segment being written holds the member's imported webhooks until it closes: it is closed and
// deleted at once.
TEST_F(IdentityScenario, ForgetMeLeavesNoFormOfTheNumberInTheLandingFolder) {
    onboard(amina, "en", "east-africa", "Zawadi");
    onboard(baraka, "en", "east-africa", "Baraka");
    const std::string landing = dir.file("identity.db-landing");
    const auto files_with = [&](const std::string& wa_id) {
        std::vector<std::string> out;
        for (const auto& entry : std::filesystem::directory_iterator(landing)) {
            std::ifstream in(entry.path(), std::ios::binary);
            const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
            for (const auto& form : testing::encoded_forms(wa_id)) {
                if (bytes.find(form) != std::string::npos) {
                    out.push_back(entry.path().filename().string() + " has " + form);
                    break;
                }
            }
        }
        return out;
    };
    ASSERT_FALSE(files_with(amina.wa_id).empty()) << "her onboarding webhooks wait in the segment being written";

    // A disk flips a byte in Amina's webhook before it is imported (another connection holds SQLite's write
    // lock meanwhile): the importer stops at it and sets the segment aside, Baraka's webhook after it too.
    std::uint64_t serial = 700;
    auto post = [&](const Member& who, const std::string& text) {
        auto m = testing::ServiceHarness::text_message(whatsapp::fake::mint_wamid(who.wa_id, ++serial), who.wa_id,
                                                       text, who.name);
        m.timestamp = core::to_unix(clock.now());
        ASSERT_EQ(harness->post_webhook(harness->webhook_for(m)).status, 200);
    };
    std::filesystem::path damaged;
    {
        SQLite::Database other(dir.file("identity.db"), SQLite::OPEN_READWRITE, 10000);
        other.exec("BEGIN IMMEDIATE");
        post(amina, "Shaft three is flooding");
        post(baraka, "On our way with the pump");
        for (const auto& entry : std::filesystem::directory_iterator(landing)) {
            std::fstream f(entry.path(), std::ios::in | std::ios::out | std::ios::binary);
            const std::string bytes((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
            if (const auto at = bytes.find("Shaft three"); at != std::string::npos) {
                f.seekp(static_cast<std::streamoff>(at));
                f.put('X');
                damaged = entry.path();
            }
        }
        other.exec("ROLLBACK");
    }
    ASSERT_FALSE(damaged.empty());
    // Both landed and neither is imported: the backlog ends only when the importer sets the segment aside.
    ASSERT_TRUE(testing::eventually([&] { return !harness->service().importing(); }, 20s))
        << "the importer sets the damaged segment aside";
    ASSERT_TRUE(std::filesystem::exists(damaged));
    const auto size_before = std::filesystem::file_size(damaged);

    forget(amina);
    EXPECT_TRUE(testing::eventually([&] { return files_with(amina.wa_id).empty(); }, 10s))
        << ::testing::PrintToString(files_with(amina.wa_id));
    // The damaged segment is still there for the operator, the same size, with what it held of others.
    ASSERT_TRUE(std::filesystem::exists(damaged));
    EXPECT_EQ(std::filesystem::file_size(damaged), size_before);
    std::ifstream in(damaged, std::ios::binary);
    const std::string kept((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    EXPECT_NE(kept.find("On our way with the pump"), std::string::npos);
    EXPECT_NE(kept.find(baraka.wa_id), std::string::npos) << "the scan does see a number that is still there";
}

}  // namespace
}  // namespace delvex
