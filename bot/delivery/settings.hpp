#pragma once

// Delivery settings: rates, pacing, halts, and the template mapping used when a member's 24 h window is
// closed. Read from <home>/config/delivery.yaml and <home>/config/templates.yaml (both optional), then the
// environment (DELVEX_SEND_RATE, DELVEX_INBOUND_SHARE, DELVEX_RECIPIENT_BURST, DELVEX_RECIPIENT_INTERVAL_MS).

#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "bot/core/outgoing.hpp"
#include "bot/delivery/governor.hpp"

namespace delvex::delivery {

/// One approved template standing in for a free-form message. Parameters are positional ({{1}}, {{2}}…);
/// "{text}" inside one is replaced by the original message's text.
struct TemplateSpec {
    std::string name;
    std::string language_code;  ///< e.g. "en_US"
    std::vector<std::string> params;
};

/// purpose → member language → template. A purpose without an entry is held for the member's digest.
class TemplateMap {
public:
    void add(const std::string& purpose, const std::string& language, TemplateSpec spec);
    /// The template for a purpose in a language, else in "default", else in "en"; nullptr if none.
    const TemplateSpec* find(const std::string& purpose, const std::string& language) const;
    bool empty() const { return map_.empty(); }

    /// Reads a templates.yaml ({purpose: {language: {name, language, params}}}). Throws std::runtime_error
    /// with "file:line: message" on a malformed file.
    static TemplateMap load(const std::string& path);

private:
    std::map<std::string, std::map<std::string, TemplateSpec>> map_;
};

/// The template message for a free-form message whose window is closed.
core::OutgoingMessage template_for(const TemplateSpec& spec, const core::OutgoingMessage& original);

struct DeliverySettings {
    GovernorSettings governor;
    int concurrency = 8;                           ///< sends in flight at once
    int batch = 512;                               ///< rows claimed from the outbox per fetch
    std::chrono::seconds halt_pause{60};           ///< first pause after a halt error, then doubled
    std::chrono::seconds max_halt_pause{15 * 60};  ///< longest pause between probes
    int max_attempts = 12;                         ///< retryable failures before a row fails for good
    bool coalesce = true;
    TemplateMap templates;
};

using SettingLookup = std::function<std::optional<std::string>(const std::string&)>;

/// Loads the settings for a service whose config/ folder is under `home`. Throws std::runtime_error naming
/// the file or variable on a bad value.
DeliverySettings load_settings(const std::string& home, const SettingLookup& env);

}  // namespace delvex::delivery
