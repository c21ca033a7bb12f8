#include "bot/app/members.hpp"

#include <SQLiteCpp/Transaction.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "bot/app/commands.hpp"
#include "bot/community/alias.hpp"
#include "bot/community/alias_spoof.hpp"
#include "bot/community/csv.hpp"
#include "bot/community/language.hpp"
#include "bot/core/text.hpp"
#include "bot/community/regions.hpp"
#include "bot/core/clock.hpp"
#include "bot/core/i18n.hpp"
#include "bot/core/redact.hpp"
#include "bot/store/community_repository.hpp"
#include "bot/store/database.hpp"

namespace delvex::app {
namespace {

struct Row {
    std::size_t line = 0;
    MemberImport member;
};

std::string lower(std::string s) {
    return core::lower_ascii(std::move(s));
}

std::string trimmed(std::string_view s) {
    return core::trim(s);
}

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

/// Checks and imports; every problem goes to `err` as "<where>:<line>: message".
int import_rows(const Config& config, const std::string& where, std::vector<Row> rows, std::ostream& out,
                std::ostream& err) {
    const auto regions = community::Regions::load(config.home + "/config/regions.yaml");
    const auto& languages = core::Catalog::supported_languages();
    const auto db_handle = open_existing_database(config.db_path, false);
    store::CommunityRepository repo(db_handle->sql());
    std::size_t problems = 0;
    auto problem = [&](std::size_t line, const std::string& message) {
        err << where << ":" << line << ": " << message << '\n';
        ++problems;
    };
    std::map<std::string, std::size_t> seen_numbers;
    std::map<std::string, std::size_t> seen_aliases;
    for (auto& row : rows) {
        auto& m = row.member;
        const auto typed = m.wa_id;
        m.wa_id = normalize_wa_id(trimmed(m.wa_id));
        if (m.wa_id.empty()) {
            problem(row.line, "wa_id '" + core::redact(typed) + "' is not a phone number (7-15 digits) or a BSUID");
        } else if (auto [it, fresh] = seen_numbers.emplace(m.wa_id, row.line); !fresh) {
            problem(row.line, "wa_id repeats line " + std::to_string(it->second));
        }
        m.alias = community::tidy_alias(m.alias);
        if (auto bad = community::alias_problem(m.alias)) {
            problem(row.line, std::string(alias_message(*bad)) + " (got '" + m.alias + "')");
        } else if (auto [it, fresh] = seen_aliases.emplace(community::alias_skeleton(m.alias), row.line); !fresh) {
            problem(row.line, "alias '" + m.alias + "' repeats line " + std::to_string(it->second));
        } else if (auto holder = repo.by_alias(m.alias); holder && holder->key != m.wa_id) {
            problem(row.line, "alias '" + m.alias + "' is already used by another member");
        }
        m.room = trimmed(m.room);
        const community::Room* room = regions.find(lower(m.room));
        for (const auto& r : regions.rooms()) {
            if (room == nullptr && lower(r.name("en")) == lower(m.room)) {
                room = &r;
            }
        }
        if (room == nullptr) {
            std::string ids;
            for (const auto& r : regions.rooms()) {
                ids += (ids.empty() ? "" : ", ") + r.id;
            }
            problem(row.line, "room '" + m.room + "' is not in regions.yaml (rooms: " + ids + ")");
        } else {
            m.room = room->id;
        }
        m.language = lower(trimmed(m.language));
        if (m.language.empty() && !m.wa_id.empty()) {
            m.language = community::guess_language(m.wa_id);
        }
        if (std::find(languages.begin(), languages.end(), m.language) == languages.end()) {
            problem(row.line, "language '" + m.language + "' is not one of en, fr, es, pt, sw");
        }
        m.role = lower(trimmed(m.role));
        if (m.role.empty()) {
            m.role = "member";
        }
        if (m.role != "member" && m.role != "moderator" && m.role != "admin") {
            problem(row.line, "role '" + m.role + "' must be member, moderator or admin");
        }
    }
    if (problems > 0) {
        err << where << ": " << problems << " problem(s); nothing was imported\n";
        return 1;
    }
    core::SystemClock clock;
    const auto now_ms = core::to_unix_ms(clock.now());
    std::size_t fresh = 0;
    // What a moderator or the member decided is never undone by a file: someone who left, was removed or
    // banned stays out of that room (a ban kept from before a FORGET ME too), a hold stays.
    std::vector<std::string> kept_out;
    SQLite::Transaction tx(db_handle->sql(), SQLite::TransactionBehavior::IMMEDIATE);
    for (const auto& row : rows) {
        const auto& m = row.member;
        const bool existed = repo.profile(m.wa_id).has_value();
        const auto id = repo.import_member(m.wa_id, m.language, m.alias, now_ms / 1000);
        fresh += existed ? 0 : 1;
        const auto before = repo.membership(m.room, id);
        const bool in_room = before ? before->state == store::MembershipState::kActive ||
                                          before->state == store::MembershipState::kSilenced
                                    : repo.join(m.room, id, now_ms, repo.last_post_id(m.room));
        if (!in_room) {
            const auto now = repo.membership(m.room, id);
            const auto state = now ? now->state : store::MembershipState::kLeft;
            kept_out.push_back(where + ":" + std::to_string(row.line) + ": kept out of " + m.room + ": " +
                               (state == store::MembershipState::kBanned    ? "banned from it"
                                : state == store::MembershipState::kRemoved ? "removed from it"
                                                                            : "left it") +
                               " (a moderator or the member decided; the file does not undo it)");
            continue;
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
    }
    tx.commit();
    for (const auto& line : kept_out) {
        out << line << '\n';
    }
    out << "imported " << rows.size() << " member(s) (" << fresh << " new, " << rows.size() - fresh
        << " already known";
    if (!kept_out.empty()) {
        out << "; " << kept_out.size() << " kept out of their room, listed above";
    }
    out << ") into " << config.db_path << "; new members are asked for consent with their first message\n";
    return 0;
}

}  // namespace

int run_members_import(const EnvLookup& env, const std::optional<std::string>& config_file, const std::string& file,
                       std::ostream& out, std::ostream& err) {
    const auto config = load_config(config_file, env, false);
    std::ifstream in(file, std::ios::binary);
    if (!in) {
        err << file << ":1: cannot read the file\n";
        return 2;
    }
    std::stringstream buffer;
    buffer << in.rdbuf();
    std::vector<community::CsvRecord> records;
    try {
        records = community::parse_csv(buffer.str());
    } catch (const community::CsvError& e) {
        err << file << ":" << e.line << ": " << e.what() << '\n';
        return 1;
    }
    if (records.empty()) {
        err << file << ":1: empty file; expected the header wa_id,alias,room,language,role\n";
        return 1;
    }
    std::map<std::string, std::size_t> column;
    for (std::size_t i = 0; i < records[0].fields.size(); ++i) {
        column[lower(trimmed(records[0].fields[i]))] = i;
    }
    for (const char* name : {"wa_id", "alias", "room", "language", "role"}) {
        if (!column.contains(name)) {
            err << file << ":" << records[0].line << ": the header lacks '" << name
                << "' (expected wa_id,alias,room,language,role)\n";
            return 1;
        }
    }
    std::vector<Row> rows;
    std::size_t short_rows = 0;
    for (std::size_t r = 1; r < records.size(); ++r) {
        const auto& f = records[r].fields;
        if (f.size() != records[0].fields.size()) {
            err << file << ":" << records[r].line << ": " << f.size() << " fields, the header has "
                << records[0].fields.size() << '\n';
            ++short_rows;
            continue;
        }
        rows.push_back(Row{records[r].line,
                           MemberImport{f[column["wa_id"]], f[column["alias"]], f[column["room"]],
                                        f[column["language"]], f[column["role"]]}});
    }
    if (short_rows > 0) {
        err << file << ": " << short_rows << " problem(s); nothing was imported\n";
        return 1;
    }
    return import_rows(config, file, std::move(rows), out, err);
}

int run_members_add(const EnvLookup& env, const std::optional<std::string>& config_file, const MemberImport& member,
                    std::ostream& out, std::ostream& err) {
    const auto config = load_config(config_file, env, false);
    return import_rows(config, "members add", {Row{1, member}}, out, err);
}

}  // namespace delvex::app
