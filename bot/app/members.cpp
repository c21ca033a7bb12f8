#include "bot/app/members.hpp"

#include <fstream>

#include "bot/app/commands.hpp"
#include "bot/community/regions.hpp"
#include "bot/core/clock.hpp"
#include "bot/events/members_import.hpp"
#include "bot/store/database.hpp"

namespace delvex::app {
namespace {

/// The summary after an import: members kept out of their room, then the counts.
void report(const events::ImportResult& result, const std::string& where, const std::string& db_path,
            std::ostream& out) {
    for (const auto& k : result.kept_out) {
        out << where << ":" << k.line << ": " << k.message << '\n';
    }
    if (result.kept_out_count > result.kept_out.size()) {
        out << where << ": and " << events::with_thousands(result.kept_out_count - result.kept_out.size())
            << " more kept out of their room\n";
    }
    for (const auto& [code, count] : result.check.national) {
        out << where << ": " << events::with_thousands(count) << " number(s) written without a country code read as +"
            << code << " (numbers of another country need '+' and its code)\n";
    }
    const auto rows = result.fresh + result.known;
    out << "imported " << events::with_thousands(rows) << " member(s) (" << events::with_thousands(result.fresh)
        << " new, " << events::with_thousands(result.known) << " already known";
    if (result.kept_out_count > 0) {
        out << "; " << events::with_thousands(result.kept_out_count) << " kept out of their room, listed above";
    }
    out << ") into " << db_path << "; new members are asked for consent with their first message\n";
}

int finish(const events::ImportResult& result, const std::string& where, const std::string& db_path,
           std::ostream& out, std::ostream& err) {
    if (!result.imported) {
        events::print_problems(err, where, result.check);
        err << where << ": " << events::with_thousands(result.check.problem_count)
            << " problem(s); nothing was imported\n";
        return 1;
    }
    report(result, where, db_path, out);
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
    const auto regions = community::Regions::load(config.home + "/config/regions.yaml");
    const auto db = open_existing_database(config.db_path, false);
    core::SystemClock clock;
    const auto result = events::apply_members(db->sql(), in, regions, core::to_unix_ms(clock.now()));
    return finish(result, file, config.db_path, out, err);
}

int run_members_add(const EnvLookup& env, const std::optional<std::string>& config_file, const MemberImport& member,
                    std::ostream& out, std::ostream& err) {
    const auto config = load_config(config_file, env, false);
    const auto regions = community::Regions::load(config.home + "/config/regions.yaml");
    const auto db = open_existing_database(config.db_path, false);
    core::SystemClock clock;
    const auto result = events::apply_member(
        db->sql(), events::MemberInput{member.wa_id, member.alias, member.room, member.language, member.role},
        regions, core::to_unix_ms(clock.now()));
    return finish(result, "members add", config.db_path, out, err);
}

}  // namespace delvex::app
