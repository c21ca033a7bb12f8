#pragma once

// A forward proxy on loopback that speaks only HTTP CONNECT, as egress proxies (squid, tinyproxy) do for
// https: it reads the CONNECT request, optionally demands Proxy-Authorization, opens the tunnel to the asked
// host and copies bytes both ways without looking inside (TLS runs end to end through it). One connection at a
// time, on its own thread; every socket has a timeout, so a stuck client cannot hang a test.

#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace delvex::testing {

class ConnectProxy {
public:
    /// `required_authorization`: the exact Proxy-Authorization value to demand ("Basic …"); empty: none.
    explicit ConnectProxy(std::string required_authorization = {});
    ~ConnectProxy();
    ConnectProxy(const ConnectProxy&) = delete;
    ConnectProxy& operator=(const ConnectProxy&) = delete;

    std::uint16_t port() const { return port_; }
    /// The request line of every CONNECT seen, in order ("CONNECT localhost:443 HTTP/1.1").
    std::vector<std::string> requests() const;
    /// Tunnels opened, and bytes copied from the client to the far end (to tell that TLS went through).
    int tunnels() const { return tunnels_.load(); }
    std::uint64_t bytes_up() const { return bytes_up_.load(); }

private:
    void run();
    void serve(int fd);

    std::string required_;
    int listener_ = -1;
    std::uint16_t port_ = 0;
    std::atomic<bool> stop_{false};
    std::atomic<int> tunnels_{0};
    std::atomic<std::uint64_t> bytes_up_{0};
    mutable std::mutex mutex_;
    std::vector<std::string> requests_;
    std::thread thread_;
};

}  // namespace delvex::testing
