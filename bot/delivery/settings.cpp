#include "bot/delivery/settings.hpp"

#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <stdexcept>

namespace delvex::delivery {
namespace {

[[noreturn]] void fail(const std::string& where, const std::string& what) {
    throw std::runtime_error(where + ": " + what);
}

double number(const std::string& name, const std::string& value, double min, double max) {
    std::size_t pos = 0;
    double v = 0;
    try {
        v = std::stod(value, &pos);
    } catch (const std::exception&) {
        fail(name, "'" + value + "' is not a number");
    }
    if (pos != value.size() || v < min || v > max) {
        fail(name, "'" + value + "' must be a number from " + std::to_string(min) + " to " + std::to_string(max));
    }
    return v;
}

}  // namespace

DeliverySettings load_settings(const std::string& home, const SettingLookup& env) {
    DeliverySettings s;
    const std::string delivery_path = home + "/config/delivery.yaml";
    if (std::filesystem::exists(delivery_path)) {
        YAML::Node root;
        try {
            root = YAML::LoadFile(delivery_path);
        } catch (const YAML::Exception& e) {
            fail(delivery_path + ":" + std::to_string(e.mark.line + 1), e.msg);
        }
        if (root.IsMap()) {
            for (const auto& item : root) {
                const auto key = item.first.as<std::string>();
                const auto value = item.second.as<std::string>();
                const auto name = delivery_path + ": " + key;
                if (key == "rate_per_second") {
                    s.governor.rate_per_second = number(name, value, 0, 100000);
                } else if (key == "inbound_share") {
                    s.governor.inbound_share = number(name, value, 0, 0.9);
                } else if (key == "recipient_burst") {
                    s.governor.recipient_burst = static_cast<int>(number(name, value, 1, 45));
                } else if (key == "recipient_interval_ms") {
                    s.governor.recipient_interval =
                        std::chrono::milliseconds(static_cast<std::int64_t>(number(name, value, 0, 600000)));
                } else if (key == "window_margin_minutes") {
                    fail(name, "no longer a setting: the 24 h window's margin is fixed (30 min) so that every "
                               "feature and the sender agree on who can be reached");
                } else if (key == "halt_pause_seconds") {
                    s.halt_pause = std::chrono::seconds(static_cast<std::int64_t>(number(name, value, 1, 3600)));
                } else if (key == "max_attempts") {
                    s.max_attempts = static_cast<int>(number(name, value, 1, 100));
                } else if (key == "messaging_limit") {
                    s.messaging_limit = static_cast<std::int64_t>(number(name, value, 0, 1e9));
                } else if (key == "coalesce") {
                    s.coalesce = item.second.as<bool>();
                } else {
                    fail(name, "unknown key");
                }
            }
        }
    }
    if (auto v = env("DELVEX_SEND_RATE")) {
        s.governor.rate_per_second = number("DELVEX_SEND_RATE", *v, 0, 100000);
    }
    if (auto v = env("DELVEX_INBOUND_SHARE")) {
        s.governor.inbound_share = number("DELVEX_INBOUND_SHARE", *v, 0, 0.9);
    }
    if (auto v = env("DELVEX_RECIPIENT_BURST")) {
        s.governor.recipient_burst = static_cast<int>(number("DELVEX_RECIPIENT_BURST", *v, 1, 45));
    }
    if (auto v = env("DELVEX_RECIPIENT_INTERVAL_MS")) {
        s.governor.recipient_interval =
            std::chrono::milliseconds(static_cast<std::int64_t>(number("DELVEX_RECIPIENT_INTERVAL_MS", *v, 0, 600000)));
    }
    if (auto v = env("DELVEX_MESSAGING_LIMIT")) {
        s.messaging_limit = static_cast<std::int64_t>(number("DELVEX_MESSAGING_LIMIT", *v, 0, 1e9));
    }
    const std::string templates_path = home + "/config/templates.yaml";
    if (std::filesystem::exists(templates_path)) {
        s.templates = TemplateMap::load(templates_path);
    }
    return s;
}

}  // namespace delvex::delivery
