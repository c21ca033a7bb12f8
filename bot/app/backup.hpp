#pragma once

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>

#include "bot/app/config.hpp"

namespace delvex::app {

/// What one backup copied.
struct BackupReport {
    int pages = 0;           ///< database pages copied
    int schema_version = 0;  ///< PRAGMA user_version of the copy
    std::uintmax_t bytes = 0;
};

/// Copies the SQLite database at `source` into `target` with SQLite's online backup API while the service
/// keeps running: the copy is one read transaction of the source, so it holds everything committed at one
/// instant and nothing after it, and (the file being in WAL mode) the service's writer never waits for it.
/// The copy is built in "<target>.partial", created readable by the owner alone, switched to a rollback
/// journal (one self-contained file), checked with PRAGMA integrity_check, synced, and only then renamed
/// over `target`: `target` is always either the previous backup or a complete new one.
/// Never creates or migrates `source`. Throws std::runtime_error with a one-line reason.
BackupReport backup_database(const std::string& source, const std::string& target);

/// `delvex backup --to FILE [--db PATH] [--config FILE]`: the database is --db, else the config's
/// (DELVEX_DB or the file's `database:`). Prints one summary line; returns the exit code (0 ok, 1 failed,
/// 2 bad arguments).
int run_backup(const EnvLookup& env, const std::optional<std::string>& config_file,
               const std::optional<std::string>& db, const std::string& to, std::ostream& out, std::ostream& err);

}  // namespace delvex::app
