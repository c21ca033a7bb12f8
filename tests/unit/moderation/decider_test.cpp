// The moderation decider without a database or an event loop: an in-memory store, the shipped locale files,
// two rooms. What it decides is read from its effects (messages, relays) and from the store.

#include <gtest/gtest.h>

#include <algorithm>
#include <map>

#include "bot/moderation/decider.hpp"
#include "bot/moderation/protocol.hpp"

namespace delvex::moderation {
namespace {

const core::Catalog& catalog() {
    static const auto c = core::Catalog::load(std::string(DELVEX_SOURCE_DIR) + "/config/locales");
    return c;
}

community::Regions regions() {
    community::Room east;
    east.id = "east-africa";
    east.names = {{"en", "East Africa"}, {"sw", "Afrika Mashariki"}};
    east.time_zone = "Africa/Nairobi";
    community::Room west;
    west.id = "west-africa";
    west.names = {{"en", "West Africa"}, {"fr", "Afrique de l'Ouest"}};
    west.time_zone = "Africa/Abidjan";
    west.moderators = {"221700000009"};
    return community::Regions::from({east, west}, {"254700000099"});
}

/// The store, in memory.
class MemoryStore final : public ModerationStore {
public:
    std::map<std::int64_t, Person> people;
    std::map<std::int64_t, std::vector<Seat>> seat_of;
    std::map<std::int64_t, PostInfo> posts;
    std::map<std::int64_t, std::vector<std::int64_t>> reports;  // post → open reporters
    std::map<std::int64_t, std::vector<std::int64_t>> closed;   // post → reporters whose report was closed
    std::map<std::string, std::int64_t> message_post;           // wamid → post
    std::vector<Record> records;
    std::vector<std::int64_t> cancelled;
    std::vector<std::string> kept_bars_cleared;

    Person& add(std::int64_t id, std::string alias, std::string lang, std::string room, bool moderator = false) {
        Person p;
        p.id = id;
        p.key = "2547000000" + std::to_string(id);
        p.language = std::move(lang);
        p.alias = std::move(alias);
        p.current_room = room;
        people[id] = p;
        seat_of[id].push_back(Seat{room, Standing::kActive, moderator, false});
        return people[id];
    }
    PostInfo& add_post(std::int64_t id, std::string room, std::int64_t author, PostStatus status, std::string body) {
        PostInfo p;
        p.id = id;
        p.room = std::move(room);
        p.author_id = author;
        p.author_alias = people[author].alias;
        p.kind = "text";
        p.body = std::move(body);
        p.status = status;
        posts[id] = p;
        message_post["wamid.copy" + std::to_string(id)] = id;
        return posts[id];
    }
    Seat* seat(std::int64_t member, std::string_view room) {
        for (auto& s : seat_of[member]) {
            if (s.room == room) {
                return &s;
            }
        }
        return nullptr;
    }

    std::optional<Person> person(std::int64_t id) override {
        const auto it = people.find(id);
        return it == people.end() ? std::nullopt : std::optional(it->second);
    }
    std::optional<Person> by_alias(std::string_view alias) override {
        for (const auto& [id, p] : people) {
            std::string a = p.alias;
            std::string b(alias);
            std::transform(a.begin(), a.end(), a.begin(), ::tolower);
            std::transform(b.begin(), b.end(), b.begin(), ::tolower);
            if (a == b) {
                return p;
            }
        }
        return std::nullopt;
    }
    std::vector<Seat> seats(std::int64_t member_id) override { return seat_of[member_id]; }
    std::optional<PostInfo> post(std::int64_t id) override {
        const auto it = posts.find(id);
        if (it == posts.end()) {
            return std::nullopt;
        }
        auto p = it->second;
        p.open_reports = static_cast<int>(reports[id].size());
        return p;
    }
    std::optional<PostInfo> post_by_message(std::string_view wamid) override {
        const auto it = message_post.find(std::string(wamid));
        return it == message_post.end() ? std::nullopt : post(it->second);
    }
    std::vector<PostInfo> queue(const std::vector<std::string>& rooms, std::size_t limit) override {
        std::vector<PostInfo> out;
        for (const auto& [id, p] : posts) {
            const bool in = std::find(rooms.begin(), rooms.end(), p.room) != rooms.end();
            const bool waits = p.status == PostStatus::kHeld || p.status == PostStatus::kHeldForReports ||
                               (p.status == PostStatus::kRelayed && !reports[id].empty());
            if (in && waits && out.size() < limit) {
                out.push_back(*post(id));
            }
        }
        return out;
    }
    std::vector<Person> moderators(std::string_view room) override {
        std::vector<Person> out;
        for (const auto& [id, p] : people) {
            for (const auto& s : seat_of[id]) {
                if (s.room == room && s.moderator && s.standing == Standing::kActive) {
                    out.push_back(p);
                }
            }
        }
        return out;
    }
    std::vector<Reader> readers(std::string_view room) override {
        std::vector<Reader> out;
        for (const auto& [id, p] : people) {
            for (const auto& s : seat_of[id]) {
                if (s.room == room && s.standing == Standing::kActive) {
                    out.push_back(Reader{id, p.key, p.language, false});
                }
            }
        }
        return out;
    }
    bool add_report(std::int64_t post, std::int64_t reporter, std::int64_t) override {
        auto& open = reports[post];
        auto& done = closed[post];
        if (std::find(open.begin(), open.end(), reporter) != open.end() ||
            std::find(done.begin(), done.end(), reporter) != done.end()) {
            return false;
        }
        open.push_back(reporter);
        return true;
    }
    void set_post_status(std::int64_t post, PostStatus status) override { posts[post].status = status; }
    void close_reports(std::int64_t post, std::int64_t) override {
        auto& open = reports[post];
        closed[post].insert(closed[post].end(), open.begin(), open.end());
        open.clear();
    }
    void cancel_copies(std::int64_t post) override { cancelled.push_back(post); }
    void set_standing(std::string_view room, std::int64_t member, Standing standing) override {
        if (auto* s = seat(member, room)) {
            s->standing = standing;
            s->held = s->held || standing == Standing::kHeld;
        }
    }
    void lift(std::string_view room, std::int64_t member) override {
        if (auto* s = seat(member, room)) {
            s->standing = Standing::kActive;
            s->held = false;
            kept_bars_cleared.push_back(std::string(room));
        }
    }
    void set_moderator(std::string_view room, std::int64_t member, bool moderator) override {
        if (auto* s = seat(member, room)) {
            s->moderator = moderator;
        }
    }
    void set_admin(std::int64_t member) override { people[member].admin = true; }
    void record(const Record& r) override { records.push_back(r); }
    std::vector<LogLine> recent(const std::vector<std::string>& rooms, std::size_t limit) override {
        std::vector<LogLine> out;
        for (auto it = records.rbegin(); it != records.rend() && out.size() < limit; ++it) {
            if (std::find(rooms.begin(), rooms.end(), it->room) == rooms.end()) {
                continue;
            }
            LogLine l;
            l.at_ms = it->at_ms;
            l.actor = it->actor_id > 0 ? people[it->actor_id].alias : std::string();
            l.action = it->action;
            l.room = it->room;
            l.target = it->post ? "#" + std::to_string(*it->post)
                                : it->member ? "*" + people[*it->member].alias + "*" : std::string();
            out.push_back(l);
        }
        return out;
    }
};

/// The text of every message step to `key`.
std::vector<std::string> texts_to(const Effects& fx, const std::string& key) {
    std::vector<std::string> out;
    for (const auto& s : fx.steps) {
        if (s.kind != Step::Kind::kMessage || s.to != key) {
            continue;
        }
        if (const auto* t = std::get_if<core::OutgoingText>(&s.body)) {
            out.push_back(t->body);
        } else if (const auto* b = std::get_if<core::ReplyButtons>(&s.body)) {
            out.push_back(b->body);
        } else if (const auto* l = std::get_if<core::ListMessage>(&s.body)) {
            out.push_back(l->body);
        }
    }
    return out;
}

bool any_contains(const std::vector<std::string>& texts, std::string_view needle) {
    return std::any_of(texts.begin(), texts.end(), [&](const std::string& t) { return t.find(needle) != std::string::npos; });
}

class DeciderTest : public ::testing::Test {
protected:
    DeciderTest() : regions_(regions()), decider_(regions_, catalog(), Settings{3, 10, 10}) {
        mod_ = store_.add(1, "Neema", "en", "east-africa", true);
        amina_ = store_.add(2, "Amina", "en", "east-africa");
        baraka_ = store_.add(3, "Baraka", "sw", "east-africa");
        store_.add(4, "Chloe", "fr", "east-africa");
        store_.add(5, "Didier", "fr", "east-africa");
    }
    Effects typed(const Person& who, Verb verb, std::string argument) {
        Request r;
        r.verb = verb;
        r.argument = std::move(argument);
        ++n_;
        return decider_.command(store_, store_.people[who.id], r, "r" + std::to_string(n_), 1000 * n_);
    }
    Effects tapped(const Person& who, Button b) {
        Request r;
        r.button = std::move(b);
        ++n_;
        return decider_.command(store_, store_.people[who.id], r, "r" + std::to_string(n_), 1000 * n_);
    }

    community::Regions regions_;
    Decider decider_;
    MemoryStore store_;
    Person mod_;
    Person amina_;
    Person baraka_;
    int n_ = 0;
};

TEST(ModerationProtocol, EveryButtonIdReadsBackAsItWasMadeAndJunkIsRefused) {
    for (const Button& b : {Button{Verb::kApprove, 812, {}, 0}, Button{Verb::kReject, 7, {}, 0},
                            Button{Verb::kTakeDown, 99, {}, 0}, Button{Verb::kQueue, 0, "east-africa", 0},
                            Button{Verb::kBan, 0, "west-africa", 42}, Button{Verb::kLift, 0, "east-africa", 3},
                            Button{Verb::kAppoint, 0, "east-africa", 5}}) {
        const auto id = encode(b);
        EXPECT_LE(id.size(), 200u);
        const auto back = parse(id);
        ASSERT_TRUE(back) << id;
        EXPECT_EQ(back->verb, b.verb) << id;
        EXPECT_EQ(back->post, b.post) << id;
        EXPECT_EQ(back->room, b.room) << id;
        EXPECT_EQ(back->member, b.member) << id;
    }
    EXPECT_EQ(parse("rooms:mod:approve:812")->post, 812);  // buttons sent before this protocol
    EXPECT_EQ(parse("rooms:mod:reject:9")->verb, Verb::kReject);
    for (const char* junk : {"mod:", "mod:ok:", "mod:ok:12x", "mod:ok:-3", "mod:in:East Africa:ban:3",
                             "mod:in:east:queue:3", "mod:in:east:ban:", "rooms:menu", "academy:mod:x",
                             "mod:ok:1234567890123456"}) {
        EXPECT_FALSE(parse(junk)) << junk;
    }
}

TEST_F(DeciderTest, AMemberWhoModeratesNothingIsNotTakenForAModerator) {
    EXPECT_FALSE(typed(amina_, Verb::kReject, "the offer is too low").handled);  // a post
    EXPECT_FALSE(typed(amina_, Verb::kQueue, "").handled);
    store_.add_post(10, "east-africa", 3, PostStatus::kHeld, "held words");
    const auto fx = tapped(amina_, Button{Verb::kApprove, 10, {}, 0});
    EXPECT_TRUE(fx.handled);
    EXPECT_TRUE(any_contains(texts_to(fx, amina_.key), "Only the moderators of East Africa"));
    EXPECT_EQ(store_.posts[10].status, PostStatus::kHeld);
    EXPECT_TRUE(store_.records.empty());
}

TEST_F(DeciderTest, TheQueueListsHeldAndReportedPostsOldestFirstWithButtons) {
    store_.add_post(20, "east-africa", 2, PostStatus::kHeld, "first held");
    store_.add_post(21, "east-africa", 3, PostStatus::kRelayed, "reported words");
    store_.add_post(22, "west-africa", 3, PostStatus::kHeld, "another room");
    store_.add_report(21, 4, 0);
    const auto fx = typed(mod_, Verb::kQueue, "");
    ASSERT_TRUE(fx.handled);
    ASSERT_EQ(fx.steps.size(), 1u);
    const auto& list = std::get<core::ListMessage>(fx.steps[0].body);
    EXPECT_NE(list.body.find("1. 🕓 #20 *Amina* · East Africa: first held"), std::string::npos) << list.body;
    EXPECT_NE(list.body.find("2. ⚠️ #21 *Baraka* · East Africa · 1 report(s): reported words"), std::string::npos)
        << list.body;
    EXPECT_EQ(list.body.find("another room"), std::string::npos) << "not a room she moderates";
    ASSERT_EQ(list.sections.at(0).rows.size(), 4u);
    EXPECT_EQ(parse(list.sections[0].rows[0].id)->verb, Verb::kApprove);
    EXPECT_EQ(parse(list.sections[0].rows[1].id)->verb, Verb::kReject);
    EXPECT_EQ(parse(list.sections[0].rows[3].id)->verb, Verb::kTakeDown);  // a reported post is taken down
    for (const auto& row : list.sections[0].rows) {
        EXPECT_LE(row.title.size(), 40u);  // ≤ 24 code points; emoji take several bytes
    }

    const auto empty = typed(mod_, Verb::kQueue, "West Africa");
    EXPECT_TRUE(any_contains(texts_to(empty, mod_.key), "Nothing waits in"));  // not hers: nothing shown
    EXPECT_FALSE(typed(mod_, Verb::kQueue, "at the mill").handled);           // a post
}

TEST_F(DeciderTest, ApproveRelaysAHeldPostRejectTellsTheAuthorInTheirLanguage) {
    store_.add_post(30, "east-africa", 2, PostStatus::kHeld, "please approve");
    store_.add_post(31, "east-africa", 3, PostStatus::kHeld, "please reject");
    auto fx = tapped(mod_, Button{Verb::kApprove, 30, {}, 0});
    EXPECT_EQ(store_.posts[30].status, PostStatus::kRelayed);
    ASSERT_TRUE(std::any_of(fx.steps.begin(), fx.steps.end(),
                            [](const Step& s) { return s.kind == Step::Kind::kRelay && s.post == 30; }));
    fx = typed(mod_, Verb::kReject, "31");
    EXPECT_EQ(store_.posts[31].status, PostStatus::kRejected);
    EXPECT_TRUE(any_contains(texts_to(fx, baraka_.key), "Msimamizi")) << "Swahili for Baraka";
    fx = typed(mod_, Verb::kReject, "31");
    EXPECT_TRUE(any_contains(texts_to(fx, mod_.key), "already handled"));
    fx = typed(mod_, Verb::kApprove, "999");
    EXPECT_TRUE(any_contains(texts_to(fx, mod_.key), "no post with that number"));
    ASSERT_EQ(store_.records.size(), 2u);
    EXPECT_EQ(store_.records[0].action, "approve");
    EXPECT_EQ(store_.records[1].action, "reject");
}

TEST_F(DeciderTest, ThreeDistinctReportsHideAPostUntilAModeratorKeepsOrTakesItDown) {
    store_.add_post(40, "east-africa", 2, PostStatus::kRelayed, "cheap mercury here");
    auto fx = decider_.report(store_, store_.people[3], "wamid.copy40", "a", 1);
    EXPECT_TRUE(any_contains(texts_to(fx, baraka_.key), "Asante"));
    EXPECT_TRUE(any_contains(texts_to(fx, mod_.key), "*Amina*"));
    EXPECT_FALSE(any_contains(texts_to(fx, mod_.key), "Baraka")) << "the reporter is never named";
    decider_.report(store_, store_.people[3], "wamid.copy40", "b", 2);  // the same member twice counts once
    EXPECT_EQ(store_.posts[40].status, PostStatus::kRelayed);
    decider_.report(store_, store_.people[4], "wamid.copy40", "c", 3);
    EXPECT_EQ(store_.posts[40].status, PostStatus::kRelayed);
    fx = decider_.report(store_, store_.people[5], "wamid.copy40", "d", 4);
    EXPECT_EQ(store_.posts[40].status, PostStatus::kHeldForReports);
    EXPECT_EQ(store_.cancelled, std::vector<std::int64_t>{40});
    EXPECT_TRUE(any_contains(texts_to(fx, mod_.key), "3 reports: it is hidden"));
    // The alert's buttons keep it or take it down; the purpose picks the report template outside the window.
    const auto alert = std::find_if(fx.steps.begin(), fx.steps.end(), [&](const Step& s) { return s.to == mod_.key && s.kind == Step::Kind::kMessage; });
    ASSERT_NE(alert, fx.steps.end());
    EXPECT_EQ(alert->purpose, "moderation.report");
    const auto& buttons = std::get<core::ReplyButtons>(alert->body).buttons;
    EXPECT_EQ(parse(buttons.at(1).id)->verb, Verb::kTakeDown);

    const auto log = texts_to(typed(mod_, Verb::kLog, ""), mod_.key);
    ASSERT_EQ(log.size(), 1u);
    EXPECT_NE(log[0].find("⛔ hidden after reports #40"), std::string::npos) << log[0];
    EXPECT_NE(log[0].find("a member reported #40"), std::string::npos) << log[0];
    for (const char* reporter : {"Baraka", "Chloe", "Didier"}) {
        EXPECT_EQ(log[0].find(reporter), std::string::npos) << "reporters stay anonymous: " << log[0];
    }

    fx = tapped(mod_, Button{Verb::kApprove, 40, {}, 0});  // keep
    EXPECT_EQ(store_.posts[40].status, PostStatus::kRelayed);
    EXPECT_TRUE(store_.reports[40].empty());
    EXPECT_TRUE(any_contains(texts_to(fx, mod_.key), "stays"));
    EXPECT_TRUE(std::none_of(fx.steps.begin(), fx.steps.end(), [](const Step& s) { return s.kind == Step::Kind::kRelay; }))
        << "the room saw it already: kept, not sent again";
    EXPECT_TRUE(any_contains(texts_to(typed(mod_, Verb::kQueue, ""), mod_.key), "Nothing waits"));
}

// Security review L-2: reports from people no longer in the room (banned, removed, left) do not count toward
// hiding a post, nor alert anyone; a member a moderator holds is still in the room and counts.
TEST_F(DeciderTest, OnlyReportsFromPeopleInThePostsRoomCountTowardHidingIt) {
    store_.add_post(41, "east-africa", 2, PostStatus::kRelayed, "meeting at the pit on Friday");
    store_.seat_of[3].at(0).standing = Standing::kBanned;
    store_.seat_of[4].at(0).standing = Standing::kLeft;
    store_.seat_of[5].at(0).standing = Standing::kRemoved;
    for (const std::int64_t outsider : {3, 4, 5}) {
        const auto fx = decider_.report(store_, store_.people[outsider], "wamid.copy41", "x" + std::to_string(outsider),
                                        outsider);
        EXPECT_TRUE(fx.handled);
        EXPECT_TRUE(fx.steps.empty()) << "no alert, no answer";
    }
    EXPECT_EQ(store_.posts[41].status, PostStatus::kRelayed);
    EXPECT_TRUE(store_.reports[41].empty());
    store_.seat_of[3].at(0).standing = Standing::kHeld;
    const auto fx = decider_.report(store_, store_.people[3], "wamid.copy41", "held", 10);
    EXPECT_TRUE(any_contains(texts_to(fx, mod_.key), "*Amina*")) << "a held member is in the room";
    EXPECT_EQ(store_.reports[41].size(), 1u);
}

TEST_F(DeciderTest, TakeDownHidesAPostCancelsUnsentCopiesAndTellsTheAuthor) {
    store_.add_post(50, "east-africa", 3, PostStatus::kRelayed, "buy mercury cheap");
    const auto fx = typed(mod_, Verb::kTakeDown, "#50");
    EXPECT_EQ(store_.posts[50].status, PostStatus::kTakenDown);
    EXPECT_EQ(store_.cancelled, std::vector<std::int64_t>{50});
    EXPECT_TRUE(any_contains(texts_to(fx, baraka_.key), "buy mercury cheap"));
    EXPECT_TRUE(any_contains(texts_to(fx, baraka_.key), "Msimamizi wa Afrika Mashariki"));
    EXPECT_TRUE(any_contains(texts_to(fx, mod_.key), "taken down"));
    EXPECT_EQ(store_.records.back().action, "takedown");
    EXPECT_TRUE(any_contains(texts_to(typed(mod_, Verb::kTakeDown, "50"), mod_.key), "already handled"));
}

TEST_F(DeciderTest, HoldBanAndLiftAMemberAndTheLastActionsShowAliases) {
    auto fx = typed(mod_, Verb::kBan, "amina");
    EXPECT_EQ(store_.seat(2, "east-africa")->standing, Standing::kBanned);
    EXPECT_TRUE(any_contains(texts_to(fx, amina_.key), "banned you from East Africa"));
    fx = typed(mod_, Verb::kLift, "Amina");
    EXPECT_EQ(store_.seat(2, "east-africa")->standing, Standing::kActive);
    EXPECT_TRUE(any_contains(texts_to(fx, mod_.key), "*Amina* can post in East Africa again"));
    EXPECT_TRUE(any_contains(texts_to(fx, amina_.key), "lifted the limit"));
    fx = typed(mod_, Verb::kLift, "Amina");
    EXPECT_TRUE(any_contains(texts_to(fx, mod_.key), "has no hold, removal or ban"));
    EXPECT_FALSE(typed(mod_, Verb::kLift, "with your legs, not your back").handled) << "a post, not a name";
    typed(mod_, Verb::kHold, "Baraka");
    EXPECT_EQ(store_.seat(3, "east-africa")->standing, Standing::kHeld);

    fx = typed(mod_, Verb::kLog, "");
    const auto log = texts_to(fx, mod_.key);
    ASSERT_EQ(log.size(), 1u);
    EXPECT_NE(log[0].find("*Neema* held *Baraka* · East Africa"), std::string::npos) << log[0];
    EXPECT_NE(log[0].find("*Neema* banned *Amina*"), std::string::npos) << log[0];
    EXPECT_LT(log[0].find("held *Baraka*"), log[0].find("banned *Amina*")) << "newest first";
    EXPECT_EQ(log[0].find("2547"), std::string::npos) << "never a number";
}

TEST_F(DeciderTest, AModeratorOfTwoRoomsIsAskedWhichRoomAndCanNameIt) {
    store_.seat_of[1].push_back(Seat{"west-africa", Standing::kActive, true, false});
    store_.seat_of[2].push_back(Seat{"west-africa", Standing::kActive, false, false});
    auto fx = typed(mod_, Verb::kRemove, "Amina");
    ASSERT_EQ(fx.steps.size(), 1u);
    const auto& list = std::get<core::ListMessage>(fx.steps[0].body);
    ASSERT_EQ(list.sections.at(0).rows.size(), 2u);
    const auto choice = parse(list.sections[0].rows[1].id);
    ASSERT_TRUE(choice);
    EXPECT_EQ(choice->room, "west-africa");
    EXPECT_EQ(store_.seat(2, "west-africa")->standing, Standing::kActive);  // nothing done yet
    tapped(mod_, *choice);
    EXPECT_EQ(store_.seat(2, "west-africa")->standing, Standing::kRemoved);
    EXPECT_EQ(store_.seat(2, "east-africa")->standing, Standing::kActive);
    // Naming the room answers the question at once, in any language's name of it.
    typed(mod_, Verb::kBan, "Amina East Africa");
    EXPECT_EQ(store_.seat(2, "east-africa")->standing, Standing::kBanned);
}

TEST_F(DeciderTest, OnlyAdminsAppointAndDemoteModerators) {
    auto fx = typed(mod_, Verb::kAppoint, "Amina");
    EXPECT_TRUE(any_contains(texts_to(fx, mod_.key), "Only an admin"));
    EXPECT_FALSE(store_.seat(2, "east-africa")->moderator);
    auto& admin = store_.add(9, "Boss", "fr", "west-africa");
    admin.key = "254700000099";  // listed under `admins:`
    fx = typed(admin, Verb::kAppoint, "Amina");
    EXPECT_TRUE(store_.seat(2, "east-africa")->moderator);
    EXPECT_TRUE(any_contains(texts_to(fx, admin.key), "est maintenant modérateur"));
    EXPECT_TRUE(any_contains(texts_to(fx, amina_.key), "You are now a moderator of East Africa"));
    EXPECT_TRUE(decider_.moderates(store_, store_.people[2], "east-africa"));
    typed(admin, Verb::kUnappoint, "amina");
    EXPECT_FALSE(store_.seat(2, "east-africa")->moderator);
    EXPECT_FALSE(decider_.moderates_any(store_, store_.people[2]));
}

TEST_F(DeciderTest, AModeratorsMenuHasARowThatOpensTheQueue) {
    EXPECT_FALSE(decider_.menu_row(store_, amina_));
    store_.add_post(70, "east-africa", 2, PostStatus::kHeld, "waits");
    const auto row = decider_.menu_row(store_, mod_);
    ASSERT_TRUE(row);
    EXPECT_EQ(parse(row->id)->verb, Verb::kQueue);
    EXPECT_NE(row->description.find("1 waiting"), std::string::npos) << row->description;
    const auto fx = tapped(mod_, *parse(row->id));
    EXPECT_TRUE(any_contains(texts_to(fx, mod_.key), "#70"));
}

TEST_F(DeciderTest, AHeldPostAsksEveryModeratorWithTheFileFirstThenTheButtons) {
    store_.add_post(60, "east-africa", 2, PostStatus::kHeld, "");
    store_.posts[60].kind = "image";
    const auto fx = decider_.held(store_, 60);
    ASSERT_EQ(fx.steps.size(), 2u);
    EXPECT_EQ(fx.steps[0].kind, Step::Kind::kMedia);
    EXPECT_EQ(fx.steps[1].logical, "rooms.held:60");  // purpose rooms.held: the alert template outside the window
    const auto& b = std::get<core::ReplyButtons>(fx.steps[1].body);
    EXPECT_EQ(parse(b.buttons.at(0).id)->verb, Verb::kApprove);
    EXPECT_EQ(parse(b.buttons.at(1).id)->verb, Verb::kReject);
}

}  // namespace
}  // namespace delvex::moderation

namespace delvex::moderation {
namespace {

TEST_F(DeciderTest, TheConsoleTakesTheSameDecisionsAsChatAndNobodyIsAnsweredInChat) {
    store_.add_post(60, "east-africa", 2, PostStatus::kHeld, "approve me from the console");
    store_.add_post(61, "east-africa", 3, PostStatus::kHeld, "reject me from the console");
    auto fx = decider_.console_decision(store_, Verb::kApprove, 60, "fr", "c1", 1000);
    EXPECT_EQ(store_.posts[60].status, PostStatus::kRelayed);
    EXPECT_TRUE(std::any_of(fx.steps.begin(), fx.steps.end(),
                            [](const Step& s) { return s.kind == Step::Kind::kRelay && s.post == 60; }));
    EXPECT_NE(fx.outcome.find("60"), std::string::npos) << "said in the console: " << fx.outcome;
    for (const auto& s : fx.steps) {
        EXPECT_FALSE(s.kind == Step::Kind::kMessage && s.to.empty()) << "no chat answer to the console person";
    }
    fx = decider_.console_decision(store_, Verb::kReject, 61, "en", "c2", 2000);
    EXPECT_EQ(store_.posts[61].status, PostStatus::kRejected);
    EXPECT_TRUE(any_contains(texts_to(fx, baraka_.key), "Msimamizi")) << "the author is told, in Swahili";
    fx = decider_.console_decision(store_, Verb::kReject, 61, "en", "c3", 3000);
    EXPECT_NE(fx.outcome.find("already handled"), std::string::npos) << fx.outcome;
    fx = decider_.console_decision(store_, Verb::kBan, 61, "en", "c4", 4000);
    EXPECT_TRUE(fx.steps.empty()) << "only approve, reject and take down act on a post";
}

TEST_F(DeciderTest, TheConsoleRemovesAndAppointsMembersAsTheChatCommandsDo) {
    auto fx = decider_.console_member(store_, Verb::kRemove, baraka_.id, "east-africa", "en", "c1", 1000);
    EXPECT_NE(fx.outcome.find("Baraka"), std::string::npos) << fx.outcome;
    EXPECT_FALSE(texts_to(fx, baraka_.key).empty()) << "the member is told";
    ASSERT_FALSE(store_.records.empty());
    EXPECT_EQ(store_.records.back().action, "remove");
    fx = decider_.console_member(store_, Verb::kAppoint, amina_.id, "east-africa", "en", "c2", 2000);
    EXPECT_EQ(store_.records.back().action, "appoint");
    EXPECT_TRUE(decider_.moderates(store_, store_.people[amina_.id], "east-africa"));
    fx = decider_.console_member(store_, Verb::kAppoint, 999, "east-africa", "en", "c3", 3000);
    EXPECT_TRUE(fx.steps.empty()) << "no such member";
    fx = decider_.console_member(store_, Verb::kRemove, amina_.id, "atlantis", "en", "c4", 4000);
    EXPECT_TRUE(fx.steps.empty()) << "no such room";
}

}  // namespace
}  // namespace delvex::moderation
