#pragma once

#include <optional>
#include <ostream>
#include <string>

#include "bot/app/config.hpp"

namespace delvex::app {

/// One member to bring in from the old WhatsApp groups.
struct MemberImport {
    std::string wa_id;
    std::string alias;
    std::string room;
    std::string language;  ///< empty: guessed from the number
    std::string role;      ///< member (default), moderator or admin
};

/// `delvex members import FILE.csv` (header wa_id,alias,room,language,role; commas or semicolons): checks every
/// row first and imports all of them in one transaction, or none (the first 50 problems printed as
/// `FILE:line: message`, then a count per kind of the rest). Numbers are normalised with the room's countries
/// (events::apply_members). Imported members are asked for consent with their first message. Returns the exit
/// code.
int run_members_import(const EnvLookup& env, const std::optional<std::string>& config_file, const std::string& file,
                       std::ostream& out, std::ostream& err);

/// `delvex members add …`: the same for one member.
int run_members_add(const EnvLookup& env, const std::optional<std::string>& config_file, const MemberImport& member,
                    std::ostream& out, std::ostream& err);

}  // namespace delvex::app
