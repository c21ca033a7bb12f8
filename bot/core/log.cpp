#include "bot/core/log.hpp"

#include <spdlog/spdlog.h>

#include <mutex>

namespace delvex::core {

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

}  // namespace delvex::core
