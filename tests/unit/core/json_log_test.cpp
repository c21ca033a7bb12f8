// The JSON log formatter: one valid JSON object per line whatever the message holds (quotes, newlines,
// control characters, bytes that are not UTF-8), UTC times, and key=value words as fields.

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <spdlog/details/log_msg.h>

#include "bot/core/log.hpp"

namespace delvex::core {
namespace {

nlohmann::json format(std::string_view message, spdlog::level::level_enum level = spdlog::level::warn,
                      spdlog::log_clock::time_point time = spdlog::log_clock::time_point{}) {
    spdlog::details::log_msg msg(spdlog::source_loc{}, "http", level,
                                 spdlog::string_view_t(message.data(), message.size()));
    msg.time = time;
    spdlog::memory_buf_t out;
    json_log_formatter()->format(msg, out);
    const std::string line(out.data(), out.size());
    EXPECT_TRUE(line.ends_with("\n"));
    EXPECT_EQ(std::count(line.begin(), line.end(), '\n'), 1) << line;
    return nlohmann::json::parse(line);
}

TEST(JsonLog, OneObjectWithUtcTimeLevelLoggerMessageAndFields) {
    const auto t = spdlog::log_clock::time_point{std::chrono::milliseconds(1'796'560'462'123)};
    const auto j = format("send failed key=rooms.relay:7 code=131026 attempt=2 not a=field =x key=again", spdlog::level::warn, t);
    EXPECT_EQ(j["time"], "2026-12-06T12:34:22.123Z");
    EXPECT_EQ(j["level"], "warning");
    EXPECT_EQ(j["logger"], "http");
    EXPECT_EQ(j["message"], "send failed key=rooms.relay:7 code=131026 attempt=2 not a=field =x key=again");
    EXPECT_EQ(j["fields"], (nlohmann::json{{"key", "rooms.relay:7"}, {"code", "131026"}, {"attempt", "2"}, {"a", "field"}}));
}

TEST(JsonLog, AnyMessageStaysOneValidLine) {
    const std::string nasty = std::string("quote\" back\\slash\nnew\rline\ttab \x01\x1f\x7f bad\xff\xc3 ok é 💎 ") +
                              std::string("\xed\xa0\x80 surrogate \xc0\xaf overlong x=\"y\"");
    const auto j = format(nasty);
    const auto message = j["message"].get<std::string>();
    EXPECT_NE(message.find("quote\" back\\slash\nnew\rline\ttab \x01\x1f\x7f"), std::string::npos) << message;
    EXPECT_NE(message.find("ok é 💎"), std::string::npos) << message;
    EXPECT_NE(message.find("\xEF\xBF\xBD"), std::string::npos) << message;  // U+FFFD for the bad bytes
    EXPECT_EQ(message.find('\xff'), std::string::npos);
    EXPECT_EQ(j["fields"]["x"], "\"y\"");
}

TEST(JsonLog, FormatNames) {
    EXPECT_EQ(parse_log_format("json"), LogFormat::kJson);
    EXPECT_EQ(parse_log_format("text"), LogFormat::kText);
    EXPECT_EQ(parse_log_format("JSON"), std::nullopt);
}

}  // namespace
}  // namespace delvex::core
