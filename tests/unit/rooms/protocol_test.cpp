// The rooms' button ids, job keys and relay keys: every value encodes and parses back to itself, the ids the
// rooms sent before these types existed still parse, and garbage is refused.

#include <gtest/gtest.h>

#include "bot/moderation/protocol.hpp"
#include "bot/rooms/protocol.hpp"

namespace delvex::rooms {
namespace {

TEST(RoomsProtocol, EveryButtonRoundTrips) {
    const std::vector<Button> buttons = {
        ConsentButton{true},          ConsentButton{false},
        ForgetButton{true},           ForgetButton{false},
        ModeButton{ModeButton::Mode::kLive}, ModeButton{ModeButton::Mode::kDigest},
        ModeButton{ModeButton::Mode::kMute}, RoomButton{"east-africa"},
        LanguageButton{"sw"},         CommandButton{"delivery"},
        GetButton{42},                ContactsButton{true, 7},
        ContactsButton{false, 999999999999999},
    };
    for (const auto& b : buttons) {
        const auto id = encode(b);
        const auto back = parse_button(id);
        ASSERT_TRUE(back) << id;
        EXPECT_EQ(back->index(), b.index()) << id;
        EXPECT_EQ(encode(*back), id);
    }
}

TEST(RoomsProtocol, TheIdsAlreadySentKeepTheirShape) {
    // Buttons on members' phones carry these; a tap weeks later must still mean the same.
    EXPECT_EQ((ConsentButton{true}).encode(), "rooms:consent:yes");
    EXPECT_EQ(ForgetButton{false}.encode(), "rooms:forget:no");
    EXPECT_EQ(ModeButton{ModeButton::Mode::kMute}.encode(), "rooms:mode:mute");
    EXPECT_EQ(RoomButton{"west-africa"}.encode(), "rooms:room:west-africa");
    EXPECT_EQ(LanguageButton{"pt"}.encode(), "rooms:lang:pt");
    EXPECT_EQ(CommandButton{"help"}.encode(), "rooms:cmd:help");
    EXPECT_EQ(GetButton{5}.encode(), "rooms:get:5");
    EXPECT_EQ((ContactsButton{true, 8}).encode(), "rooms:contacts:yes:8");
    // The moderators' old "rooms:mod:…" ids are moderation's now (registered before the rooms): the rooms
    // leave them alone, and moderation still reads them as they were meant.
    EXPECT_FALSE(parse_button("rooms:mod:approve:31"));
    EXPECT_FALSE(parse_button("rooms:mod:reject:9"));
    const auto mod = moderation::parse("rooms:mod:approve:31");
    ASSERT_TRUE(mod);
    EXPECT_EQ(mod->verb, moderation::Verb::kApprove);
    EXPECT_EQ(mod->post, 31);
    const auto no = moderation::parse("rooms:mod:reject:9");
    ASSERT_TRUE(no);
    EXPECT_EQ(no->verb, moderation::Verb::kReject);
    EXPECT_EQ(no->post, 9);
}

TEST(RoomsProtocol, GarbageIsRefused) {
    for (const char* id : {"", "rooms:", "rooms:consent", "rooms:consent:", "rooms:consent:maybe",
                           "rooms:consent:yes:1", "Rooms:consent:yes", "forums:consent:yes", "rooms:forget:YES",
                           "rooms:mode:loud", "rooms:room:", "rooms:room:East Africa", "rooms:room:a/b",
                           "rooms:lang:e", "rooms:lang:english", "rooms:lang:EN", "rooms:cmd:", "rooms:cmd:rm -rf",
                           "rooms:get:", "rooms:get:0", "rooms:get:-1", "rooms:get:1e3", "rooms:get:1234567890123456",
                           "rooms:contacts:yes", "rooms:contacts:yes:", "rooms:contacts:ok:5", "rooms:contacts:yes:5x",
                           "rooms:mod:approve", "rooms:mod:ban:5", "rooms:mod:approve:", "rooms:consentyes",
                           "rooms:held:post:abc"}) {
        EXPECT_FALSE(parse_button(id)) << id;
    }
}

TEST(RoomsProtocol, DigestJobKeysNameTheUtcMinuteAndRefuseGarbage) {
    // 2027-03-02 12:30 UTC (18:00 in Kolkata).
    const std::int64_t due = 1803990600000;
    const DigestJob job{"east-africa", due};
    EXPECT_EQ(job.key(), "rooms.digest:east-africa:2027-03-02T12:30Z");
    const auto back = DigestJob::parse_key(job.key());
    ASSERT_TRUE(back);
    EXPECT_EQ(back->room, "east-africa");
    EXPECT_EQ(back->due_ms, due);
    for (const char* key : {"", "rooms.digest:", "rooms.digest:east-africa", "rooms.digest::2027-03-02T12:30Z",
                            "rooms.digest:east-africa:2027-03-02", "rooms.digest:east-africa:2027-03-02T12:30",
                            "rooms.digest:east-africa:2027-03-02T24:00Z", "rooms.digest:east-africa:2027-02-30T12:30Z",
                            "rooms.digest:East:2027-03-02T12:30Z", "forums.digest:east-africa:2027-03-02T12:30Z",
                            "rooms.digest:east-africa:2027-03-02T12:30Zx"}) {
        EXPECT_FALSE(DigestJob::parse_key(key)) << key;
    }
}

TEST(RoomsProtocol, DigestOutboxKeysNameTheMembersLocalDayAndRefuseGarbage) {
    const DigestKey key{"east-africa", "2027-03-02"};
    EXPECT_EQ(key.encode(), "rooms.digest:east-africa:2027-03-02");
    const auto back = DigestKey::parse(key.encode());
    ASSERT_TRUE(back);
    EXPECT_EQ(back->room, "east-africa");
    EXPECT_EQ(back->day, "2027-03-02");
    for (const char* k : {"", "rooms.digest:", "rooms.digest:east-africa", "rooms.digest::2027-03-02",
                          "rooms.digest:east-africa:2027-3-2", "rooms.digest:East:2027-03-02",
                          "forums.digest:east-africa:2027-03-02", "rooms.digest:east-africa:2027-03-02x",
                          "rooms.digest:east-africa:2027-03-02T12:30Z"}) {
        EXPECT_FALSE(DigestKey::parse(k)) << k;
    }
}

TEST(RoomsProtocol, RelayKeysRoundTrip) {
    for (const bool head : {false, true}) {
        const RelayKey k{77, head};
        const auto back = RelayKey::parse(k.encode());
        ASSERT_TRUE(back);
        EXPECT_EQ(back->post, 77);
        EXPECT_EQ(back->head, head);
    }
    EXPECT_EQ((RelayKey{3, false}).encode(), "rooms.relay:3");
    EXPECT_EQ((RelayKey{3, true}).encode(), "rooms.relayhead:3");
    for (const char* key : {"rooms.relay:", "rooms.relay:x", "rooms.relayhead:-4", "rooms.catchup:1", "relay:5"}) {
        EXPECT_FALSE(RelayKey::parse(key)) << key;
    }
}

}  // namespace
}  // namespace delvex::rooms
