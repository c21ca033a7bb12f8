// The egress proxy's address and NO_PROXY's rules, as curl reads them.

#include <gtest/gtest.h>

#include "bot/core/crypto.hpp"
#include "bot/whatsapp/proxy.hpp"

namespace delvex::whatsapp {
namespace {

TEST(Proxy, ReadsTheFormsOperatorsWrite) {
    std::string why;
    auto p = parse_proxy("http://proxy.uni.example:8080/", why);
    ASSERT_TRUE(p) << why;
    EXPECT_EQ(p->host, "proxy.uni.example");
    EXPECT_EQ(p->port, "8080");
    EXPECT_TRUE(p->authorization.empty());

    p = parse_proxy("10.0.0.1:3128", why);  // bare, as curl accepts
    ASSERT_TRUE(p) << why;
    EXPECT_EQ(p->host, "10.0.0.1");

    p = parse_proxy("HTTP://squid", why);
    ASSERT_TRUE(p) << why;
    EXPECT_EQ(p->port, "3128");

    p = parse_proxy("http://[fd00::1]:8080", why);
    ASSERT_TRUE(p) << why;
    EXPECT_EQ(p->host, "fd00::1");

    p = parse_proxy("http://field%40ngo:p%3Ass@proxy:8080", why);
    ASSERT_TRUE(p) << why;
    EXPECT_EQ(p->authorization, "Basic " + core::base64("field@ngo:p:ss"));
}

TEST(Proxy, RefusesWhatItCannotUseWithoutEchoingThePassword) {
    for (const char* bad : {"https://user:topsecret@proxy:443", "socks5://proxy:1080", "http://proxy:80/path",
                            "http://proxy:99999", "http://proxy:http", "http://:8080", "http://user:bad%zz@proxy:1",
                            "http://[fd00::1:8080"}) {
        std::string why;
        EXPECT_FALSE(parse_proxy(bad, why)) << bad;
        EXPECT_FALSE(why.empty()) << bad;
        EXPECT_EQ(why.find("topsecret"), std::string::npos) << why;
    }
}

TEST(Proxy, NoProxyMatchesHostsAndTheirSubdomains) {
    EXPECT_TRUE(bypasses_proxy("*", "graph.facebook.com"));
    EXPECT_TRUE(bypasses_proxy("localhost, 127.0.0.1", "127.0.0.1"));
    EXPECT_TRUE(bypasses_proxy("facebook.com", "graph.facebook.com"));
    EXPECT_TRUE(bypasses_proxy(".facebook.com", "graph.facebook.com"));
    EXPECT_TRUE(bypasses_proxy(".facebook.com", "facebook.com"));
    EXPECT_TRUE(bypasses_proxy("Graph.Facebook.com:443", "graph.facebook.com"));
    EXPECT_TRUE(bypasses_proxy("[::1]", "::1"));
    EXPECT_FALSE(bypasses_proxy("book.com", "graph.facebook.com"));
    EXPECT_FALSE(bypasses_proxy("", "graph.facebook.com"));
    EXPECT_FALSE(bypasses_proxy("internal.example", "graph.facebook.com"));
}

}  // namespace
}  // namespace delvex::whatsapp
