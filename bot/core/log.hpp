#pragma once

#include <spdlog/logger.h>

#include <memory>
#include <string>

namespace delvex::core {

/// The named logger of a layer ("http", "events", "delivery", "whatsapp", "app"), created on first use
/// with the default logger's sinks and level, so code and tests need no set-up order.
std::shared_ptr<spdlog::logger> logger(const std::string& name);

}  // namespace delvex::core
