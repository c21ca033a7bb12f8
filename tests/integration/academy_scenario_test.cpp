// The Academy end to end: signed webhooks into the real service, lessons out through the real Graph client
// to the fake Graph API, state in a real SQLite file, and a restart of the service in the middle of a
// module. The content is the test module in tests/fixtures/academy/learner, so editing the real lessons
// never breaks this test.

#include <gtest/gtest.h>

#include <date/date.h>

#include <cstdlib>
#include <filesystem>

#include "bot/store/academy_repository.hpp"
#include "bot/store/database.hpp"
#include "bot/store/job_repository.hpp"
#include "tests/support/harness.hpp"

namespace delvex {
namespace {

using namespace std::chrono_literals;

class AcademyScenario : public ::testing::Test {
protected:
    void SetUp() override {
        // Pacing is tested elsewhere; here every message may go at once on a clock that stands still.
        ::setenv("DELVEX_RECIPIENT_INTERVAL_MS", "0", 1);
        ::setenv("DELVEX_RECIPIENT_BURST", "45", 1);
        ::setenv("DELVEX_SEND_RATE", "0", 1);
        // A home with the real config and the test module as its academy-content.
        namespace fs = std::filesystem;
        fs::create_symlink(fs::path(DELVEX_SOURCE_DIR) / "config", fs::path(home.path()) / "config");
        fs::create_symlink(fs::path(DELVEX_SOURCE_DIR) / "tests/fixtures/academy/learner",
                           fs::path(home.path()) / "academy-content");
        harness = std::make_unique<testing::ServiceHarness>(dir.file("academy.db"), whatsapp::FakeGraphOptions{},
                                                            &clock);
        harness->stop_service();
        harness->config().home = home.path();
        harness->start_service();
    }

    void send(core::InboundMessage m) {
        m.id = "wamid.academy" + std::to_string(++sequence);
        m.sender.wa_id = kAmina;
        m.sender.profile_name = "Amina";
        m.timestamp = core::to_unix(clock.now());
        const auto result = harness->post_webhook(harness->webhook_for(m));
        ASSERT_EQ(result.status, 200) << result.body;
        ASSERT_TRUE(testing::eventually([&] { return harness->service().quiet(); }, 20s));
    }
    void say(const std::string& text) { send(testing::ServiceHarness::text_message("", kAmina, text, "Amina")); }
    void tap(const std::string& reply_id, bool list = false) {
        core::InboundMessage m;
        m.type = core::MessageType::kInteractive;
        m.type_name = "interactive";
        m.interactive = list ? core::InteractiveType::kListReply : core::InteractiveType::kButtonReply;
        m.reply_id = reply_id;
        m.text = reply_id;
        send(m);
    }

    std::vector<whatsapp::RecordedMessage> sent() const {
        std::vector<whatsapp::RecordedMessage> out;
        for (auto& m : harness->fake().messages()) {
            if (m.recipient == std::string("+") + kAmina) {
                out.push_back(m);
            }
        }
        return out;
    }
    /// Texts of the messages sent since `from` (an index into sent()).
    std::string since(std::size_t from) const {
        const auto all = sent();
        std::string s;
        for (std::size_t i = from; i < all.size(); ++i) {
            s += all[i].text + "\n";
        }
        return s;
    }
    /// Reply ids (buttons or list rows) of the last message sent.
    std::vector<std::string> last_ids() const {
        std::vector<std::string> out;
        const auto all = sent();
        if (all.empty()) {
            return out;
        }
        const auto& body = all.back().message.body;
        if (const auto* b = std::get_if<core::ReplyButtons>(&body)) {
            for (const auto& x : b->buttons) {
                out.push_back(x.id);
            }
        } else if (const auto* l = std::get_if<core::ListMessage>(&body)) {
            for (const auto& sec : l->sections) {
                for (const auto& r : sec.rows) {
                    out.push_back(r.id);
                }
            }
        }
        return out;
    }
    bool offered(const std::string& id) const {
        const auto ids = last_ids();
        return std::find(ids.begin(), ids.end(), id) != ids.end();
    }

    static constexpr const char* kAmina = "254700000001";
    testing::TempDir dir;
    testing::TempDir home;
    core::FakeClock clock{core::TimePoint{date::sys_days{date::year{2027} / 3 / 1} + 8h}};
    std::unique_ptr<testing::ServiceHarness> harness;
    int sequence = 0;
};

TEST_F(AcademyScenario, StartAnswerRightAndWrongRestartResumePassCertifyAndVerify) {
    // Onboarding by the rooms gate (language, room, alias, consent), then the Academy.
    say("hello");
    tap("rooms:lang:en", true);
    tap("rooms:room:east-africa", true);
    say("Amina Gold");
    tap("rooms:consent:yes");

    auto mark = sent().size();
    say("learn");
    EXPECT_NE(since(mark).find("Who is learning"), std::string::npos) << since(mark);
    say("Amina");
    EXPECT_TRUE(offered("academy:consent:yes")) << since(mark);
    tap("academy:consent:yes");
    ASSERT_TRUE(offered("academy:mod:learner-demo")) << since(mark);
    mark = sent().size();
    tap("academy:mod:learner-demo", true);
    EXPECT_NE(since(mark).find("Wet the rock"), std::string::npos) << since(mark);
    ASSERT_TRUE(offered("academy:next:ld-intro"));
    EXPECT_TRUE(offered("academy:repeat:ld-intro"));
    tap("academy:next:ld-intro");
    ASSERT_TRUE(offered("academy:next:ld-picture"));  // low data: the picture's caption, the file on request
    tap("academy:next:ld-picture");
    // A right answer: its feedback, then the next question.
    mark = sent().size();
    tap("academy:ans:ld-practice:true");
    EXPECT_NE(since(mark).find("Right!"), std::string::npos) << since(mark);
    EXPECT_NE(since(mark).find("wet dust stays down"), std::string::npos);
    ASSERT_TRUE(offered("academy:ans:ld-q1:wet"));
    // A wrong answer: why, a hint, and the same question for a second try.
    mark = sent().size();
    tap("academy:ans:ld-q1:cloth");
    EXPECT_NE(since(mark).find("Not quite"), std::string::npos) << since(mark);
    EXPECT_NE(since(mark).find("lets fine dust through"), std::string::npos);
    EXPECT_NE(since(mark).find("Hint: Think of water"), std::string::npos);
    EXPECT_NE(since(mark).find("Try again"), std::string::npos);
    ASSERT_TRUE(offered("academy:ans:ld-q1:wet"));

    // The service restarts in the middle of the module, on the same database file.
    harness->stop_service();
    harness->start_service();
    clock.advance(24h * 20);  // and the learner comes back weeks later

    mark = sent().size();
    say("learn");
    ASSERT_EQ(last_ids().size(), 2u) << since(mark);  // Amina, Someone new
    tap(last_ids()[0]);
    EXPECT_NE(since(mark).find("Welcome back, Amina"), std::string::npos) << since(mark);
    EXPECT_NE(since(mark).find("What protects your lungs"), std::string::npos);  // the same question
    ASSERT_TRUE(offered("academy:ans:ld-q1:wet"));
    {
        store::Database db({dir.file("academy.db"), false, 5000, false});
        store::AcademyRepository repo(db.sql());
        const auto p = repo.progress(repo.profiles(kAmina).at(0).id, "learner-demo");
        ASSERT_TRUE(p);
        EXPECT_EQ(p->plan.at(static_cast<std::size_t>(p->position)), "ld-q1");
        EXPECT_EQ(p->tries_used, 1);  // the wrong try was kept across the restart
    }

    // The second try is right; the rest of the quiz; the typed answer accepts a variant.
    mark = sent().size();
    tap("academy:ans:ld-q1:wet");
    EXPECT_NE(since(mark).find("stops most dust"), std::string::npos);
    tap("academy:ans:ld-q2:retort", true);
    say("Mercury!");
    mark = sent().size();
    tap("academy:ans:ld-q4:false");
    const auto done = since(mark);
    EXPECT_NE(done.find("Well done, Amina"), std::string::npos) << done;
    EXPECT_NE(done.find("75%"), std::string::npos);  // three of four: the second-try answer does not count

    std::string code;
    {
        store::Database db({dir.file("academy.db"), false, 5000, false});
        store::AcademyRepository repo(db.sql());
        const auto rows = repo.export_rows();
        ASSERT_EQ(rows.size(), 1u);
        EXPECT_EQ(rows[0].status, academy::Status::kPassed);
        code = rows[0].certificate;
    }
    ASSERT_EQ(code.size(), 12u);
    EXPECT_NE(done.find(code), std::string::npos);

    // Verify in chat, in another language's words and lower case.
    mark = sent().size();
    say("vérifier " + code.substr(0, 4) + " " + code.substr(4, 4) + " " + code.substr(8));
    EXPECT_NE(since(mark).find("Certificate " + code + " is real"), std::string::npos) << since(mark);
    EXPECT_NE(since(mark).find("Amina passed"), std::string::npos);

    // And over HTTP: name, module and date; never a phone number.
    const auto r = testing::http_request(harness->port(), "GET", "/certificates/" + code);
    EXPECT_EQ(r.status, 200) << r.body;
    EXPECT_NE(r.body.find("\"name\":\"Amina\""), std::string::npos) << r.body;
    EXPECT_NE(r.body.find("\"module\":\"Dust and mercury\""), std::string::npos);
    EXPECT_NE(r.body.find("\"date\":\"2027-03-21\""), std::string::npos);
    EXPECT_EQ(r.body.find("254700000001"), std::string::npos);
    EXPECT_EQ(testing::http_request(harness->port(), "GET", "/certificates/ZZZZ2222").status, 404);
    EXPECT_EQ(testing::http_request(harness->port(), "GET", "/certificates/not-a-code").status, 404);
    EXPECT_EQ(testing::http_request(harness->port(), "POST", "/certificates/" + code).status, 405);

    // The media a step offers is served for the Graph API to fetch; nothing else under the content folder.
    const auto png = testing::http_request(harness->port(), "GET", "/academy/media/demo/media/dot.png");
    EXPECT_EQ(png.status, 200);
    ASSERT_EQ(png.headers.count("Content-Type"), 1u);
    EXPECT_EQ(png.headers.at("Content-Type"), "image/png");
    EXPECT_EQ(testing::http_request(harness->port(), "GET", "/academy/media/demo/module.yaml").status, 404);
    EXPECT_EQ(testing::http_request(harness->port(), "GET", "/academy/media/demo/../../../etc/passwd").status, 404);
}

TEST_F(AcademyScenario, NudgesOnlyInsideTheWindowAndAReviewQuestionAWeekAfterPassing) {
    say("hello");
    tap("rooms:lang:en", true);
    tap("rooms:room:east-africa", true);
    say("Amina Gold");
    tap("rooms:consent:yes");
    say("learn");
    say("Amina");
    tap("academy:consent:yes");
    tap("academy:mod:learner-demo", true);
    say("pause");
    auto jobs_in = [&](int state) {
        store::Database db({dir.file("academy.db"), false, 5000, true});
        store::JobRepository jobs(db.sql());
        return jobs.count(static_cast<store::JobState>(state));
    };
    auto run_jobs = [&] {
        harness->service().run_scheduler();
        ASSERT_TRUE(testing::eventually([&] { return harness->service().quiet(); }, 20s));
    };

    // Three idle days and no message from the member since: the window is closed, the nudge is dropped.
    auto mark = sent().size();
    clock.advance(72h + 1h);
    run_jobs();
    EXPECT_EQ(since(mark).find("is waiting"), std::string::npos) << since(mark);
    EXPECT_EQ(sent().size(), mark);
    EXPECT_EQ(jobs_in(0), 0);  // nothing waiting: it ran (and sent nothing)

    // Back to the lesson, then paused again; the member keeps chatting in the room, so the window is open
    // when the next nudge comes due three days later.
    tap("academy:resume");
    say("pause");
    clock.advance(60h);
    say("hello everyone, the rain stopped");
    mark = sent().size();
    clock.advance(12h + 1h);
    run_jobs();
    EXPECT_NE(since(mark).find("is waiting"), std::string::npos) << since(mark);
    ASSERT_TRUE(offered("academy:resume"));

    // Finish the module; the first review question comes two days later, inside the window.
    tap("academy:resume");
    tap("academy:next:ld-intro");
    tap("academy:next:ld-picture");
    tap("academy:ans:ld-practice:true");
    tap("academy:ans:ld-q1:wet");
    tap("academy:ans:ld-q2:retort", true);
    say("mercury");
    tap("academy:ans:ld-q4:false");
    EXPECT_NE(since(mark).find("Well done"), std::string::npos);
    clock.advance(24h + 12h);
    say("good morning room");
    mark = sent().size();
    clock.advance(12h + 1h);
    run_jobs();
    EXPECT_NE(since(mark).find("Quick review"), std::string::npos) << since(mark);
    const auto ids = last_ids();
    ASSERT_FALSE(ids.empty());
    ASSERT_TRUE(ids[0].starts_with("academy:rev:")) << ids[0];
    mark = sent().size();
    tap(ids[0], ids[0].find("ld-q2") != std::string::npos);
    EXPECT_GT(sent().size(), mark);
}

}  // namespace
}  // namespace delvex
