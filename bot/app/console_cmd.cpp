#include "bot/app/console_cmd.hpp"

#include <SQLiteCpp/Transaction.h>

#include <algorithm>
#include <fstream>

#include "bot/app/commands.hpp"
#include "bot/community/regions.hpp"
#include "bot/console/page.hpp"
#include "bot/console/password.hpp"
#include "bot/core/clock.hpp"
#include "bot/core/text.hpp"
#include "bot/store/audit_repository.hpp"
#include "bot/store/console_accounts.hpp"
#include "bot/store/database.hpp"

namespace delvex::app {
namespace {

std::vector<std::string> split_commas(const std::string& text) {
    std::vector<std::string> out;
    std::size_t start = 0;
    while (start <= text.size()) {
        auto comma = text.find(',', start);
        if (comma == std::string::npos) {
            comma = text.size();
        }
        auto item = core::trim(std::string_view(text).substr(start, comma - start));
        if (!item.empty()) {
            out.push_back(item);
        }
        start = comma + 1;
    }
    return out;
}

bool printable_name(const std::string& name) {
    return !name.empty() && core::utf8_length(name) <= 64 &&
           std::none_of(name.begin(), name.end(), [](char c) { return static_cast<unsigned char>(c) < 0x20; });
}

}  // namespace

int run_console_add_user(const EnvLookup& env, const ConsoleUserOptions& options, std::istream& in,
                         std::ostream& out, std::ostream& err) {
    const std::string cmd = "delvex console add-user: ";
    const auto name = core::trim(options.name);
    if (!printable_name(name)) {
        err << cmd << "--name must be 1 to 64 characters\n";
        return 2;
    }
    if (options.role != "admin" && options.role != "staff" && options.role != "moderator") {
        err << cmd << "--role must be admin, staff or moderator\n";
        return 2;
    }
    const auto& languages = console::console_languages();
    if (std::find(languages.begin(), languages.end(), options.language) == languages.end()) {
        err << cmd << "--language must be en, fr, es or pt\n";
        return 2;
    }
    const auto config = load_config(std::nullopt, env, false);
    const auto rooms = split_commas(options.rooms);
    if (options.role == "moderator" && rooms.empty()) {
        err << cmd << "a moderator needs --rooms (room ids from config/regions.yaml, comma-separated)\n";
        return 2;
    }
    if (options.role != "moderator" && !rooms.empty()) {
        err << cmd << "--rooms is for moderators only (admins and staff see every room)\n";
        return 2;
    }
    if (!rooms.empty()) {
        const auto regions = community::Regions::load(config.home + "/config/regions.yaml");
        for (const auto& room : rooms) {
            if (regions.find(room) == nullptr) {
                err << cmd << "no room '" << room << "' in config/regions.yaml\n";
                return 2;
            }
        }
    }
    std::string password;
    if (!options.password_file.empty()) {
        std::ifstream file(options.password_file);
        if (!file || !std::getline(file, password)) {
            err << cmd << "cannot read a password from " << options.password_file << '\n';
            return 2;
        }
    } else if (!std::getline(in, password)) {
        err << cmd << "give the password on standard input (first line) or with --password-file\n";
        return 2;
    }
    if (!password.empty() && password.back() == '\r') {
        password.pop_back();
    }
    if (core::utf8_length(password) < console::kMinPasswordLength) {
        err << cmd << "the password must have at least " << console::kMinPasswordLength << " characters\n";
        return 2;
    }
    const auto hash = console::hash_password(password);
    const auto db = open_existing_database(config.db_path, false);
    const auto now = core::to_unix_ms(core::SystemClock().now());
    SQLite::Transaction tx(db->sql());
    store::ConsoleAccounts accounts(db->sql());
    const auto id = accounts.add(name, hash, options.role, rooms, options.language, now);
    if (!id) {
        err << cmd << "an account named '" << name << "' exists already\n";
        return 1;
    }
    store::AuditRepository(db->sql()).record(now, "cli", "console.add_user", "console:" + name, "role=" + options.role);
    tx.commit();
    out << "added " << options.role << " '" << name << "' to " << config.db_path << '\n';
    return 0;
}

}  // namespace delvex::app
