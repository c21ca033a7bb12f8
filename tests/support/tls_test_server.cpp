#include "tests/support/tls_test_server.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <fstream>
#include <stdexcept>

namespace delvex::testing {
namespace {

EVP_PKEY* as_key(void* p) {
    return static_cast<EVP_PKEY*>(p);
}
X509* as_cert(void* p) {
    return static_cast<X509*>(p);
}

void check(bool ok, const char* what) {
    if (!ok) {
        throw std::runtime_error(std::string("test certificate: ") + what + " failed");
    }
}

void add_extension(X509* cert, X509* issuer, int nid, const std::string& value) {
    X509V3_CTX ctx;
    X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
    X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str());
    check(ext != nullptr, "X509V3_EXT_conf_nid");
    check(X509_add_ext(cert, ext, -1) == 1, "X509_add_ext");
    X509_EXTENSION_free(ext);
}

std::atomic<int> serial{1000};

// The server name of the ClientHello, saved before the certificate is even sent (so also for a client that then
// refuses it).
int remember_server_name(SSL* ssl, int* /*alert*/, void* arg) {
    auto* names = static_cast<std::pair<std::mutex*, std::vector<std::string>*>*>(arg);
    const char* name = SSL_get_servername(ssl, TLSEXT_NAMETYPE_host_name);
    std::lock_guard lock(*names->first);
    names->second->push_back(name != nullptr ? name : "");
    return SSL_TLSEXT_ERR_OK;
}

}  // namespace

TestCert TestCert::make(const Options& options, const TestCert* issuer) {
    TestCert out;
    EVP_PKEY* key = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256");
    check(key != nullptr, "EVP_PKEY_Q_keygen");
    out.key_ = key;
    X509* cert = X509_new();
    check(cert != nullptr, "X509_new");
    out.cert_ = cert;
    check(X509_set_version(cert, 2) == 1, "X509_set_version");
    check(ASN1_INTEGER_set(X509_get_serialNumber(cert), serial.fetch_add(1)) == 1, "serial");
    check(X509_gmtime_adj(X509_getm_notBefore(cert), static_cast<long>(options.not_before.count())) != nullptr,
          "notBefore");
    check(X509_gmtime_adj(X509_getm_notAfter(cert), static_cast<long>(options.not_after.count())) != nullptr,
          "notAfter");
    check(X509_set_pubkey(cert, key) == 1, "X509_set_pubkey");
    X509_NAME* name = X509_get_subject_name(cert);
    const std::string cn = options.common_name;
    check(X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8, reinterpret_cast<const unsigned char*>(cn.c_str()),
                                     -1, -1, 0) == 1,
          "CN");
    X509* signer = issuer != nullptr ? as_cert(issuer->cert_) : cert;
    check(X509_set_issuer_name(cert, X509_get_subject_name(signer)) == 1, "issuer name");
    if (options.is_ca) {
        add_extension(cert, signer, NID_basic_constraints, "critical,CA:TRUE");
        add_extension(cert, signer, NID_key_usage, "critical,keyCertSign,cRLSign");
    } else {
        add_extension(cert, signer, NID_basic_constraints, "critical,CA:FALSE");
        add_extension(cert, signer, NID_key_usage, "critical,digitalSignature");
        add_extension(cert, signer, NID_ext_key_usage, "serverAuth");
    }
    add_extension(cert, signer, NID_subject_key_identifier, "hash");
    if (issuer != nullptr) {
        add_extension(cert, signer, NID_authority_key_identifier, "keyid:always");
    }
    if (!options.dns_names.empty()) {
        std::string san;
        for (const auto& dns : options.dns_names) {
            san += (san.empty() ? "DNS:" : ",DNS:") + dns;
        }
        add_extension(cert, signer, NID_subject_alt_name, san);
    }
    EVP_PKEY* signing_key = issuer != nullptr ? as_key(issuer->key_) : key;
    check(X509_sign(cert, signing_key, EVP_sha256()) > 0, "X509_sign");
    return out;
}

TestCert::~TestCert() {
    X509_free(as_cert(cert_));
    EVP_PKEY_free(as_key(key_));
}

TestCert::TestCert(TestCert&& other) noexcept : key_(other.key_), cert_(other.cert_) {
    other.key_ = nullptr;
    other.cert_ = nullptr;
}

TestCert& TestCert::operator=(TestCert&& other) noexcept {
    std::swap(key_, other.key_);
    std::swap(cert_, other.cert_);
    return *this;
}

std::string TestCert::cert_pem() const {
    BIO* bio = BIO_new(BIO_s_mem());
    PEM_write_bio_X509(bio, as_cert(cert_));
    char* data = nullptr;
    const long n = BIO_ctrl(bio, BIO_CTRL_INFO, 0, &data);
    std::string pem(data, static_cast<std::size_t>(n));
    BIO_free(bio);
    return pem;
}

void TestCert::write_cert(const std::string& path) const {
    std::ofstream(path, std::ios::binary) << cert_pem();
}

TlsTestServer::TlsTestServer(const TestCert& leaf) {
    SSL_CTX* ctx = SSL_CTX_new(TLS_server_method());
    check(ctx != nullptr, "SSL_CTX_new");
    ctx_ = ctx;
    check(SSL_CTX_use_certificate(ctx, as_cert(leaf.cert())) == 1, "SSL_CTX_use_certificate");
    check(SSL_CTX_use_PrivateKey(ctx, as_key(leaf.key())) == 1, "SSL_CTX_use_PrivateKey");
    auto* names = new std::pair<std::mutex*, std::vector<std::string>*>(&mutex_, &names_);
    SSL_CTX_set_ex_data(ctx, 0, names);
    SSL_CTX_callback_ctrl(ctx, SSL_CTRL_SET_TLSEXT_SERVERNAME_CB,
                          reinterpret_cast<void (*)()>(&remember_server_name));
    SSL_CTX_ctrl(ctx, SSL_CTRL_SET_TLSEXT_SERVERNAME_ARG, 0, names);

    listener_ = ::socket(AF_INET, SOCK_STREAM, 0);
    check(listener_ >= 0, "socket");
    const int yes = 1;
    ::setsockopt(listener_, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    check(::bind(listener_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0, "bind");
    check(::listen(listener_, 16) == 0, "listen");
    socklen_t len = sizeof addr;
    check(::getsockname(listener_, reinterpret_cast<sockaddr*>(&addr), &len) == 0, "getsockname");
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] { run(); });
}

TlsTestServer::~TlsTestServer() {
    stop_ = true;
    thread_.join();
    ::close(listener_);
    auto* ctx = static_cast<SSL_CTX*>(ctx_);
    delete static_cast<std::pair<std::mutex*, std::vector<std::string>*>*>(SSL_CTX_get_ex_data(ctx, 0));
    SSL_CTX_free(ctx);
}

std::vector<std::string> TlsTestServer::server_names() const {
    std::lock_guard lock(mutex_);
    return names_;
}

void TlsTestServer::run() {
    while (!stop_) {
        pollfd p{listener_, POLLIN, 0};
        if (::poll(&p, 1, 50) <= 0) {
            continue;
        }
        const int fd = ::accept(listener_, nullptr, nullptr);
        if (fd < 0) {
            continue;
        }
        timeval tv{5, 0};  // a client that stalls cannot hang the test
        ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
        ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
        serve(fd);
        ::close(fd);
    }
}

void TlsTestServer::serve(int fd) {
    SSL* ssl = SSL_new(static_cast<SSL_CTX*>(ctx_));
    SSL_set_fd(ssl, fd);
    if (SSL_accept(ssl) != 1) {
        ERR_clear_error();
        SSL_free(ssl);
        return;
    }
    ++handshakes_;
    std::string request;
    char buf[4096];
    for (;;) {
        const int n = SSL_read(ssl, buf, sizeof buf);
        if (n <= 0) {
            break;
        }
        request.append(buf, static_cast<std::size_t>(n));
        const auto end = request.find("\r\n\r\n");
        if (end == std::string::npos) {
            continue;
        }
        std::size_t length = 0;
        if (const auto cl = request.find("Content-Length: "); cl != std::string::npos && cl < end) {
            length = std::stoul(request.substr(cl + 16));
        }
        if (request.size() >= end + 4 + length) {
            ++requests_;
            const std::string body =
                R"({"messaging_product":"whatsapp","contacts":[{"input":"254711223344","wa_id":"254711223344"}],)"
                R"("messages":[{"id":"wamid.tls-test"}]})";
            const std::string answer = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " +
                                       std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + body;
            SSL_write(ssl, answer.data(), static_cast<int>(answer.size()));
            break;
        }
    }
    SSL_shutdown(ssl);
    SSL_free(ssl);
    ERR_clear_error();
}

}  // namespace delvex::testing
