#include "bot/core/csv_writer.hpp"

namespace delvex::core {

std::string csv_field(std::string_view value, bool neutralise_formulas) {
    std::string text;
    if (neutralise_formulas && !value.empty() &&
        (value.front() == '=' || value.front() == '+' || value.front() == '-' || value.front() == '@' ||
         value.front() == '\t' || value.front() == '\r')) {
        text += '\'';
    }
    text += value;
    if (text.find_first_of(",\"\r\n") == std::string::npos) {
        return text;
    }
    std::string out = "\"";
    for (const char c : text) {
        if (c == '"') {
            out += '"';
        }
        out += c;
    }
    out += '"';
    return out;
}

void csv_record(std::string& out, const std::vector<std::string>& fields, bool neutralise_formulas) {
    for (std::size_t i = 0; i < fields.size(); ++i) {
        if (i > 0) {
            out += ',';
        }
        out += csv_field(fields[i], neutralise_formulas);
    }
    out += "\r\n";
}

}  // namespace delvex::core
