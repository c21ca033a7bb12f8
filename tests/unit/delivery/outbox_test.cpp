#include "bot/store/outbox_repository.hpp"

#include <SQLiteCpp/Transaction.h>
#include <gtest/gtest.h>

#include "bot/store/database.hpp"
#include "bot/store/repositories.hpp"
#include "tests/support/harness.hpp"

namespace delvex::store {
namespace {

TEST(Outbox, StatusThatArrivesBeforeOurCommitOfTheWamidIsAppliedAtTheCommit) {
    Database db({":memory:"});
    OutboxRepository outbox(db.sql());
    outbox.enqueue("k", "254700000001", "text", "hi", 100);
    const auto id = outbox.due(100, 1).front().id;
    // delivered and read beat the commit, in the wrong order.
    EXPECT_FALSE(outbox.apply_status("wamid.early", OutboxStatus::kRead, "", 101));
    EXPECT_FALSE(outbox.apply_status("wamid.early", OutboxStatus::kDelivered, "", 102));
    EXPECT_EQ(outbox.parked_statuses(), 2);
    outbox.mark_sent(id, "wamid.early", 103);
    EXPECT_EQ(outbox.find(id)->status, OutboxStatus::kRead);
    EXPECT_EQ(outbox.parked_statuses(), 0);
}

TEST(Outbox, FailedStatusBeforeTheCommitFailsTheRowWithItsReason) {
    Database db({":memory:"});
    OutboxRepository outbox(db.sql());
    outbox.enqueue("k", "254700000001", "text", "hi", 100);
    const auto id = outbox.due(100, 1).front().id;
    outbox.apply_status("wamid.f", OutboxStatus::kFailed, "131026 undeliverable", 101);
    outbox.mark_sent(id, "wamid.f", 102);
    const auto row = outbox.find(id);
    EXPECT_EQ(row->status, OutboxStatus::kFailed);
    EXPECT_EQ(row->last_error, "131026 undeliverable");
    EXPECT_EQ(outbox.failed(10).size(), 1u);
}

TEST(Outbox, CoalescedRowsShareOneWamidAndEveryStatus) {
    Database db({":memory:"});
    OutboxRepository outbox(db.sql());
    for (int i = 0; i < 3; ++i) {
        outbox.enqueue("relay:" + std::to_string(i), "254700000001", "text", "post", 100);
    }
    std::vector<std::int64_t> ids;
    for (const auto& r : outbox.due(100, 10)) {
        ids.push_back(r.id);
    }
    outbox.mark_sent(ids, "wamid.merged", 101);
    EXPECT_TRUE(outbox.apply_status("wamid.merged", OutboxStatus::kDelivered, "", 102));
    for (const auto id : ids) {
        EXPECT_EQ(outbox.find(id)->wamid, "wamid.merged");
        EXPECT_EQ(outbox.find(id)->status, OutboxStatus::kDelivered);
    }
}

TEST(Outbox, ClaimedRowsAreNotClaimedTwiceUntilReleased) {
    Database db({":memory:"});
    OutboxRepository outbox(db.sql());
    MemberRepository members(db.sql());
    members.insert(MemberRow{0, "254700000001", "254700000001", "", "sw", 1, 1'799'990'000});
    outbox.enqueue("a", "254700000001", "text", "hi", 100);
    outbox.enqueue("b", "254700000002", "text", "hi", 100);
    auto first = outbox.claim_due(100, 10);
    ASSERT_EQ(first.size(), 2u);
    EXPECT_EQ(first[0].last_inbound, 1'799'990'000);
    EXPECT_EQ(first[0].language, "sw");
    EXPECT_EQ(first[1].last_inbound, 0) << "not a member";
    EXPECT_TRUE(outbox.claim_due(100, 10).empty());
    outbox.reschedule(first[0].id, 200, "retryable", true, 100);
    EXPECT_TRUE(outbox.claim_due(199, 10).empty());
    EXPECT_EQ(outbox.claim_due(200, 10).size(), 1u);
    EXPECT_EQ(outbox.release_claims(), 2);
    EXPECT_EQ(outbox.claim_due(200, 10).size(), 2u);
}

TEST(Outbox, HeldAndRewrittenRowsKeepTheirReason) {
    Database db({":memory:"});
    OutboxRepository outbox(db.sql());
    outbox.enqueue(OutboxEntry{"relay:9", "254700000001", "text", "{}", OutboxEncoding::kMessage, "", 1}, 100);
    outbox.enqueue(OutboxEntry{"nudge:1", "254700000001", "text", "{}", OutboxEncoding::kMessage, "academy", 1}, 100);
    const auto rows = outbox.due(100, 10);
    EXPECT_EQ(rows[0].effective_purpose(), "relay");
    EXPECT_EQ(rows[1].effective_purpose(), "academy");
    outbox.hold(rows[0].id, "window closed", 101);
    outbox.rewrite(rows[1].id, "template", "{\"v\":1}", OutboxEncoding::kMessage, "as template", 150);
    EXPECT_EQ(outbox.held("254700000001").size(), 1u);
    const auto rewritten = outbox.find(rows[1].id);
    EXPECT_EQ(rewritten->kind, "template");
    EXPECT_EQ(rewritten->next_attempt_ms, 150);
    EXPECT_EQ(outbox.counts().held, 1);
    EXPECT_EQ(outbox.counts().queued, 1);
}

TEST(Outbox, MigrationKeepsRowsQueuedByTheFirstSchema) {
    testing::TempDir dir;
    {
        // A file as the first schema left it, with a sent row and a queued one.
        SQLite::Database raw(dir.file("old.db"), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
        raw.exec(R"sql(
CREATE TABLE inbox (
    id              INTEGER PRIMARY KEY,
    dedupe_key      TEXT    NOT NULL UNIQUE,
    kind            INTEGER NOT NULL,
    member_key      TEXT    NOT NULL DEFAULT '',
    phone_number_id TEXT    NOT NULL DEFAULT '',
    event_ts        INTEGER NOT NULL DEFAULT 0,
    received_ms     INTEGER NOT NULL,
    payload         TEXT    NOT NULL,
    state           INTEGER NOT NULL DEFAULT 0,
    attempts        INTEGER NOT NULL DEFAULT 0,
    last_error      TEXT,
    done_ms         INTEGER
);
CREATE INDEX inbox_pending ON inbox(id) WHERE state = 0;

CREATE TABLE quarantine (
    id          INTEGER PRIMARY KEY,
    received_ms INTEGER NOT NULL,
    reason      TEXT    NOT NULL,
    body        BLOB    NOT NULL
);

CREATE TABLE members (
    id           INTEGER PRIMARY KEY,
    member_key   TEXT    NOT NULL UNIQUE,
    wa_id        TEXT    NOT NULL DEFAULT '',
    user_id      TEXT    NOT NULL DEFAULT '',
    language     TEXT    NOT NULL,
    first_seen   INTEGER NOT NULL,
    last_inbound INTEGER NOT NULL
);

CREATE TABLE outbox (
    id              INTEGER PRIMARY KEY,
    logical_key     TEXT    NOT NULL,
    recipient       TEXT    NOT NULL,
    kind            TEXT    NOT NULL,
    payload         TEXT    NOT NULL,
    status          INTEGER NOT NULL DEFAULT 0,
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_ms INTEGER NOT NULL,
    wamid           TEXT UNIQUE,
    last_error      TEXT,
    created_ms      INTEGER NOT NULL,
    updated_ms      INTEGER NOT NULL,
    UNIQUE (logical_key, recipient)
);
CREATE INDEX outbox_due ON outbox(next_attempt_ms) WHERE status = 0;
)sql");
        raw.exec("PRAGMA user_version = 1");
        raw.exec("INSERT INTO outbox (logical_key, recipient, kind, payload, status, next_attempt_ms, wamid, "
                 "created_ms, updated_ms) VALUES ('welcome', '254700000001', 'text', 'Karibu', 1, 5, 'wamid.A', 5, 5), "
                 "('cli:1', '254700000002', 'text', 'Habari', 0, 6, NULL, 6, 6)");
    }
    Database db({dir.file("old.db")});
    EXPECT_EQ(db.schema_version(), latest_schema_version());
    OutboxRepository outbox(db.sql());
    const auto sent = outbox.find("welcome", "254700000001");
    ASSERT_TRUE(sent);
    EXPECT_EQ(sent->wamid, "wamid.A");
    EXPECT_EQ(sent->status, OutboxStatus::kSent);
    const auto queued = outbox.claim_due(10, 10);
    ASSERT_EQ(queued.size(), 1u);
    EXPECT_EQ(queued[0].payload, "Habari");
    EXPECT_EQ(queued[0].encoding, OutboxEncoding::kPlainText);
}

TEST(Outbox, AnswersAreClaimedBeforeFanOutAndTheUrgentClaimTakesOnlyThem) {
    Database db({":memory:"});
    OutboxRepository outbox(db.sql());
    for (int i = 0; i < 5; ++i) {
        outbox.enqueue(OutboxEntry{"rooms.relay:1", "25470000001" + std::to_string(i), "text", "post", {}, {}, 1}, 100);
    }
    outbox.enqueue(OutboxEntry{"rooms.menu:w1", "254700000099", "text", "menu", {}, {}, 0}, 200);
    const auto first = outbox.claim_due(300, 2);
    ASSERT_EQ(first.size(), 2u);
    EXPECT_EQ(first[0].recipient, "254700000099") << "queued later, but an answer";
    EXPECT_EQ(first[0].priority, 0);
    EXPECT_EQ(first[1].recipient, "254700000010");
    outbox.enqueue(OutboxEntry{"academy.next:w2", "254700000098", "text", "next", {}, {}, 0}, 300);
    const auto urgent = outbox.claim_urgent(300, 10);
    ASSERT_EQ(urgent.size(), 1u);
    EXPECT_EQ(urgent[0].recipient, "254700000098");
    EXPECT_TRUE(outbox.claim_urgent(300, 10).empty());
}

TEST(Outbox, HeldRowsGoBackInOrderAsAnswersWhenTheMemberWrites) {
    Database db({":memory:"});
    OutboxRepository outbox(db.sql());
    outbox.enqueue(OutboxEntry{"rooms.held:1", "254700000001", "text", "first", {}, {}, 1}, 100);
    outbox.enqueue(OutboxEntry{"academy.step:2", "254700000001", "text", "second", {}, {}, 1}, 101);
    outbox.enqueue(OutboxEntry{"other:3", "254700000002", "text", "not theirs", {}, {}, 1}, 102);
    for (const auto& row : outbox.claim_due(200, 10)) {
        outbox.hold(row.id, "window closed", 200);
    }
    EXPECT_EQ(outbox.held_all(10).size(), 3u);
    EXPECT_EQ(outbox.release_held("254700000001", 5000), 2);
    const auto back = outbox.claim_due(5000, 10);
    ASSERT_EQ(back.size(), 2u);
    EXPECT_EQ(back[0].payload, "first");
    EXPECT_EQ(back[1].payload, "second");
    EXPECT_EQ(back[0].priority, 0);
    EXPECT_NE(back[0].last_error.find("released"), std::string::npos);
    EXPECT_EQ(outbox.held("254700000002").size(), 1u) << "another member's row still waits";
}

TEST(Outbox, AWindowClosedStatusRequeuesTheRowsOfThatWamidMarked) {
    Database db({":memory:"});
    OutboxRepository outbox(db.sql());
    outbox.enqueue("rooms.announce:1", "254700000001", "text", "hello", 100);
    const auto id = outbox.claim_due(100, 1).front().id;
    outbox.mark_sent(id, "wamid.late", 101);
    EXPECT_EQ(outbox.requeue_window_closed("wamid.late", "window closed (131047)", 200), 1);
    const auto again = outbox.claim_due(200, 1);
    ASSERT_EQ(again.size(), 1u);
    EXPECT_TRUE(again[0].window_closed);
    EXPECT_TRUE(again[0].wamid.empty());
    // Once rewritten into a template the mark is gone.
    outbox.rewrite(id, "template", "{}", OutboxEncoding::kMessage, "as template", 300);
    EXPECT_FALSE(outbox.find(id)->window_closed);
    EXPECT_EQ(outbox.requeue_window_closed("wamid.unknown", "x", 300), 0);
}

}  // namespace
}  // namespace delvex::store
