#include "tests/support/harness.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>


#include <filesystem>
#include <fstream>
#include <sstream>

#include "bot/app/fake_templates.hpp"
#include "bot/core/number_forms.hpp"
#include "bot/whatsapp/signature.hpp"
#include "bot/whatsapp/wire/inbound.hpp"

namespace delvex::testing {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;

TempDir::TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "delvex-test-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) {
        throw std::runtime_error("mkdtemp failed");
    }
    path_ = pattern;
}

TempDir::~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
}

HttpResult http_request(std::uint16_t port, const std::string& method, const std::string& target,
                        const std::string& body, const std::map<std::string, std::string>& headers,
                        std::chrono::milliseconds deadline) {
    HttpResult result;
    try {
        asio::io_context ioc;
        beast::tcp_stream stream(ioc);
        stream.expires_after(deadline);
        stream.connect(asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
        bhttp::request<bhttp::string_body> req{bhttp::string_to_verb(method), target, 11};
        req.set(bhttp::field::host, "127.0.0.1");
        for (const auto& [name, value] : headers) {
            req.set(name, value);
        }
        req.body() = body;
        req.prepare_payload();
        req.keep_alive(false);
        stream.expires_after(deadline);
        bhttp::write(stream, req);
        beast::flat_buffer buffer;
        bhttp::response_parser<bhttp::string_body> parser;
        parser.body_limit(64 * 1024 * 1024);
        stream.expires_after(deadline);
        bhttp::read(stream, buffer, parser);
        auto res = parser.release();
        result.status = res.result_int();
        result.body = res.body();
        for (const auto& field : res) {
            result.headers[std::string(field.name_string())] = std::string(field.value());
        }
    } catch (const std::exception&) {
        result.status = 0;
    }
    return result;
}

std::string fixture(const std::string& relative) {
    std::ifstream in(std::string(DELVEX_SOURCE_DIR) + "/tests/fixtures/" + relative, std::ios::binary);
    if (!in) {
        throw std::runtime_error("missing fixture " + relative);
    }
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

bool eventually(const std::function<bool()>& condition, std::chrono::milliseconds deadline) {
    const auto end = std::chrono::steady_clock::now() + deadline;
    while (std::chrono::steady_clock::now() < end) {
        if (condition()) {
            return true;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return condition();
}

FakeRunner::FakeRunner(whatsapp::FakeGraphOptions options) : fake(ioc.get_executor(), std::move(options)) {
    fake.start();
    thread = std::thread([this] { ioc.run(); });
}

FakeRunner::~FakeRunner() {
    ioc.stop();
    thread.join();
}

namespace {

// The fake judges the 24 h window by the same clock as the service under test.
whatsapp::FakeGraphOptions with_clock(whatsapp::FakeGraphOptions o, const core::Clock& clock) {
    if (o.clock == nullptr) o.clock = &clock;
    return o;
}

}  // namespace

void seed_approved_templates(whatsapp::FakeGraph& fake, const std::string& templates_yaml) {
    app::approve_project_templates(fake, delivery::TemplateMap::load(templates_yaml));
}

ServiceHarness::ServiceHarness(const std::string& db_path, whatsapp::FakeGraphOptions fake,
                               const core::Clock* clock)
    : clock_(clock != nullptr ? *clock : system_clock_),
      runner_(std::make_unique<FakeRunner>(with_clock(std::move(fake), clock_))),
      fake_(&runner_->fake) {
    config_.home = DELVEX_SOURCE_DIR;
    config_.listen_host = "127.0.0.1";
    config_.listen_port = 0;
    config_.db_path = db_path;
    config_.media_dir = db_path + "-media";  // where load_config puts it by default
    config_.log_level = "warn";
    config_.graph_url = fake_->base_url();
    config_.phone_number_id = fake_->options().phone_number_id;
    config_.access_token = core::Secret(fake_->options().access_token);
    config_.app_secret = core::Secret(kAppSecret);
    config_.verify_token = core::Secret(kVerifyToken);
    config_.graph_timeout = std::chrono::milliseconds(2000);
    // The account as an operator leaves it after `delvex templates push` and Meta's review.
    seed_templates();
    start_service();
}

std::vector<std::string> encoded_forms(const std::string& digits) { return core::number_forms(digits); }

std::string describe_refusals(const whatsapp::FakeGraph& fake) {
    std::string out;
    for (const auto& r : fake.refusals()) {
        // Codes and the last digits of the recipient only: never a full phone number in test output.
        const auto tail = r.recipient.size() > 4 ? r.recipient.substr(r.recipient.size() - 4) : std::string();
        std::string body = r.raw_json.substr(0, 240);
        for (auto at = body.find(r.recipient); !r.recipient.empty() && at != std::string::npos;
             at = body.find(r.recipient, at)) {
            body.replace(at, r.recipient.size(), "…" + tail);
        }
        out += "\n  code " + std::to_string(r.code) + " to …" + tail + " " + body;
    }
    return out;
}

ServiceHarness::~ServiceHarness() {
    stop_service();
    if (!allow_refusals_) {
        EXPECT_TRUE(fake_->refusals().empty())
            << "the fake Graph API refused what Meta would refuse:" << describe_refusals(*fake_);
    }
}

void ServiceHarness::start_service() {
    service_ = std::make_unique<app::Service>(config_, clock_);
    service_->start();
    port_ = service_->port();
}

void ServiceHarness::stop_service() {
    if (service_) {
        service_->stop();
        service_.reset();
    }
}

void ServiceHarness::note_members_of(const std::string& body) {
    for (const auto& update : whatsapp::wire::split_envelope(body).updates) {
        if (update.kind == whatsapp::wire::UpdateKind::kMessage && !update.member_key.empty()) {
            fake_->note_inbound(update.member_key, clock_.now());
        }
    }
}

HttpResult ServiceHarness::post_webhook(const std::string& body, const std::string* signature) {
    note_members_of(body);
    whatsapp::SignatureVerifier signer(kAppSecret);
    return http_request(port_, "POST", "/webhook", body,
                        {{"Content-Type", "application/json"},
                         {"X-Hub-Signature-256", signature != nullptr ? *signature : signer.sign(body)}});
}

core::InboundMessage ServiceHarness::text_message(const std::string& wamid, const std::string& wa_id,
                                                  const std::string& text, const std::string& name) {
    core::InboundMessage m;
    m.id = wamid;
    m.sender.wa_id = wa_id;
    m.sender.profile_name = name;
    m.timestamp = 1'800'000'000;
    m.type = core::MessageType::kText;
    m.type_name = "text";
    m.text = text;
    return m;
}

void ServiceHarness::seed_templates() {
    if (seeded_) {
        return;
    }
    seed_approved_templates(*fake_, config_.home + "/config/templates.yaml");
    seeded_ = true;
}

std::string ServiceHarness::webhook_for(const core::InboundMessage& m) const {
    return whatsapp::wire::make_message_webhook("100000000000009", config_.phone_number_id, "15550000000", m);
}

}  // namespace delvex::testing
