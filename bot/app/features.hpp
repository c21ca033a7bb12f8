#pragma once

// The composition of the domain features (rooms, forums, academy): which exist, in which order they see
// messages, and which HTTP routes they add. The one place a new feature is wired in.

#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "bot/app/config.hpp"
#include "bot/core/clock.hpp"
#include "bot/core/i18n.hpp"
#include "bot/store/db_reader.hpp"
#include "bot/store/db_writer.hpp"
#include "bot/events/feature.hpp"
#include "bot/http/server.hpp"

namespace delvex::console {
class ConsoleHandler;
}

namespace delvex::app {

struct FeatureSet {
    /// The features, owned (some own further features: the rooms own their gate).
    std::vector<std::unique_ptr<events::Feature>> features;
    /// In the order they are asked to handle a message (the first that takes it wins).
    std::vector<events::Feature*> order;
    /// What the web console reads with (its own read-only connection) and its texts; before the routes, which
    /// use them, so they are destroyed after.
    std::unique_ptr<store::DbReader> console_reader;
    std::unique_ptr<core::Catalog> console_texts;
    /// HTTP routes, by path prefix.
    std::vector<std::pair<std::string, std::unique_ptr<http::Handler>>> routes;
    /// The console among the routes (to tell it how to wake the dispatcher).
    console::ConsoleHandler* console = nullptr;

    std::vector<events::Feature*> pointers() const;
};

/// What features may use to build themselves. All outlive the features.
struct FeatureDeps {
    const Config& config;
    const core::Catalog& catalog;
    const core::Clock& clock;
    store::DbWriter& writer;
    store::DbReader& reader;  ///< public lookups
    /// What FORGET ME does to files outside the database, given every form of the member's number and ids
    /// (the service masks them in the webhooks it keeps raw); empty: nothing.
    std::function<void(const std::vector<std::string>& forms)> forget_files;
};

/// Builds every feature from the config (loading regions, Academy content, …). Throws with a clear
/// message on bad files, before the service takes any webhook.
FeatureSet make_features(const FeatureDeps& deps);

/// Where the Academy draws certificate cards: "academy-cards" beside the database file (empty for an
/// in-memory database).
std::string academy_card_dir(const std::string& db_path);

}  // namespace delvex::app
