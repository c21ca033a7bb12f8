#pragma once

#include <memory>
#include <optional>
#include <ostream>
#include <string>

#include "bot/app/config.hpp"

namespace delvex::store {
class Database;
}

namespace delvex::app {

/// `delvex 0.1.0 (commit 0123abcd4567)`: what `delvex --version` prints.
std::string version_line();

/// The one line a usage error prints: `delvex: <CLI11's message> (see delvex --help)`, on one line whatever
/// the message holds.
std::string usage_error_line(const std::string& message);

/// `env` with the command line's --config and --db standing for DELVEX_CONFIG and DELVEX_DB (the database's
/// variables by the rule and the older name both answer --db, so they never disagree).
EnvLookup with_overrides(EnvLookup env, std::optional<std::string> config_file, std::optional<std::string> db);

/// Opens the database of a command other than `serve`, which alone creates one: a missing file is a
/// ConfigError naming it (a typo in DELVEX_DB must not start an empty database that nothing sends from).
std::unique_ptr<store::Database> open_existing_database(const std::string& path, bool read_only);

/// `delvex send`: queues one text in the outbox of the configured database (DELVEX_CONFIG, DELVEX_DB, as for
/// `serve`); a running service sends it (or the next to start). Returns the exit code.
int run_send(const EnvLookup& env, const std::string& to, const std::string& text, std::ostream& out,
             std::ostream& err);

/// `delvex outbox failed`: the messages that failed for good, newest first, with their reasons (numbers
/// shown by their last digits only). Returns the exit code.
int run_outbox_failed(const EnvLookup& env, int limit, std::ostream& out, std::ostream& err);

/// `delvex outbox held`: every message waiting for its member's next message, oldest first, with why.
int run_outbox_held(const EnvLookup& env, int limit, std::ostream& out, std::ostream& err);

/// Normalises a WhatsApp id typed by a person: "+254 700-000 001" → "254700000001"; a BSUID stays as it
/// is. Returns empty if it is neither a plausible number (7–15 digits) nor a BSUID.
std::string normalize_wa_id(const std::string& input);

}  // namespace delvex::app
