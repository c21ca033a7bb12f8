// The rooms' decider without a database or an event loop: posting (flood, holds, contact cards), who gets a
// copy now, digests and catch-up text, reactions, edits and deletions.

#include <gtest/gtest.h>

#include "bot/rooms/decider.hpp"

namespace delvex::rooms {
namespace {

const core::Catalog& catalog() {
    static const auto c = core::Catalog::load(std::string(DELVEX_SOURCE_DIR) + "/config/locales");
    return c;
}

community::Room east(int hold_first_posts = 0) {
    community::Room r;
    r.id = "east-africa";
    r.names = {{"en", "East Africa"}, {"sw", "Afrika Mashariki"}};
    r.time_zone = "Africa/Nairobi";
    r.hold_first_posts = hold_first_posts;
    return r;
}

Profile author() {
    Profile p;
    p.id = 1;
    p.key = "254700000001";
    p.language = "en";
    p.alias = "Amina";
    p.stage = Stage::kActive;
    return p;
}

constexpr std::int64_t kNow = 1'800'000'000'000;  // ms
constexpr std::int64_t kNowS = kNow / 1000;

PostInput input(const Profile& who, const community::Room& room, MembershipState state = MembershipState::kActive) {
    PostInput in;
    in.author = &who;
    in.room = &room;
    in.membership = Membership{room.id, RoomRole::kMember, state, 0, 0};
    in.shared_posts = 5;
    in.now_ms = kNow;
    return in;
}

TEST(RoomsDecider, APlainPostIsRelayedAndCounted) {
    const auto who = author();
    const auto room = east();
    const auto d = decide_post(input(who, room), Limits{});
    EXPECT_FALSE(d.answer);
    EXPECT_TRUE(d.store);
    EXPECT_EQ(d.state, PostState::kRelayed);
    EXPECT_TRUE(d.write_flood);
    EXPECT_EQ(d.flood.count, 1);
    EXPECT_EQ(d.flood.start_ms, kNow);
}

TEST(RoomsDecider, FloodRefusesOverTheLimitAndSaysSoOncePerWindow) {
    auto who = author();
    const auto room = east();
    Limits limits;
    limits.flood_posts = 3;
    limits.flood_window_ms = 60'000;
    who.flood_start_ms = kNow - 1000;
    who.flood_count = 2;
    auto d = decide_post(input(who, room), limits);
    EXPECT_TRUE(d.store);  // the third
    EXPECT_EQ(d.flood.count, 3);
    who.flood_count = 3;
    d = decide_post(input(who, room), limits);
    EXPECT_FALSE(d.store);
    ASSERT_TRUE(d.answer);
    EXPECT_EQ(d.answer->key, "rooms.flood");
    EXPECT_EQ(d.answer->vars, (Vars{{"count", "3"}, {"minutes", "1"}}));
    who.flood_count = 4;
    d = decide_post(input(who, room), limits);
    EXPECT_FALSE(d.store);
    EXPECT_FALSE(d.answer);  // said once
    EXPECT_EQ(d.flood.count, 5);
    // A new window starts the count again.
    who.flood_start_ms = kNow - 60'000;
    d = decide_post(input(who, room), limits);
    EXPECT_TRUE(d.store);
    EXPECT_EQ(d.flood.count, 1);
    EXPECT_EQ(d.flood.start_ms, kNow);
}

TEST(RoomsDecider, NewMembersAndMembersOnHoldAreHeldForAModerator) {
    const auto who = author();
    const auto strict = east(2);
    auto in = input(who, strict);
    in.shared_posts = 1;
    EXPECT_EQ(decide_post(in, Limits{}).state, PostState::kHeld);
    in.shared_posts = 2;
    EXPECT_EQ(decide_post(in, Limits{}).state, PostState::kRelayed);
    const auto open = east();
    EXPECT_EQ(decide_post(input(who, open, MembershipState::kSilenced), Limits{}).state, PostState::kHeld);
}

TEST(RoomsDecider, ContactCardsWaitForTheirAuthorAndThenFollowTheHoldRule) {
    const auto who = author();
    const auto room = east(1);
    auto in = input(who, room);
    in.type = core::MessageType::kContacts;
    EXPECT_EQ(decide_post(in, Limits{}).state, PostState::kPending);
    const Membership m{room.id, RoomRole::kMember, MembershipState::kActive, 0, 0};
    EXPECT_EQ(confirm_contacts_state(&room, m, 0), PostState::kHeld);
    EXPECT_EQ(confirm_contacts_state(&room, m, 1), PostState::kRelayed);
    const Membership left{room.id, RoomRole::kMember, MembershipState::kLeft, 0, 0};
    EXPECT_FALSE(confirm_contacts_state(&room, left, 1));
    EXPECT_FALSE(confirm_contacts_state(nullptr, m, 1));
}

TEST(RoomsDecider, RefusalsNameTheReasonInTheAuthorsLanguage) {
    auto who = author();
    who.language = "sw";
    const auto room = east();
    auto d = decide_post(input(who, room, MembershipState::kBanned), Limits{});
    EXPECT_FALSE(d.store);
    EXPECT_FALSE(d.write_flood);
    ASSERT_TRUE(d.answer);
    EXPECT_EQ(d.answer->key, "rooms.cannot_post");
    EXPECT_EQ(d.answer->vars, (Vars{{"room", "Afrika Mashariki"}}));
    EXPECT_EQ(decide_post(input(who, room, MembershipState::kLeft), Limits{}).answer->key, "rooms.no_room");
    auto in = input(who, room);
    in.room = nullptr;
    EXPECT_EQ(decide_post(in, Limits{}).answer->key, "rooms.no_room");
    in = input(who, room);
    in.type = core::MessageType::kOrder;
    EXPECT_EQ(decide_post(in, Limits{}).answer->key, "rooms.unsupported");
}

RoomMember member(std::int64_t id, DeliveryMode mode, std::int64_t last_inbound_s, std::string lang = "en") {
    RoomMember m;
    m.id = id;
    m.key = "2547000000" + std::to_string(10 + id);
    m.language = std::move(lang);
    m.mode = mode;
    m.last_inbound = last_inbound_s;
    return m;
}

TEST(RoomsDecider, OnlyLiveMembersInTheirWindowGetACopyNowEachInTheirLanguage) {
    const auto room = east();
    Post post;
    post.id = 9;
    post.author_id = 1;
    post.author_alias = "Amina";
    const std::vector<RoomMember> members = {
        member(2, DeliveryMode::kLive, kNowS - 60, "sw"),        // now
        member(3, DeliveryMode::kLive, kNowS - 25 * 3600),       // window closed: later
        member(4, DeliveryMode::kDigest, kNowS - 60),            // digest: later
        member(5, DeliveryMode::kMuted, kNowS - 60),             // never
        member(1, DeliveryMode::kLive, kNowS - 60),              // the author
    };
    const auto copies = plan_relay(catalog(), room, post, std::nullopt, members, kNow);
    ASSERT_EQ(copies.size(), 1u);
    EXPECT_EQ(copies[0].member, 0u);
    EXPECT_EQ(copies[0].header, "*Amina* · Afrika Mashariki");
    EXPECT_EQ(copies[0].quote, Copy::Quote::kNone);
    EXPECT_EQ(delivery_of(members[1], kNow), Delivery::kLater);
    EXPECT_EQ(delivery_of(members[2], kNow), Delivery::kLater);
    EXPECT_EQ(delivery_of(members[3], kNow), Delivery::kNever);
    EXPECT_EQ(readers(members), 4u);

    // A reply quotes the quoted author's own message, everyone else's copy.
    Post quoted;
    quoted.id = 8;
    quoted.author_id = 2;
    quoted.author_alias = "Baraka";
    const std::vector<RoomMember> two = {member(2, DeliveryMode::kLive, kNowS), member(6, DeliveryMode::kLive, kNowS)};
    const auto replies = plan_relay(catalog(), room, post, quoted, two, kNow);
    ASSERT_EQ(replies.size(), 2u);
    EXPECT_EQ(replies[0].quote, Copy::Quote::kOwn);
    EXPECT_EQ(replies[1].quote, Copy::Quote::kCopy);
    EXPECT_NE(replies[1].header.find("*Baraka*"), std::string::npos) << replies[1].header;
}

Post text_post(std::int64_t id, std::string alias, std::string body) {
    Post p;
    p.id = id;
    p.kind = "text";
    p.author_alias = std::move(alias);
    p.body = std::move(body);
    return p;
}

TEST(RoomsDecider, MissedLinesShowEditsReactionsAndNumberTheFiles) {
    auto a = text_post(3, "Amina", "Gold price is up");
    a.edited = true;
    a.reactions = {{"👍", 3}, {"❤️", 1}};
    Post voice;
    voice.id = 2;
    voice.kind = "audio";
    voice.author_alias = "Baraka";
    const auto b = text_post(1, "Chloe", "Hello");
    const auto m = missed_lines(catalog(), "en", {a, voice, b}, 3, 3800);
    EXPECT_EQ(m.shown, 3);
    EXPECT_EQ(m.text,
              "*Amina*: Gold price is up (edited)  👍 3 · ❤️ 1\n"
              "1\xEF\xB8\x8F\xE2\x83\xA3 *Baraka*: 🎤 voice message\n"
              "*Chloe*: Hello\n");
    ASSERT_EQ(m.offered.size(), 1u);
    EXPECT_EQ(m.offered[0].id, 2);
}

TEST(RoomsDecider, MissedLinesClipToTheLimitAndSayHowManyMore) {
    std::vector<Post> posts;
    for (int i = 0; i < 20; ++i) {
        posts.push_back(text_post(20 - i, "Amina", std::string(90, 'x')));
    }
    const auto m = missed_lines(catalog(), "en", posts, 25, 500);
    EXPECT_EQ(m.shown, 5);  // "*Amina*: " + 90 + "\n" = 100 bytes a line
    EXPECT_NE(m.text.find("20 more"), std::string::npos) << m.text;
    EXPECT_LE(m.text.size(), 500u + 40u);
}

TEST(RoomsDecider, TheDigestSendsTextInTheWindowATemplateOutsideAndNothingTwiceADay) {
    auto m = member(2, DeliveryMode::kDigest, kNowS - 60);
    EXPECT_EQ(digest_action(m, "2027-03-02", 3, kNow), DigestAction::kText);
    EXPECT_EQ(digest_action(m, "2027-03-02", 0, kNow), DigestAction::kSkip);
    m.last_inbound = kNowS - 30 * 3600;
    EXPECT_EQ(digest_action(m, "2027-03-02", 3, kNow), DigestAction::kTemplate);
    m.digest_day = "2027-03-02";
    EXPECT_EQ(digest_action(m, "2027-03-02", 3, kNow), DigestAction::kSkip);
    m = member(2, DeliveryMode::kMuted, kNowS - 60);
    EXPECT_EQ(digest_action(m, "2027-03-02", 3, kNow), DigestAction::kSkip);
}

/// Unix ms of 2027-03-02 (or the next day) at hh:mm UTC.
std::int64_t utc(int day, int hh, int mm) {
    const std::int64_t midnight = 1803945600000;  // 2027-03-02T00:00Z
    return midnight + (day - 2) * 86400000LL + hh * 3600000LL + mm * 60000LL;
}

TEST(RoomsDecider, ADigestFollowsTheMembersOwnZoneElseTheRooms) {
    // Room in Manila (UTC+8), one member in Kolkata (UTC+5:30), digests at 18:00.
    const auto manila_at_18 = digest_time("", "Asia/Manila", 18, utc(2, 10, 0));
    EXPECT_TRUE(manila_at_18.due);
    EXPECT_EQ(manila_at_18.zone, "Asia/Manila");
    EXPECT_EQ(manila_at_18.day, "2027-03-02");
    const auto kolkata_then = digest_time("Asia/Kolkata", "Asia/Manila", 18, utc(2, 10, 0));  // 15:30 there
    EXPECT_FALSE(kolkata_then.due);
    EXPECT_EQ(kolkata_then.zone, "Asia/Kolkata");
    EXPECT_EQ(kolkata_then.day, "2027-03-02");

    EXPECT_TRUE(digest_time("Asia/Kolkata", "Asia/Manila", 18, utc(2, 12, 30)).due);   // 18:00 in Kolkata
    EXPECT_TRUE(digest_time("Asia/Kolkata", "Asia/Manila", 18, utc(2, 13, 29)).due);   // 18:59
    EXPECT_FALSE(digest_time("Asia/Kolkata", "Asia/Manila", 18, utc(2, 13, 30)).due);  // 19:00
    EXPECT_FALSE(digest_time("Asia/Kolkata", "Asia/Manila", 18, utc(2, 12, 29)).due);  // 17:59
    EXPECT_FALSE(digest_time("", "Asia/Manila", 18, utc(2, 12, 30)).due);              // 20:30 in Manila

    // No own zone, or one the tz database does not know: the room's.
    EXPECT_EQ(digest_time("Mars/Olympus", "Asia/Manila", 18, utc(2, 10, 0)).zone, "Asia/Manila");
    EXPECT_TRUE(digest_time("Mars/Olympus", "Asia/Manila", 18, utc(2, 10, 0)).due);
}

TEST(RoomsDecider, TheDigestDayIsTheMembersLocalDayAcrossMidnight) {
    // 16:30 UTC: already 00:30 on the 3rd in Manila, still 22:00 on the 2nd in Kolkata.
    EXPECT_EQ(digest_time("", "Asia/Manila", 18, utc(2, 16, 30)).day, "2027-03-03");
    EXPECT_EQ(digest_time("Asia/Kolkata", "Asia/Manila", 18, utc(2, 16, 30)).day, "2027-03-02");
    // A member west of the room: Lima (UTC-5) at 18:00 is 23:00 UTC, when it is the 3rd in Manila.
    const auto lima = digest_time("America/Lima", "Asia/Manila", 18, utc(2, 23, 0));
    EXPECT_TRUE(lima.due);
    EXPECT_EQ(lima.day, "2027-03-02");
    // Already sent this local day: digest_action skips it (the guard of a repeated run).
    auto m = member(2, DeliveryMode::kDigest, kNowS - 60);
    m.digest_day = lima.day;
    EXPECT_EQ(digest_action(m, lima.day, 3, kNow), DigestAction::kSkip);
    EXPECT_EQ(digest_action(m, "2027-03-03", 3, kNow), DigestAction::kText);
}

TEST(RoomsDecider, TheNextDigestRunIsTheNextDigestHourInAnyZone) {
    const std::vector<std::string> zones{"Asia/Manila", "Asia/Kolkata"};
    EXPECT_EQ(next_digest_ms(zones, 18, utc(2, 9, 0)), utc(2, 10, 0));    // Manila's 18:00 first
    EXPECT_EQ(next_digest_ms(zones, 18, utc(2, 10, 0)), utc(2, 12, 30));  // then Kolkata's
    EXPECT_EQ(next_digest_ms(zones, 18, utc(2, 12, 30)), utc(3, 10, 0));  // then Manila's tomorrow
    EXPECT_EQ(next_digest_ms({"Mars/Olympus", "Asia/Kolkata"}, 18, utc(2, 9, 0)), utc(2, 12, 30));
    EXPECT_EQ(next_digest_ms({"Mars/Olympus"}, 18, utc(2, 9, 0)), 0);
}

TEST(RoomsDecider, TheAuthorsMessageCarriesTheMostGivenReaction) {
    EXPECT_EQ(top_reaction({}), "");
    EXPECT_EQ(top_reaction({{"❤️", 1}, {"👍", 2}}), "👍");
    EXPECT_EQ(top_reaction({{"❤️", 2}, {"👍", 2}}), "❤️");  // a tie: the first given
    EXPECT_EQ(reaction_summary({{"❤️", 1}, {"👍", 3}, {"🙏", 2}, {"😂", 1}}), "👍 3 · 🙏 2 · ❤️ 1");
    EXPECT_EQ(reaction_summary({}), "");

    EXPECT_EQ(author_reaction("", {{"👍", 1}}), std::optional<std::string>("👍"));
    EXPECT_EQ(author_reaction("👍", {{"👍", 2}}), std::nullopt);               // unchanged: nothing sent
    EXPECT_EQ(author_reaction("👍", {{"👍", 1}, {"❤️", 1}}), std::nullopt);    // a tie keeps what is shown
    EXPECT_EQ(author_reaction("👍", {{"👍", 1}, {"❤️", 2}}), std::optional<std::string>("❤️"));
    EXPECT_EQ(author_reaction("👍", {}), std::optional<std::string>(""));     // the last one taken back

    Post p = text_post(1, "Amina", "hi");
    p.author_id = 1;
    p.room = "east_africa";
    Membership in;
    in.room = p.room;
    EXPECT_TRUE(reaction_counts(p, 2, in));
    EXPECT_FALSE(reaction_counts(p, 1, in));  // one's own post
    // Only a member who is in the post's room now (security review L-2): held members still read it.
    for (const auto state : {MembershipState::kLeft, MembershipState::kRemoved, MembershipState::kBanned}) {
        Membership out = in;
        out.state = state;
        EXPECT_FALSE(reaction_counts(p, 2, out));
    }
    Membership held = in;
    held.state = MembershipState::kSilenced;
    EXPECT_TRUE(reaction_counts(p, 2, held));
    EXPECT_FALSE(reaction_counts(p, 2, std::nullopt));
    Membership elsewhere = in;
    elsewhere.room = p.room + "-other";
    EXPECT_FALSE(reaction_counts(p, 2, elsewhere));
    p.state = PostState::kHeld;
    EXPECT_FALSE(reaction_counts(p, 2, in));
    EXPECT_FALSE(reaction_counts(std::nullopt, 2, in));
}

TEST(RoomsDecider, OnlyTheAuthorCanTakeOutOrEditTheirPost) {
    Post p = text_post(1, "Amina", "Gold at 60");
    p.author_id = 1;
    p.wamid = "wamid.A";
    core::InboundMessage revoke;
    revoke.type = core::MessageType::kRevoke;
    revoke.original_message_id = "wamid.A";
    EXPECT_EQ(decide_change(p, 1, revoke).kind, Change::Kind::kRevoke);
    EXPECT_EQ(decide_change(p, 2, revoke).kind, Change::Kind::kNone);  // not theirs
    EXPECT_EQ(decide_change(std::nullopt, 1, revoke).kind, Change::Kind::kNone);
    auto copy = revoke;
    copy.original_message_id = "wamid.copy";  // a copy's id found the post: not the author's own message
    EXPECT_EQ(decide_change(p, 1, copy).kind, Change::Kind::kNone);

    core::InboundMessage edit;
    edit.type = core::MessageType::kEdit;
    edit.original_message_id = "wamid.A";
    edit.text = "Gold at 62";
    auto c = decide_change(p, 1, edit);
    EXPECT_EQ(c.kind, Change::Kind::kEdit);
    EXPECT_EQ(c.body, "Gold at 62");
    edit.text = "Gold at 60";
    EXPECT_EQ(decide_change(p, 1, edit).kind, Change::Kind::kNone);  // the same words

    p.state = PostState::kRevoked;
    EXPECT_EQ(decide_change(p, 1, revoke).kind, Change::Kind::kNone);
    p.state = PostState::kHeld;  // still waiting for a moderator: taken out too
    EXPECT_EQ(decide_change(p, 1, revoke).kind, Change::Kind::kRevoke);
    p.state = PostState::kHeldForReports;  // reported, waiting for a moderator: still the author's to take out
    EXPECT_EQ(decide_change(p, 1, revoke).kind, Change::Kind::kRevoke);
    p.state = PostState::kTakenDown;  // a moderator's decision stands
    EXPECT_EQ(decide_change(p, 1, revoke).kind, Change::Kind::kNone);
    EXPECT_EQ(decide_change(p, 1, edit).kind, Change::Kind::kNone);
    p.state = PostState::kHeld;

    Post photo = p;
    photo.kind = "image";
    photo.state = PostState::kRelayed;
    core::InboundMessage caption = edit;
    caption.text.clear();
    caption.media = core::MediaRef{};
    caption.media->caption = "new caption";
    c = decide_change(photo, 1, caption);
    EXPECT_EQ(c.kind, Change::Kind::kEdit);
    EXPECT_EQ(c.body, "new caption");
}

}  // namespace
}  // namespace delvex::rooms
