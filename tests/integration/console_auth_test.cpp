// The console's doors over plain HTTP against the real service: sessions and their cookie, CSRF on every form,
// login limits (on an injected clock), roles, disabled accounts, and named API tokens for the admin API.

#include <gtest/gtest.h>

#include <SQLiteCpp/Database.h>
#include <date/date.h>

#include <regex>

#include "bot/console/handler.hpp"
#include "bot/console/password.hpp"
#include "bot/store/console_accounts.hpp"
#include "bot/store/database.hpp"
#include "tests/support/harness.hpp"

namespace delvex {
namespace {

using testing::http_request;
using testing::HttpResult;

class ConsoleAuth : public ::testing::Test {
protected:
    void SetUp() override {
        harness = std::make_unique<testing::ServiceHarness>(dir.file("console.db"), whatsapp::FakeGraphOptions{}, &clock);
        {
            store::Database db(store::DatabaseOptions{dir.file("console.db")});
            store::ConsoleAccounts accounts(db.sql());
            ASSERT_TRUE(accounts.add("Amina", console::hash_password("amina password 1"), "admin", {}, "en", 0));
            ASSERT_TRUE(accounts.add("Jo", console::hash_password("staff password 1"), "staff", {}, "fr", 0));
            ASSERT_TRUE(accounts.add("Neema", console::hash_password("neema password 1"), "moderator",
                                     {"west-africa"}, "en", 0));
        }
    }

    /// The login form's token and its cookie.
    std::pair<std::string, std::string> login_form(const std::map<std::string, std::string>& headers = {}) {
        const auto r = http_request(harness->port(), "GET", "/console/login", "", headers);
        EXPECT_EQ(r.status, 200);
        std::smatch m;
        std::regex_search(r.body, m, std::regex(R"re(name="csrf" value="([0-9a-f]+)")re"));
        return {m[1].str(), cookie_of(r)};
    }
    static std::string cookie_of(const HttpResult& r) {
        const auto it = r.headers.find("Set-Cookie");
        if (it == r.headers.end()) {
            return {};
        }
        return it->second.substr(0, it->second.find(';'));
    }
    HttpResult login(const std::string& name, const std::string& password,
                     const std::map<std::string, std::string>& extra = {}) {
        const auto [token, cookie] = login_form();
        std::map<std::string, std::string> headers{{"Cookie", cookie},
                                                   {"Content-Type", "application/x-www-form-urlencoded"}};
        headers.insert(extra.begin(), extra.end());
        return http_request(harness->port(), "POST", "/console/login",
                            "csrf=" + token + "&name=" + name + "&password=" + password, headers);
    }
    /// A logged-in session's cookie and CSRF token.
    std::pair<std::string, std::string> session(const std::string& name, const std::string& password) {
        const auto r = login(name, password);
        EXPECT_EQ(r.status, 303) << r.body;
        const auto cookie = cookie_of(r);
        const auto page = http_request(harness->port(), "GET", "/console/moderation", "", {{"Cookie", cookie}});
        std::smatch m;
        std::regex_search(page.body, m, std::regex(R"re(name="csrf" value="([0-9a-f]+)")re"));
        return {cookie, m[1].str()};
    }

    testing::TempDir dir;
    core::FakeClock clock{core::TimePoint{date::sys_days{date::year{2027} / 3 / 1}}};
    std::unique_ptr<testing::ServiceHarness> harness;
};

TEST_F(ConsoleAuth, ALoginSetsAStrictHttpOnlyCookieAndPagesCarryAStrictPolicy) {
    EXPECT_EQ(http_request(harness->port(), "GET", "/console/overview").status, 303) << "not logged in: to the login";
    EXPECT_EQ(http_request(harness->port(), "HEAD", "/console/login").status, 405);
    EXPECT_EQ(http_request(harness->port(), "DELETE", "/console/overview").status, 405);
    const auto r = login("amina", "amina+password+1");
    ASSERT_EQ(r.status, 303) << r.body;
    EXPECT_EQ(r.headers.at("Location"), "/console/overview");
    const auto& set = r.headers.at("Set-Cookie");
    EXPECT_NE(set.find("HttpOnly"), std::string::npos) << set;
    EXPECT_NE(set.find("SameSite=Strict"), std::string::npos) << set;
    EXPECT_NE(set.find("Path=/console"), std::string::npos) << set;
    EXPECT_EQ(set.find("Secure"), std::string::npos) << "plain http on loopback";
    const auto tls = login("amina", "amina+password+1", {{"X-Forwarded-Proto", "https"}});
    EXPECT_NE(tls.headers.at("Set-Cookie").find("; Secure"), std::string::npos) << "behind the TLS proxy";

    const auto page = http_request(harness->port(), "GET", "/console/audit", "", {{"Cookie", cookie_of(r)}});
    EXPECT_EQ(page.status, 200);
    EXPECT_NE(page.headers.at("Content-Security-Policy").find("default-src 'none'"), std::string::npos);
    EXPECT_EQ(page.headers.at("X-Frame-Options"), "DENY");
    EXPECT_EQ(page.headers.at("Cache-Control"), "no-store");
    // The database keeps only the token's hash.
    SQLite::Database db(dir.file("console.db"));
    const auto token = cookie_of(r).substr(cookie_of(r).find('=') + 1);
    EXPECT_EQ(db.execAndGet("SELECT count(*) FROM console_sessions WHERE token_hash = '" + token + "'").getInt(), 0);
}

TEST_F(ConsoleAuth, FailedLoginsAreLimitedPerNameThenLetThroughWhenTheWindowHasPassed) {
    for (int i = 0; i < console::ConsoleHandler::kMaxFailuresPerName; ++i) {
        EXPECT_EQ(login("jo", "wrong+password").status, 401);
    }
    // Five failures for one name: even the right password waits.
    const auto blocked = login("jo", "staff+password+1");
    EXPECT_EQ(blocked.status, 429);
    EXPECT_EQ(blocked.headers.count("Retry-After"), 1U);
    EXPECT_EQ(login("amina", "amina+password+1").status, 303) << "another name is not blocked";
    clock.advance(std::chrono::minutes(6));
    EXPECT_EQ(login("jo", "staff+password+1").status, 303) << "after the window";
}

TEST_F(ConsoleAuth, AFormWithoutTheSessionsCsrfTokenChangesNothing) {
    const auto [cookie, csrf] = session("amina", "amina+password+1");
    ASSERT_FALSE(csrf.empty());
    const std::map<std::string, std::string> headers{{"Cookie", cookie},
                                                     {"Content-Type", "application/x-www-form-urlencoded"}};
    const std::string form = "name=Kofi&role=staff&language=en&password=kofi+password+1";
    EXPECT_EQ(http_request(harness->port(), "POST", "/console/accounts/add", form, headers).status, 403);
    EXPECT_EQ(http_request(harness->port(), "POST", "/console/accounts/add", form + "&csrf=0123456789abcdef0123456789abcdef",
                           headers).status,
              403);
    SQLite::Database db(dir.file("console.db"));
    EXPECT_EQ(db.execAndGet("SELECT count(*) FROM console_users WHERE name = 'Kofi'").getInt(), 0);
    EXPECT_EQ(http_request(harness->port(), "POST", "/console/accounts/add", form + "&csrf=" + csrf, headers).status, 303);
    EXPECT_EQ(db.execAndGet("SELECT count(*) FROM console_users WHERE name = 'Kofi'").getInt(), 1);
    EXPECT_EQ(db.execAndGet("SELECT actor FROM audit_log WHERE action = 'console.add_user' ORDER BY id DESC LIMIT 1")
                  .getString(),
              "console:Amina");
}

TEST_F(ConsoleAuth, RolesOpenOnlyTheirSectionsAndRooms) {
    const auto staff = session("jo", "staff+password+1").first;
    EXPECT_EQ(http_request(harness->port(), "GET", "/console/overview", "", {{"Cookie", staff}}).status, 200);
    EXPECT_EQ(http_request(harness->port(), "GET", "/console/audit", "", {{"Cookie", staff}}).status, 403);
    EXPECT_EQ(http_request(harness->port(), "GET", "/console/accounts", "", {{"Cookie", staff}}).status, 403);
    const auto mod = session("neema", "neema+password+1").first;
    EXPECT_EQ(http_request(harness->port(), "GET", "/console/moderation?room=west-africa", "", {{"Cookie", mod}}).status, 200);
    EXPECT_EQ(http_request(harness->port(), "GET", "/console/moderation?room=east-africa", "", {{"Cookie", mod}}).status, 403);
    EXPECT_EQ(http_request(harness->port(), "GET", "/console/forums?room=east-africa", "", {{"Cookie", mod}}).status, 403);
    EXPECT_EQ(http_request(harness->port(), "GET", "/console/members", "", {{"Cookie", mod}}).status, 403);
    EXPECT_EQ(http_request(harness->port(), "GET", "/console/overview", "", {{"Cookie", mod}}).status, 403);
}

TEST_F(ConsoleAuth, ADisabledAccountIsLoggedOutAtOnceAndANamedApiTokenWorksUntilRevoked) {
    const auto [admin, csrf] = session("amina", "amina+password+1");
    const auto staff = session("jo", "staff+password+1").first;
    const std::map<std::string, std::string> form{{"Cookie", admin},
                                                  {"Content-Type", "application/x-www-form-urlencoded"}};
    SQLite::Database db(dir.file("console.db"));
    const auto jo = db.execAndGet("SELECT id FROM console_users WHERE name = 'Jo'").getInt64();

    // A named token for Jo opens the admin API, and Jo's writes are audited by name.
    const auto made = http_request(harness->port(), "POST", "/console/accounts/tokens/add",
                                   "csrf=" + csrf + "&user=" + std::to_string(jo) + "&label=calendar", form);
    ASSERT_EQ(made.status, 200) << made.body;
    std::smatch m;
    ASSERT_TRUE(std::regex_search(made.body, m, std::regex("dvx_[0-9a-f]{48}")));
    const std::string token = m[0].str();
    EXPECT_EQ(db.execAndGet("SELECT count(*) FROM console_tokens WHERE token_hash = '" + token + "'").getInt(), 0)
        << "only the hash is stored";
    const std::map<std::string, std::string> bearer{{"Authorization", "Bearer " + token},
                                                    {"Content-Type", "application/json"}};
    const auto created = http_request(harness->port(), "POST", "/api/v1/forums",
                                      R"({"room":"east-africa","title":"Safer pits","rrule":"FREQ=MONTHLY;BYDAY=1TH",
                                          "start":"2027-04-01T15:00","join_kind":"call"})",
                                      bearer);
    EXPECT_EQ(created.status, 201) << created.body;
    EXPECT_EQ(db.execAndGet("SELECT actor FROM audit_log WHERE action = 'forums.create'").getString(), "token:Jo");

    // Disabled: Jo's session ends at once and the token stops working.
    EXPECT_EQ(http_request(harness->port(), "POST", "/console/accounts/" + std::to_string(jo) + "/disable",
                           "csrf=" + csrf, form)
                  .status,
              303);
    EXPECT_EQ(http_request(harness->port(), "GET", "/console/overview", "", {{"Cookie", staff}}).status, 303);
    EXPECT_EQ(http_request(harness->port(), "GET", "/api/v1/forums", "", bearer).status, 401);
    EXPECT_EQ(login("jo", "staff+password+1").status, 401);

    // Enabled again, the token works until it is revoked.
    EXPECT_EQ(http_request(harness->port(), "POST", "/console/accounts/" + std::to_string(jo) + "/enable",
                           "csrf=" + csrf, form)
                  .status,
              303);
    EXPECT_EQ(http_request(harness->port(), "GET", "/api/v1/forums", "", bearer).status, 200);
    EXPECT_EQ(http_request(harness->port(), "POST", "/console/accounts/tokens/revoke",
                           "csrf=" + csrf + "&user=" + std::to_string(jo) + "&label=calendar", form)
                  .status,
              303);
    EXPECT_EQ(http_request(harness->port(), "GET", "/api/v1/forums", "", bearer).status, 401);
}

}  // namespace
}  // namespace delvex
