#pragma once

// Plumbing of the fake Graph API that needs no sockets: query strings, paths, multipart bodies, and the
// record kept of an accepted message.

#include "bot/whatsapp/fake_graph.hpp"
#include "bot/whatsapp/wire/outbound.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace delvex::whatsapp::fake {

/// The value of `name` in "a=1&b=2" (not percent-decoded), empty when absent.
std::string query_param(std::string_view query, std::string_view name);

/// A message id shaped like Meta's: "wamid." and the base64 of a small structure whose first field is the
/// counterpart's number (as in the ids of Meta's own documentation, which decode to the numbers they were sent
/// to), then a serial. Ids without numbers would hide a leak of real ids from the tests' log and file scans.
std::string mint_wamid(std::string_view number, std::uint64_t serial);

/// "/v25.0/123/messages" → {"v25.0", "123", "messages"}.
std::vector<std::string_view> split_path(std::string_view path);

/// One part of a multipart/form-data body.
struct Part {
    std::string name;
    std::string filename;
    std::string content_type;
    std::string data;
};

/// The value of `key=` in a header such as Content-Type or Content-Disposition (quotes removed).
std::string header_param(std::string_view header, std::string_view key);

/// Splits a multipart/form-data body by its boundary.
std::vector<Part> parse_multipart(std::string_view body, std::string_view boundary);

/// What the fake records of an accepted /messages body.
RecordedMessage record_of(const wire::ParsedRequest& parsed, std::string raw);

}  // namespace delvex::whatsapp::fake
