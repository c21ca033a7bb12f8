#pragma once

// The words of a certificate, in the language it was issued in: for the card (certificate_card) and the
// verification page (bot/http/certificate_page). Never a phone number: only the name or alias the learner
// chose, the course, the score, the date and the code.

#include <string>

#include "bot/academy/certificate_card.hpp"
#include "bot/academy/state.hpp"
#include "bot/core/i18n.hpp"

namespace delvex::academy {

/// "YYYY-MM-DD" in UTC.
std::string certificate_date(std::int64_t ms);

/// The link that verifies `code`: "<verify_base>/<code>", or just the code's own words when there is no
/// public address.
std::string certificate_link(const std::string& verify_base, const std::string& code);

/// The card's texts for certificate `c`, whose module is called `module_title` in c.lang.
CertificateCard certificate_card(const core::Catalog& catalog, const Certificate& c, const std::string& module_title,
                                 const std::string& verify_base);

}  // namespace delvex::academy
