#include "bot/events/members_import.hpp"

#include <SQLiteCpp/Transaction.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <optional>
#include <stdexcept>
#include <unordered_map>

#include "bot/community/alias.hpp"
#include "bot/community/alias_spoof.hpp"
#include "bot/community/csv.hpp"
#include "bot/community/language.hpp"
#include "bot/community/phone.hpp"
#include "bot/core/i18n.hpp"
#include "bot/core/redact.hpp"
#include "bot/core/text.hpp"
#include "bot/store/community_repository.hpp"

namespace delvex::events {
namespace {

constexpr const char* kHeader = "wa_id,alias,room,language,role";

const char* alias_message(const std::string& key) {
    if (key == "rooms.alias_bad_length") {
        return "alias must be 2 to 24 characters";
    }
    if (key == "rooms.alias_no_numbers") {
        return "alias must not hold a phone number";
    }
    if (key == "rooms.alias_no_links") {
        return "alias must not hold a link";
    }
    if (key == "rooms.alias_hidden_chars") {
        return "alias must not hold invisible characters, bidi controls or spaces other than U+0020";
    }
    if (key == "rooms.alias_mixed_letters") {
        return "alias must not mix alphabets that copy each other's letters (Latin with Cyrillic or Greek)";
    }
    if (key == "rooms.alias_reserved") {
        return "alias is a name of the team or the service (Moderator, Admin, Announcement, Delve…)";
    }
    return "alias may hold letters, digits, spaces, '-' and '.' only";
}

/// A business-scoped user id: "<ISO country>.<alphanumerics>" (docs/WHATSAPP.md §10).
bool is_bsuid(std::string_view id) {
    if (id.size() <= 3 || id[2] != '.' || std::isupper(static_cast<unsigned char>(id[0])) == 0 ||
        std::isupper(static_cast<unsigned char>(id[1])) == 0) {
        return false;
    }
    return std::all_of(id.begin() + 3, id.end(),
                       [](char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '.'; });
}

/// Collects problems: the first `shown` with their line, every one counted per kind.
class Problems {
public:
    Problems(ImportCheck& check, std::size_t shown) : check_(check), shown_(shown) {}

    void add(std::size_t line, std::string kind, std::string message) {
        ++check_.problem_count;
        ++check_.kinds[kind];
        if (check_.problems.size() < shown_) {
            check_.problems.push_back(ImportProblem{line, std::move(kind), std::move(message)});
        } else {
            ++check_.not_shown[kind];
        }
    }

private:
    ImportCheck& check_;
    std::size_t shown_;
};

/// What a row means on its own (no repeats, no database): the number normalised with the room's countries,
/// the room by id or English name, the language and role. Problems go to `problems`.
class RowReader {
public:
    explicit RowReader(const community::Regions& regions) : regions_(regions) {
        for (const auto& r : regions.rooms()) {
            ids_ += (ids_.empty() ? "" : ", ") + r.id;
        }
    }

    MemberRow read(std::size_t line, const MemberInput& in, Problems& problems) {
        MemberRow row;
        row.line = line;
        row.room = core::trim(in.room);
        const community::Room* room = find_room(row.room);
        if (room == nullptr) {
            problems.add(line, "room not in regions.yaml",
                         "room '" + row.room + "' is not in regions.yaml (rooms: " + ids_ + ")");
        } else {
            row.room = room->id;
        }
        read_number(line, core::trim(in.wa_id), room, row, problems);
        row.alias = community::tidy_alias(in.alias);
        if (auto bad = community::alias_problem(row.alias)) {
            problems.add(line, alias_message(*bad), std::string(alias_message(*bad)) + " (got '" + row.alias + "')");
        }
        row.language = core::lower_ascii(core::trim(in.language));
        if (row.language.empty() && !row.wa_id.empty()) {
            row.language = community::guess_language(row.wa_id);
        }
        const auto& languages = core::Catalog::supported_languages();
        if (std::find(languages.begin(), languages.end(), row.language) == languages.end()) {
            problems.add(line, "language not one of en, fr, es, pt, sw",
                         "language '" + row.language + "' is not one of en, fr, es, pt, sw");
        }
        row.role = core::lower_ascii(core::trim(in.role));
        if (row.role.empty()) {
            row.role = "member";
        }
        if (row.role != "member" && row.role != "moderator" && row.role != "admin") {
            problems.add(line, "role not member, moderator or admin",
                         "role '" + row.role + "' must be member, moderator or admin");
        }
        return row;
    }

private:
    const community::Room* find_room(const std::string& typed) {
        if (auto it = rooms_.find(typed); it != rooms_.end()) {
            return it->second;
        }
        const auto wanted = core::lower_ascii(typed);
        const community::Room* room = regions_.find(wanted);
        for (const auto& r : regions_.rooms()) {
            if (room == nullptr && core::lower_ascii(r.name("en")) == wanted) {
                room = &r;
            }
        }
        if (rooms_.size() < 1000) {  // a file names a handful of rooms; never let typos grow this without bound
            rooms_.emplace(typed, room);
        }
        return room;
    }

    static void read_number(std::size_t line, const std::string& typed, const community::Room* room, MemberRow& row,
                            Problems& problems) {
        if (is_bsuid(typed)) {
            row.wa_id = typed;
            return;
        }
        static const std::vector<std::string> no_countries;
        const auto n = community::normalise_number(typed, room != nullptr ? room->countries : no_countries);
        const bool international = typed.starts_with('+') || typed.starts_with("00");
        switch (n.problem) {
            case community::NumberProblem::kNone:
                row.wa_id = n.digits;
                row.national_of = n.national_of;
                return;
            case community::NumberProblem::kNotANumber:
                problems.add(line, "not a phone number",
                             "wa_id '" + core::redact(typed) +
                                 "' is not a phone number (digits, with '+' and the country code or without) "
                                 "or a BSUID");
                return;
            case community::NumberProblem::kNotValid:
                if (international) {
                    problems.add(line, "number not valid",
                                 "wa_id '" + core::redact(typed) + "' is not a valid phone number");
                } else if (room != nullptr) {
                    problems.add(line, "number not valid for room " + room->id,
                                 "wa_id '" + core::redact(typed) + "' is not a valid number of room " + room->id +
                                     "'s countries; write another country's number with '+' and its code");
                }
                return;
            case community::NumberProblem::kAmbiguous:
                problems.add(line, "number ambiguous in room " + (room != nullptr ? room->id : std::string("?")),
                             "wa_id '" + core::redact(typed) + "' reads as " + std::to_string(n.readings.size()) +
                                 " different valid numbers; write it with '+' and its country code");
                return;
        }
    }

    const community::Regions& regions_;
    std::string ids_;
    std::unordered_map<std::string, const community::Room*> rooms_;
};

/// The members file, record by record: the header's columns, then each row as a MemberInput.
class MembersFile {
public:
    MembersFile(std::istream& in, ImportCheck& check, Problems& problems)
        : reader_(in), check_(check), problems_(problems) {}

    /// Reads the header; false (with a problem) when the file is empty or lacks a column.
    bool header() {
        if (!next_record()) {
            if (!check_.fatal) {
                problems_.add(1, "no header", std::string("empty file; expected the header ") + kHeader);
            }
            check_.fatal = true;
            return false;
        }
        check_.separator = reader_.separator();
        width_ = record_.fields.size();
        std::unordered_map<std::string, std::size_t> column;
        for (std::size_t i = 0; i < record_.fields.size(); ++i) {
            column.emplace(core::lower_ascii(core::trim(record_.fields[i])), i);
        }
        std::size_t* into[] = {&wa_id_, &alias_, &room_, &language_, &role_};
        const char* names[] = {"wa_id", "alias", "room", "language", "role"};
        for (std::size_t i = 0; i < 5; ++i) {
            const auto it = column.find(names[i]);
            if (it == column.end()) {
                problems_.add(record_.line, "header lacks a column",
                              std::string("the header lacks '") + names[i] + "' (expected " + kHeader +
                                  ", separated by commas or semicolons)");
                check_.fatal = true;
                return false;
            }
            *into[i] = it->second;
        }
        return true;
    }

    /// The next row with the header's number of fields; rows of another width are reported and skipped.
    /// False at the end of the file or at a syntax error (reported, fatal).
    bool next(std::size_t& line, MemberInput& member) {
        while (next_record()) {
            ++check_.rows;
            const auto& f = record_.fields;
            if (f.size() != width_) {
                problems_.add(record_.line, "wrong number of fields",
                              std::to_string(f.size()) + " fields, the header has " + std::to_string(width_));
                continue;
            }
            line = record_.line;
            member = MemberInput{f[wa_id_], f[alias_], f[room_], f[language_], f[role_]};
            return true;
        }
        return false;
    }

private:
    bool next_record() {
        if (check_.fatal) {
            return false;
        }
        try {
            return reader_.next(record_);
        } catch (const community::CsvError& e) {
            problems_.add(e.line, "CSV syntax", e.what());
            check_.fatal = true;
            return false;
        }
    }

    community::CsvReader reader_;
    ImportCheck& check_;
    Problems& problems_;
    community::CsvRecord record_;
    std::size_t width_ = 0;
    std::size_t wa_id_ = 0, alias_ = 0, room_ = 0, language_ = 0, role_ = 0;
};

/// Finds repeats across rows and aliases other members hold. Memory per row: one number (8 bytes, E.164 fits)
/// and one 64-bit hash of the alias's skeleton, each with its line. Two different aliases sharing a hash
/// (odds about 1 in 36 million for a million rows) would be reported as a repeat, never missed.
class Repeats {
public:
    explicit Repeats(SQLite::Database& db) : repo_(db) {}

    void check(const MemberRow& row, Problems& problems) {
        const auto line = static_cast<std::uint32_t>(row.line);
        if (!row.wa_id.empty()) {
            std::uint64_t number = 0;
            const auto* end = row.wa_id.data() + row.wa_id.size();
            std::optional<std::uint32_t> earlier;
            if (auto [p, ec] = std::from_chars(row.wa_id.data(), end, number); ec == std::errc() && p == end) {
                if (auto [it, fresh] = numbers_.emplace(number, line); !fresh) {
                    earlier = it->second;
                }
            } else if (auto [it, fresh] = bsuids_.emplace(row.wa_id, line); !fresh) {
                earlier = it->second;
            }
            if (earlier) {
                problems.add(row.line, "number repeats an earlier line", "wa_id repeats line " + std::to_string(*earlier));
            }
        }
        if (community::alias_problem(row.alias)) {
            return;  // reported by RowReader
        }
        const auto key = std::hash<std::string>{}(community::alias_skeleton(row.alias));
        if (auto [it, fresh] = aliases_.emplace(key, line); !fresh) {
            problems.add(row.line, "alias repeats an earlier line",
                         "alias '" + row.alias + "' repeats line " + std::to_string(it->second));
        } else if (auto holder = repo_.by_alias(row.alias); holder && holder->key != row.wa_id) {
            problems.add(row.line, "alias already used by another member",
                         "alias '" + row.alias + "' is already used by another member");
        }
    }

private:
    store::CommunityRepository repo_;
    std::unordered_map<std::uint64_t, std::uint32_t> numbers_;
    std::unordered_map<std::string, std::uint32_t> bsuids_;
    std::unordered_map<std::uint64_t, std::uint32_t> aliases_;
};

/// Adds one checked row to the database; returns whether the member is new. A row kept out of its room is
/// added to `result`.
bool import_row(store::CommunityRepository& repo, const MemberRow& m, std::int64_t now_ms, ImportResult& result,
                std::size_t shown) {
    const bool existed = repo.profile(m.wa_id).has_value();
    const auto id = repo.import_member(m.wa_id, m.language, m.alias, now_ms / 1000);
    const auto before = repo.membership(m.room, id);
    const bool in_room = before ? before->state == store::MembershipState::kActive ||
                                      before->state == store::MembershipState::kSilenced
                                : repo.join(m.room, id, now_ms, repo.last_post_id(m.room));
    if (!in_room) {
        const auto now = repo.membership(m.room, id);
        const auto state = now ? now->state : store::MembershipState::kLeft;
        ++result.kept_out_count;
        if (result.kept_out.size() < shown) {
            result.kept_out.push_back(ImportProblem{
                m.line, "kept out of their room",
                "kept out of " + m.room + ": " +
                    (state == store::MembershipState::kBanned    ? "banned from it"
                     : state == store::MembershipState::kRemoved ? "removed from it"
                                                                 : "left it") +
                    " (a moderator or the member decided; the file does not undo it)"});
        }
        return !existed;
    }
    const auto profile = repo.profile(id);
    if (profile && profile->current_room.empty()) {
        repo.set_current_room(id, m.room);
    }
    if (m.role == "moderator" || m.role == "admin") {
        repo.set_role(m.room, id, store::RoomRole::kModerator);
    }
    if (m.role == "admin") {
        repo.set_admin(id, true);
    }
    return !existed;
}

}  // namespace

ImportCheck check_members(SQLite::Database& db, std::istream& in, const community::Regions& regions,
                          const ImportOptions& options) {
    ImportCheck check;
    Problems problems(check, options.shown_problems);
    MembersFile file(in, check, problems);
    if (!file.header()) {
        return check;
    }
    RowReader reader(regions);
    Repeats repeats(db);
    std::size_t line = 0;
    MemberInput input;
    while (file.next(line, input)) {
        const auto row = reader.read(line, input, problems);
        repeats.check(row, problems);
        if (!row.national_of.empty()) {
            ++check.national[row.national_of];
        }
        if (check.preview.size() < options.preview_rows) {
            check.preview.push_back(row);
        }
    }
    return check;
}

ImportResult apply_members(SQLite::Database& db, std::istream& in, const community::Regions& regions,
                           std::int64_t now_ms, const ImportOptions& options) {
    ImportResult result;
    result.check = check_members(db, in, regions, options);
    if (!result.check.ok()) {
        return result;
    }
    in.clear();
    in.seekg(0);
    if (!in) {
        throw std::runtime_error("the members file cannot be read a second time (not seekable)");
    }
    // The second pass reads the same rows again; the check above found nothing wrong, so anything found now
    // means the file changed in between: the transaction is rolled back.
    ImportCheck again;
    Problems problems(again, 1);
    MembersFile file(in, again, problems);
    RowReader reader(regions);
    store::CommunityRepository repo(db);
    SQLite::Transaction tx(db, SQLite::TransactionBehavior::IMMEDIATE);
    std::size_t line = 0;
    MemberInput input;
    std::size_t imported = 0;
    if (file.header()) {
        while (file.next(line, input)) {
            const auto row = reader.read(line, input, problems);
            if (!again.ok()) {
                break;
            }
            result.fresh += import_row(repo, row, now_ms, result, options.shown_problems) ? 1 : 0;
            ++imported;
        }
    }
    if (!again.ok() || imported != result.check.rows) {
        throw std::runtime_error("the members file changed while it was imported; nothing was imported");
    }
    tx.commit();
    result.imported = true;
    result.known = imported - result.fresh;
    return result;
}

ImportResult apply_member(SQLite::Database& db, const MemberInput& member, const community::Regions& regions,
                          std::int64_t now_ms) {
    ImportResult result;
    Problems problems(result.check, 50);
    RowReader reader(regions);
    Repeats repeats(db);
    const auto row = reader.read(1, member, problems);
    repeats.check(row, problems);
    result.check.rows = 1;
    if (!result.check.ok()) {
        return result;
    }
    store::CommunityRepository repo(db);
    SQLite::Transaction tx(db, SQLite::TransactionBehavior::IMMEDIATE);
    result.fresh = import_row(repo, row, now_ms, result, 50) ? 1 : 0;
    tx.commit();
    result.imported = true;
    result.known = 1 - result.fresh;
    return result;
}

std::string with_thousands(std::size_t n) {
    const auto digits = std::to_string(n);
    std::string out;
    for (std::size_t i = 0; i < digits.size(); ++i) {
        if (i > 0 && (digits.size() - i) % 3 == 0) {
            out += ',';
        }
        out += digits[i];
    }
    return out;
}

void print_problems(std::ostream& err, const std::string& where, const ImportCheck& check) {
    for (const auto& p : check.problems) {
        err << where;
        if (p.line > 0) {
            err << ':' << p.line;
        }
        err << ": " << p.message << '\n';
    }
    if (check.not_shown.empty()) {
        return;
    }
    std::vector<std::pair<std::string, std::size_t>> kinds(check.not_shown.begin(), check.not_shown.end());
    std::stable_sort(kinds.begin(), kinds.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
    err << where << ": and " << with_thousands(check.problem_count - check.problems.size()) << " more:";
    for (std::size_t i = 0; i < kinds.size(); ++i) {
        err << (i == 0 ? " " : "; ") << with_thousands(kinds[i].second) << " \xC3\x97 " << kinds[i].first;
    }
    err << '\n';
}

}  // namespace delvex::events
