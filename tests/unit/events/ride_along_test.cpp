// The inbox consumer's share of an import transaction (Ingestor::ride_along + InboxConsumer::apply_within):
// real writer thread, real landing log, real SQLite file, real splitter; no service around them.

#include <gtest/gtest.h>

#include <SQLiteCpp/Database.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

#include <chrono>
#include <filesystem>
#include <future>
#include <stdexcept>
#include <string>
#include <thread>

#include "bot/core/clock.hpp"
#include "bot/core/i18n.hpp"
#include "bot/core/metrics.hpp"
#include "bot/store/db_writer.hpp"
#include "bot/events/inbox_consumer.hpp"
#include "bot/events/ingest.hpp"
#include "bot/store/landing_log.hpp"
#include "bot/store/repositories.hpp"
#include "bot/whatsapp/wire/inbound.hpp"

namespace delvex::events {
namespace {

namespace asio = boost::asio;
namespace wire = whatsapp::wire;

std::string message_body(int i) {
    const std::string wa_id = "25470000" + std::to_string(1000 + i);
    return R"({"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"messages","value":{)"
           R"("messaging_product":"whatsapp","metadata":{"display_phone_number":"1555","phone_number_id":"1065"},)"
           R"("contacts":[{"profile":{"name":"M"},"wa_id":")" +
           wa_id + R"("}],"messages":[{"from":")" + wa_id + R"(","id":"wamid.RIDE)" + std::to_string(i) +
           R"(","timestamp":"1800000000","type":"text","text":{"body":"hello"}}]}}]}]})";
}

IngestBatch batch(int first, int count) {
    IngestBatch out;
    for (int i = first; i < first + count; ++i) {
        auto envelope = wire::split_envelope(message_body(i));
        for (auto& u : envelope.updates) {
            out.records.push_back(store::InboxRecord{static_cast<int>(u.kind), std::move(u.dedupe_key),
                                                     std::move(u.member_key), std::move(u.phone_number_id),
                                                     u.timestamp, std::move(u.json)});
        }
    }
    return out;
}

/// Refuses the messages of one sender, as a feature with a bug would.
class Refusing final : public Feature {
public:
    explicit Refusing(std::string member_key) : member_key_(std::move(member_key)) {}
    std::string_view name() const override { return "refusing"; }
    bool on_message(Context& /*ctx*/, const store::MemberRow& member, const core::InboundMessage&) override {
        if (member.member_key == member_key_) {
            throw std::runtime_error("feature failed");
        }
        return false;
    }

private:
    std::string member_key_;
};

class RideAlong : public ::testing::Test {
protected:
    RideAlong()
        : path_(std::filesystem::temp_directory_path() /
                ("delvex-ride-" + std::to_string(::getpid()) + "-" +
                 ::testing::UnitTest::GetInstance()->current_test_info()->name() + ".db")),
          catalog_(core::Catalog::load(std::string(DELVEX_SOURCE_DIR) + "/config/locales")) {
        std::filesystem::remove(path_);
        writer_ = std::make_unique<store::DbWriter>(store::DatabaseOptions{path_.string(), false, 5000, false, false});
        landing_ = std::make_unique<store::LandingLog>(store::LandingLog::Options{path_.string() + "-landing", false});
        ingestor_ = std::make_unique<Ingestor>(*writer_, *landing_, clock_, metrics_);
        consumer_ = std::make_unique<InboxConsumer>(*writer_, clock_, metrics_, catalog_);
    }

    ~RideAlong() override {
        writer_->stop();
        ingestor_.reset();
        landing_.reset();
        for (const char* suffix : {"", "-wal", "-shm"}) {
            std::filesystem::remove(path_.string() + suffix);
        }
        std::filesystem::remove_all(path_.string() + "-landing");
    }

    void ride(std::size_t budget) {
        ingestor_->ride_along([this, budget](store::Database& d, std::size_t) { consumer_->apply_within(d, budget); },
                              [this](bool committed) { consumer_->settle(committed); });
    }

    IngestResult ingest(IngestBatch b) {
        asio::io_context ioc;
        auto result = asio::co_spawn(ioc, ingestor_->ingest(std::move(b)), asio::use_future);
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
        while (result.wait_for(std::chrono::seconds(0)) != std::future_status::ready) {
            if (std::chrono::steady_clock::now() > deadline) {
                throw std::runtime_error("ingest did not complete within 20 s");
            }
            ioc.restart();
            ioc.run_for(std::chrono::milliseconds(5));
        }
        return result.get();
    }

    /// Waits until everything landed is imported (and the share that rode along committed).
    void imported() {
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
        while (ingestor_->waiting()) {
            if (std::chrono::steady_clock::now() > deadline) {
                throw std::runtime_error("import did not finish within 20 s");
            }
            std::this_thread::yield();
        }
    }

    std::int64_t scalar(const std::string& sql) {
        SQLite::Database db(path_.string(), SQLite::OPEN_READONLY);
        return db.execAndGet(sql).getInt64();
    }
    std::int64_t inbox(store::InboxState state) {
        return scalar("SELECT count(*) FROM inbox WHERE state = " + std::to_string(static_cast<int>(state)));
    }

    std::filesystem::path path_;
    core::FakeClock clock_;
    core::Metrics metrics_;
    core::Catalog catalog_;
    std::unique_ptr<store::DbWriter> writer_;
    std::unique_ptr<store::LandingLog> landing_;
    std::unique_ptr<Ingestor> ingestor_;
    std::unique_ptr<InboxConsumer> consumer_;
};

TEST_F(RideAlong, AppliesItsShareInTheImportsOwnCommitAndNoMore) {
    ride(2);  // no on_committed kick: only the share rides along
    const IngestResult first = ingest(batch(0, 5));
    ASSERT_TRUE(first.error.empty()) << first.error;
    EXPECT_EQ(first.stored, 5u);
    imported();
    EXPECT_EQ(metrics_.events_stored.load(), 5u);
    // Committed with the import: two applied (oldest first), three still pending, one welcome each.
    EXPECT_EQ(inbox(store::InboxState::kDone), 2);
    EXPECT_EQ(inbox(store::InboxState::kPending), 3);
    EXPECT_EQ(scalar("SELECT count(*) FROM outbox"), 2);
    EXPECT_EQ(scalar("SELECT min(id) FROM inbox WHERE state = 0"), 3);
    EXPECT_EQ(metrics_.events_applied.load(), 2u);

    // The next group carries the next two, whatever it stores itself (here only duplicates).
    const IngestResult again = ingest(batch(0, 5));
    EXPECT_EQ(again.stored, 5u);  // landed; the import finds them duplicates
    imported();
    EXPECT_EQ(metrics_.events_stored.load(), 5u);
    EXPECT_EQ(metrics_.events_duplicate.load(), 5u);
    EXPECT_EQ(inbox(store::InboxState::kDone), 4);
    EXPECT_EQ(metrics_.events_applied.load(), 4u);
}

TEST_F(RideAlong, ShareAndOwnPassesTogetherApplyEachUpdateExactlyOnce) {
    ride(3);
    ingestor_->on_committed([this] { consumer_->kick(); });
    for (int round = 0; round < 20; ++round) {
        ASSERT_TRUE(ingest(batch(round * 7, 7)).error.empty());
    }
    imported();
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (inbox(store::InboxState::kPending) > 0) {
        ASSERT_LT(std::chrono::steady_clock::now(), deadline) << "backlog not drained";
        std::this_thread::yield();
    }
    EXPECT_EQ(inbox(store::InboxState::kDone), 140);
    // Each of the 140 new members welcomed once: no update applied twice across shares and passes.
    EXPECT_EQ(scalar("SELECT count(*) FROM outbox"), 140);
    EXPECT_EQ(scalar("SELECT count(DISTINCT recipient) FROM outbox"), 140);
    EXPECT_EQ(metrics_.events_applied.load(), 140u);
    EXPECT_EQ(metrics_.inbox_backlog.load(), 0);
}

TEST_F(RideAlong, AFailingUpdateIsSetAsideAndTheImportStillCommits) {
    Refusing refusing("254700001001");
    consumer_->add_feature(&refusing);
    ride(3);
    const IngestResult result = ingest(batch(0, 3));
    ASSERT_TRUE(result.error.empty()) << result.error;
    EXPECT_EQ(result.stored, 3u);
    imported();
    EXPECT_EQ(scalar("SELECT count(*) FROM inbox"), 3);
    EXPECT_EQ(inbox(store::InboxState::kDone), 2);
    EXPECT_EQ(inbox(store::InboxState::kFailed), 1);
    EXPECT_EQ(scalar("SELECT count(*) FROM inbox WHERE state = 2 AND last_error LIKE '%feature failed%'"), 1);
    EXPECT_EQ(metrics_.events_failed.load(), 1u);
}

}  // namespace
}  // namespace delvex::events
