// The web console end to end in a real browser: Debian's Chromium, headless, driven by Selenium
// (tests/e2e/console_browser.py), against the real service — its Beast server on loopback, a real SQLite
// file, members chatting through signed webhooks, messages out through the real Graph client to the strict
// fake Graph API. The browser logs in (a wrong password refused), approves a held post, is refused a form
// without its CSRF token, schedules a forum and finds it in the calendar, reads the audit log; a moderator is
// refused another room's queue. This test then checks that the clicks took effect where members meet them:
// the approved post reached the room through the fake Graph API, the refused one still waits, the forum is
// stored with its jobs.
//
// With DELVEX_SCREENSHOTS=DIR set, the browser saves a screenshot of every page it visits there
// (scripts/console-screenshots.sh writes them to docs/console/).

#include <gtest/gtest.h>

#include <SQLiteCpp/Database.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <fstream>

#include "bot/console/password.hpp"
#include "bot/store/console_accounts.hpp"
#include "bot/store/database.hpp"
#include "tests/integration/chat_fixture.hpp"

namespace delvex {
namespace {

const std::string kRegions =
    "admins: []\n"
    "rooms:\n"
    "  - id: east-africa\n"
    "    names: {en: East Africa, fr: Afrique de l'Est}\n"
    "    time_zone: Africa/Nairobi\n"
    "    languages: [en, sw]\n"
    "    countries: [\"254\", \"255\"]\n"
    "    moderators: []\n"
    "    hold_first_posts: 1\n"
    "  - id: west-africa\n"
    "    names: {en: West Africa, fr: Afrique de l'Ouest}\n"
    "    time_zone: Africa/Abidjan\n"
    "    languages: [fr, en]\n"
    "    countries: [\"221\"]\n"
    "    moderators: []\n";

/// Runs `command`, returning its exit status and what it printed (stdout and stderr).
std::pair<int, std::string> run(const std::string& command) {
    std::string output;
    FILE* pipe = ::popen((command + " 2>&1").c_str(), "r");
    if (pipe == nullptr) {
        return {-1, "cannot start: " + command};
    }
    std::array<char, 4096> buffer{};
    while (std::fgets(buffer.data(), static_cast<int>(buffer.size()), pipe) != nullptr) {
        output += buffer.data();
    }
    const int status = ::pclose(pipe);
    return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, output};
}

class ConsoleBrowser : public testing::ChatScenario {
protected:
    ConsoleBrowser() { db_file = "console.db"; }
    void SetUp() override {
        ChatScenario::SetUp();
        harness->config().business_number = "+254 700 000 000";
        use_regions(kRegions);
    }
    void add_account(const std::string& name, const std::string& password, const std::string& role,
                     const std::vector<std::string>& rooms) {
        store::Database db(store::DatabaseOptions{dir.file(db_file)});
        store::ConsoleAccounts accounts(db.sql());
        ASSERT_TRUE(accounts.add(name, console::hash_password(password), role, rooms, "en", 0));
    }
    int post_state(const std::string& text) {
        SQLite::Database db(dir.file(db_file));
        SQLite::Statement q(db, "SELECT state FROM posts WHERE body = ?");
        q.bind(1, text);
        return q.executeStep() ? q.getColumn(0).getInt() : -1;
    }

    const Member amina{"254700000001", "Amina"};
    const Member baraka{"255700000002", "Baraka"};
    const Member chloe{"254700000003", "Chloe"};
};

TEST_F(ConsoleBrowser, StaffAndModeratorsWorkThroughTheConsoleInARealBrowser) {
    onboard(amina, "en", "east-africa", "Amina");
    onboard(baraka, "en", "east-africa", "Baraka");
    onboard(chloe, "en", "east-africa", "Chloe");
    say(amina, "Where to buy a retort?");
    say(baraka, "Gold for sale, call me");
    ASSERT_EQ(post_state("Where to buy a retort?"), 1) << "held for approval";
    ASSERT_EQ(post_state("Gold for sale, call me"), 1);
    const auto before = count_containing(chloe, "Where to buy a retort?");

    add_account("Programme Admin", "admin password 1", "admin", {});
    add_account("Neema", "moderator password 1", "moderator", {"west-africa"});

    const char* shots_env = std::getenv("DELVEX_SCREENSHOTS");
    const std::string shots = shots_env != nullptr ? shots_env : "";
    const std::string csv = dir.file("members.csv");
    // As a French or Portuguese spreadsheet saves it: semicolons, a byte-order mark, CRLF, numbers as
    // written at home (a Kenyan 07…), which the import stores in international form.
    std::ofstream(csv) << "\xEF\xBB\xBFwa_id;alias;room;language;role\r\n0712 345 678;Wanjiru;east-africa;sw;member\r\n"
                          "+254 733 111222;Otieno;east-africa;en;member\r\n";
    const std::string bad_csv = dir.file("bad.csv");
    std::ofstream(bad_csv) << "wa_id;alias;room;language;role\n0722 000 111;Akinyi;east-africa;sw;member\n"
                              "12;Mwangi;east-africa;sw;member\n";
    // A date a month after the test clock's now (2027-03-01), so it is in the calendar's three months.
    const std::string command = "DELVEX_FORUM_DATE=2027-04-08 DELVEX_BAD_CSV=" + bad_csv +
                                " timeout 240 /usr/bin/python3 " +
                                std::string(DELVEX_SOURCE_DIR) + "/tests/e2e/console_browser.py http://127.0.0.1:" +
                                std::to_string(harness->port()) + " '" + shots + "' " + csv;
    const auto [status, output] = run(command);
    ASSERT_EQ(status, 0) << output;

    settle();
    // Approved in the browser: relayed to the room through the real Graph client and the strict fake.
    EXPECT_EQ(post_state("Where to buy a retort?"), 0);
    EXPECT_TRUE(testing::eventually([&] { return count_containing(chloe, "Where to buy a retort?") > before; }))
        << "the approved post did not reach the room";
    // Refused without its CSRF token: still held.
    EXPECT_EQ(post_state("Gold for sale, call me"), 1);
    SQLite::Database db(dir.file(db_file));
    SQLite::Statement forum(db, "SELECT room, rrule, dtstart_local, created_by FROM forum_series WHERE title = ?");
    forum.bind(1, "Mercury-free gold");
    ASSERT_TRUE(forum.executeStep()) << "the scheduled forum is not stored";
    EXPECT_EQ(forum.getColumn(0).getString(), "east-africa");
    EXPECT_EQ(forum.getColumn(1).getString(), "FREQ=MONTHLY;BYDAY=2TH") << "2027-04-08 is the second Thursday";
    EXPECT_EQ(forum.getColumn(2).getString(), "2027-04-08T15:00:00");
    EXPECT_EQ(forum.getColumn(3).getString(), "console:Programme Admin");
    EXPECT_EQ(db.execAndGet("SELECT count(*) FROM audit_log WHERE actor = 'console:Programme Admin' AND action = "
                            "'moderation.approve'")
                  .getInt(),
              1);
    EXPECT_EQ(db.execAndGet("SELECT count(*) FROM audit_log WHERE action = 'moderation.reject'").getInt(), 0)
        << "the form without its token changed something";
    // Removed from the room in the console: the chat command's decision, and Baraka is told.
    EXPECT_EQ(db.execAndGet("SELECT count(*) FROM room_members rm JOIN members m ON m.id = rm.member_id WHERE m.alias = "
                            "'Baraka' AND rm.room = 'east-africa' AND rm.state = 0")
                  .getInt(),
              0);
    EXPECT_TRUE(testing::eventually([&] { return count_containing(baraka, "A moderator removed you from East Africa") == 1; }));
    // Imported from the semicolon file, the numbers in the form members write from.
    EXPECT_EQ(db.execAndGet("SELECT count(*) FROM members WHERE member_key IN ('254712345678', '254733111222')").getInt(), 2);
    EXPECT_EQ(db.execAndGet("SELECT count(*) FROM members WHERE alias IN ('Akinyi', 'Mwangi')").getInt(), 0)
        << "a file with a problem imported something";
}

}  // namespace
}  // namespace delvex
