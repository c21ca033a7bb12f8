#include "tests/support/connect_proxy.hpp"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>
#include <stdexcept>

namespace delvex::testing {
namespace {

void check(bool ok, const char* what) {
    if (!ok) {
        throw std::runtime_error(std::string("connect proxy: ") + what + ": " + std::strerror(errno));
    }
}

bool send_all(int fd, const char* data, std::size_t size) {
    while (size > 0) {
        const auto n = ::send(fd, data, size, MSG_NOSIGNAL);
        if (n <= 0) {
            return false;
        }
        data += n;
        size -= static_cast<std::size_t>(n);
    }
    return true;
}

void set_timeouts(int fd) {
    timeval tv{5, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
}

/// Opens a TCP connection to host:port (names resolved with getaddrinfo); -1 when it cannot.
int dial(const std::string& host, const std::string& port) {
    addrinfo hints{};
    hints.ai_family = AF_INET;
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* found = nullptr;
    if (::getaddrinfo(host.c_str(), port.c_str(), &hints, &found) != 0) {
        return -1;
    }
    int fd = -1;
    for (addrinfo* a = found; a != nullptr && fd < 0; a = a->ai_next) {
        fd = ::socket(a->ai_family, a->ai_socktype, a->ai_protocol);
        if (fd >= 0 && ::connect(fd, a->ai_addr, a->ai_addrlen) != 0) {
            ::close(fd);
            fd = -1;
        }
    }
    ::freeaddrinfo(found);
    return fd;
}

}  // namespace

ConnectProxy::ConnectProxy(std::string required_authorization) : required_(std::move(required_authorization)) {
    listener_ = ::socket(AF_INET, SOCK_STREAM, 0);
    check(listener_ >= 0, "socket");
    const int yes = 1;
    ::setsockopt(listener_, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    check(::bind(listener_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0, "bind");
    check(::listen(listener_, 16) == 0, "listen");
    socklen_t len = sizeof addr;
    check(::getsockname(listener_, reinterpret_cast<sockaddr*>(&addr), &len) == 0, "getsockname");
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] { run(); });
}

ConnectProxy::~ConnectProxy() {
    stop_ = true;
    thread_.join();
    ::close(listener_);
}

std::vector<std::string> ConnectProxy::requests() const {
    std::lock_guard lock(mutex_);
    return requests_;
}

void ConnectProxy::run() {
    while (!stop_) {
        pollfd p{listener_, POLLIN, 0};
        if (::poll(&p, 1, 50) <= 0) {
            continue;
        }
        const int fd = ::accept(listener_, nullptr, nullptr);
        if (fd < 0) {
            continue;
        }
        set_timeouts(fd);
        serve(fd);
        ::close(fd);
    }
}

void ConnectProxy::serve(int fd) {
    std::string head;
    char buf[4096];
    while (head.find("\r\n\r\n") == std::string::npos && head.size() < 16384) {
        const auto n = ::recv(fd, buf, sizeof buf, 0);
        if (n <= 0) {
            return;
        }
        head.append(buf, static_cast<std::size_t>(n));
    }
    const auto line_end = head.find("\r\n");
    const std::string line = head.substr(0, line_end);
    {
        std::lock_guard lock(mutex_);
        requests_.push_back(line);
    }
    auto refuse = [&](const char* answer) { send_all(fd, answer, std::strlen(answer)); };
    if (!line.starts_with("CONNECT ")) {
        refuse("HTTP/1.1 405 Method Not Allowed\r\nContent-Length: 0\r\n\r\n");
        return;
    }
    if (!required_.empty() && head.find("\r\nProxy-Authorization: " + required_ + "\r\n") == std::string::npos) {
        refuse("HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm=\"test\"\r\n"
               "Content-Length: 0\r\n\r\n");
        return;
    }
    const std::string authority = line.substr(8, line.find(' ', 8) - 8);
    const auto colon = authority.rfind(':');
    const int far = dial(authority.substr(0, colon), authority.substr(colon + 1));
    if (far < 0) {
        refuse("HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n");
        return;
    }
    set_timeouts(far);
    ++tunnels_;
    const char* ok = "HTTP/1.1 200 Connection established\r\n\r\n";
    if (!send_all(fd, ok, std::strlen(ok))) {
        ::close(far);
        return;
    }
    // Anything the client sent after the header is already tunnel data.
    const std::string early = head.substr(head.find("\r\n\r\n") + 4);
    if (!early.empty() && send_all(far, early.data(), early.size())) {
        bytes_up_ += early.size();
    }
    pollfd fds[2] = {{fd, POLLIN, 0}, {far, POLLIN, 0}};
    while (!stop_) {
        if (::poll(fds, 2, 50) < 0) {
            break;
        }
        bool closed = false;
        for (int i = 0; i < 2 && !closed; ++i) {
            if ((fds[i].revents & (POLLIN | POLLHUP | POLLERR)) == 0) {
                continue;
            }
            const auto n = ::recv(fds[i].fd, buf, sizeof buf, 0);
            if (n <= 0 || !send_all(fds[1 - i].fd, buf, static_cast<std::size_t>(n))) {
                closed = true;
            } else if (i == 0) {
                bytes_up_ += static_cast<std::uint64_t>(n);
            }
        }
        if (closed) {
            break;
        }
    }
    ::close(far);
}

}  // namespace delvex::testing
