#include "bot/whatsapp/errors.hpp"
#include "bot/whatsapp/graph_client.hpp"

#include <boost/asio/error.hpp>
#include <gtest/gtest.h>

namespace delvex::whatsapp {
namespace {

GraphError error_with(int status, std::int64_t code) {
    GraphError e;
    e.http_status = status;
    e.code = code;
    return e;
}

TEST(Errors, ClassifiesThrottleCodesAndHttp429AsThrottle) {
    for (const std::int64_t code : {4, 613, 80007, 130429, 131048, 131056, 133016}) {
        EXPECT_EQ(classify(error_with(400, code)), ErrorClass::kThrottle) << code;
    }
    EXPECT_EQ(classify(error_with(429, GraphError::kNoCode)), ErrorClass::kThrottle);
    EXPECT_EQ(classify(error_with(429, 100)), ErrorClass::kThrottle);
}

TEST(Errors, ClassifiesServerAndTransientErrorsAsRetryable) {
    for (const std::int64_t code : {131000, 131016, 131053, 131057}) {
        EXPECT_EQ(classify(error_with(400, code)), ErrorClass::kRetryable) << code;
    }
    EXPECT_EQ(classify(error_with(500, GraphError::kNoCode)), ErrorClass::kRetryable);
    EXPECT_EQ(classify(error_with(503, 2)), ErrorClass::kRetryable);
    GraphError transient = error_with(400, 1);
    transient.is_transient = true;
    EXPECT_EQ(classify(transient), ErrorClass::kRetryable);
}

TEST(Errors, ClassifiesTransportErrorsAsRetryable) {
    EXPECT_EQ(classify(boost::system::error_code(boost::asio::error::connection_refused)), ErrorClass::kRetryable);
    SendOutcome outcome;
    outcome.transport_error = boost::asio::error::timed_out;
    EXPECT_EQ(classify(outcome), ErrorClass::kRetryable);
}

TEST(Errors, ClassifiesReEngagementAsWindowClosed) {
    EXPECT_EQ(classify(error_with(400, 131047)), ErrorClass::kWindowClosed);
}

TEST(Errors, ClassifiesAuthAndAccountProblemsAsHalt) {
    for (const std::int64_t code : {0, 190, 368, 131031, 131042}) {
        EXPECT_EQ(classify(error_with(400, code)), ErrorClass::kHalt) << code;
    }
    EXPECT_EQ(classify(error_with(401, 190)), ErrorClass::kHalt);
}

TEST(Errors, ClassifiesEverythingElseAsPermanent) {
    for (const std::int64_t code : {100, 131026, 132000, 132001, 131009, 131050, 3, 10}) {
        EXPECT_EQ(classify(error_with(400, code)), ErrorClass::kPermanent) << code;
    }
}

TEST(Errors, NeverHaltsOnAnUnparsableBody) {
    // An HTML 502 from a proxy has no Graph code: it must not be read as code 0 ("auth failed").
    EXPECT_EQ(classify(error_with(502, GraphError::kNoCode)), ErrorClass::kRetryable);
    EXPECT_EQ(classify(error_with(404, GraphError::kNoCode)), ErrorClass::kPermanent);
}

TEST(Errors, NamesEveryClass) {
    EXPECT_EQ(to_string(ErrorClass::kThrottle), "throttle");
    EXPECT_EQ(to_string(ErrorClass::kRetryable), "retryable");
    EXPECT_EQ(to_string(ErrorClass::kWindowClosed), "window_closed");
    EXPECT_EQ(to_string(ErrorClass::kPermanent), "permanent");
    EXPECT_EQ(to_string(ErrorClass::kHalt), "halt");
}

}  // namespace
}  // namespace delvex::whatsapp
