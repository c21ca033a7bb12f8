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
#include "bot/delivery/templates.hpp"

namespace delvex::core {
class Catalog;
}

namespace delvex::delivery {

struct DeliverySettings {
    GovernorSettings governor;
    int concurrency = 8;                           ///< sends in flight at once
    int batch = 512;                               ///< rows claimed from the outbox per fetch
    std::chrono::seconds halt_pause{60};           ///< first pause after a halt error, then doubled
    std::chrono::seconds max_halt_pause{15 * 60};  ///< longest pause between probes
    int max_attempts = 12;                         ///< retryable failures before a row fails for good
    bool coalesce = true;
    /// Meta's messaging limit: unique users the business may reach with templates (outside their window) per
    /// moving 24 h, for the whole business portfolio (250, 2,000, 10,000, 100,000; 0 = unlimited). A limit
    /// Meta reports in a business_capability_update webhook replaces it.
    std::int64_t messaging_limit = 250;
    TemplateMap templates;
    /// Members' files kept on disk (docs/OPERATIONS.md): the folder, owner-only ("" = not kept: a file is
    /// uploaded from memory), and how many days a stored file is kept (0 = until the member's FORGET ME).
    std::string media_dir{};
    int media_retention_days = 90;
    /// The texts for an author whose file could not be shared ("rooms.media_failed"); nullptr = not told.
    const core::Catalog* catalog = nullptr;
};

using SettingLookup = std::function<std::optional<std::string>(const std::string&)>;

/// Loads the settings for a service whose config/ folder is under `home`. Throws std::runtime_error naming
/// the file or variable on a bad value.
DeliverySettings load_settings(const std::string& home, const SettingLookup& env);

}  // namespace delvex::delivery
