// The forums' HTTP edges through the real Beast server and a real SQLite file: the admin API and the
// calendar feed, the feed read back by an independent iCalendar parser (python3-icalendar).

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <SQLiteCpp/Database.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <thread>

#include "bot/core/metrics.hpp"
#include "bot/store/db_reader.hpp"
#include "bot/store/db_writer.hpp"
#include "bot/http/auth_limiter.hpp"
#include "bot/http/forums_routes.hpp"
#include "bot/http/server.hpp"
#include "tests/support/harness.hpp"
#include "tests/unit/forums_app/forums_rig.hpp"

namespace delvex::testing {
namespace {

using nlohmann::json;

/// Sends /forums/ to the feed and everything else to the admin API, as the service's router does by prefix.
class Split final : public http::Handler {
public:
    Split(http::Handler& feed, http::Handler& admin) : feed_(feed), admin_(admin) {}
    boost::asio::awaitable<http::Response> handle(http::Request request, http::SteadyTime started) override {
        if (std::string_view(request.target()).starts_with("/forums/")) {
            co_return co_await feed_.handle(std::move(request), started);
        }
        co_return co_await admin_.handle(std::move(request), started);
    }

private:
    http::Handler& feed_;
    http::Handler& admin_;
};

constexpr const char* kToken = "admin-token-for-tests-0123456789";

class ForumsApiTest : public ::testing::Test {
protected:
    void SetUp() override {
        rooms.rooms_by_id["andes"] = {"America/Lima", {{"5100000001", "en"}}, {"5100000001"}};
        rooms.rooms_by_id["london"] = {"Europe/London", {{"4400000001", "en"}}, {}};
        server = std::make_unique<http::Server>(ioc.get_executor(), http::ServerOptions{}, split, metrics);
        server->start();
        thread = std::thread([this] { ioc.run(); });
    }
    void TearDown() override {
        boost::asio::post(ioc, [this] { server->stop(); });
        ioc.stop();
        thread.join();
        reader.stop();
        writer.stop();
    }

    HttpResult api(const std::string& method, const std::string& target, const std::string& body = {},
                   const std::string& token = kToken) {
        std::map<std::string, std::string> headers{{"Content-Type", "application/json"}};
        if (!token.empty()) {
            headers["Authorization"] = "Bearer " + token;
        }
        return http_request(server->port(), method, target, body, headers);
    }

    TempDir dir;
    core::FakeClock clock{core::TimePoint{date::sys_days{date::year{2027} / 1 / 1}}};
    core::Metrics metrics;
    FakeRooms rooms;
    store::DbWriter writer{store::DatabaseOptions{dir.file("api.db"), false, 5000, false}};
    store::DbReader reader{store::DbReaderOptions{dir.file("api.db")}};
    static events::ForumsSettings keyed() {
        events::ForumsSettings s;
        s.feed_key = "test feed key";
        return s;
    }
    events::ForumsFeature feature{rooms, keyed()};
    http::ForumsFeedHandler feed{reader, feature};
    http::ForumsAdminHandler admin{writer, feature, clock, core::Secret(kToken)};
    Split split{feed, admin};
    boost::asio::io_context ioc{1};
    std::unique_ptr<http::Server> server;
    std::thread thread;
};

TEST_F(ForumsApiTest, AdminApiNeedsTheBearerToken) {
    EXPECT_EQ(api("GET", "/api/v1/forums", {}, "").status, 401);
    EXPECT_EQ(api("GET", "/api/v1/forums", {}, "wrong-token").status, 401);
    EXPECT_EQ(api("GET", "/api/v1/forums", {}, std::string(kToken) + "x").status, 401);
    auto r = http_request(server->port(), "GET", "/api/v1/forums", {}, {{"Authorization", kToken}});
    EXPECT_EQ(r.status, 401) << "a token without the Bearer scheme";
    EXPECT_EQ(api("GET", "/api/v1/forums").status, 200);
    EXPECT_FALSE(http::bearer_matches("Bearer ", core::Secret()));
    EXPECT_FALSE(http::bearer_matches("Bearer x", core::Secret()));
    EXPECT_TRUE(http::bearer_matches("bearer abc", core::Secret("abc")));
}

// Security review L-14: guessing the token is throttled per address, on the injected clock.
TEST_F(ForumsApiTest, FailedBearerTokensFromOneAddressAre429UntilTheMinuteIsOver) {
    for (int i = 0; i < http::ForumsAdminHandler::kMaxAuthFailures; ++i) {
        EXPECT_EQ(api("GET", "/api/v1/forums", {}, "guess-" + std::to_string(i)).status, 401) << i;
    }
    auto r = api("GET", "/api/v1/forums", {}, "one-more-guess");
    EXPECT_EQ(r.status, 429) << r.body;
    EXPECT_EQ(r.headers["Retry-After"], "60");
    // Locked out is locked out: the right token waits too, and a write is refused before its body counts.
    EXPECT_EQ(api("GET", "/api/v1/forums").status, 429);
    EXPECT_EQ(api("POST", "/api/v1/forums", R"({"room":"andes"})").status, 429);
    clock.advance(std::chrono::seconds(45));
    r = api("GET", "/api/v1/forums");
    EXPECT_EQ(r.status, 429);
    EXPECT_EQ(r.headers["Retry-After"], "15");
    clock.advance(std::chrono::seconds(15));
    EXPECT_EQ(api("GET", "/api/v1/forums").status, 200);
    // A fresh minute: the count starts again.
    EXPECT_EQ(api("GET", "/api/v1/forums", {}, "guess-again").status, 401);
    EXPECT_EQ(api("GET", "/api/v1/forums").status, 200);
}

TEST(AuthFailureLimiter, CountsPerAddressWithinTheWindowAndStaysBounded) {
    core::FakeClock clock;
    http::AuthFailureLimiter limiter(clock, 3, std::chrono::seconds(60), 100);
    for (int i = 0; i < 3; ++i) {
        EXPECT_EQ(limiter.blocked_for("10.0.0.1").count(), 0);
        limiter.failed("10.0.0.1");
    }
    EXPECT_EQ(limiter.blocked_for("10.0.0.1").count(), 60);
    EXPECT_EQ(limiter.blocked_for("10.0.0.2").count(), 0) << "another address is not affected";
    clock.advance(std::chrono::milliseconds(59'500));
    EXPECT_EQ(limiter.blocked_for("10.0.0.1").count(), 1) << "rounded up, never 0 while blocked";
    clock.advance(std::chrono::milliseconds(500));
    EXPECT_EQ(limiter.blocked_for("10.0.0.1").count(), 0);
    // Failures spread over more than a window never add up.
    for (int i = 0; i < 10; ++i) {
        limiter.failed("10.0.0.3");
        limiter.failed("10.0.0.3");
        clock.advance(std::chrono::seconds(61));
    }
    EXPECT_EQ(limiter.blocked_for("10.0.0.3").count(), 0);
    // A flood of addresses keeps at most max_addresses counts.
    for (int i = 0; i < 1000; ++i) {
        limiter.failed("192.0.2." + std::to_string(i));
    }
    EXPECT_EQ(limiter.blocked_for("192.0.2.999").count(), 0);
}

// Every write of the admin API is in the audit log with what it did and to which series; reads and refused
// writes are not.
TEST_F(ForumsApiTest, EveryAdminWriteIsInTheAuditLog) {
    auto r = api("POST", "/api/v1/forums",
                 R"({"room":"andes","title":"Retorts","rrule":"FREQ=MONTHLY;BYDAY=1TH","start":"2027-01-07T15:00",
                     "join_kind":"link","join_info":"https://meet.example.org/secret-room"})");
    ASSERT_EQ(r.status, 201) << r.body;
    const auto id = std::to_string(json::parse(r.body)["id"].get<std::int64_t>());
    ASSERT_EQ(api("GET", "/api/v1/forums").status, 200);
    ASSERT_EQ(api("PATCH", "/api/v1/forums/" + id, R"({"title":"Retorts, monthly"})").status, 200);
    ASSERT_EQ(api("PATCH", "/api/v1/forums/" + id, R"({"cancel_occurrence":"2027-02-04T15:00"})").status, 200);
    ASSERT_EQ(api("PATCH", "/api/v1/forums/" + id,
                  R"({"move_occurrence":{"from":"2027-03-04T15:00","to":"2027-03-05T10:00"}})")
                  .status,
              200);
    ASSERT_EQ(api("PATCH", "/api/v1/forums/" + id, R"({"capacity":"ten"})").status, 400);
    ASSERT_EQ(api("DELETE", "/api/v1/forums/" + id + "?occurrence=2027-04-01T15:00").status, 200);
    ASSERT_EQ(api("DELETE", "/api/v1/forums/" + id).status, 200);
    ASSERT_EQ(api("DELETE", "/api/v1/forums/999").status, 404);

    SQLite::Database db(dir.file("api.db"));
    SQLite::Statement q(db, "SELECT at, actor, action, target, detail FROM audit_log ORDER BY id");
    std::vector<std::string> rows;
    while (q.executeStep()) {
        EXPECT_EQ(q.getColumn(0).getInt64(), core::to_unix_ms(clock.now()));
        rows.push_back(q.getColumn(1).getString() + " " + q.getColumn(2).getString() + " " +
                       q.getColumn(3).getString() + " " + q.getColumn(4).getString());
    }
    const std::string forum = "forum:" + id;
    EXPECT_EQ(rows, (std::vector<std::string>{
                        "admin-token forums.create " + forum + " room=andes fields=join_info,join_kind,room,rrule,start,title",
                        "admin-token forums.update " + forum + " fields=title",
                        "admin-token forums.cancel_occurrence " + forum + " occurrence=2027-02-04T15:00:00",
                        "admin-token forums.move_occurrence " + forum +
                            " occurrence=2027-03-04T15:00:00 to=2027-03-05T10:00:00",
                        "admin-token forums.cancel_occurrence " + forum + " occurrence=2027-04-01T15:00:00",
                        "admin-token forums.cancel_series " + forum + " ",
                    }));
    for (const auto& row : rows) {
        EXPECT_EQ(row.find("meet.example.org"), std::string::npos) << "the join link is not copied: " << row;
    }
}

TEST_F(ForumsApiTest, BadBodiesAre400WithAClearMessage) {
    const auto message = [&](const std::string& body) {
        const auto r = api("POST", "/api/v1/forums", body);
        EXPECT_EQ(r.status, 400) << body << " → " << r.body;
        const auto j = json::parse(r.body, nullptr, false);
        return j.is_object() ? j.value("error", std::string()) : std::string("not json: ") + r.body;
    };
    EXPECT_EQ(message("{not json"), "the body is not valid JSON");
    EXPECT_EQ(message("[1,2]"), "the body must be a JSON object");
    EXPECT_EQ(message(R"({"room":"andes","title":"T","start":"2027-01-07T15:00"})"), "field 'rrule' is required");
    EXPECT_EQ(message(R"({"room":"andes","title":"T","rrule":"FREQ=MONTHLY","start":"2027-01-07T15:00","capacity":"ten"})"),
              "field 'capacity' must be an integer");
    EXPECT_EQ(message(R"({"room":"andes","title":"T","rrule":"FREQ=MONTHLY","start":"2027-01-07T15:00","colour":1})"),
              "unknown field 'colour'");
    EXPECT_EQ(message(R"({"room":"mars","title":"T","rrule":"FREQ=MONTHLY","start":"2027-01-07T15:00"})"),
              "unknown room 'mars'");
    EXPECT_TRUE(message(R"({"room":"andes","title":"T","rrule":"FREQ=HOURLY","start":"2027-01-07T15:00"})")
                    .starts_with("rrule: "));
    EXPECT_TRUE(message(R"({"room":"andes","title":"T","rrule":"FREQ=MONTHLY","start":"2027-02-30T15:00"})")
                    .starts_with("start: "));
    EXPECT_TRUE(message(R"({"room":"andes","title":"T","rrule":"FREQ=MONTHLY","start":"2027-01-07T15:00","tz":"Mars/Base"})")
                    .starts_with("tz: "));
    EXPECT_EQ(message(R"({"room":"andes","title":"T","rrule":"FREQ=MONTHLY;COUNT=2","start":"2026-01-07T15:00"})"),
              "the rule has no occurrence after now");
    EXPECT_EQ(api("PATCH", "/api/v1/forums/99", R"({"title":"x"})").status, 404);
    EXPECT_EQ(api("DELETE", "/api/v1/forums/99").status, 404);
    EXPECT_EQ(api("PUT", "/api/v1/forums").status, 405);
}

TEST_F(ForumsApiTest, CreateListEditCancelAndTheFeedParsedByPythonIcalendar) {
    auto r = api("POST", "/api/v1/forums",
                 R"({"room":"andes","title":"Mercury-free gold","agenda":"Retorts; prices","rrule":"RRULE:FREQ=MONTHLY;BYDAY=1TH",
                     "start":"2027-01-07T15:00","join_kind":"link","join_info":"https://meet.example.org/andes",
                     "capacity":40,"texts":{"es":{"title":"Oro sin mercurio","agenda":"Retortas; precios"}}})");
    ASSERT_EQ(r.status, 201) << r.body;
    auto created = json::parse(r.body);
    const auto id = created["id"].get<std::int64_t>();
    EXPECT_EQ(created["tz"], "America/Lima") << "the room's zone by default";
    EXPECT_EQ(created["rrule"], "FREQ=MONTHLY;BYDAY=1TH");
    EXPECT_EQ(created["next"][0]["start"], "2027-01-07T20:00:00Z");
    EXPECT_EQ(created["next"][1]["start"], "2027-02-04T20:00:00Z");
    EXPECT_EQ(created["texts"]["es"]["title"], "Oro sin mercurio");

    r = api("POST", "/api/v1/forums",
            R"({"room":"london","title":"Buyers' panel","rrule":"FREQ=MONTHLY;BYDAY=-1FR","start":"2027-01-29T18:30",
                "join_kind":"place","join_info":"Hall 2"})");
    ASSERT_EQ(r.status, 201) << r.body;
    const auto london = json::parse(r.body)["id"].get<std::int64_t>();

    r = api("GET", "/api/v1/forums?room=andes");
    ASSERT_EQ(r.status, 200);
    EXPECT_EQ(json::parse(r.body)["forums"].size(), 1u);
    r = api("GET", "/api/v1/forums");
    EXPECT_EQ(json::parse(r.body)["forums"].size(), 2u);

    // Edit, cancel one occurrence, move another: each bumps SEQUENCE.
    r = api("PATCH", "/api/v1/forums/" + std::to_string(id), R"({"title":"Mercury-free gold, monthly"})");
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(json::parse(r.body)["sequence"], 1);
    r = api("PATCH", "/api/v1/forums/" + std::to_string(id), R"({"cancel_occurrence":"2027-02-04T15:00"})");
    ASSERT_EQ(r.status, 200) << r.body;
    r = api("PATCH", "/api/v1/forums/" + std::to_string(id),
            R"({"move_occurrence":{"from":"2027-03-04T15:00","to":"2027-03-05T10:00"}})");
    ASSERT_EQ(r.status, 200) << r.body;
    auto edited = json::parse(r.body);
    EXPECT_EQ(edited["sequence"], 3);
    EXPECT_EQ(edited["overrides"].size(), 2u);
    EXPECT_EQ(api("PATCH", "/api/v1/forums/" + std::to_string(id), R"({"cancel_occurrence":"2027-02-05T15:00"})").status,
              400)
        << "not an occurrence of the rule";

    r = http_request(server->port(), "GET", "/forums/andes.ics");
    ASSERT_EQ(r.status, 200);
    EXPECT_NE(r.headers["Content-Type"].find("text/calendar"), std::string::npos);
    EXPECT_NE(r.body.find("BEGIN:VCALENDAR\r\n"), std::string::npos);
    EXPECT_EQ(http_request(server->port(), "GET", "/forums/atlantis.ics").status, 404);
    EXPECT_EQ(http_request(server->port(), "GET", "/forums/andes.ics?series=abc").status, 400);
    // The call link is only in the feed asked for with the room's key (the link members get), never in the
    // public one: room ids are public (security review M-8).
    EXPECT_EQ(r.body.find("meet.example.org"), std::string::npos) << r.body;
    const auto keyed_feed = http_request(server->port(), "GET", "/forums/andes.ics?k=" + feature.feed_token("andes"));
    ASSERT_EQ(keyed_feed.status, 200);
    EXPECT_NE(keyed_feed.body.find("meet.example.org"), std::string::npos) << keyed_feed.body;
    EXPECT_EQ(http_request(server->port(), "GET", "/forums/andes.ics?k=" + feature.feed_token("london"))
                  .body.find("meet.example.org"),
              std::string::npos)
        << "another room's key opens nothing";
    const auto london_public = http_request(server->port(), "GET", "/forums/london.ics");
    EXPECT_EQ(london_public.body.find("Hall 2"), std::string::npos) << "a meeting place is a join detail too";

    if (!system_python_has_icalendar()) {
        GTEST_SKIP() << "/usr/bin/python3 has no icalendar module: apt-get install python3-icalendar "
                        "(scripts/deps.sh installs it)";
    }
    const auto feed_path = dir.file("andes.ics");
    std::ofstream(feed_path, std::ios::binary) << r.body;
    const auto parsed = parse_with_python_icalendar(feed_path);
    ASSERT_TRUE(parsed.has_value()) << "python3-icalendar could not read the feed:\n" << r.body;
    const auto& cal = *parsed;
    ASSERT_EQ(cal["tz"].size(), 1u);
    EXPECT_EQ(cal["tz"][0], "America/Lima");
    // The series plus one VEVENT for the moved instance (RECURRENCE-ID).
    ASSERT_EQ(cal["events"].size(), 2u) << cal.dump(2);
    const json* master = nullptr;
    const json* moved = nullptr;
    for (const auto& ev : cal["events"]) {
        (ev.contains("recurrence_id_utc") ? moved : master) = &ev;
    }
    ASSERT_TRUE(master != nullptr && moved != nullptr) << cal.dump(2);
    EXPECT_EQ((*master)["uid"], "forum-" + std::to_string(id) + "@delve.exchange");
    EXPECT_EQ((*moved)["uid"], (*master)["uid"]);
    EXPECT_EQ((*master)["summary"], "Mercury-free gold, monthly");
    EXPECT_EQ((*master)["sequence"], 3);
    EXPECT_EQ((*master)["tzid"], "America/Lima");
    EXPECT_EQ((*master)["rrule"], "FREQ=MONTHLY;BYDAY=1TH");
    EXPECT_EQ((*master)["dtstart_utc"], "2027-01-07T20:00:00Z");
    EXPECT_EQ((*master)["exdates_utc"], json::array({"2027-02-04T20:00:00Z"}));
    EXPECT_EQ((*master)["first_utc"],
              json::array({"2027-01-07T20:00:00Z", "2027-02-04T20:00:00Z", "2027-03-04T20:00:00Z",
                           "2027-04-01T20:00:00Z", "2027-05-06T20:00:00Z"}));
    EXPECT_EQ((*moved)["recurrence_id_utc"], "2027-03-04T20:00:00Z");
    EXPECT_EQ((*moved)["dtstart_utc"], "2027-03-05T15:00:00Z");

    // London's feed: last Friday 18:30, in GMT then BST (the parser's own zone rules agree with ours).
    r = http_request(server->port(), "GET", "/forums/london.ics");
    ASSERT_EQ(r.status, 200);
    std::ofstream(dir.file("london.ics"), std::ios::binary) << r.body;
    const auto london_cal = parse_with_python_icalendar(dir.file("london.ics"));
    ASSERT_TRUE(london_cal.has_value()) << r.body;
    EXPECT_EQ((*london_cal)["tz"][0], "Europe/London");
    const auto& lev = (*london_cal)["events"][0];
    EXPECT_EQ(lev["rrule"], "FREQ=MONTHLY;BYDAY=-1FR");
    EXPECT_EQ(lev["first_utc"], json::array({"2027-01-29T18:30:00Z", "2027-02-26T18:30:00Z", "2027-03-26T18:30:00Z",
                                              "2027-04-30T17:30:00Z", "2027-05-28T17:30:00Z"}));

    // Cancelling the whole series keeps it in the feed as STATUS:CANCELLED, with a higher SEQUENCE.
    r = api("DELETE", "/api/v1/forums/" + std::to_string(london));
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(api("DELETE", "/api/v1/forums/" + std::to_string(london)).status, 404);
    r = http_request(server->port(), "GET", "/forums/london.ics");
    std::ofstream(dir.file("london2.ics"), std::ios::binary) << r.body;
    const auto cancelled = parse_with_python_icalendar(dir.file("london2.ics"));
    ASSERT_TRUE(cancelled.has_value());
    EXPECT_EQ((*cancelled)["events"][0]["status"], "CANCELLED");
    EXPECT_EQ((*cancelled)["events"][0]["sequence"], 1);
}

}  // namespace
}  // namespace delvex::testing
