#pragma once

// A small RFC 4180 reader for the members file programme staff export from spreadsheets: quoted fields
// (commas, quotes doubled, line breaks inside quotes), CRLF or LF, a UTF-8 byte-order mark, blank lines.

#include <cstddef>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace delvex::community {

struct CsvRecord {
    std::size_t line = 0;  ///< the line the record starts on (1-based)
    std::vector<std::string> fields;
};

/// Thrown for malformed CSV, with the line it was found on.
struct CsvError : std::runtime_error {
    CsvError(std::size_t line_number, const std::string& message)
        : std::runtime_error(message), line(line_number) {}
    std::size_t line;
};

/// Every non-blank record of `text`. Throws CsvError on an unterminated quote or text after a closing quote.
std::vector<CsvRecord> parse_csv(std::string_view text);

}  // namespace delvex::community
