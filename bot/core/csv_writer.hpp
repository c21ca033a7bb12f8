#pragma once

// Writing CSV as RFC 4180 describes it: fields separated by commas, records ended by CRLF, a field holding a
// comma, a double quote, CR or LF enclosed in double quotes with its quotes doubled.

#include <string>
#include <string_view>
#include <vector>

namespace delvex::core {

/// One field, quoted when RFC 4180 requires it. With `neutralise_formulas`, a field a spreadsheet would run as a
/// formula (starting with =, +, -, @, a tab or CR) gets a leading apostrophe first: for text people chose
/// (aliases), never for numbers we wrote.
std::string csv_field(std::string_view value, bool neutralise_formulas = false);

/// Appends one record (fields joined by commas, then CRLF) to `out`.
void csv_record(std::string& out, const std::vector<std::string>& fields, bool neutralise_formulas = false);

}  // namespace delvex::core
