#include "bot/community/csv.hpp"

namespace delvex::community {

std::vector<CsvRecord> parse_csv(std::string_view text) {
    if (text.starts_with("\xEF\xBB\xBF")) {
        text.remove_prefix(3);
    }
    std::vector<CsvRecord> records;
    CsvRecord record;
    std::string field;
    std::size_t line = 1;
    record.line = 1;
    bool in_quotes = false;
    bool after_quote = false;  // a closing quote was seen; only a separator may follow
    bool any = false;          // the record has content (blank lines are skipped)
    auto end_field = [&] {
        record.fields.push_back(std::move(field));
        field.clear();
        after_quote = false;
    };
    auto end_record = [&](std::size_t next_line) {
        if (any) {
            end_field();
            records.push_back(std::move(record));
        }
        record = CsvRecord{};
        record.line = next_line;
        field.clear();
        any = false;
        after_quote = false;
    };
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (in_quotes) {
            if (c == '"') {
                if (i + 1 < text.size() && text[i + 1] == '"') {
                    field += '"';
                    ++i;
                } else {
                    in_quotes = false;
                    after_quote = true;
                }
            } else {
                if (c == '\n') {
                    ++line;
                }
                field += c;
            }
            continue;
        }
        if (c == ',') {
            end_field();
            any = true;
        } else if (c == '\r' || c == '\n') {
            if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') {
                ++i;
            }
            ++line;
            end_record(line);
        } else if (c == '"') {
            if (!field.empty() || after_quote) {
                throw CsvError(line, "a quote inside an unquoted field (quote the whole field and double the quote)");
            }
            in_quotes = true;
            any = true;
        } else {
            if (after_quote) {
                throw CsvError(line, "text after a closing quote (expected a comma or the end of the line)");
            }
            field += c;
            any = true;
        }
    }
    if (in_quotes) {
        throw CsvError(record.line, "a quoted field is never closed");
    }
    end_record(line);
    return records;
}

}  // namespace delvex::community
