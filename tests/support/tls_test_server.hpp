#pragma once

// TLS test material minted at test time with OpenSSL's API (no key is ever committed): a test CA, leaf
// certificates it signs (or that sign themselves) for chosen names and validity windows, and a small TLS server
// on loopback that presents one of them, records the server name (SNI) each client asked for, and answers any
// HTTP request it gets with a Graph-like 200. For checking that a TLS client refuses what it must.

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace delvex::testing {

/// A key and its certificate (an EVP_PKEY and an X509, owned).
class TestCert {
public:
    struct Options {
        std::string common_name = "localhost";
        std::vector<std::string> dns_names{"localhost"};  ///< subjectAltName DNS entries
        std::chrono::seconds not_before = -std::chrono::hours(1);  ///< relative to now
        std::chrono::seconds not_after = std::chrono::hours(24);
        bool is_ca = false;
    };

    /// A certificate for `options`, signed by `issuer` (nullptr: by itself).
    static TestCert make(const Options& options, const TestCert* issuer = nullptr);

    ~TestCert();
    TestCert(TestCert&&) noexcept;
    TestCert& operator=(TestCert&&) noexcept;
    TestCert(const TestCert&) = delete;
    TestCert& operator=(const TestCert&) = delete;

    std::string cert_pem() const;
    /// Writes the certificate as PEM to `path` (a CA file for a client to trust).
    void write_cert(const std::string& path) const;

    void* key() const { return key_; }    ///< EVP_PKEY*
    void* cert() const { return cert_; }  ///< X509*

private:
    TestCert() = default;
    void* key_ = nullptr;
    void* cert_ = nullptr;
};

/// A TLS server on 127.0.0.1 presenting `leaf` (and `chain`, e.g. nothing or the CA). One connection at a time.
class TlsTestServer {
public:
    explicit TlsTestServer(const TestCert& leaf);
    ~TlsTestServer();
    TlsTestServer(const TlsTestServer&) = delete;
    TlsTestServer& operator=(const TlsTestServer&) = delete;

    std::uint16_t port() const { return port_; }
    /// The server name each connection's ClientHello carried ("" when it carried none), in order.
    std::vector<std::string> server_names() const;
    /// Handshakes that completed, and HTTP requests read after them.
    int handshakes() const { return handshakes_.load(); }
    int requests() const { return requests_.load(); }

private:
    void run();
    void serve(int fd);

    void* ctx_ = nullptr;  // SSL_CTX*
    int listener_ = -1;
    std::uint16_t port_ = 0;
    std::atomic<bool> stop_{false};
    std::atomic<int> handshakes_{0};
    std::atomic<int> requests_{0};
    mutable std::mutex mutex_;
    std::vector<std::string> names_;
    std::thread thread_;
};

}  // namespace delvex::testing
