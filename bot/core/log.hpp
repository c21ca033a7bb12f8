#pragma once

#include <spdlog/formatter.h>
#include <spdlog/logger.h>

#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace delvex::core {

/// The named logger of a layer ("http", "events", "delivery", "whatsapp", "app"), created on first use
/// with the default logger's sinks and level, so code and tests need no set-up order.
std::shared_ptr<spdlog::logger> logger(const std::string& name);

/// How log lines are written: text for people, json (one object per line) for log shippers.
enum class LogFormat { kText, kJson };

/// Sets up spdlog: one stderr sink shared by every named logger, the given level ("trace" … "error"), times
/// in UTC. Text: `2026-12-06T15:34:22.123Z info http message key=value`. JSON: one object per line,
/// `{"time":"2026-12-06T15:34:22.123Z","level":"info","logger":"http","message":"…","fields":{"key":"value"}}`,
/// where fields are the message's `key=value` words (the message keeps them too).
void setup_logging(const std::string& level, LogFormat format);

/// A spdlog formatter writing the JSON lines above (exposed for tests).
std::unique_ptr<spdlog::formatter> json_log_formatter();

/// `text` or `json`; nullopt for anything else.
std::optional<LogFormat> parse_log_format(std::string_view name);

}  // namespace delvex::core
