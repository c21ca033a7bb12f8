// Forum surprises 4, 5 and 6 end to end: signed webhooks in, the real service and SQLite file, the strict fake
// Graph API out. 4: the moderators' flow speaks the moderator's language (lists, cities, errors); 5: a member
// sets their own zone (offered from their number) and forum times follow it; 6: cancellations reach the
// waitlisted and those who did not answer.

#include <gtest/gtest.h>

#include <SQLiteCpp/Database.h>

#include "tests/integration/chat_fixture.hpp"

namespace delvex {
namespace {

using namespace std::chrono_literals;

constexpr const char* kAdminToken = "forums-surprises-admin-token-0123";

constexpr const char* kRegions =
    "rooms:\n"
    "  - id: east-africa\n"
    "    names: {en: East Africa, sw: Afrika Mashariki}\n"
    "    time_zone: Africa/Nairobi\n"
    "    languages: [sw, en]\n"
    "    countries: [\"254\", \"255\"]\n"
    "    moderators: [\"+254700000009\"]\n"
    "    hold_first_posts: 0\n"
    "  - id: latin-america\n"
    "    names: {en: Latin America, es: América Latina, pt: América Latina}\n"
    "    time_zone: America/Lima\n"
    "    languages: [es, pt]\n"
    "    countries: [\"51\", \"55\", \"57\"]\n"
    "    moderators: [\"+51900000009\"]\n"
    "    hold_first_posts: 0\n";

class ForumSurprises : public testing::ChatScenario {
protected:
    ForumSurprises() { db_file = "forums.db"; }

    void SetUp() override {
        ChatScenario::SetUp();
        harness->config().admin_token = core::Secret(kAdminToken);
        use_regions(kRegions);
    }

    testing::HttpResult api(const std::string& method, const std::string& path, const std::string& body = {}) {
        auto r = testing::http_request(harness->port(), method, path, body,
                                       {{"Authorization", std::string("Bearer ") + kAdminToken},
                                        {"Content-Type", "application/json"}});
        settle();
        return r;
    }
    /// A weekly forum created through the admin API; `start` is the room's local time. Returns its id.
    std::int64_t create_forum(const std::string& room, const std::string& start, int capacity = 0) {
        const auto created = api("POST", "/api/v1/forums",
                                 R"({"room":")" + room + R"(","title":"Safer pits","rrule":"FREQ=WEEKLY","start":")" +
                                     start + R"(","join_kind":"call","capacity":)" + std::to_string(capacity) + "}");
        EXPECT_EQ(created.status, 201) << created.body;
        jobs();
        const auto at = created.body.find("\"id\":");
        return at == std::string::npos ? 0 : std::stoll(created.body.substr(at + 5));
    }
    /// Runs what is due now and waits for what it sent.
    void jobs() {
        harness->service().run_scheduler();
        settle();
    }
    /// Ids of the buttons or list rows of a message.
    static std::vector<std::string> ids(const whatsapp::RecordedMessage& m) {
        std::vector<std::string> out;
        if (const auto* b = std::get_if<core::ReplyButtons>(&m.message.body)) {
            for (const auto& button : b->buttons) {
                out.push_back(button.id);
            }
        }
        if (const auto* l = std::get_if<core::ListMessage>(&m.message.body)) {
            for (const auto& section : l->sections) {
                for (const auto& row : section.rows) {
                    out.push_back(row.id);
                }
            }
        }
        return out;
    }
    /// Titles of the list rows of a message.
    static std::vector<std::string> row_titles(const whatsapp::RecordedMessage& m) {
        std::vector<std::string> out;
        if (const auto* l = std::get_if<core::ListMessage>(&m.message.body)) {
            for (const auto& section : l->sections) {
                for (const auto& row : section.rows) {
                    out.push_back(row.title);
                }
            }
        }
        return out;
    }
    /// The id of the last message to `who` that ends with `suffix` (e.g. an RSVP "Going" button).
    std::string button_ending(const Member& who, const std::string& prefix, const std::string& suffix) const {
        const auto got = to(who);
        for (auto it = got.rbegin(); it != got.rend(); ++it) {
            for (const auto& id : ids(*it)) {
                if (id.starts_with(prefix) && id.ends_with(suffix)) {
                    return id;
                }
            }
        }
        return {};
    }
    /// Texts sent to `who` since message number `from`.
    std::string texts_since(const Member& who, std::size_t from) const {
        std::string all;
        const auto got = to(who);
        for (std::size_t i = from; i < got.size(); ++i) {
            all += got[i].text + "\n";
        }
        return all;
    }
};

// ---------------------------------------------------------------------------------------------------------
// Surprise 4: the moderator's language throughout, lists instead of an English pattern, cities not zone ids.

struct FlowCase {
    std::string lang;
    std::string room;
    std::string mod_wa_id;
    std::string mod_name;
    std::string keyword;      ///< opens the moderators' menu
    std::string pattern;      ///< a pattern typed in the moderator's language
    std::string ask_title;    ///< start of forums.flow.ask_title
    std::string city;         ///< the room's zone as a city, in the time question
    std::string zone_id;      ///< the raw id that must never show
    std::string bad_time;     ///< start of forums.flow.bad_time
    std::string confirm;      ///< a piece of the confirmation (pattern and first date)
    std::string gone_error;   ///< forums.flow.error with forums.errors.no_series
};

void PrintTo(const FlowCase& c, std::ostream* os) {
    *os << c.lang;
}

class ForumFlowLanguage : public ForumSurprises, public ::testing::WithParamInterface<FlowCase> {};

TEST_P(ForumFlowLanguage, TheModeratorIsAskedWithListsInTheirLanguageAndSeesCities) {
    const auto& c = GetParam();
    const Member mod{c.mod_wa_id, c.mod_name};
    onboard(mod, c.lang, c.room, c.mod_name);
    const auto start = to(mod).size();

    say(mod, c.keyword);
    auto menu = to(mod).back();
    ASSERT_EQ(ids(menu).size(), 3u) << menu.raw_json;
    choose(mod, ids(menu)[0], "new");
    EXPECT_NE(to(mod).back().text.find(c.ask_title), std::string::npos) << to(mod).back().text;
    say(mod, "Minas seguras");
    auto ordinal = to(mod).back();
    EXPECT_EQ(ids(ordinal).size(), 6u) << "1st to 4th, last, every week: " << ordinal.raw_json;

    // Typed in the moderator's own words instead of choosing twice.
    say(mod, c.pattern);
    auto time = to(mod).back();
    EXPECT_NE(time.text.find(c.city), std::string::npos) << time.text;
    EXPECT_EQ(ids(time).size(), 9u) << "times to choose from: " << time.raw_json;
    say(mod, "3pm");  // not a time in any language: asked again, in theirs
    EXPECT_NE(to(mod).back().text.find(c.bad_time), std::string::npos) << to(mod).back().text;
    choose(mod, "forums:flow:time:14:00", "14:00");
    auto join = to(mod).back();
    ASSERT_EQ(ids(join).size(), 3u) << join.raw_json;
    choose(mod, "forums:flow:join:call", "call");
    auto confirm = to(mod).back();
    EXPECT_NE(confirm.text.find(c.confirm), std::string::npos) << confirm.text;
    choose(mod, "forums:flow:yes", "yes");
    {
        SQLite::Database db(dir.file(db_file), SQLite::OPEN_READONLY);
        EXPECT_EQ(db.execAndGet("SELECT count(*) FROM forum_series WHERE room = '" + c.room + "'").getInt64(), 1);
    }

    // Cancelling a forum that an admin cancelled meanwhile: the refusal in the moderator's language.
    say(mod, c.keyword);
    choose(mod, ids(to(mod).back())[2], "cancel");
    const auto pick = ids(to(mod).back());
    ASSERT_EQ(pick.size(), 1u) << to(mod).back().raw_json;
    choose(mod, pick[0], "#1");
    const auto scope = ids(to(mod).back());
    ASSERT_EQ(scope.size(), 3u) << to(mod).back().raw_json;
    const auto id = pick[0].substr(std::string("forums:flow:pick:").size());
    ASSERT_EQ(api("DELETE", "/api/v1/forums/" + id).status, 200);
    choose(mod, scope[1], "all");
    EXPECT_NE(to(mod).back().text.find(c.gone_error), std::string::npos) << to(mod).back().text;

    // Nothing the moderator got asks for an English pattern or shows a zone id.
    const auto all = texts_since(mod, start);
    EXPECT_EQ(all.find("first Thursday"), std::string::npos) << all;
    EXPECT_EQ(all.find(c.zone_id), std::string::npos) << all;
    EXPECT_EQ(all.find("That did not work"), std::string::npos) << all;
}

INSTANTIATE_TEST_SUITE_P(
    Languages, ForumFlowLanguage,
    ::testing::Values(
        FlowCase{"es", "latin-america", "51900000009", "Rosa", "foro", "primer jueves", "¿Cuál es el título",
                 "hora de Lima", "America/Lima", "Escriba una hora", "1.º jueves de cada mes",
                 "No funcionó: este foro no existe o ya está cancelado."},
        FlowCase{"sw", "east-africa", "254700000009", "Neema", "jukwaa", "Alhamisi ya kwanza", "Jina la jukwaa",
                 "saa za Nairobi", "Africa/Nairobi", "Tafadhali andika saa", "Alhamisi",
                 "jukwaa hili halipo au limeshafutwa."}),
    [](const ::testing::TestParamInfo<FlowCase>& param) { return param.param.lang; });

// ---------------------------------------------------------------------------------------------------------
// Surprise 5: one zone per room (Lima for all of Latin America); a Brazilian member sets São Paulo.

TEST_F(ForumSurprises, AMemberChoosesTheirZoneFromTheirCountryAndForumTimesFollowIt) {
    const Member ana{"5511912345678", "Ana"};   // Brazil, +55
    const Member luis{"51912345678", "Luis"};   // Peru, +51
    onboard(ana, "pt", "latin-america", "Ana");
    onboard(luis, "es", "latin-america", "Luis");

    say(ana, "fuso horário");
    const auto offer = to(ana).back();
    const auto zones = ids(offer);
    ASSERT_FALSE(zones.empty()) << offer.raw_json;
    EXPECT_NE(std::find(zones.begin(), zones.end(), "forums:flow:zone:America/Sao_Paulo"), zones.end())
        << offer.raw_json;
    EXPECT_NE(std::find(zones.begin(), zones.end(), "forums:flow:zone:America/Lima"), zones.end())
        << "the room's zone too: " << offer.raw_json;
    const auto titles = row_titles(offer);
    EXPECT_NE(std::find(titles.begin(), titles.end(), "São Paulo"), titles.end()) << offer.raw_json;
    EXPECT_EQ(offer.raw_json.find("\"title\":\"America/"), std::string::npos) << "cities, not ids";
    choose(ana, "forums:flow:zone:America/Sao_Paulo", "São Paulo");
    EXPECT_NE(to(ana).back().text.find("São Paulo"), std::string::npos) << to(ana).back().text;
    {
        SQLite::Database db(dir.file(db_file), SQLite::OPEN_READONLY);
        EXPECT_EQ(db.execAndGet("SELECT tz FROM forum_member_zones WHERE member_key = '" + ana.wa_id + "'")
                      .getString(),
                  "America/Sao_Paulo");
    }

    // The announcement: 15:00 in Lima is 17:00 in São Paulo.
    create_forum("latin-america", "2027-03-04T15:00");
    const auto ana_news = to(ana).back();
    const auto luis_news = to(luis).back();
    EXPECT_NE(ana_news.text.find("17:00"), std::string::npos) << ana_news.text;
    EXPECT_NE(ana_news.text.find("São Paulo"), std::string::npos) << ana_news.text;
    EXPECT_NE(luis_news.text.find("15:00"), std::string::npos) << luis_news.text;
    EXPECT_NE(luis_news.text.find("Lima"), std::string::npos) << luis_news.text;

    // "Next forum" and the reminder in her zone too.
    say(ana, "fórum");
    EXPECT_NE(to(ana).back().text.find("17:00"), std::string::npos) << to(ana).back().text;
    const auto going = button_ending(ana, "forums:rsvp:", ":A");
    ASSERT_FALSE(going.empty());
    choose(ana, going, "Vou");
    EXPECT_NE(to(ana).back().text.find("17:00"), std::string::npos) << to(ana).back().text;
    // Thursday 4 March 20:00 UTC; the 1-day reminder is due on Wednesday at 20:00 UTC.
    const auto before = to(ana).size();
    clock.advance(2 * 24h + 12h + 5min);
    say(ana, "olá");  // keeps her window open, as members do
    jobs();
    const auto reminders = texts_since(ana, before);
    EXPECT_NE(reminders.find("⏰"), std::string::npos) << reminders;
    EXPECT_NE(reminders.find("17:00"), std::string::npos) << reminders;
}

TEST_F(ForumSurprises, TheZoneCommandSpeaksEveryLanguage) {
    const Member kenyan{"254711111111", "Wanjiru"};
    onboard(kenyan, "sw", "east-africa", "Wanjiru");
    say(kenyan, "saa za eneo");
    const auto offer = to(kenyan).back();
    EXPECT_NE(offer.text.find("Uko katika saa za eneo gani?"), std::string::npos) << offer.text;
    EXPECT_EQ(ids(offer), std::vector<std::string>{"forums:flow:zone:Africa/Nairobi"}) << offer.raw_json;
    for (const char* word : {"time zone", "fuseau horaire", "zona horaria"}) {
        const auto n = to(kenyan).size();
        say(kenyan, word);
        ASSERT_GT(to(kenyan).size(), n) << word;
        EXPECT_FALSE(ids(to(kenyan).back()).empty()) << word;
    }
}

// ---------------------------------------------------------------------------------------------------------
// Surprise 6: a cancellation reaches the waitlisted and the members who did not answer, not only "Going".

class ForumCancelNotice : public ForumSurprises {
protected:
    void SetUp() override {
        ForumSurprises::SetUp();
        onboard(mod, "en", "east-africa", "Neema");
        onboard(going, "en", "east-africa", "Going One");
        onboard(waiting, "sw", "east-africa", "Waiting Two");
        onboard(silent, "en", "east-africa", "Silent Three");
        onboard(cant, "en", "east-africa", "Cannot Four");
        // One seat, on Wednesday 3 March, 15:00 in Nairobi.
        id = create_forum("east-africa", "2027-03-03T15:00", 1);
        for (const auto* who : {&going, &waiting}) {
            const auto b = button_ending(*who, "forums:rsvp:", ":A");
            ASSERT_FALSE(b.empty());
            choose(*who, b, "Going");
        }
        const auto no = button_ending(cant, "forums:rsvp:", ":D");
        ASSERT_FALSE(no.empty());
        choose(cant, no, "Can't");
        SQLite::Database db(dir.file(db_file), SQLite::OPEN_READONLY);
        ASSERT_EQ(db.execAndGet("SELECT count(*) FROM forum_rsvps WHERE waitlisted = 1").getInt64(), 1);
        marks = {to(going).size(), to(waiting).size(), to(silent).size(), to(cant).size()};
    }
    std::size_t told(const Member& who, std::size_t mark, const std::string& needle) const {
        const auto got = to(who);
        std::size_t n = 0;
        for (std::size_t i = mark; i < got.size(); ++i) {
            n += got[i].text.find(needle) != std::string::npos ? 1 : 0;
        }
        return n;
    }

    const Member mod{"254700000009", "Neema"};
    const Member going{"254700000001", "Going"};
    const Member waiting{"254700000002", "Waiting"};
    const Member silent{"254700000003", "Silent"};
    const Member cant{"254700000004", "Cant"};
    std::int64_t id = 0;
    std::vector<std::size_t> marks;
};

TEST_F(ForumCancelNotice, OneDateCancelledByTheModeratorReachesTheWaitlistedAndTheSilent) {
    say(mod, "forum");
    choose(mod, "forums:flow:cancel", "Cancel");
    choose(mod, "forums:flow:pick:" + std::to_string(id), "#1");
    choose(mod, "forums:flow:c1:" + std::to_string(id) + ":20270303T150000", "Only this date");
    jobs();
    EXPECT_EQ(told(going, marks[0], "is cancelled"), 1u);
    EXPECT_EQ(told(waiting, marks[1], "❌"), 1u) << "the waitlisted hear it";
    EXPECT_EQ(told(silent, marks[2], "is cancelled"), 1u) << "so do those who never answered";
    EXPECT_EQ(told(cant, marks[3], "is cancelled"), 0u) << "not those who said they cannot come";
}

TEST_F(ForumCancelNotice, TheWholeSeriesCancelledThroughTheApiReachesEveryone) {
    ASSERT_EQ(api("DELETE", "/api/v1/forums/" + std::to_string(id)).status, 200);
    jobs();
    EXPECT_EQ(told(going, marks[0], "is cancelled"), 1u);
    EXPECT_EQ(told(waiting, marks[1], "❌"), 1u);
    EXPECT_EQ(told(silent, marks[2], "is cancelled"), 1u);
    EXPECT_EQ(told(mod, 0, "is cancelled"), 1u) << "the moderator is a member of the room too";
}

}  // namespace
}  // namespace delvex
