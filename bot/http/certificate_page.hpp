#pragma once

// The human-readable certificate page: plain HTML in the certificate's language (its name or alias, the
// course, the score, the date, the code, and what it proves); never a phone number. No script, no outside
// resource: the card image comes from the same address with ".png".

#include <string>

#include "bot/academy/state.hpp"
#include "bot/core/i18n.hpp"

namespace delvex::http {

/// `module_title` is the course's title in c.lang.
std::string certificate_page(const core::Catalog& catalog, const academy::Certificate& c, const std::string& module_title);

/// The page for a code that names no certificate, in `lang`.
std::string unknown_certificate_page(const core::Catalog& catalog, const std::string& lang, const std::string& code);

/// Escapes & < > " ' for HTML text and attributes.
std::string html_escape(std::string_view text);

}  // namespace delvex::http
