#include "bot/app/commands.hpp"

#include <filesystem>

#include <cctype>

#include "bot/core/build_info.hpp"
#include "bot/core/clock.hpp"
#include "bot/core/crypto.hpp"
#include "bot/core/redact.hpp"
#include "bot/store/database.hpp"
#include "bot/store/repositories.hpp"

namespace delvex::app {

std::string version_line() {
    return std::string("delvex ") + core::build_version() + " (commit " + core::build_commit() + ")";
}

std::string usage_error_line(const std::string& message) {
    std::string line = "delvex: ";
    for (char c : message) {
        line.push_back(c == '\n' || c == '\r' ? ' ' : c);
    }
    while (line.ends_with(' ')) {
        line.pop_back();
    }
    return line + " (see delvex --help)";
}

EnvLookup with_overrides(EnvLookup env, std::optional<std::string> config_file, std::optional<std::string> db) {
    return [env = std::move(env), config_file = std::move(config_file),
            db = std::move(db)](const std::string& name) -> std::optional<std::string> {
        if (name == "DELVEX_CONFIG" && config_file) {
            return config_file;
        }
        if ((name == "DELVEX_DB" || name == "DELVEX_DATABASE") && db) {
            return db;
        }
        return env(name);
    };
}

std::unique_ptr<store::Database> open_existing_database(const std::string& path, bool read_only) {
    if (!std::filesystem::exists(path)) {
        throw ConfigError("database (DELVEX_DB): no database at " + path +
                          "; check DELVEX_DB, --db or the config's database (only `delvex serve` creates one)");
    }
    return std::make_unique<store::Database>(store::DatabaseOptions{path, true, 5000, read_only});
}

std::string normalize_wa_id(const std::string& input) {
    // BSUID: "<ISO country>.<alphanumerics>" (docs/WHATSAPP.md §10).
    const auto dot = input.find('.');
    if (dot == 2 && std::isupper(static_cast<unsigned char>(input[0])) != 0 &&
        std::isupper(static_cast<unsigned char>(input[1])) != 0 && input.size() > 3) {
        for (char c : input.substr(3)) {
            if (std::isalnum(static_cast<unsigned char>(c)) == 0 && c != '.') {
                return {};
            }
        }
        return input;
    }
    std::string digits;
    for (std::size_t i = 0; i < input.size(); ++i) {
        const char c = input[i];
        if (std::isdigit(static_cast<unsigned char>(c)) != 0) {
            digits.push_back(c);
        } else if (c == '+' && i == 0) {
            continue;
        } else if (c != ' ' && c != '-') {
            return {};
        }
    }
    return digits.size() >= 7 && digits.size() <= 15 ? digits : std::string();
}

int run_send(const EnvLookup& env, const std::string& to, const std::string& text, std::ostream& out,
             std::ostream& err) {
    const auto recipient = normalize_wa_id(to);
    if (recipient.empty()) {
        err << "delvex send: --to '" << to << "' is not a phone number (7–15 digits) or a BSUID\n";
        return 2;
    }
    if (text.empty() || text.size() > 4096) {
        err << "delvex send: --text must be 1 to 4096 characters\n";
        return 2;
    }
    const auto db_path = load_config(std::nullopt, env, false).db_path;
    const auto db = open_existing_database(db_path, false);
    store::OutboxRepository outbox(db->sql());
    core::SystemClock clock;
    const auto key = "cli:" + core::random_hex(8);
    outbox.enqueue(key, recipient, "text", text, core::to_unix_ms(clock.now()));
    out << "queued " << key << " to " << core::redact(recipient) << " in " << db_path << '\n';
    return 0;
}

int run_outbox_failed(const EnvLookup& env, int limit, std::ostream& out, std::ostream& err) {
    if (limit < 1 || limit > 100000) {
        err << "delvex outbox failed: --limit must be 1 to 100000\n";
        return 2;
    }
    const auto db_path = load_config(std::nullopt, env, false).db_path;
    const auto db = open_existing_database(db_path, true);
    store::OutboxRepository outbox(db->sql());
    const auto counts = outbox.counts();
    out << "outbox of " << db_path << ": " << counts.queued << " queued, " << counts.sent << " sent, "
        << counts.delivered << " delivered, " << counts.read << " read, " << counts.failed << " failed, "
        << counts.held << " held (see `delvex outbox held`)\n";
    for (const auto& row : outbox.failed(limit)) {
        out << row.id << '\t' << core::redact(row.recipient) << '\t' << row.logical_key << '\t' << row.kind << '\t'
            << row.attempts << " attempt(s)\t" << (row.last_error.empty() ? "-" : row.last_error) << '\n';
    }
    return 0;
}

int run_outbox_held(const EnvLookup& env, int limit, std::ostream& out, std::ostream& err) {
    if (limit < 1 || limit > 100000) {
        err << "delvex outbox held: --limit must be 1 to 100000\n";
        return 2;
    }
    const auto db_path = load_config(std::nullopt, env, false).db_path;
    if (!std::filesystem::exists(db_path)) {
        err << "delvex outbox held: no database at " << db_path << " (set DELVEX_DB)\n";
        return 2;
    }
    const auto db = open_existing_database(db_path, true);
    store::OutboxRepository outbox(db->sql());
    const auto rows = outbox.held_all(limit);
    out << "held in " << db_path << ": " << outbox.counts().held
        << " message(s); each goes out when its member next writes\n";
    for (const auto& row : rows) {
        out << row.id << '\t' << core::redact(row.recipient) << '\t' << row.logical_key << '\t' << row.kind << '\t'
            << (row.last_error.empty() ? "-" : row.last_error) << '\n';
    }
    return 0;
}

}  // namespace delvex::app
