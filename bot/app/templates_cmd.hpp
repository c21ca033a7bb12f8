#pragma once

// `delvex templates push|status`: the project's templates (config/templates.yaml) against what the WhatsApp
// Business Account has, through Meta's management API.

#include <iosfwd>
#include <optional>
#include <string>

#include "bot/app/config.hpp"

namespace delvex::app {

/// `status` lists every template the project defines, per language, with Meta's review state (MISSING when
/// the account does not have it) and records the states in DELVEX_DB when that database exists, so the
/// sender knows at once. `push` first creates the missing ones. Needs WHATSAPP_BUSINESS_ACCOUNT_ID (or
/// whatsapp.waba_id) and WHATSAPP_ACCESS_TOKEN. Exit 0 when every template is APPROVED (status) or exists
/// (push), 1 when some are not, 2 on a usage or configuration error.
int run_templates(const EnvLookup& env, const std::optional<std::string>& config_file, bool push, std::ostream& out,
                  std::ostream& err);

}  // namespace delvex::app
