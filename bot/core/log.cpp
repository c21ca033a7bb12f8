#include "bot/core/log.hpp"

#include <spdlog/formatter.h>
#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <ctime>
#include <algorithm>
#include <mutex>
#include <optional>
#include <vector>

namespace delvex::core {
namespace {

void append(spdlog::memory_buf_t& dest, std::string_view s) {
    dest.append(s.data(), s.data() + s.size());
}

/// Length of the valid UTF-8 sequence starting at s[i], or 0 if the bytes there are not one.
std::size_t utf8_length(std::string_view s, std::size_t i) {
    const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
    const unsigned char c = byte(i);
    std::size_t n = 0;
    if (c >= 0xC2 && c <= 0xDF) {
        n = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
        n = 3;
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 4;
    } else {
        return 0;
    }
    if (i + n > s.size()) {
        return 0;
    }
    for (std::size_t k = 1; k < n; ++k) {
        if ((byte(i + k) & 0xC0) != 0x80) {
            return 0;
        }
    }
    // Overlong forms, surrogates and code points past U+10FFFF.
    if ((c == 0xE0 && byte(i + 1) < 0xA0) || (c == 0xED && byte(i + 1) >= 0xA0) ||
        (c == 0xF0 && byte(i + 1) < 0x90) || (c == 0xF4 && byte(i + 1) >= 0x90)) {
        return 0;
    }
    return n;
}

/// A JSON string literal of `s`; bytes that are not UTF-8 become U+FFFD, so every line parses.
void append_json_string(spdlog::memory_buf_t& dest, std::string_view s) {
    static constexpr char kHex[] = "0123456789abcdef";
    dest.push_back('"');
    for (std::size_t i = 0; i < s.size();) {
        const auto c = static_cast<unsigned char>(s[i]);
        if (c == '"' || c == '\\') {
            dest.push_back('\\');
            dest.push_back(static_cast<char>(c));
        } else if (c == '\n') {
            append(dest, "\\n");
        } else if (c == '\r') {
            append(dest, "\\r");
        } else if (c == '\t') {
            append(dest, "\\t");
        } else if (c < 0x20 || c == 0x7F) {
            append(dest, "\\u00");
            dest.push_back(kHex[c >> 4]);
            dest.push_back(kHex[c & 0xF]);
        } else if (c < 0x80) {
            dest.push_back(static_cast<char>(c));
        } else if (const std::size_t n = utf8_length(s, i); n > 0) {
            append(dest, s.substr(i, n));
            i += n;
            continue;
        } else {
            append(dest, "\xEF\xBF\xBD");
        }
        ++i;
    }
    dest.push_back('"');
}

bool key_char(char c, bool first) {
    return (c >= 'a' && c <= 'z') || c == '_' || (!first && ((c >= '0' && c <= '9') || c == '.' || c == '-'));
}

/// RFC 3339 in UTC with milliseconds: 2026-12-06T15:34:22.123Z.
void append_time(spdlog::memory_buf_t& dest, spdlog::log_clock::time_point t) {
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
    std::time_t secs = static_cast<std::time_t>(ms / 1000);
    long long frac = ms % 1000;
    if (frac < 0) {
        frac += 1000;
        --secs;
    }
    std::tm tm{};
    ::gmtime_r(&secs, &tm);
    fmt::format_to(std::back_inserter(dest), "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", tm.tm_year + 1900,
                   tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, frac);
}

class JsonFormatter final : public spdlog::formatter {
public:
    void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override {
        const std::string_view text(msg.payload.data(), msg.payload.size());
        append(dest, "{\"time\":\"");
        append_time(dest, msg.time);
        append(dest, "\",\"level\":");
        const auto level = spdlog::level::to_string_view(msg.level);
        append_json_string(dest, std::string_view(level.data(), level.size()));
        append(dest, ",\"logger\":");
        append_json_string(dest, std::string_view(msg.logger_name.data(), msg.logger_name.size()));
        append(dest, ",\"message\":");
        append_json_string(dest, text);
        append(dest, ",\"fields\":{");
        // Each space-separated word `key=value` (key: lower case, digits, _ . -) is a field; the first
        // occurrence of a key wins, so the object never repeats a name.
        std::vector<std::string_view> seen;
        bool first = true;
        std::size_t pos = 0;
        while (pos < text.size()) {
            const auto end = std::min(text.find(' ', pos), text.size());
            const std::string_view word = text.substr(pos, end - pos);
            pos = end + 1;
            const auto eq = word.find('=');
            if (eq == 0 || eq == std::string_view::npos || !key_char(word[0], true)) {
                continue;
            }
            const std::string_view key = word.substr(0, eq);
            bool valid = true;
            for (char c : key) {
                valid = valid && key_char(c, false);
            }
            if (!valid || std::find(seen.begin(), seen.end(), key) != seen.end()) {
                continue;
            }
            seen.push_back(key);
            if (!first) {
                dest.push_back(',');
            }
            first = false;
            append_json_string(dest, key);
            dest.push_back(':');
            append_json_string(dest, word.substr(eq + 1));
        }
        append(dest, "}}\n");
    }

    std::unique_ptr<spdlog::formatter> clone() const override { return std::make_unique<JsonFormatter>(); }
};

}  // namespace

std::shared_ptr<spdlog::logger> logger(const std::string& name) {
    static std::mutex mutex;
    std::lock_guard lock(mutex);
    if (auto log = spdlog::get(name)) {
        return log;
    }
    auto base = spdlog::default_logger();
    auto log = std::make_shared<spdlog::logger>(name, base->sinks().begin(), base->sinks().end());
    log->set_level(base->level());
    spdlog::register_logger(log);
    return log;
}

std::unique_ptr<spdlog::formatter> json_log_formatter() {
    return std::make_unique<JsonFormatter>();
}

std::optional<LogFormat> parse_log_format(std::string_view name) {
    if (name == "text") {
        return LogFormat::kText;
    }
    if (name == "json") {
        return LogFormat::kJson;
    }
    return std::nullopt;
}

void setup_logging(const std::string& level, LogFormat format) {
    spdlog::drop_all();
    auto sink = std::make_shared<spdlog::sinks::stderr_color_sink_mt>();
    if (format == LogFormat::kJson) {
        sink->set_formatter(json_log_formatter());
    } else {
        sink->set_formatter(std::make_unique<spdlog::pattern_formatter>("%Y-%m-%dT%H:%M:%S.%eZ %^%l%$ %n %v",
                                                                        spdlog::pattern_time_type::utc));
    }
    spdlog::set_default_logger(std::make_shared<spdlog::logger>("delvex", sink));
    spdlog::set_level(spdlog::level::from_str(level));
}

}  // namespace delvex::core
