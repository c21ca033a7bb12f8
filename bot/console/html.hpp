#pragma once

// Small helpers for the console's server-drawn HTML: escaping and the one page layout every page shares.

#include <string>
#include <string_view>

namespace delvex::console {

/// `text` with &, <, >, " and ' replaced by character references, safe inside element text and quoted
/// attribute values.
std::string escape(std::string_view text);

/// Appends escape(text) to `out`.
void append_escaped(std::string& out, std::string_view text);

/// `text` percent-encoded for a URL's query (RFC 3986: every byte but unreserved ones as %XX).
std::string percent_encode(std::string_view text);

}  // namespace delvex::console
