#pragma once

#include <cstdint>
#include <memory>

#include "bot/app/config.hpp"
#include "bot/core/clock.hpp"
#include "bot/core/metrics.hpp"

namespace boost::asio {
class io_context;
}

namespace delvex::whatsapp {
struct GraphConfig;
}

namespace delvex::app {

/// The Graph client settings a config gives (the service and the CLI commands that call Meta share them).
whatsapp::GraphConfig graph_config_of(const Config& config);

/// The running service: HTTP server, inbox consumer, dispatcher, writer thread. The composition root.
class Service {
public:
    Service(Config config, const core::Clock& clock);
    ~Service();

    Service(const Service&) = delete;
    Service& operator=(const Service&) = delete;

    /// Opens the database, binds the port, starts every thread. Throws with a clear message on failure.
    void start();

    /// The bound HTTP port (after start()).
    std::uint16_t port() const;
    /// The bound port of the internal listener (`internal_listen`), 0 when there is none.
    std::uint16_t internal_port() const;

    /// Blocks until SIGTERM or SIGINT, then stops gracefully.
    void run_until_signal();

    /// Stop accepting, answer what is in flight, record sends in flight, stop. Idempotent.
    void stop();

    /// No webhook waiting to be imported or applied and no message due or being sent (the demo waits on this).
    bool quiet();

    /// Some landed webhook is not imported into the inbox yet.
    bool importing();

    /// Looks for due jobs now (tests call it after moving a fake clock; the service looks every second).
    void run_scheduler();

    core::Metrics& metrics();
    const Config& config() const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

/// Sets up spdlog: one stderr sink, named loggers per layer, the given level, times in UTC; `format` is
/// "text" (the default) or "json" (one object per line, core::setup_logging).
void setup_logging(const std::string& level, const std::string& format = "text");

}  // namespace delvex::app
