#pragma once

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>

#include "bot/app/backup_landing.hpp"
#include "bot/app/backup_media.hpp"
#include "bot/app/config.hpp"

namespace delvex::app {

/// What one backup copied.
struct BackupReport {
    int pages = 0;           ///< database pages copied
    int schema_version = 0;  ///< PRAGMA user_version of the copy
    std::uintmax_t bytes = 0;
    LandedIntoCopy landed{};   ///< webhooks landed but not yet imported, taken into the copy
    bool media = false;        ///< the media folder was copied (not --no-media)
    MediaCopyReport media_files{};
};

struct BackupOptions {
    /// The service's landing folder; empty: "<source>-landing", where the service keeps it.
    std::string landing_dir{};
    /// Copy members' stored files into "<target>.media/" (`--no-media`: no, and an older "<target>.media/"
    /// is removed, since it belonged to the backup this one replaces).
    bool media = true;
};

/// Copies the SQLite database at `source` into `target` with SQLite's online backup API while the service
/// keeps running: the copy is one read transaction of the source, so it holds everything committed at one
/// instant and nothing after it, and (the file being in WAL mode) the service's writer never waits for it.
///
/// Webhooks the service answered but has not imported yet are in its landing folder, in no snapshot: the
/// folder's segments are opened (read-only) before the snapshot, and every record in them that the snapshot
/// has not imported is imported into the copy, by the importer's code, with the copy's import progress moved
/// on (backup_landing.hpp). So the copy holds every webhook answered 200 before the backup started.
///
/// Members' stored files that the copy names are copied into "<target>.media/" (backup_media.hpp).
///
/// The copy is built in "<target>.partial", created readable by the owner alone, switched to a rollback
/// journal (one self-contained file), checked with PRAGMA integrity_check, synced, and only then renamed
/// over `target` (the media folder just before it): `target` is always either the previous backup or a
/// complete new one. Never creates, migrates or writes `source` or its landing and media folders.
/// Throws std::runtime_error with a one-line reason.
BackupReport backup_database(const std::string& source, const std::string& target, const BackupOptions& options = {});

/// `delvex backup --to FILE [--no-media] [--db PATH] [--config FILE]`: the database is --db, else the
/// config's (DELVEX_DB or the file's `database:`). Prints one summary line; returns the exit code (0 ok,
/// 1 failed, 2 bad arguments).
int run_backup(const EnvLookup& env, const std::optional<std::string>& config_file,
               const std::optional<std::string>& db, const std::string& to, bool media, std::ostream& out,
               std::ostream& err);

}  // namespace delvex::app
