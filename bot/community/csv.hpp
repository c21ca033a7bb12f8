#pragma once

// A small RFC 4180 reader for the members file programme staff export from spreadsheets: quoted fields
// (separators, quotes doubled, line breaks inside quotes), CRLF or LF, a UTF-8 byte-order mark, blank lines.
// The separator is a comma or, as French, Spanish and Portuguese spreadsheets write it (their decimal mark is
// the comma), a semicolon: CsvReader tells which from the first line. It reads a stream record by record, so a
// file of any size is read in little memory.

#include <cstddef>
#include <istream>
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

class CsvReader {
public:
    /// `separator` 0: a comma or a semicolon, whichever the first non-blank line holds more of outside quotes.
    explicit CsvReader(std::istream& in, char separator = 0);

    /// The next non-blank record into `record`; false at the end. Throws CsvError on an unterminated quote or
    /// text after a closing quote.
    bool next(CsvRecord& record);

    /// The separator in use (after the first next() when it was detected).
    char separator() const { return separator_; }

private:
    int get();
    int peek();
    bool fill();
    void detect();

    std::istream& in_;
    char separator_ = 0;
    std::vector<char> buffer_;
    std::size_t pos_ = 0;
    std::size_t end_ = 0;
    std::size_t line_ = 1;
    bool started_ = false;
};

/// Every non-blank record of `text` (separator detected as CsvReader does). Throws CsvError.
std::vector<CsvRecord> parse_csv(std::string_view text);

/// `field` quoted for a CSV line when it holds the separator, a quote or a line break.
std::string csv_field(std::string_view field, char separator = ',');

}  // namespace delvex::community
