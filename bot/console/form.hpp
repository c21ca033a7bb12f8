#pragma once

// Reading what a console form sent: application/x-www-form-urlencoded (every form) and multipart/form-data
// (the members file upload, RFC 7578), by the same calls, so the CSRF field is found in either.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bot/http/server.hpp"

namespace delvex::console {

/// The first value of field `name`, decoded; empty when absent.
std::string form_field(const http::Request& request, std::string_view name);

/// Every value of field `name`, in order.
std::vector<std::string> form_fields(const http::Request& request, std::string_view name);

/// The content of the file sent in multipart field `name` (nullopt when the request is not multipart or has no
/// such field).
std::optional<std::string> uploaded_file(const http::Request& request, std::string_view name);

}  // namespace delvex::console
