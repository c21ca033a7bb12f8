#include "bot/whatsapp/signature.hpp"

#include <gtest/gtest.h>

#include "bot/core/crypto.hpp"

namespace delvex::whatsapp {
namespace {

TEST(Signature, AcceptsTheHmacOfTheRawBody) {
    const SignatureVerifier v("app-secret");
    const std::string body = R"({"object":"whatsapp_business_account","entry":[]})";
    // Independent of sign(): HMAC-SHA256 computed through the core helper.
    const std::string header = "sha256=" + core::hmac_sha256_hex("app-secret", body);
    EXPECT_TRUE(v.valid(body, header));
    EXPECT_EQ(v.sign(body), header);
}

TEST(Signature, WithoutASecretNothingIsValid) {
    // An HMAC keyed with the empty string is one anybody can compute.
    const SignatureVerifier v("");
    const std::string body = "{}";
    EXPECT_FALSE(v.valid(body, "sha256=" + core::hmac_sha256_hex("", body)));
}

TEST(Signature, AcceptsUpperCaseHex) {
    const SignatureVerifier v("k");
    std::string header = v.sign("x");
    for (std::size_t i = 7; i < header.size(); ++i) {
        header[i] = static_cast<char>(std::toupper(static_cast<unsigned char>(header[i])));
    }
    EXPECT_TRUE(v.valid("x", header));
}

TEST(Signature, RefusesEveryOtherForm) {
    const SignatureVerifier v("k");
    const std::string good = v.sign("body");
    EXPECT_FALSE(v.valid("body", ""));
    EXPECT_FALSE(v.valid("body", "sha256="));
    EXPECT_FALSE(v.valid("body", good.substr(0, good.size() - 1)));
    EXPECT_FALSE(v.valid("body", good + "0"));
    EXPECT_FALSE(v.valid("body", "sha1=" + good.substr(7)));
    EXPECT_FALSE(v.valid("body ", good));
    EXPECT_FALSE(SignatureVerifier("other").valid("body", good));
    std::string not_hex = good;
    not_hex[10] = 'g';
    EXPECT_FALSE(v.valid("body", not_hex));
}

TEST(Crypto, ConstantTimeEqualComparesContentAndLength) {
    EXPECT_TRUE(core::constant_time_equal("token", "token"));
    EXPECT_FALSE(core::constant_time_equal("token", "tokem"));
    EXPECT_FALSE(core::constant_time_equal("token", "token2"));
    EXPECT_FALSE(core::constant_time_equal("", "x"));
}

TEST(Crypto, KnownSha256AndHmacVectors) {
    EXPECT_EQ(core::sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    // RFC 4231 test case 2.
    EXPECT_EQ(core::hmac_sha256_hex("Jefe", "what do ya want for nothing?"),
              "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

}  // namespace
}  // namespace delvex::whatsapp
