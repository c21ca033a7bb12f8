// Spaced review after passing: a question about 2, 7 and 21 days later, a missed one back sooner, never
// outside the 24 h window. Time is the `now` handed to the engine; nothing sleeps.

#include <gtest/gtest.h>

#include <algorithm>
#include <iterator>

#include "bot/academy/engine.hpp"
#include "bot/academy/loader.hpp"
#include "tests/unit/academy/memory_store.hpp"

namespace delvex::academy {
namespace {

constexpr std::int64_t kDay = 24LL * 3600 * 1000;
constexpr std::int64_t kHour = 3600 * 1000;

const core::Catalog& catalog() {
    static const core::Catalog c = core::Catalog::load(std::string(DELVEX_SOURCE_DIR) + "/config/locales");
    return c;
}

std::vector<std::string> ids(const Effects& fx) {
    std::vector<std::string> out;
    for (const auto& body : fx.messages) {
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
    }
    return out;
}

/// The review jobs among `fx.jobs`.
std::vector<JobPlan> reviews(const Effects& fx) {
    std::vector<JobPlan> out;
    std::copy_if(fx.jobs.begin(), fx.jobs.end(), std::back_inserter(out),
                 [](const JobPlan& j) { return j.kind == "academy.review"; });
    return out;
}

/// "academy:rev:<step>:<option>:..." → "<step>".
std::string step_of(const std::string& reply_id) {
    const auto from = std::string("academy:rev:").size();
    return reply_id.substr(from, reply_id.find(':', from) - from);
}

struct Rig {
    explicit Rig(EngineOptions options = {})
        : engine(load_content(std::string(DELVEX_SOURCE_DIR) + "/tests/fixtures/academy/learner"), catalog(),
                 with_random(std::move(options))) {
        learner.member_id = 7;
        learner.member_key = "254700000001";
        learner.language = "en";
    }
    static EngineOptions with_random(EngineOptions o) {
        o.random_bytes = [n = 0](std::size_t k) mutable { return std::string(k, static_cast<char>(++n)); };
        return o;
    }
    Effects message(core::InboundMessage m) {
        learner.last_inbound = now / 1000;
        return engine.on_message(store, learner, m, now);
    }
    Effects say(const std::string& text) {
        core::InboundMessage m;
        m.type = core::MessageType::kText;
        m.text = text;
        return message(m);
    }
    Effects tap(const std::string& id) {
        core::InboundMessage m;
        m.type = core::MessageType::kInteractive;
        m.reply_id = id;
        return message(m);
    }
    /// Enrols and passes the fixture module; returns the effects of the last answer.
    Effects pass() {
        say("learn");
        say("Amina");
        tap("academy:consent:yes");
        tap("academy:mod:learner-demo");
        tap("academy:next:ld-intro");
        tap("academy:next:ld-picture");
        tap("academy:ans:ld-practice:true");
        tap("academy:ans:ld-q1:wet");
        tap("academy:ans:ld-q2:retort");
        say("mercury");
        return tap("academy:ans:ld-q4:false");
    }
    /// Runs a due job at its due time, the learner having written `written_ago` before.
    Effects run(const JobPlan& job, std::int64_t written_ago = kHour) {
        now = job.due_ms;
        learner.last_inbound = (now - written_ago) / 1000;
        return engine.on_job(store, learner, job.kind, job.payload, now);
    }
    /// Answers the review question in `fx`: its right option or a wrong one.
    Effects answer(const Effects& fx, bool right) {
        for (const auto& id : ids(fx)) {
            if (!id.starts_with("academy:rev:")) {
                continue;
            }
            const std::string step = step_of(id);
            const bool is_right = id.find(step == "ld-q4" ? ":false:" : step == "ld-q1" ? ":wet:" : ":retort:") !=
                                  std::string::npos;
            if (is_right == right) {
                return tap(id);
            }
        }
        ADD_FAILURE() << "no review option to tap";
        return {};
    }

    testing::MemoryStore store;
    std::int64_t now = 1'800'000'000'000;
    Engine engine;
    Learner learner;
};

TEST(AcademyReview, ComesTwoSevenAndTwentyOneDaysAfterPassingOneQuestionEachTime) {
    Rig r;
    const std::int64_t passed_at = r.now;
    auto plan = reviews(r.pass());
    ASSERT_EQ(plan.size(), 1u);
    EXPECT_EQ(plan[0].due_ms, passed_at + 2 * kDay);
    EXPECT_EQ(plan[0].payload.find(r.learner.member_key), std::string::npos);  // no phone number in jobs
    for (const int day : {7, 21}) {
        auto fx = r.run(plan[0]);
        ASSERT_EQ(fx.messages.size(), 1u);  // one question
        const auto rev = ids(fx);
        ASSERT_FALSE(rev.empty());
        EXPECT_TRUE(rev[0].starts_with("academy:rev:")) << rev[0];
        plan = reviews(fx);
        ASSERT_EQ(plan.size(), 1u) << "day " << day;
        EXPECT_EQ(plan[0].due_ms, passed_at + day * kDay);
        const auto after = r.answer(fx, true);
        EXPECT_TRUE(reviews(after).empty());  // a right answer plans nothing more
    }
    auto last = r.run(plan[0]);
    ASSERT_EQ(last.messages.size(), 1u);
    EXPECT_TRUE(reviews(last).empty());  // the 21-day review is the last
    const auto answered = r.answer(last, true);
    EXPECT_TRUE(reviews(answered).empty());
    EXPECT_EQ(r.store.answers.back().step_id.rfind("review:", 0), 0u);
}

TEST(AcademyReview, AMissedQuestionComesBackTwoDaysLaterAndTheSequenceGoesOn) {
    Rig r;
    const std::int64_t passed_at = r.now;
    auto fx = r.run(reviews(r.pass())[0]);  // day 2
    const auto next_stage = reviews(fx);
    ASSERT_EQ(next_stage.size(), 1u);
    const std::string missed = step_of(ids(fx)[0]);
    const std::int64_t missed_at = r.now + 3 * kHour;
    r.now = missed_at;
    const auto wrong = r.answer(fx, false);
    auto again = reviews(wrong);
    ASSERT_EQ(again.size(), 1u);
    EXPECT_EQ(again[0].due_ms, missed_at + 2 * kDay);  // sooner than the 7-day review
    EXPECT_LT(again[0].due_ms, next_stage[0].due_ms);
    // The same question comes back, and asks for no new next stage: it plans the same one, kept once by key.
    fx = r.run(again[0]);
    ASSERT_FALSE(ids(fx).empty());
    EXPECT_EQ(step_of(ids(fx)[0]), missed);
    ASSERT_EQ(reviews(fx).size(), 1u);
    EXPECT_EQ(reviews(fx)[0].key, next_stage[0].key);
    // Missed again: back again, up to review_again_max (2) times in a row.
    again = reviews(r.answer(fx, false));
    ASSERT_EQ(again.size(), 1u);
    fx = r.run(again[0]);
    EXPECT_EQ(step_of(ids(fx)[0]), missed);
    EXPECT_TRUE(reviews(r.answer(fx, false)).empty());
    // The 7-day review still comes.
    fx = r.run(next_stage[0]);
    EXPECT_EQ(next_stage[0].due_ms, passed_at + 7 * kDay);
    ASSERT_EQ(fx.messages.size(), 1u);
}

TEST(AcademyReview, NeverOutsideTheWindowItTriesAgainDailyThenMovesOn) {
    Rig r;
    const auto first = reviews(r.pass())[0];
    auto job = first;
    // Closed window (last message two days ago): nothing sent, the same review a day later, six times.
    for (int retry = 1; retry <= 6; ++retry) {
        const auto fx = r.run(job, 2 * kDay);
        EXPECT_TRUE(fx.messages.empty());
        ASSERT_EQ(reviews(fx).size(), 1u);
        EXPECT_EQ(reviews(fx)[0].due_ms, r.now + kDay);
        EXPECT_NE(reviews(fx)[0].key, job.key);
        job = reviews(fx)[0];
    }
    // Still closed after the retries: no message, but the next stage (7 days after the 2-day one) is kept.
    auto fx = r.run(job, 2 * kDay);
    EXPECT_TRUE(fx.messages.empty());
    ASSERT_EQ(reviews(fx).size(), 1u);
    EXPECT_EQ(reviews(fx)[0].due_ms, r.now + 5 * kDay);
    // Inside the window (the member wrote an hour ago) the review goes out.
    fx = r.run(reviews(fx)[0]);
    ASSERT_EQ(fx.messages.size(), 1u);
    EXPECT_TRUE(ids(fx)[0].starts_with("academy:rev:"));
    // 23 h 45 after the last message the window is as good as closed (the service's margin): it waits.
    const auto last = reviews(fx)[0];
    fx = r.run(last, 23 * kHour + 45 * 60 * 1000);
    EXPECT_TRUE(fx.messages.empty());
    EXPECT_EQ(reviews(fx).size(), 1u);
}

TEST(AcademyReview, TheDaysComeFromTheOptions) {
    EngineOptions o;
    o.review_days = {1, 4};
    Rig r(o);
    const std::int64_t passed_at = r.now;
    const auto plan = reviews(r.pass());
    ASSERT_EQ(plan.size(), 1u);
    EXPECT_EQ(plan[0].due_ms, passed_at + kDay);
    const auto fx = r.run(plan[0]);
    ASSERT_EQ(reviews(fx).size(), 1u);
    EXPECT_EQ(reviews(fx)[0].due_ms, passed_at + 4 * kDay);
    EXPECT_TRUE(reviews(r.run(reviews(fx)[0])).empty());

    EngineOptions none;
    none.review_days = {};
    Rig quiet(none);
    EXPECT_TRUE(reviews(quiet.pass()).empty());
}

TEST(AcademyReview, AJobPlannedBeforeTheSequenceIsTheSevenDayReview) {
    Rig r;
    r.pass();
    const auto profile = r.store.session(r.learner.member_key).profile_id;
    JobPlan old{"academy.review:old", "academy.review", r.now + 7 * kDay, r.now + 8 * kDay,
                "m7\n" + std::to_string(profile) + "\nlearner-demo\n0"};
    const auto fx = r.run(old);
    ASSERT_EQ(fx.messages.size(), 1u);
    ASSERT_EQ(reviews(fx).size(), 1u);
    EXPECT_EQ(reviews(fx)[0].due_ms, r.now + 14 * kDay);  // the 21-day one
    // A reply to an older review message (no stage in its id) is still answered, and plans nothing.
    const std::string step = step_of(ids(fx)[0]);
    const auto reply = r.tap("academy:rev:" + step + ":nonsense:" + std::to_string(profile));
    EXPECT_FALSE(reply.messages.empty());
    EXPECT_TRUE(reviews(reply).empty());
}

}  // namespace
}  // namespace delvex::academy
