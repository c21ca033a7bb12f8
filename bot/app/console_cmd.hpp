#pragma once

#include <istream>
#include <ostream>
#include <string>

#include "bot/app/config.hpp"

namespace delvex::app {

/// `delvex console add-user`: one console account.
struct ConsoleUserOptions {
    std::string name{};
    std::string role = "admin";   ///< admin, staff or moderator
    std::string rooms{};          ///< a moderator's rooms, comma-separated room ids
    std::string language = "en";  ///< en, fr, es or pt
    std::string password_file{};  ///< read the password from this file's first line; empty: from `in`
};

/// Creates the account in the configured database (which `delvex serve` made): the password is read from
/// --password-file or from standard input (first line), never from the command line, and stored as an argon2id
/// hash. Usage errors exit 2 with one line; a name already taken exits 1.
int run_console_add_user(const EnvLookup& env, const ConsoleUserOptions& options, std::istream& in,
                         std::ostream& out, std::ostream& err);

}  // namespace delvex::app
