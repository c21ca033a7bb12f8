#pragma once

// Bringing members over from the old WhatsApp groups: a members file (CSV with a comma or a semicolon, UTF-8
// with or without a byte-order mark, header wa_id,alias,room,language,role in any order) checked, then imported
// in one transaction or not at all. Numbers are normalised with the room's countries (community::phone), so a
// Kenyan "0712 345 678" is stored as 254712345678, the number that member writes from. The file is streamed:
// memory stays small for a million rows (one compact entry per number and alias, to find repeats), and after
// the first problems only a count per kind is kept. Used by `delvex members import|add` and by the console.

#include <SQLiteCpp/Database.h>

#include <cstddef>
#include <cstdint>
#include <istream>
#include <map>
#include <ostream>
#include <string>
#include <vector>

#include "bot/community/regions.hpp"

namespace delvex::events {

/// One member as typed (a row of the file, or `delvex members add`).
struct MemberInput {
    std::string wa_id;
    std::string alias;
    std::string room;
    std::string language;  ///< empty: guessed from the number
    std::string role;      ///< member (default), moderator or admin
};

/// A row after checking: the number in international form, the room's id, language and role filled in.
struct MemberRow {
    std::size_t line = 0;
    std::string wa_id;
    std::string alias;
    std::string room;
    std::string language;
    std::string role;
    std::string national_of;  ///< the calling code the number was read in when written without one
};

struct ImportProblem {
    std::size_t line = 0;  ///< 0: the whole file
    std::string kind;      ///< what went wrong, without the row's data: "number not valid for room east-africa"
    std::string message;   ///< the full message, with the (redacted) value
};

struct ImportOptions {
    std::size_t shown_problems = 50;  ///< problems kept with their line; the rest are only counted per kind
    std::size_t preview_rows = 20;    ///< the first rows kept, normalised, for a preview
};

struct ImportCheck {
    std::size_t rows = 0;                          ///< data rows read (the header not counted)
    std::size_t problem_count = 0;                 ///< every problem found
    std::vector<ImportProblem> problems;           ///< the first ImportOptions::shown_problems of them
    std::map<std::string, std::size_t> kinds;      ///< every problem's kind → how many
    std::map<std::string, std::size_t> not_shown;  ///< the same for the problems beyond `problems`
    std::vector<MemberRow> preview;                ///< the first ImportOptions::preview_rows rows
    std::map<std::string, std::size_t> national;   ///< calling code → numbers written without it
    char separator = ',';
    bool fatal = false;  ///< the file could not be read to its end (bad quoting, no header): rows are incomplete

    bool ok() const { return problem_count == 0; }
};

struct ImportResult {
    ImportCheck check;
    bool imported = false;      ///< false: the check found problems and nothing was written
    std::size_t fresh = 0;      ///< members new to the database
    std::size_t known = 0;      ///< members already there (a file imported again)
    std::size_t kept_out_count = 0;
    std::vector<ImportProblem> kept_out;  ///< the first shown_problems rows whose room a person left or was barred
};

/// Reads the file once and checks every row against `regions` and the database (an alias another member
/// holds). Writes nothing.
ImportCheck check_members(SQLite::Database& db, std::istream& in, const community::Regions& regions,
                          const ImportOptions& options = {});

/// check_members, then, when nothing is wrong, reads the stream again from its start (it must be seekable: a
/// file or a string) and imports every row in one transaction. What a moderator or the member decided is never
/// undone: someone who left, was removed or banned stays out of that room, a hold stays.
ImportResult apply_members(SQLite::Database& db, std::istream& in, const community::Regions& regions,
                           std::int64_t now_ms, const ImportOptions& options = {});

/// The same for one member (`delvex members add`); problems carry line 1.
ImportResult apply_member(SQLite::Database& db, const MemberInput& member, const community::Regions& regions,
                          std::int64_t now_ms);

/// The check's problems as `where:line: message` (the first ones), then one line with the count per kind of
/// the rest ("where: and 999,950 more: 999,950 × number not valid for room east-africa").
void print_problems(std::ostream& err, const std::string& where, const ImportCheck& check);

/// 1234567 → "1,234,567".
std::string with_thousands(std::size_t n);

}  // namespace delvex::events
