#pragma once

// The project's templates (config/templates.yaml) registered on a fake Graph API, APPROVED, as they are on a
// WhatsApp Business Account after `delvex templates push` and Meta's review: what `delvex demo` and the tests
// start from. Each definition goes through the fake's copy of Meta's review, so a template Meta would refuse
// fails here too.

#include "bot/delivery/templates.hpp"
#include "bot/whatsapp/fake_graph.hpp"

namespace delvex::app {

/// Adds every template of `map` in every language to `fake` as APPROVED. Throws std::invalid_argument (from
/// the fake's review) naming a template Meta would refuse.
void approve_project_templates(whatsapp::FakeGraph& fake, const delivery::TemplateMap& map);

}  // namespace delvex::app
