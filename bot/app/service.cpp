#include "bot/app/service.hpp"

#include <algorithm>
#include <spdlog/spdlog.h>
#include <pthread.h>
#include <sys/resource.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>

#include <filesystem>
#include <future>
#include <thread>
#include <vector>

#include "bot/app/readiness.hpp"
#include "bot/core/i18n.hpp"
#include "bot/core/log.hpp"
#include "bot/delivery/dispatcher.hpp"
#include "bot/delivery/settings.hpp"
#include "bot/store/db_writer.hpp"
#include "bot/events/inbox_consumer.hpp"
#include "bot/events/scheduler.hpp"
#include "bot/app/features.hpp"
#include "bot/console/handler.hpp"
#include "bot/events/ingest.hpp"
#include "bot/http/routes.hpp"
#include "bot/http/server.hpp"
#include "bot/store/landing_log.hpp"
#include "bot/whatsapp/graph_client.hpp"

namespace delvex::app {
namespace {

namespace asio = boost::asio;

// Each idle keep-alive connection holds a descriptor: make room for the configured connection limit.
void raise_fd_limit() {
    rlimit lim{};
    if (::getrlimit(RLIMIT_NOFILE, &lim) == 0 && lim.rlim_cur < lim.rlim_max) {
        lim.rlim_cur = lim.rlim_max;
        ::setrlimit(RLIMIT_NOFILE, &lim);
    }
}

void run_io(asio::io_context& ioc, const char* name) {
    ::pthread_setname_np(::pthread_self(), name);
    for (;;) {
        try {
            ioc.run();
            return;
        } catch (const std::exception& e) {
            spdlog::error("io loop: {}", e.what());
        }
    }
}

// Runs `fn` on the io thread and waits for it (used only at start and stop, never on a hot path).
template <typename F>
auto on_io(asio::io_context& ioc, F fn) {
    std::packaged_task<decltype(fn())()> task(std::move(fn));
    auto result = task.get_future();
    asio::post(ioc, [&task] { task(); });
    return result.get();
}

}  // namespace

void setup_logging(const std::string& level, const std::string& format) {
    core::setup_logging(level, core::parse_log_format(format).value_or(core::LogFormat::kText));
}

/// How much lower the writer thread's priority is than the HTTP threads' (nice value).
constexpr int kWriterNiceness = 5;

struct Service::Impl {
    Impl(Config c, const core::Clock& clk) : config(std::move(c)), clock(clk) {}

    Config config;
    const core::Clock& clock;
    core::Metrics metrics;
    core::Catalog catalog;
    asio::io_context ioc{1};
    // Keeps the io thread alive while stop() still posts to it after the server and dispatcher are done.
    asio::executor_work_guard<asio::io_context::executor_type> io_work{ioc.get_executor()};
    std::unique_ptr<store::DbWriter> writer;
    std::unique_ptr<store::DbReader> public_reader;  // after the writer: it opens the file the writer made
    std::unique_ptr<store::Checkpointer> checkpointer;
    std::unique_ptr<store::Database> reader;  // quiet() only; guarded by reader_mutex
    std::mutex reader_mutex;
    std::unique_ptr<store::LandingLog> landing;  // before the ingestor, whose lanes write into it
    std::unique_ptr<events::Ingestor> ingestor;
    std::unique_ptr<events::InboxConsumer> consumer;
    FeatureSet features;
    std::unique_ptr<events::Scheduler> scheduler;
    std::unique_ptr<whatsapp::GraphClient> graph;
    std::unique_ptr<delivery::Dispatcher> dispatcher;
    std::unique_ptr<Readiness> readiness;  // /readyz; after the writer, which its probes run on
    std::unique_ptr<http::Routes> routes;
    std::unique_ptr<http::Server> server;
    /// `internal_listen`: /metrics, health and the admin API on a private address (same io thread).
    std::unique_ptr<http::Routes> internal_routes;
    std::unique_ptr<http::Server> internal_server;
    std::thread io_thread;
    /// With io_threads > 1: more HTTP servers on the same port (SO_REUSEPORT), each on its own thread.
    /// The main io thread keeps the dispatcher and the Graph client, which want a single thread.
    struct Lane {
        asio::io_context ioc{1};
        asio::executor_work_guard<asio::io_context::executor_type> work{ioc.get_executor()};
        std::unique_ptr<http::Server> server;
        std::thread thread;
    };
    std::vector<std::unique_ptr<Lane>> lanes;
    bool started = false;
    bool stopped = false;
};

Service::Service(Config config, const core::Clock& clock) : impl_(std::make_unique<Impl>(std::move(config), clock)) {}

Service::~Service() {
    stop();
}

void Service::start() {
    auto& s = *impl_;
    raise_fd_limit();
    s.catalog = core::Catalog::load(s.config.home + "/config/locales");
    store::DatabaseOptions db{s.config.db_path, s.config.db_durable, 5000, false, true};
    // The writer (import, consumer, outbox bookkeeping) runs at a lower priority than the threads that answer
    // webhooks: under a flood, answering Meta comes first and applying catches up after; when the machine is
    // not busy the difference is nil. Measured in bench/README.md (webhook ingestion).
    s.writer = std::make_unique<store::DbWriter>(db, kWriterNiceness);
    s.checkpointer = std::make_unique<store::Checkpointer>(s.config.db_path, std::chrono::milliseconds(500));
    s.reader = std::make_unique<store::Database>(store::DatabaseOptions{s.config.db_path, false, 5000, true});

    {
        // Updates stored before a restart and not yet applied are the backlog the consumer starts with.
        store::InboxRepository inbox(s.reader->sql());
        s.metrics.inbox_backlog.store(inbox.count(store::InboxState::kPending));
    }
    // Webhooks land in append-only files next to the database and are imported from there (LandingLog).
    s.landing = std::make_unique<store::LandingLog>(
        store::LandingLog::Options{s.config.db_path + "-landing", s.config.db_durable});
    s.ingestor = std::make_unique<events::Ingestor>(*s.writer, *s.landing, s.clock, s.metrics);
    s.consumer = std::make_unique<events::InboxConsumer>(*s.writer, s.clock, s.metrics, s.catalog);
    s.consumer->only_for(s.config.phone_number_id);
    s.ingestor->on_committed([c = s.consumer.get()] { c->kick(); });
    s.consumer->yield_when([i = s.ingestor.get()] { return i->waiting(); });
    // While webhooks stream in, each import transaction also applies as many stored updates as it imported,
    // plus one: the consumer keeps pace with the import inside its commits (no commits of its own), so a
    // member's answer is committed as soon as its webhook is imported. Under a burst both wait behind the
    // HTTP threads (the writer runs at a lower priority); measured in bench/README.md (webhook ingestion).
    s.ingestor->ride_along(
        [c = s.consumer.get()](store::Database& d, std::size_t stored) { c->apply_within(d, stored + 1); },
        [c = s.consumer.get()](bool committed) { c->settle(committed); });
    // Public lookups (.ics feeds, certificate checks) read on their own thread and read-only connection.
    s.public_reader = std::make_unique<store::DbReader>(store::DbReaderOptions{s.config.db_path});
    // FORGET ME reaches the raw webhooks: masked in the segments set aside for an operator, and the segments
    // being written are closed, so that the importer deletes them (with the member's webhooks) at once.
    auto forget_files = [landing = s.landing.get(), ingestor = s.ingestor.get()](const std::vector<std::string>& forms) {
        const auto closed = landing->roll();
        ingestor->kick();
        const auto masked = landing->redact_set_aside(forms);  // throws when a file cannot be rewritten
        core::logger("app")->info("erasure in the landing log: set_aside_masked={} segments_closed={}", masked,
                                  closed);
    };
    s.features = make_features(
        FeatureDeps{s.config, s.catalog, s.clock, *s.writer, *s.public_reader, std::move(forget_files)});
    for (auto* feature : s.features.pointers()) {
        s.consumer->add_feature(feature);
    }
    s.scheduler = std::make_unique<events::Scheduler>(*s.writer, s.clock, s.metrics, s.catalog,
                                                      s.features.pointers());
    // Retention (docs/OPERATIONS.md): at start and then daily, what is no longer kept is deleted.
    s.scheduler->every("retention purge", std::chrono::hours(24),
                       [policy = s.config.retention, landing = s.landing.get(),
                        ingestor = s.ingestor.get()](store::Database& database, std::int64_t now_ms) {
                           const auto n = store::purge_expired(database.sql(), policy, now_ms);
                           const auto aside = landing->purge_set_aside(std::filesystem::file_time_type::clock::now() -
                                                                       std::chrono::hours(24) * policy.set_aside_days);
                           // Imported webhooks wait in the segment being written until it closes: at a quiet
                           // time that could be weeks, longer than the inbox keeps their payloads.
                           landing->roll();
                           ingestor->kick();
                           core::logger("app")->info(
                               "retention purge: inbox_deleted={} outbox_cleared={} quarantine_deleted={} "
                               "parked_deleted={} set_aside_deleted={}",
                               n.inbox_deleted, n.outbox_cleared, n.quarantine_deleted, n.parked_deleted, aside);
                       });

    whatsapp::GraphConfig graph = graph_config_of(s.config);
    graph.max_connections = static_cast<std::size_t>(s.config.send_concurrency);
    s.graph = std::make_unique<whatsapp::GraphClient>(s.ioc.get_executor(), graph, core::logger("whatsapp"));
    auto delivery_settings = delivery::load_settings(s.config.home, process_env());
    delivery_settings.concurrency = s.config.send_concurrency;
    delivery_settings.media_dir = s.config.media_dir;
    delivery_settings.media_retention_days = s.config.media_retention_days;
    delivery_settings.catalog = &s.catalog;
    s.dispatcher = std::make_unique<delivery::Dispatcher>(s.ioc.get_executor(), *s.writer, *s.graph, s.clock,
                                                          s.metrics, std::move(delivery_settings));
    s.consumer->on_outbox([d = s.dispatcher.get()] { d->kick(); });
    s.scheduler->on_outbox([d = s.dispatcher.get()] { d->kick(); });
    if (s.features.console != nullptr) {
        s.features.console->on_outbox([d = s.dispatcher.get()] { d->kick(); });
    }

    s.readiness = std::make_unique<Readiness>(*s.writer, s.clock, s.metrics, s.config.readiness_stall);
    s.readiness->probe_now();
    s.routes = std::make_unique<http::Routes>(*s.ingestor, s.metrics, s.config.verify_token, s.config.app_secret,
                                              s.clock);
    auto readiness = [r = s.readiness.get()] {
        auto report = r->check();
        return std::make_pair(report.ready, std::move(report.text));
    };
    s.routes->set_readiness(readiness);
    const bool internal = !s.config.internal_listen_host.empty();
    if (internal) {
        // The private listener: metrics, health and the admin API; never webhooks. The public one then keeps
        // /metrics and /api/ to itself no more, so a proxy passing everything through exposes neither.
        s.internal_routes = std::make_unique<http::Routes>(*s.ingestor, s.metrics, s.config.verify_token,
                                                           s.config.app_secret, s.clock);
        s.internal_routes->set_readiness(readiness);
        s.internal_routes->serve({.webhook = false, .metrics = true});
        s.routes->serve({.webhook = true, .metrics = false});
    }
    for (auto& [prefix, handler] : s.features.routes) {
        if (internal && prefix.starts_with("/api/")) {
            s.internal_routes->mount(prefix, *handler);
        } else {
            s.routes->mount(prefix, *handler);
        }
    }
    http::ServerOptions opts;
    opts.host = s.config.listen_host;
    opts.port = s.config.listen_port;
    // The connection cap is the process's: each io thread's server gets its share, the shares adding up to the
    // cap exactly (50 over 4 threads: 13, 13, 12, 12; rounding every share up would allow 52).
    const auto lanes = static_cast<std::size_t>(std::max(1, s.config.io_threads));
    const auto cap = static_cast<std::size_t>(s.config.http.max_connections);
    const auto share = [&](std::size_t lane) {
        return std::max<std::size_t>(1, cap / lanes + (lane < cap % lanes ? 1 : 0));
    };
    opts.max_connections = share(0);
    opts.shared = std::make_shared<http::SharedLimits>(s.config.http.max_connections_per_address,
                                                       s.config.http.body_budget_bytes);
    opts.header_timeout = s.config.http.header_timeout;
    opts.header_limit_bytes = s.config.http.header_limit_bytes;
    opts.body_limit_bytes = s.config.http.body_limit_bytes;
    opts.read_timeout = s.config.http.read_timeout;
    opts.idle_timeout = s.config.http.idle_timeout;
    opts.write_timeout = s.config.http.write_timeout;
    opts.reuse_port = s.config.io_threads > 1;
    s.server = std::make_unique<http::Server>(s.ioc.get_executor(), opts, *s.routes, s.metrics);
    s.server->start();
    opts.port = s.server->port();
    for (int i = 1; i < s.config.io_threads; ++i) {
        auto lane = std::make_unique<Impl::Lane>();
        opts.max_connections = share(static_cast<std::size_t>(i));
        lane->server = std::make_unique<http::Server>(lane->ioc.get_executor(), opts, *s.routes, s.metrics);
        lane->server->start();
        lane->thread = std::thread([l = lane.get()] { run_io(l->ioc, "delvex-http"); });
        s.lanes.push_back(std::move(lane));
    }
    if (internal) {
        http::ServerOptions private_opts = opts;
        private_opts.host = s.config.internal_listen_host;
        private_opts.port = s.config.internal_listen_port;
        private_opts.reuse_port = false;
        private_opts.max_connections = 64;  // a scraper and an operator's tools, not the public
        private_opts.shared = std::make_shared<http::SharedLimits>(0, s.config.http.body_budget_bytes);
        s.internal_server = std::make_unique<http::Server>(s.ioc.get_executor(), private_opts, *s.internal_routes,
                                                           s.metrics);
        s.internal_server->start();
    }
    s.io_thread = std::thread([&s] { run_io(s.ioc, "delvex-io"); });
    on_io(s.ioc, [&s] {
        s.dispatcher->start();
        return 0;
    });
    // Import what landed before a crash or restart, apply what was stored, then send what was left queued.
    s.ingestor->kick();
    s.consumer->kick();
    s.scheduler->start();
    s.routes->set_ready(true);
    if (s.internal_routes) {
        s.internal_routes->set_ready(true);
    }
    s.started = true;
    core::logger("app")->info("listening on {}:{} db={}", s.config.listen_host, port(), s.config.db_path);
    if (internal) {
        core::logger("app")->info("internal listener (metrics, health, admin API) on {}:{}",
                                  s.config.internal_listen_host, internal_port());
    }
}

std::uint16_t Service::port() const {
    return impl_->server->port();
}

std::uint16_t Service::internal_port() const {
    return impl_->internal_server ? impl_->internal_server->port() : 0;
}

void Service::run_until_signal() {
    auto& s = *impl_;
    std::promise<int> signalled;
    asio::signal_set signals(s.ioc, SIGINT, SIGTERM);
    signals.async_wait([&signalled](const boost::system::error_code&, int signo) { signalled.set_value(signo); });
    const int signo = signalled.get_future().get();
    core::logger("app")->info("signal {} received, stopping", signo);
    stop();
}

void Service::stop() {
    auto& s = *impl_;
    if (!s.started || s.stopped) {
        return;
    }
    s.stopped = true;
    s.routes->set_ready(false);
    if (s.internal_routes) {
        s.internal_routes->set_ready(false);
    }
    on_io(s.ioc, [&s] {
        s.server->stop();
        if (s.internal_server) {
            s.internal_server->stop();
        }
        s.dispatcher->stop();
        return 0;
    });
    for (auto& lane : s.lanes) {
        on_io(lane->ioc, [&lane] {
            lane->server->stop();
            return 0;
        });
    }
    // Let requests and sends in flight finish (each is bounded by its own timeouts).
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (std::chrono::steady_clock::now() < deadline) {
        bool busy = on_io(s.ioc, [&s] {
            return s.server->connections() > 0 || (s.internal_server && s.internal_server->connections() > 0) ||
                   s.dispatcher->in_flight() > 0;
        });
        for (auto& lane : s.lanes) {
            busy = busy || on_io(lane->ioc, [&lane] { return lane->server->connections() > 0; });
        }
        if (!busy) {
            break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    for (auto& lane : s.lanes) {
        lane->work.reset();
        lane->ioc.stop();
        lane->thread.join();
    }
    s.io_work.reset();
    s.ioc.stop();
    s.io_thread.join();
    s.scheduler->stop();
    // What landed and is not imported yet stays in the landing log; the next start imports it.
    s.ingestor->stop_importing();
    s.writer->stop();
    s.public_reader->stop();
    s.checkpointer.reset();
    core::logger("app")->info("stopped");
}

bool Service::quiet() {
    auto& s = *impl_;
    if (s.ingestor->waiting() || on_io(s.ioc, [&s] { return s.dispatcher->in_flight(); }) > 0) {
        return false;
    }
    std::lock_guard lock(s.reader_mutex);
    return store::pending_work(s.reader->sql(), core::to_unix_ms(s.clock.now())) == 0;
}

bool Service::importing() {
    return impl_->ingestor->waiting();
}

void Service::run_scheduler() {
    impl_->scheduler->kick();
}

core::Metrics& Service::metrics() {
    return impl_->metrics;
}

const Config& Service::config() const {
    return impl_->config;
}

whatsapp::GraphConfig graph_config_of(const Config& config) {
    whatsapp::GraphConfig graph;
    graph.base_url = config.graph_url;
    graph.api_version = config.api_version;
    graph.phone_number_id = config.phone_number_id;
    graph.access_token = config.access_token;
    graph.app_secret = config.app_secret;
    graph.appsecret_proof = config.appsecret_proof;
    graph.timeout = config.graph_timeout;
    graph.https_proxy = config.https_proxy;
    graph.no_proxy = config.no_proxy;
    return graph;
}

}  // namespace delvex::app
