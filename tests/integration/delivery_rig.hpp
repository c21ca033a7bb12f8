#pragma once

// A dispatcher wired as the service wires it — writer thread, io thread, real GraphClient, real FakeGraph
// on loopback — but with a FakeClock that the test steps, and direct access to the outbox.

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>

#include <future>
#include <memory>
#include <set>
#include <thread>

#include "bot/core/clock.hpp"
#include "bot/core/metrics.hpp"
#include "bot/delivery/codec.hpp"
#include "bot/delivery/dispatcher.hpp"
#include "bot/store/db_writer.hpp"
#include "bot/store/repositories.hpp"
#include "bot/whatsapp/graph_client.hpp"
#include "tests/support/harness.hpp"

namespace delvex::testing {

class DeliveryRig {
public:
    /// `real_time`: the dispatcher reads the system clock (benchmarks) instead of the FakeClock.
    explicit DeliveryRig(whatsapp::FakeGraphOptions fake_options = {}, delivery::DeliverySettings settings = {},
                         std::chrono::milliseconds graph_timeout = std::chrono::milliseconds(2000),
                         bool real_time = false, bool durable = false)
        : time(real_time ? static_cast<const core::Clock&>(system_clock) : clock),
          graph(on_clock(std::move(fake_options), time)),
          writer(store::DatabaseOptions{dir.file("delvex.db"), durable, 5000, false}),
          settings_(std::move(settings)) {
        whatsapp::GraphConfig cfg;
        cfg.base_url = graph.fake.base_url();
        cfg.phone_number_id = graph.fake.options().phone_number_id;
        cfg.access_token = core::Secret(graph.fake.options().access_token);
        cfg.timeout = graph_timeout;
        cfg.max_connections = static_cast<std::size_t>(std::max(1, settings_.concurrency));
        client = std::make_unique<whatsapp::GraphClient>(ioc.get_executor(), cfg);
        dispatcher = std::make_unique<delivery::Dispatcher>(ioc.get_executor(), writer, *client, time, metrics,
                                                            settings_);
        io = std::thread([this] { ioc.run(); });
    }

    /// Runs fn on the io thread and returns its result (dispatcher state is io-thread only).
    template <typename F>
    auto on_io(F fn) {
        std::packaged_task<decltype(fn())()> task(std::move(fn));
        auto result = task.get_future();
        boost::asio::post(ioc, [&task] { task(); });
        return result.get();
    }

    ~DeliveryRig() {
        if (started_) {
            dispatcher->stop();
            eventually([&] { return on_io([&] { return dispatcher->in_flight(); }) == 0; });
        }
        work.reset();
        ioc.stop();
        io.join();
        writer.stop();
        EXPECT_TRUE(graph.fake.refusals().empty())
            << "the fake Graph API refused what Meta would refuse:" << describe_refusals(graph.fake);
    }

    void start() {
        started_ = true;
        on_io([&] {
            dispatcher->start();
            return 0;
        });
    }

    /// Runs fn with the outbox on the writer thread (as the service's own writes do) and waits.
    template <typename F>
    auto with_outbox(F fn) {
        std::packaged_task<decltype(fn(std::declval<store::OutboxRepository&>()))(store::Database&)> task(
            [fn = std::move(fn)](store::Database& db) mutable {
                store::OutboxRepository repo(db.sql());
                return fn(repo);
            });
        auto result = task.get_future();
        writer.post([&task](store::Database& db) { task(db); });
        return result.get();
    }

    /// A member whose last message came at `last_inbound` (unix seconds): the store and the fake Graph API
    /// (Meta's view of their 24 h window) both learn it.
    void add_member(const std::string& key, std::int64_t last_inbound, const std::string& language = "en") {
        graph.fake.note_inbound(key, core::from_unix(last_inbound));
        described_.insert(key);
        writer.post([=](store::Database& db) {
            store::MemberRepository members(db.sql());
            members.insert(store::MemberRow{0, key, key, "", language, last_inbound, last_inbound});
        });
    }

    /// The member wrote at `at` (unix seconds): their window is open again.
    void add_member_inbound(const std::string& key, std::int64_t at) {
        writer.post([=](store::Database& db) {
            store::MemberRepository members(db.sql());
            members.touch_inbound(key, at);
        });
        graph.fake.note_inbound(key, core::from_unix(at));
    }

    /// A recipient not described by add_member is a member who wrote just now (as the rows the product
    /// queues in reply to a message are): the fake Graph API learns it so that its 24 h window is open.
    void enqueue(const std::string& key, const core::OutgoingMessage& m, const std::string& purpose = {}) {
        if (described_.count(m.to.id) == 0) graph.fake.note_inbound(m.to.id, time.now());
        const auto now = core::to_unix_ms(time.now());
        with_outbox([&](store::OutboxRepository& repo) { return repo.enqueue(delivery::entry_for(key, m, purpose), now); });
        dispatcher->kick();
    }

    void enqueue_text(const std::string& key, const std::string& to, const std::string& text) {
        core::OutgoingMessage m;
        m.to = core::Recipient::phone(to);
        m.body = core::OutgoingText{text, false};
        enqueue(key, m);
    }

    std::optional<store::OutboxRow> row(const std::string& key, const std::string& to) {
        return with_outbox([&](store::OutboxRepository& repo) { return repo.find(key, to); });
    }

    delivery::DispatcherStats stats() {
        return on_io([&] { return dispatcher->stats(); });
    }

    /// Waits until nothing is in flight or uncommitted.
    bool settled() {
        return eventually([&] { return on_io([&] { return dispatcher->in_flight(); }) == 0; });
    }

    TempDir dir;
    core::FakeClock clock;
    core::SystemClock system_clock;
    const core::Clock& time;  ///< what the dispatcher reads
    core::Metrics metrics;
    FakeRunner graph;
    store::DbWriter writer;
    boost::asio::io_context ioc{1};
    boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work{ioc.get_executor()};
    std::unique_ptr<whatsapp::GraphClient> client;
    std::unique_ptr<delivery::Dispatcher> dispatcher;
    std::thread io;

private:
    // The fake judges windows by the dispatcher's clock.
    static whatsapp::FakeGraphOptions on_clock(whatsapp::FakeGraphOptions o, const core::Clock& clock) {
        if (o.clock == nullptr) o.clock = &clock;
        return o;
    }

    delivery::DeliverySettings settings_;
    bool started_ = false;
    std::set<std::string> described_;  // recipients whose last inbound the test set with add_member
};

}  // namespace delvex::testing
