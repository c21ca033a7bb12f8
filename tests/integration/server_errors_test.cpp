// A route that throws, through the real Beast server on loopback: the client gets a 500 it can retry, never a
// reset connection, and the server keeps answering.

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <memory>
#include <stdexcept>
#include <string>
#include <thread>

#include "bot/core/metrics.hpp"
#include "bot/http/server.hpp"
#include "tests/support/harness.hpp"

namespace delvex::testing {
namespace {

namespace asio = boost::asio;
namespace bhttp = boost::beast::http;

/// /throw throws at once; /throw-later throws after a suspension; /not-std throws an int; the rest is 200.
class Throwing final : public http::Handler {
public:
    asio::awaitable<http::Response> handle(http::Request request, http::SteadyTime) override {
        const std::string target(request.target());
        if (target.starts_with("/throw-later")) {
            auto ex = co_await asio::this_coro::executor;
            co_await asio::post(ex, asio::use_awaitable);
            throw std::runtime_error("the database is locked");
        }
        if (target.starts_with("/throw")) {
            throw std::runtime_error("a broken invariant");
        }
        if (target.starts_with("/not-std")) {
            throw 42;
        }
        co_return http::text_response(bhttp::status::ok, "fine\n");
    }
};

class ServerErrors : public ::testing::Test {
protected:
    void SetUp() override {
        server = std::make_unique<http::Server>(ioc.get_executor(), http::ServerOptions{}, handler, metrics);
        server->start();
        thread = std::thread([this] { ioc.run(); });
    }
    void TearDown() override {
        asio::post(ioc, [this] { server->stop(); });
        ioc.stop();
        thread.join();
    }

    core::Metrics metrics;
    Throwing handler;
    asio::io_context ioc{1};
    std::unique_ptr<http::Server> server;
    std::thread thread;
};

TEST_F(ServerErrors, AHandlerThatThrowsAnswers500) {
    const auto r = http_request(server->port(), "GET", "/throw?hub.verify_token=secret");
    EXPECT_EQ(r.status, 500) << "0 means the connection was reset without an answer";
    EXPECT_EQ(r.body, "internal error\n") << "the exception's text stays in the log";
}

TEST_F(ServerErrors, AHandlerThatThrowsAfterSuspendingAnswers500) {
    const auto r = http_request(server->port(), "POST", "/throw-later", "{}");
    EXPECT_EQ(r.status, 500);
    EXPECT_EQ(r.body, "internal error\n");
}

TEST_F(ServerErrors, AnExceptionOfAnyTypeAnswers500) {
    EXPECT_EQ(http_request(server->port(), "GET", "/not-std").status, 500);
}

TEST_F(ServerErrors, TheServerKeepsAnsweringAndCountsTheErrors) {
    for (int i = 0; i < 3; ++i) {
        EXPECT_EQ(http_request(server->port(), "GET", "/throw").status, 500);
        const auto ok = http_request(server->port(), "GET", "/ok");
        EXPECT_EQ(ok.status, 200);
        EXPECT_EQ(ok.body, "fine\n");
    }
    EXPECT_NE(metrics.render().find("delvex_http_requests_total{outcome=\"error\"} 3\n"), std::string::npos)
        << metrics.render();
}

}  // namespace
}  // namespace delvex::testing
