// kill -9 in the middle of relaying a voice note: the real `delvex serve`, a room's copies of one member's
// voice note queued, and the process killed (SIGKILL, through the test-only DELVEX_TEST_KILL_AT hook)
// first between the download and the upload, then between the upload and the copies' sends. After the
// restarts every member has the voice note exactly once, the file was downloaded once and uploaded once.

#include <gtest/gtest.h>
#include <signal.h>

#include <SQLiteCpp/Transaction.h>

#include <fstream>
#include <iostream>
#include <map>
#include <mutex>

#include "bot/core/clock.hpp"
#include "bot/delivery/codec.hpp"
#include "bot/store/database.hpp"
#include "bot/store/media_repository.hpp"
#include "bot/store/repositories.hpp"
#include "tests/support/harness.hpp"
#include "tests/support/process.hpp"

namespace delvex {
namespace {

using namespace std::chrono_literals;
using testing::ServiceHarness;

constexpr int kMembers = 20;

std::string read_file(const std::string& path) {
    std::ifstream in(path);
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

std::string member(int i) {
    return "2557" + std::to_string(30000000 + i);
}

struct Scene {
    testing::TempDir dir;
    testing::FakeRunner graph;
    std::mutex mutex;
    std::map<std::string, int> voice_notes;  // recipient → audio messages accepted
    std::string inbound;

    Scene() {
        graph.fake.on_message([this](const whatsapp::RecordedMessage& m) {
            if (m.type == "audio") {
                std::lock_guard lock(mutex);
                ++voice_notes[m.recipient];
            }
        });
        inbound = graph.fake.add_inbound_media(std::string(300 * 1024, 'v'), "audio/ogg");
        store::Database db({dir.file("delvex.db")});
        SQLite::Transaction tx(db.sql(), SQLite::TransactionBehavior::IMMEDIATE);
        store::MemberRepository members(db.sql());
        store::OutboxRepository outbox(db.sql());
        const auto now = core::to_unix(core::SystemClock().now());
        members.insert(store::MemberRow{0, member(999), member(999), "", "sw", now, now});
        const auto author = db.sql().execAndGet("SELECT max(id) FROM members").getInt64();
        store::note_member_media(db.sql(), inbound, author, "sw", "audio", "", "audio/ogg", now * 1000);
        for (int i = 0; i < kMembers; ++i) {
            members.insert(store::MemberRow{0, member(i), member(i), "", "sw", now, now});
            graph.fake.note_inbound(member(i), core::from_unix(now));
            core::OutgoingMessage m;
            m.to = core::Recipient::phone(member(i));
            m.body = core::OutgoingMedia{core::MediaKind::kAudio, core::MediaSource::by_inbound(inbound), "", ""};
            outbox.enqueue(delivery::entry_for("rooms.relay:7", m, {}), now * 1000);
        }
        tx.commit();
    }

    std::map<std::string, std::string> env(const std::string& kill_at) const {
        const auto& o = graph.fake.options();
        std::map<std::string, std::string> e = {
            {"DELVEX_LISTEN", "127.0.0.1:0"},
            {"DELVEX_DB", dir.file("delvex.db")},
            {"DELVEX_HOME", DELVEX_SOURCE_DIR},
            {"DELVEX_SEND_RATE", "500"},
            {"DELVEX_INBOUND_SHARE", "0"},
            {"WHATSAPP_GRAPH_URL", graph.fake.base_url()},
            {"WHATSAPP_PHONE_NUMBER_ID", o.phone_number_id},
            {"WHATSAPP_ACCESS_TOKEN", o.access_token},
            {"WHATSAPP_APP_SECRET", ServiceHarness::kAppSecret},
            {"WHATSAPP_VERIFY_TOKEN", ServiceHarness::kVerifyToken},
        };
        if (!kill_at.empty()) {
            e["DELVEX_TEST_KILL_AT"] = kill_at;  // test-only: the service kills itself (SIGKILL) there
        }
        return e;
    }

    /// One life of the service that kills itself at `kill_at`; returns how it ended (128 + 9 for SIGKILL).
    int killed_at(const std::string& kill_at) {
        const auto log = dir.file("killed-at-" + kill_at + ".log");
        testing::ChildProcess child({DELVEX_BINARY, "serve"}, env(kill_at), log);
        const int status = child.wait(60s);
        EXPECT_EQ(status, 128 + SIGKILL) << "the service was not killed at " << kill_at << "; log:\n" << read_file(log);
        return status;
    }

    /// A life without a kill, until every member has the voice note and the outcomes are committed.
    void run_to_the_end() {
        const auto log = dir.file("last.log");
        testing::ChildProcess child({DELVEX_BINARY, "serve"}, env(""), log);
        ASSERT_NE(testing::wait_for_listen_port(log, 20s), 0) << read_file(log);
        ASSERT_TRUE(testing::eventually(
            [&] {
                std::lock_guard lock(mutex);
                return voice_notes.size() == static_cast<std::size_t>(kMembers);
            },
            60s))
            << read_file(log);
        ASSERT_TRUE(testing::eventually(
            [&] {
                store::Database db({dir.file("delvex.db"), false, 5000, true});
                return store::OutboxRepository(db.sql()).count(store::OutboxStatus::kSent) == kMembers;
            },
            30s));
        child.signal(SIGTERM);
        EXPECT_EQ(child.wait(30s), 0);
    }

    int copies_sent() {
        std::lock_guard lock(mutex);
        int n = 0;
        for (const auto& [to, count] : voice_notes) {
            n += count;
        }
        return n;
    }

    void expect_each_member_once() {
        std::lock_guard lock(mutex);
        ASSERT_EQ(voice_notes.size(), static_cast<std::size_t>(kMembers));
        for (const auto& [to, count] : voice_notes) {
            EXPECT_EQ(count, 1) << to;
        }
        const auto stats = graph.fake.stats();
        EXPECT_EQ(stats.media_downloads, 1u) << "downloaded once, across every restart";
        EXPECT_EQ(stats.media_uploads, 1u) << "uploaded once, across every restart";
        EXPECT_TRUE(graph.fake.refusals().empty()) << testing::describe_refusals(graph.fake);
    }
};

TEST(DeliveryMediaCrash, KillNineBetweenDownloadAndUploadThenBeforeTheCopiesEveryMemberGetsItOnce) {
    Scene scene;
    scene.killed_at("media_downloaded");
    EXPECT_EQ(scene.graph.fake.stats().media_downloads, 1u);
    EXPECT_EQ(scene.graph.fake.stats().media_uploads, 0u);
    EXPECT_EQ(scene.copies_sent(), 0);
    // The next life finds the file kept on disk: no second download; it uploads, and is killed before any copy.
    scene.killed_at("media_uploaded");
    EXPECT_EQ(scene.graph.fake.stats().media_downloads, 1u);
    EXPECT_EQ(scene.graph.fake.stats().media_uploads, 1u);
    EXPECT_EQ(scene.copies_sent(), 0);
    // The last life finds the upload recorded and sends every copy with it.
    scene.run_to_the_end();
    scene.expect_each_member_once();
}

TEST(DeliveryMediaCrash, KillNineRightAfterTheUploadEveryMemberGetsItOnce) {
    Scene scene;
    scene.killed_at("media_uploaded");
    EXPECT_EQ(scene.copies_sent(), 0);
    scene.run_to_the_end();
    scene.expect_each_member_once();
}

}  // namespace
}  // namespace delvex
