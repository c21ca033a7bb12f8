// The Academy feature on a real SQLite file: learner state, outbox rows and jobs commit with the event, and a
// reopened database resumes the learner at the same step.

#include <gtest/gtest.h>

#include <SQLiteCpp/Transaction.h>

#include "bot/delivery/codec.hpp"
#include "bot/events/academy_feature.hpp"
#include "bot/store/database.hpp"
#include "bot/store/repositories.hpp"
#include "tests/support/harness.hpp"

namespace delvex {
namespace {

using testing::TempDir;

const core::Catalog& catalog() {
    static const core::Catalog c = core::Catalog::load(std::string(DELVEX_SOURCE_DIR) + "/config/locales");
    return c;
}

std::shared_ptr<const academy::Engine> engine() {
    return events::load_academy(std::string(DELVEX_SOURCE_DIR) + "/tests/fixtures/academy/learner", catalog());
}

/// One open database with the feature, applying messages the way the inbox consumer does.
struct Rig {
    explicit Rig(const std::string& path) : db({path, false, 5000, false}), feature(engine()) {
        store::MemberRepository members(db.sql());
        if (!members.find(kKey)) {
            store::MemberRow row;
            row.member_key = kKey;
            row.wa_id = kKey;
            row.language = "en";
            row.first_seen = now_ms / 1000;
            row.last_inbound = now_ms / 1000;
            members.insert(row);
        }
    }

    bool send(core::InboundMessage m) {
        m.id = "wamid.t" + std::to_string(now_ms) + "." + std::to_string(++seq);
        SQLite::Transaction tx(db.sql(), SQLite::TransactionBehavior::IMMEDIATE);
        store::OutboxRepository outbox_repo(db.sql());
        store::JobRepository jobs(db.sql());
        events::Outbox outbox(outbox_repo, now_ms);
        events::Context ctx{db.sql(), catalog(), now_ms, outbox, jobs};
        store::MemberRepository members(db.sql());
        members.touch_inbound(kKey, now_ms / 1000);
        const auto member = members.find(kKey);
        const bool handled = feature.on_message(ctx, *member, m);
        tx.commit();
        return handled;
    }
    bool say(const std::string& text) {
        core::InboundMessage m;
        m.type = core::MessageType::kText;
        m.text = text;
        return send(m);
    }
    bool tap(const std::string& id) {
        core::InboundMessage m;
        m.type = core::MessageType::kInteractive;
        m.interactive = core::InteractiveType::kButtonReply;
        m.reply_id = id;
        return send(m);
    }
    /// Everything queued for the member, decoded, in order.
    std::vector<core::OutgoingMessage> queued() {
        store::OutboxRepository outbox(db.sql());
        std::vector<core::OutgoingMessage> out;
        for (const auto& row : outbox.all()) {
            if (auto m = delivery::message_of(row)) {
                out.push_back(*m);
            }
        }
        return out;
    }
    std::string last_body() {
        const auto all = queued();
        if (all.empty()) {
            return {};
        }
        const auto& b = all.back().body;
        if (const auto* t = std::get_if<core::OutgoingText>(&b)) {
            return t->body;
        }
        if (const auto* r = std::get_if<core::ReplyButtons>(&b)) {
            return r->body + "|" + r->footer;
        }
        if (const auto* l = std::get_if<core::ListMessage>(&b)) {
            return l->body;
        }
        return {};
    }

    static constexpr const char* kKey = "254700000777";
    std::int64_t now_ms = 1'800'000'000'000;
    int seq = 0;
    store::Database db;
    events::Academy feature;
};

TEST(AcademyStore, ProgressAnswersAndJobsCommitWithTheEventAndSurviveAReopen) {
    TempDir dir;
    const auto path = dir.file("delvex.db");
    {
        Rig r(path);
        EXPECT_TRUE(r.say("learn"));
        EXPECT_TRUE(r.say("Amina"));
        EXPECT_TRUE(r.tap("academy:consent:yes"));
        EXPECT_TRUE(r.tap("academy:mod:learner-demo"));
        EXPECT_TRUE(r.tap("academy:next:ld-intro"));
        EXPECT_NE(r.last_body().find("Step 2 of 7"), std::string::npos) << r.last_body();
        store::JobRepository jobs(r.db.sql());
        const auto nudge = jobs.find("academy.nudge:m1:0");
        // The member's row id is 1 in a fresh file; the nudge moved with the last step.
        ASSERT_TRUE(nudge.has_value());
        EXPECT_EQ(nudge->due_ms, r.now_ms + 3LL * 24 * 3600 * 1000);
        EXPECT_EQ(jobs.count(store::JobState::kWaiting), 1);
    }
    {
        Rig r(path);
        r.now_ms += 30LL * 24 * 3600 * 1000;  // weeks later, a new process
        EXPECT_TRUE(r.say("learn"));
        const auto before = r.queued().size();
        store::AcademyRepository repo(r.db.sql());
        const auto profiles = repo.profiles(Rig::kKey);
        ASSERT_EQ(profiles.size(), 1u);
        EXPECT_TRUE(r.tap("academy:who:" + std::to_string(profiles[0].id)));
        ASSERT_GT(r.queued().size(), before);
        EXPECT_NE(r.last_body().find("Step 2 of 7"), std::string::npos) << r.last_body();
        const auto p = repo.progress(profiles[0].id, "learner-demo");
        ASSERT_TRUE(p);
        EXPECT_EQ(p->position, 1);
        EXPECT_EQ(p->plan.size(), 7u);
        EXPECT_EQ(p->module_version, 1);
    }
}

TEST(AcademyStore, ACertificateIsStoredOnceAndForgettingKeepsItWithoutTheName) {
    TempDir dir;
    Rig r(dir.file("delvex.db"));
    r.say("learn");
    r.say("Amina");
    r.tap("academy:consent:yes");
    r.tap("academy:mod:learner-demo");
    r.tap("academy:next:ld-intro");
    r.tap("academy:next:ld-picture");
    r.tap("academy:ans:ld-practice:true");
    r.tap("academy:ans:ld-q1:wet");
    r.tap("academy:ans:ld-q2:retort");
    r.say("mercury");
    r.tap("academy:ans:ld-q4:false");
    store::AcademyRepository repo(r.db.sql());
    const auto rows = repo.export_rows();
    ASSERT_EQ(rows.size(), 1u);
    EXPECT_EQ(rows[0].learner, "Amina");
    EXPECT_EQ(rows[0].status, academy::Status::kPassed);
    EXPECT_EQ(rows[0].score, 100);
    ASSERT_EQ(rows[0].certificate.size(), 12u);
    EXPECT_EQ(repo.answer_count(), 5);
    const auto code = rows[0].certificate;
    EXPECT_NE(r.last_body().find(code), std::string::npos);
    EXPECT_TRUE(r.say("verify " + code));
    EXPECT_NE(r.last_body().find("is real"), std::string::npos) << r.last_body();
    store::JobRepository jobs(r.db.sql());
    EXPECT_EQ(jobs.waiting("academy.review:").size(), 1u);

    store::MemberRepository members(r.db.sql());
    const auto member = members.find(Rig::kKey);
    {
        SQLite::Transaction tx(r.db.sql());
        store::OutboxRepository outbox_repo(r.db.sql());
        events::Outbox outbox(outbox_repo, r.now_ms);
        events::Context ctx{r.db.sql(), catalog(), r.now_ms, outbox, jobs};
        r.feature.forget(ctx, *member);
        tx.commit();
    }
    EXPECT_TRUE(repo.profiles(Rig::kKey).empty());
    const auto cert = repo.certificate(code);
    ASSERT_TRUE(cert);
    EXPECT_EQ(cert->learner_name, "");
    EXPECT_EQ(repo.answer_count(), 0);
}

}  // namespace
}  // namespace delvex
