#pragma once

#include <ostream>
#include <string>

#include "bot/app/config.hpp"

namespace delvex::app {

/// `delvex send`: queues one text in the outbox of DELVEX_DB; a running service sends it (or the next to
/// start). Returns the exit code.
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
