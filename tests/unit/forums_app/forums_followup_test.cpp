// After the forum: the follow-up job (did you attend? then a 1–5 rating), moderators marking attendance, and
// the moderator's recap relayed to the room.

#include <gtest/gtest.h>

#include <SQLiteCpp/Transaction.h>

#include "bot/core/message_ref.hpp"
#include "bot/store/community_repository.hpp"
#include "tests/support/harness.hpp"
#include "tests/unit/forums_app/forums_rig.hpp"

namespace delvex::testing {
namespace {

using namespace std::chrono_literals;

std::int64_t ms_at(date::sys_days day, std::chrono::seconds s) {
    return std::chrono::duration_cast<std::chrono::milliseconds>((date::sys_seconds{day} + s).time_since_epoch())
        .count();
}

class ForumsFollowupTest : public ::testing::Test {
protected:
    void SetUp() override {
        // 5100000001 moderates; 2 says Going, 3 Maybe, 4 Can't.
        rooms.rooms_by_id["andes"] = {"America/Lima",
                                      {{"5100000001", "en"},
                                       {"5100000002", "es"},
                                       {"5100000003", "en"},
                                       {"5100000004", "fr"}},
                                      {"5100000001"}};
        for (const auto& m : rooms.rooms_by_id["andes"].members) {
            add_member(db, m.member_key, m.language, now_ms(clock));
        }
        SQLite::Transaction tx(db.sql(), SQLite::TransactionBehavior::IMMEDIATE);
        store::JobRepository jobs(db.sql());
        store::ForumSeriesRow row;
        row.room = "andes";
        row.title = "Mercury-free gold";
        row.rrule = "FREQ=MONTHLY;BYDAY=1TH";
        row.dtstart_local = "2027-01-07T15:00";
        row.duration_min = 90;
        auto created = feature.create_series(db.sql(), jobs, now_ms(clock), row, {{"es", "Oro sin mercurio", ""}});
        ASSERT_TRUE(created) << created.error().message;
        id = *created;
        tx.commit();
        token = events::occurrence_token(id, date::local_days{date::year{2027} / 1 / 7} + 15h);
        occ = token.substr(token.find('-') + 1);
        int n = 0;
        const std::vector<std::pair<std::string, char>> answers = {
            {"5100000002", 'A'}, {"5100000003", 'T'}, {"5100000004", 'D'}};
        for (const auto& [member, letter] : answers) {
            ASSERT_TRUE(tap(db, feature, catalog, now_ms(clock), member,
                            "forums:rsvp:" + token + ":" + std::string(1, letter), "wamid.rsvp" + std::to_string(++n)));
        }
    }

    /// The member wrote to us at `ms`: their 24 h window is open from then.
    void inbound(const std::string& member, std::int64_t ms) {
        store::MemberRepository(db.sql()).touch_inbound(member, ms / 1000);
    }

    /// Runs the forums jobs due at `at_ms`, each in its own transaction, as the scheduler does.
    int run_due(std::int64_t at_ms) {
        int ran = 0;
        for (int guard = 0; guard < 100; ++guard) {
            SQLite::Transaction tx(db.sql(), SQLite::TransactionBehavior::IMMEDIATE);
            store::JobRepository jobs(db.sql());
            const auto due = jobs.due(at_ms, 1);
            if (due.empty()) {
                return ran;
            }
            store::OutboxRepository outbox_repo(db.sql());
            events::Outbox outbox(outbox_repo, at_ms);
            events::Context ctx{db.sql(), catalog, at_ms, outbox, jobs};
            feature.on_job(ctx, due.front());
            jobs.finish(due.front().id, store::JobState::kDone, "", at_ms);
            tx.commit();
            ++ran;
        }
        return ran;
    }

    void replan(std::int64_t at_ms) {
        SQLite::Transaction tx(db.sql(), SQLite::TransactionBehavior::IMMEDIATE);
        store::JobRepository jobs(db.sql());
        feature.plan_all(db.sql(), jobs, at_ms);
        tx.commit();
    }

    std::vector<store::OutboxRow> queued(std::string_view prefix, const std::string& member = {}) {
        std::vector<store::OutboxRow> out;
        for (auto& row : store::OutboxRepository(db.sql()).all()) {
            if (row.logical_key.starts_with(prefix) && (member.empty() || row.recipient == member)) {
                out.push_back(std::move(row));
            }
        }
        return out;
    }

    std::int64_t count(const std::string& sql) {
        SQLite::Statement q(db.sql(), sql);
        q.executeStep();
        return q.getColumn(0).getInt64();
    }

    /// The moderator (or anyone) sends a voice note.
    bool voice_note(std::int64_t at_ms, const std::string& member_key, const std::string& media_id,
                    const std::string& wamid) {
        SQLite::Transaction tx(db.sql(), SQLite::TransactionBehavior::IMMEDIATE);
        store::OutboxRepository outbox_repo(db.sql());
        events::Outbox outbox(outbox_repo, at_ms);
        store::JobRepository jobs(db.sql());
        events::Context ctx{db.sql(), catalog, at_ms, outbox, jobs};
        const auto member = store::MemberRepository(db.sql()).find(member_key);
        core::InboundMessage m;
        m.id = wamid;
        m.sender.wa_id = member_key;
        m.type = core::MessageType::kAudio;
        m.media = core::MediaRef{};
        m.media->id = media_id;
        m.media->mime_type = "audio/ogg; codecs=opus";
        m.media->voice = true;
        const bool handled = feature.on_message(ctx, *member, m);
        tx.commit();
        return handled;
    }

    TempDir dir;
    store::Database db{store::DatabaseOptions{dir.file("followup.db"), false, 5000, false}};
    core::FakeClock clock{core::TimePoint{date::sys_days{date::year{2027} / 1 / 1}}};
    core::Catalog catalog = load_catalog();
    FakeRooms rooms;
    events::ForumsFeature feature{rooms};
    std::int64_t id = 0;
    std::string token;
    std::string occ;
    // 2027-01-07 15:00 in Lima is 20:00Z; 90 minutes later it ends.
    const std::int64_t start_ms = ms_at(date::sys_days{date::year{2027} / 1 / 7}, 20h);
    const std::int64_t end_ms = start_ms + 90 * 60'000LL;
};

TEST_F(ForumsFollowupTest, JobPlannedAtTheEndAsksThoseGoingOrMaybeOnceInsideTheirWindow) {
    store::JobRepository jobs(db.sql());
    const auto job = jobs.find("forums.followup:" + std::to_string(id) + ":0:" + occ);
    ASSERT_TRUE(job);
    EXPECT_EQ(job->kind, "forums.followup");
    EXPECT_EQ(job->due_ms, end_ms);
    EXPECT_EQ(job->expires_ms, end_ms + 3 * 86'400'000LL);

    // 2 (Going) and 4 (Can't) wrote this morning; 3 (Maybe) has not written for days: no template, not asked.
    inbound("5100000002", start_ms - 6 * 3'600'000LL);
    inbound("5100000004", start_ms - 6 * 3'600'000LL);
    run_due(end_ms - 1);
    EXPECT_TRUE(queued("forums.attend:").empty()) << "asked before the forum ended";

    run_due(end_ms);
    const auto asked = queued("forums.attend:");
    ASSERT_EQ(asked.size(), 1u);
    EXPECT_EQ(asked[0].recipient, "5100000002");
    EXPECT_EQ(asked[0].logical_key, "forums.attend:" + token);
    EXPECT_NE(shown_text(asked[0]).find("Oro sin mercurio"), std::string::npos) << shown_text(asked[0]);
    EXPECT_EQ(choices(asked[0]),
              (std::vector<std::string>{"forums:attend:" + token + ":Y", "forums:attend:" + token + ":N"}));

    // A re-plan (a restart, the daily plan) and the job run again: nobody is asked twice.
    replan(end_ms + 1000);
    run_due(end_ms + 2000);
    {
        SQLite::Transaction tx(db.sql(), SQLite::TransactionBehavior::IMMEDIATE);
        store::OutboxRepository outbox_repo(db.sql());
        events::Outbox outbox(outbox_repo, end_ms + 3000);
        store::JobRepository again(db.sql());
        events::Context ctx{db.sql(), catalog, end_ms + 3000, outbox, again};
        feature.on_job(ctx, *job);
        tx.commit();
    }
    EXPECT_EQ(queued("forums.attend:").size(), 1u);
    EXPECT_EQ(count("SELECT count(*) FROM jobs WHERE kind = 'forums.followup' AND job_key LIKE '%" + occ + "'"), 1);
}

TEST_F(ForumsFollowupTest, YesIsStoredAndFollowedByTheRatingWhichIsStored) {
    inbound("5100000002", start_ms);
    run_due(end_ms);
    const auto at = end_ms + 60'000;
    ASSERT_TRUE(tap(db, feature, catalog, at, "5100000002", "forums:attend:" + token + ":Y", "wamid.yes"));
    EXPECT_EQ(count("SELECT count(*) FROM forum_attendance WHERE member_key = '5100000002' AND source = 2 "
                    "AND occurrence = '" + occ + "'"),
              1);
    const auto ask = queued("forums.feedback_ask:", "5100000002");
    ASSERT_EQ(ask.size(), 1u);
    const auto ids = choices(ask[0]);
    ASSERT_EQ(ids.size(), 5u);
    EXPECT_EQ(ids[0], "forums:feedback:" + token + ":1");
    EXPECT_EQ(ids[4], "forums:feedback:" + token + ":5");

    ASSERT_TRUE(say(db, feature, catalog, at + 1000, "5100000002", "4", "wamid.rate", ids[3]));
    EXPECT_EQ(count("SELECT rating FROM forum_feedback WHERE member_key = '5100000002' AND occurrence = '" + occ + "'"),
              4);
    const auto thanks = queued("forums.followup:" + core::message_ref("wamid.rate"), "5100000002");
    ASSERT_EQ(thanks.size(), 1u);
    EXPECT_NE(shown_text(thanks[0]).find("4/5"), std::string::npos) << shown_text(thanks[0]);

    // A "No" stores nothing and asks nothing more.
    ASSERT_TRUE(tap(db, feature, catalog, at, "5100000003", "forums:attend:" + token + ":N", "wamid.no"));
    EXPECT_EQ(count("SELECT count(*) FROM forum_attendance WHERE member_key = '5100000003'"), 0);
    EXPECT_TRUE(queued("forums.feedback_ask:", "5100000003").empty());
    // A rating out of range is ours but not stored.
    ASSERT_TRUE(tap(db, feature, catalog, at, "5100000003", "forums:feedback:" + token + ":9", "wamid.bad"));
    EXPECT_EQ(count("SELECT count(*) FROM forum_feedback WHERE member_key = '5100000003'"), 0);
}

TEST_F(ForumsFollowupTest, RecapOrAttendedFromANonModeratorIsAnOrdinaryPost) {
    const auto after = end_ms + 3'600'000;
    EXPECT_FALSE(say(db, feature, catalog, after, "5100000002", "recap", "wamid.r1"));
    EXPECT_FALSE(say(db, feature, catalog, after, "5100000002", "Recap", "wamid.r2"));
    EXPECT_FALSE(say(db, feature, catalog, after, "5100000002", "attended Rosa", "wamid.r3"));
    EXPECT_FALSE(say(db, feature, catalog, after, "5100000002", "We talked about retorts.", "wamid.r4"));
    EXPECT_EQ(count("SELECT count(*) FROM forum_recaps"), 0);
    EXPECT_EQ(count("SELECT count(*) FROM forum_drafts"), 0);
    // The rooms' own words stay theirs, even from a moderator ("résumé" is the digest in French).
    EXPECT_FALSE(say(db, feature, catalog, after, "5100000004", "résumé", "wamid.r6"));
    EXPECT_FALSE(say(db, feature, catalog, after, "5100000001", "digest", "wamid.r7"));
    // A moderator's sentence starting with the word is a post too, not an alias.
    EXPECT_FALSE(say(db, feature, catalog, after, "5100000001", "attended the whole forum, thanks all", "wamid.r5"));
}

TEST_F(ForumsFollowupTest, ModeratorsRecapReachesTheRoomMembersWithAnOpenWindow) {
    const auto after = end_ms + 3'600'000;
    inbound("5100000002", after - 3'600'000);
    inbound("5100000004", after - 3'600'000);
    // 3 last wrote a week ago: not reached (no template for a recap).

    ASSERT_TRUE(say(db, feature, catalog, after, "5100000001", "recap", "wamid.m1"));
    const auto asked = queued("forums.after:" + core::message_ref("wamid.m1"), "5100000001");
    ASSERT_EQ(asked.size(), 1u);
    EXPECT_NE(shown_text(asked[0]).find("Mercury-free gold"), std::string::npos) << shown_text(asked[0]);

    ASSERT_TRUE(say(db, feature, catalog, after + 60'000, "5100000001", "We compared retorts. Next: water.",
                    "wamid.m2"));
    const auto sent = queued("forums.recap:" + core::message_ref("wamid.m2"));
    std::map<std::string, std::string> by_member;
    for (const auto& row : sent) {
        by_member[row.recipient] = shown_text(row);
    }
    ASSERT_EQ(by_member.size(), 2u);
    EXPECT_EQ(by_member["5100000002"], "📝 Resumen del foro · Oro sin mercurio\nWe compared retorts. Next: water.");
    EXPECT_EQ(by_member["5100000004"], "📝 Résumé du forum · Mercury-free gold\nWe compared retorts. Next: water.");
    EXPECT_EQ(count("SELECT count(*) FROM forum_recaps WHERE kind = 'text' AND member_key = '5100000001' "
                    "AND occurrence = '" + occ + "'"),
              1);
    EXPECT_EQ(queued("forums.recap_sent:" + core::message_ref("wamid.m2"), "5100000001").size(), 1u);
    // The draft is used up: the moderator's next message is a post again.
    EXPECT_FALSE(say(db, feature, catalog, after + 120'000, "5100000001", "Thanks all!", "wamid.m3"));

    // A voice note: a labelled line, then the audio by its media id.
    ASSERT_TRUE(say(db, feature, catalog, after + 180'000, "5100000001", "recap", "wamid.m4"));
    ASSERT_TRUE(voice_note(after + 240'000, "5100000001", "media.voice.1", "wamid.m5"));
    const auto head = queued("forums.recaphead:" + core::message_ref("wamid.m5"), "5100000002");
    ASSERT_EQ(head.size(), 1u);
    EXPECT_EQ(shown_text(head[0]), "📝 Resumen del foro · Oro sin mercurio\n🎤 Nota de voz");
    const auto audio = queued("forums.recap:" + core::message_ref("wamid.m5"), "5100000002");
    ASSERT_EQ(audio.size(), 1u);
    const auto message = delivery::message_of(audio[0]);
    ASSERT_TRUE(message);
    const auto* media = std::get_if<core::OutgoingMedia>(&message->body);
    ASSERT_NE(media, nullptr);
    EXPECT_EQ(media->kind, core::MediaKind::kAudio);
    EXPECT_TRUE(queued("forums.recap:" + core::message_ref("wamid.m5"), "5100000003").empty());
    EXPECT_EQ(count("SELECT count(*) FROM forum_recaps WHERE kind = 'audio' AND body = 'media.voice.1'"), 1);
}

TEST_F(ForumsFollowupTest, ModeratorMarksAttendanceByAlias) {
    store::CommunityRepository community(db.sql());
    community.import_member("5100000003", "en", "Rosa", now_ms(clock) / 1000);
    const auto after = end_ms + 3'600'000;
    ASSERT_TRUE(say(db, feature, catalog, after, "5100000001", "attended Rosa", "wamid.a1"));
    EXPECT_EQ(count("SELECT count(*) FROM forum_attendance WHERE member_key = '5100000003' AND source = 1 "
                    "AND occurrence = '" + occ + "'"),
              1);
    const auto done = queued("forums.after:" + core::message_ref("wamid.a1"), "5100000001");
    ASSERT_EQ(done.size(), 1u);
    EXPECT_NE(shown_text(done[0]).find("Rosa"), std::string::npos) << shown_text(done[0]);
    ASSERT_TRUE(say(db, feature, catalog, after, "5100000001", "attended Nobody", "wamid.a2"));
    EXPECT_EQ(count("SELECT count(*) FROM forum_attendance"), 1);
}

}  // namespace
}  // namespace delvex::testing
