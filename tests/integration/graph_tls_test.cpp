// The real GraphClient against a TLS server on loopback whose certificates are minted here with OpenSSL
// (security review §7, §12.9): the client trusts only a test CA, and must refuse a self-signed certificate, one
// from the CA for another name, and an expired one — before any request (and so the access token) goes out —
// while a good certificate works. It sends SNI with the host's name every time.

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>

#include <string>

#include "bot/whatsapp/graph_client.hpp"
#include "bot/core/crypto.hpp"
#include "tests/support/connect_proxy.hpp"
#include "tests/support/harness.hpp"
#include "tests/support/tls_test_server.hpp"
#include "tests/unit/whatsapp/graph_test_support.hpp"

namespace delvex {
namespace {

using namespace std::chrono_literals;
using testing::TestCert;
using testing::TlsTestServer;

class GraphTls : public ::testing::Test {
protected:
    GraphTls() {
        TestCert::Options ca_options;
        ca_options.common_name = "delvex test CA";
        ca_options.dns_names = {};
        ca_options.is_ca = true;
        ca = std::make_unique<TestCert>(TestCert::make(ca_options));
        ca_file = dir.file("ca.pem");
        ca->write_cert(ca_file);
    }

    /// One message sent through a GraphClient that trusts the test CA, to https://localhost:<server's port>.
    whatsapp::SendOutcome send_to(const TlsTestServer& server, const std::string& proxy = {},
                                  const std::string& no_proxy = {}) {
        boost::asio::io_context ioc;
        whatsapp::GraphConfig c;
        c.https_proxy = proxy;
        c.no_proxy = no_proxy;
        c.base_url = "https://localhost:" + std::to_string(server.port());
        c.phone_number_id = "1234567890";
        c.access_token = core::Secret("EAAG-tls-test-token");
        c.timeout = 3s;
        c.trusted_ca_file = ca_file;
        whatsapp::GraphClient client(ioc.get_executor(), c);
        core::OutgoingMessage m{core::Recipient::phone("254711223344"), {}, core::OutgoingText{"hello", false}, {}};
        auto out = delvex::test::run_until_done(ioc, client.send(std::move(m)));
        EXPECT_TRUE(out.has_value());
        return out.value_or(whatsapp::SendOutcome{});
    }

    testing::TempDir dir;
    std::unique_ptr<TestCert> ca;
    std::string ca_file;
};

TEST_F(GraphTls, AGoodCertificateFromTheTrustedCaWorksAndSniNamesTheHost) {
    const auto leaf = TestCert::make({}, ca.get());
    TlsTestServer server(leaf);
    const auto out = send_to(server);
    EXPECT_TRUE(out.ok()) << out.transport_error.message();
    EXPECT_EQ(out.wamid, "wamid.tls-test");
    EXPECT_EQ(server.requests(), 1);
    ASSERT_FALSE(server.server_names().empty());
    for (const auto& name : server.server_names()) {
        EXPECT_EQ(name, "localhost") << "every ClientHello carries SNI";
    }
}

TEST_F(GraphTls, ASelfSignedCertificateIsRefused) {
    const auto self_signed = TestCert::make({});  // for localhost, valid, but signed by nobody we trust
    TlsTestServer server(self_signed);
    const auto out = send_to(server);
    EXPECT_TRUE(out.transport_error) << "accepted a self-signed certificate";
    EXPECT_EQ(server.handshakes(), 0);
    EXPECT_EQ(server.requests(), 0) << "a request (and the token) went to an untrusted server";
    ASSERT_FALSE(server.server_names().empty());
    EXPECT_EQ(server.server_names().front(), "localhost");
}

TEST_F(GraphTls, ACertificateFromTheTrustedCaForAnotherNameIsRefused) {
    TestCert::Options other;
    other.common_name = "graph.example.org";
    other.dns_names = {"graph.example.org", "*.example.org"};
    const auto wrong_name = TestCert::make(other, ca.get());
    TlsTestServer server(wrong_name);
    const auto out = send_to(server);
    EXPECT_TRUE(out.transport_error) << "accepted a certificate for another host";
    EXPECT_EQ(server.requests(), 0);
    ASSERT_FALSE(server.server_names().empty());
    EXPECT_EQ(server.server_names().front(), "localhost");
}

TEST_F(GraphTls, AnExpiredCertificateFromTheTrustedCaIsRefused) {
    TestCert::Options expired;
    expired.not_before = -std::chrono::hours(48);
    expired.not_after = -std::chrono::hours(24);
    const auto old = TestCert::make(expired, ca.get());
    TlsTestServer server(old);
    const auto out = send_to(server);
    EXPECT_TRUE(out.transport_error) << "accepted an expired certificate";
    EXPECT_EQ(server.requests(), 0);
}

// Issue 18: behind an egress proxy (HTTPS_PROXY) the client asks for a CONNECT tunnel and runs TLS to Meta
// inside it: the proxy sees the host name only; the certificate is still checked against the host.
TEST_F(GraphTls, ThroughAnHttpsProxyTheTunnelCarriesTlsEndToEnd) {
    const auto leaf = TestCert::make({}, ca.get());
    TlsTestServer server(leaf);
    testing::ConnectProxy proxy;
    const auto out = send_to(server, "http://127.0.0.1:" + std::to_string(proxy.port()));
    EXPECT_TRUE(out.ok()) << out.transport_error.message();
    EXPECT_EQ(out.wamid, "wamid.tls-test");
    EXPECT_EQ(proxy.requests(), (std::vector<std::string>{"CONNECT localhost:" + std::to_string(server.port()) +
                                                          " HTTP/1.1"}));
    EXPECT_EQ(proxy.tunnels(), 1);
    EXPECT_GT(proxy.bytes_up(), 0u);
    EXPECT_EQ(server.requests(), 1);
    ASSERT_FALSE(server.server_names().empty());
    EXPECT_EQ(server.server_names().front(), "localhost");
}

TEST_F(GraphTls, ProxyCredentialsGoToTheProxyAndWrongOnesFailBeforeAnyRequestLeaves) {
    const auto leaf = TestCert::make({}, ca.get());
    TlsTestServer server(leaf);
    testing::ConnectProxy proxy("Basic " + core::base64("miner:s3cr%t"));
    const std::string at = "@127.0.0.1:" + std::to_string(proxy.port());
    const auto good = send_to(server, "http://miner:s3cr%25t" + at);  // the password percent-encoded in the URL
    EXPECT_TRUE(good.ok()) << good.transport_error.message();
    EXPECT_EQ(server.requests(), 1);

    const auto wrong = send_to(server, "http://miner:guess" + at);
    EXPECT_FALSE(wrong.ok());
    EXPECT_EQ(wrong.transport_error, boost::system::errc::permission_denied) << wrong.transport_error.message();
    EXPECT_EQ(server.requests(), 1) << "nothing may reach Meta when the proxy refused the tunnel";
}

TEST_F(GraphTls, NoProxyHostsAreReachedDirectly) {
    const auto leaf = TestCert::make({}, ca.get());
    TlsTestServer server(leaf);
    testing::ConnectProxy proxy;
    const auto out = send_to(server, "http://127.0.0.1:" + std::to_string(proxy.port()), "example.org, LOCALHOST");
    EXPECT_TRUE(out.ok()) << out.transport_error.message();
    EXPECT_TRUE(proxy.requests().empty());
    EXPECT_EQ(server.requests(), 1);
}

}  // namespace
}  // namespace delvex
