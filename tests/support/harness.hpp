#pragma once

// Test helpers: temporary folders, a small blocking HTTP client with deadlines, and a harness that starts
// the real service against the real fake Graph API on loopback.

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/io_context.hpp>

#include "bot/app/config.hpp"
#include "bot/app/service.hpp"
#include "bot/core/chat.hpp"
#include "bot/core/clock.hpp"
#include "bot/whatsapp/fake_graph.hpp"

namespace delvex::testing {

/// A fresh folder under /tmp, removed with everything in it when this goes away.
class TempDir {
public:
    TempDir();
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    const std::string& path() const { return path_; }
    std::string file(const std::string& name) const { return path_ + "/" + name; }

private:
    std::string path_;
};

struct HttpResult {
    int status = 0;  ///< 0 when no answer came (connection refused, closed, timed out)
    std::string body;
    std::map<std::string, std::string> headers;
};

/// One blocking HTTP/1.1 request to 127.0.0.1:port with a deadline; never hangs.
HttpResult http_request(std::uint16_t port, const std::string& method, const std::string& target,
                        const std::string& body = {}, const std::map<std::string, std::string>& headers = {},
                        std::chrono::milliseconds deadline = std::chrono::seconds(10));

/// Reads a fixture file from tests/fixtures.
std::string fixture(const std::string& relative);

/// Registers, APPROVED on `fake`, every template `templates_yaml` defines, in every language (as after
/// `delvex templates push` and Meta's review). The harness does it for the service's own config at start.
void seed_approved_templates(whatsapp::FakeGraph& fake, const std::string& templates_yaml);

/// Every form in which a phone number could leak: its digits, with '+', and the base64 of the digits at each of
/// the three byte alignments a structure may put them at (a wamid holds the number), standard and URL-safe,
/// full base64 groups only. A scan that looks for all of them catches a wamid in a log line or a file.
std::vector<std::string> encoded_forms(const std::string& digits);

/// One line per request the fake refused: code, the recipient's last digits, the start of the body.
std::string describe_refusals(const whatsapp::FakeGraph& fake);

/// Waits until `condition` holds, checking every few milliseconds, up to `deadline`. Returns the last
/// value: a test asserts on it, so a hang fails instead of blocking.
bool eventually(const std::function<bool()>& condition,
                std::chrono::milliseconds deadline = std::chrono::seconds(10));

/// The real service (webhook server, SQLite file, consumer, dispatcher) wired to a real FakeGraph on
/// loopback, each on its own threads.
/// A FakeGraph on its own io thread.
struct FakeRunner {
    explicit FakeRunner(whatsapp::FakeGraphOptions options = {});
    ~FakeRunner();
    FakeRunner(const FakeRunner&) = delete;
    FakeRunner& operator=(const FakeRunner&) = delete;
    boost::asio::io_context ioc{1};
    whatsapp::FakeGraph fake;
    std::thread thread;
};

class ServiceHarness {
public:
    static constexpr const char* kAppSecret = "test-app-secret-0123456789";
    static constexpr const char* kVerifyToken = "test-verify-token";

    explicit ServiceHarness(const std::string& db_path, whatsapp::FakeGraphOptions fake = {},
                            const core::Clock* clock = nullptr);
    ~ServiceHarness();

    app::Service& service() { return *service_; }
    whatsapp::FakeGraph& fake() { return *fake_; }
    std::uint16_t port() const { return port_; }
    app::Config& config() { return config_; }

    /// Starts (or restarts, after stop_service) the service on the same database file.
    void start_service();
    void stop_service();

    /// POSTs a body to /webhook signed with the app secret (or with `signature` when given). Every member
    /// message in the body is also noted on the fake Graph API (as Meta would see it: their 24 h window opens
    /// now by the harness clock).
    HttpResult post_webhook(const std::string& body, const std::string* signature = nullptr);
    /// What post_webhook tells the fake: each member message in `body` opens that member's window now.
    /// For tests that post webhooks by other means (load generators).
    void note_members_of(const std::string& body);

    /// Seeds the fake with the product's templates (config/templates.yaml), all APPROVED; the constructor
    /// does it, so a second call does nothing.
    void seed_templates();

    /// By default the harness fails the test if the fake refused any request (a product bug: Meta would
    /// have refused it too). A test that provokes refusals on purpose calls this.
    void allow_refusals() { allow_refusals_ = true; }

    /// A text message from `wa_id` as Meta would send it.
    static core::InboundMessage text_message(const std::string& wamid, const std::string& wa_id,
                                             const std::string& text, const std::string& name = "Test Miner");
    std::string webhook_for(const core::InboundMessage& m) const;

private:
    core::SystemClock system_clock_;
    const core::Clock& clock_;
    std::unique_ptr<FakeRunner> runner_;
    whatsapp::FakeGraph* fake_ = nullptr;
    app::Config config_;
    std::unique_ptr<app::Service> service_;
    std::uint16_t port_ = 0;
    bool seeded_ = false;
    bool allow_refusals_ = false;
};

}  // namespace delvex::testing
