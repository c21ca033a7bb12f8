// Keep-alive, the connection cap and slow clients, on the real server over loopback.

#include <gtest/gtest.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>

#include "tests/support/harness.hpp"

namespace delvex {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using tcp = asio::ip::tcp;

tcp::socket connect(asio::io_context& ioc, std::uint16_t port) {
    tcp::socket s(ioc);
    s.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
    return s;
}

TEST(Connections, KeepAliveServesSeveralRequestsOnOneConnection) {
    testing::TempDir dir;
    testing::ServiceHarness h(dir.file("d.db"));
    asio::io_context ioc;
    beast::tcp_stream stream(ioc);
    stream.expires_after(std::chrono::seconds(10));
    stream.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), h.port()));
    // Two requests pipelined on one connection, two answers back on it.
    const std::string two = "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\nGET /healthz HTTP/1.1\r\nHost: x\r\n\r\n";
    asio::write(stream, asio::buffer(two));
    beast::flat_buffer buffer;
    for (int i = 0; i < 2; ++i) {
        bhttp::response<bhttp::string_body> res;
        beast::error_code ec;
        bhttp::read(stream, buffer, res, ec);
        ASSERT_FALSE(ec) << ec.message();
        EXPECT_EQ(res.result_int(), 200);
        EXPECT_TRUE(res.keep_alive());
    }
    EXPECT_EQ(h.service().metrics().connections_open.load(), 1);
}

TEST(Connections, AnAnswerToHeadHasNoBodySoTheNextAnswerOnTheConnectionIsReadRight) {
    testing::TempDir dir;
    testing::ServiceHarness h(dir.file("d.db"));
    asio::io_context ioc;
    beast::tcp_stream stream(ioc);
    stream.expires_after(std::chrono::seconds(10));
    stream.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), h.port()));
    const std::string two = "HEAD /forums/no-such-room.ics HTTP/1.1\r\nHost: x\r\n\r\n"
                            "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n";
    asio::write(stream, asio::buffer(two));
    beast::flat_buffer buffer;
    bhttp::response_parser<bhttp::string_body> head;
    head.skip(true);  // a client reads no body after HEAD, whatever Content-Length says
    beast::error_code ec;
    bhttp::read(stream, buffer, head, ec);
    ASSERT_FALSE(ec) << ec.message();
    EXPECT_EQ(head.get().result_int(), 404);
    EXPECT_NE(head.get()[bhttp::field::content_length], "0") << "HEAD announces the GET's length";
    bhttp::response<bhttp::string_body> next;
    bhttp::read(stream, buffer, next, ec);
    ASSERT_FALSE(ec) << ec.message();
    EXPECT_EQ(next.result_int(), 200);
    EXPECT_EQ(next.body(), "ok\n");
    EXPECT_EQ(next["X-Content-Type-Options"], "nosniff");
}

TEST(Connections, IdleClientsAtTheCapAreEvictedSoAWebhookIsStillAnswered) {
    testing::TempDir dir;
    testing::ServiceHarness h(dir.file("d.db"));
    h.stop_service();
    h.config().http.max_connections = 50;
    h.start_service();
    asio::io_context ioc;
    std::vector<tcp::socket> idle;
    for (int i = 0; i < 60; ++i) {
        idle.push_back(connect(ioc, h.port()));
    }
    // A slow client that sent half a header holds its place too, until its read timeout.
    boost::system::error_code ec;
    asio::write(idle.back(), asio::buffer(std::string("POST /webhook HTTP/1.1\r\nHost: x\r\n")), ec);
    ASSERT_FALSE(ec);
    const auto body = h.webhook_for(testing::ServiceHarness::text_message("wamid.cap1", "254700000201", "hi"));
    const auto r = h.post_webhook(body);
    EXPECT_EQ(r.status, 200);
    EXPECT_GE(h.service().metrics().connections_evicted.load(), 11u);
    EXPECT_LE(h.service().metrics().connections_open.load(), 50);
}

TEST(Connections, AGracefulStopAnswersWhatIsInFlightAndRefusesNewConnections) {
    testing::TempDir dir;
    testing::ServiceHarness h(dir.file("d.db"));
    const auto port = h.port();
    ASSERT_EQ(h.post_webhook(h.webhook_for(testing::ServiceHarness::text_message("wamid.g1", "254700000202", "hi")))
                  .status,
              200);
    h.stop_service();
    EXPECT_EQ(testing::http_request(port, "GET", "/healthz", {}, {}, std::chrono::milliseconds(500)).status, 0);
}

}  // namespace
}  // namespace delvex
