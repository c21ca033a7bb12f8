#include "bot/community/csv.hpp"

#include <sstream>

namespace delvex::community {

namespace {
constexpr std::size_t kBufferSize = 64 * 1024;
}

CsvReader::CsvReader(std::istream& in, char separator) : in_(in), separator_(separator), buffer_(kBufferSize) {}

bool CsvReader::fill() {
    if (pos_ < end_) {
        return true;
    }
    in_.read(buffer_.data(), static_cast<std::streamsize>(buffer_.size()));
    pos_ = 0;
    end_ = static_cast<std::size_t>(in_.gcount());
    return end_ > 0;
}

int CsvReader::peek() {
    return fill() ? static_cast<unsigned char>(buffer_[pos_]) : -1;
}

int CsvReader::get() {
    return fill() ? static_cast<unsigned char>(buffer_[pos_++]) : -1;
}

void CsvReader::detect() {
    // The byte-order mark some spreadsheets write before UTF-8 text.
    fill();
    if (end_ - pos_ >= 3 && std::string_view(buffer_.data() + pos_, 3) == "\xEF\xBB\xBF") {
        pos_ += 3;
    }
    if (separator_ != 0) {
        return;
    }
    // The first non-blank line as far as the buffer holds it (a header is far shorter than 64 KiB).
    std::size_t commas = 0;
    std::size_t semicolons = 0;
    bool quoted = false;
    bool content = false;
    for (std::size_t i = pos_; i < end_; ++i) {
        const char c = buffer_[i];
        if (c == '"') {
            quoted = !quoted;
        } else if (!quoted && (c == '\n' || c == '\r')) {
            if (content) {
                break;
            }
        } else if (!quoted && c == ',') {
            ++commas;
        } else if (!quoted && c == ';') {
            ++semicolons;
        }
        content = content || (c != '\n' && c != '\r');
    }
    separator_ = semicolons > commas ? ';' : ',';
}

bool CsvReader::next(CsvRecord& record) {
    if (!started_) {
        detect();
        started_ = true;
    }
    record.fields.clear();
    record.line = line_;
    std::string field;
    bool in_quotes = false;
    bool after_quote = false;  // a closing quote was seen; only a separator may follow
    bool any = false;          // the record has content (blank lines are skipped)
    for (int ch = get(); ch != -1; ch = get()) {
        const char c = static_cast<char>(ch);
        if (in_quotes) {
            if (c == '"') {
                if (peek() == '"') {
                    field += '"';
                    get();
                } else {
                    in_quotes = false;
                    after_quote = true;
                }
            } else {
                if (c == '\n') {
                    ++line_;
                }
                field += c;
            }
            continue;
        }
        if (c == separator_) {
            record.fields.push_back(std::move(field));
            field.clear();
            after_quote = false;
            any = true;
        } else if (c == '\r' || c == '\n') {
            if (c == '\r' && peek() == '\n') {
                get();
            }
            ++line_;
            if (any) {
                record.fields.push_back(std::move(field));
                return true;
            }
            record.line = line_;  // a blank line: the record starts on the next one
            field.clear();
            after_quote = false;
        } else if (c == '"') {
            if (!field.empty() || after_quote) {
                throw CsvError(line_, "a quote inside an unquoted field (quote the whole field and double the quote)");
            }
            in_quotes = true;
            any = true;
        } else {
            if (after_quote) {
                throw CsvError(line_, std::string("text after a closing quote (expected a ") +
                                          (separator_ == ';' ? "semicolon" : "comma") + " or the end of the line)");
            }
            field += c;
            any = true;
        }
    }
    if (in_quotes) {
        throw CsvError(record.line, "a quoted field is never closed");
    }
    if (any) {
        record.fields.push_back(std::move(field));
        return true;
    }
    return false;
}

std::vector<CsvRecord> parse_csv(std::string_view text) {
    std::istringstream in{std::string(text)};
    CsvReader reader(in);
    std::vector<CsvRecord> records;
    CsvRecord record;
    while (reader.next(record)) {
        records.push_back(std::move(record));
        record = CsvRecord{};
    }
    return records;
}

std::string csv_field(std::string_view field, char separator) {
    if (field.find_first_of(std::string{separator, '"', '\n', '\r'}) == std::string_view::npos) {
        return std::string(field);
    }
    std::string out = "\"";
    for (const char c : field) {
        out += c;
        if (c == '"') {
            out += '"';
        }
    }
    return out + "\"";
}

}  // namespace delvex::community
