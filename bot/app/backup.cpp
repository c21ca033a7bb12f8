#include "bot/app/backup.hpp"

#include <fcntl.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <SQLiteCpp/Backup.h>
#include <SQLiteCpp/Database.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <stdexcept>

#include "bot/store/media_repository.hpp"

namespace delvex::app {
namespace {

namespace fs = std::filesystem;

[[noreturn]] void fail(const std::string& what) {
    throw std::runtime_error(what);
}

/// A file created for us alone (0600, whatever the umask), empty; an older leftover is replaced.
void create_private(const std::string& path) {
    std::error_code ec;
    fs::remove(path, ec);
    const int fd = ::open(path.c_str(), O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0600);
    if (fd < 0) {
        fail("cannot create " + path + ": " + std::strerror(errno));
    }
    ::fchmod(fd, 0600);
    ::close(fd);
}

void remove_partial(const std::string& partial) {
    std::error_code ec;
    for (const char* suffix : {"", "-journal", "-wal", "-shm"}) {
        fs::remove(partial + suffix, ec);
    }
}

/// "1 segment", "3 segments": the report line is read by people.
std::string counted(std::uint64_t n, const char* noun) {
    return std::to_string(n) + " " + noun + (n == 1 ? "" : "s");
}

}  // namespace

BackupReport backup_database(const std::string& source, const std::string& target, const BackupOptions& options) {
    std::error_code ec;
    if (!fs::is_regular_file(source, ec)) {
        fail("no database file at " + source);
    }
    if (target.empty()) {
        fail("--to needs a file name");
    }
    if (fs::exists(target, ec) && fs::equivalent(source, target, ec)) {
        fail("--to " + target + " is the live database itself");
    }
    const fs::path target_dir = fs::absolute(target, ec).parent_path();
    if (!fs::is_directory(target_dir, ec)) {
        fail("folder " + target_dir.string() + " does not exist");
    }

    const std::string partial = target + ".partial";
    const std::string media_dir = target + ".media";
    const std::string media_partial = media_dir + ".partial";
    BackupReport report;
    report.media = options.media;
    try {
        // Before the snapshot: whatever the service imports and deletes from now on stays readable through
        // these, so each landed record is in the snapshot or in them.
        const auto landing =
            HeldLanding::open(options.landing_dir.empty() ? source + "-landing" : options.landing_dir);
        create_private(partial);
        {
            // Read-only and without our Database wrapper: a backup must never create, migrate or write the
            // live file. The busy timeout covers the writer's short commits.
            SQLite::Database from(source, SQLite::OPEN_READONLY, 5000);
            SQLite::Database to(partial, SQLite::OPEN_READWRITE, 5000);
            {
                SQLite::Backup backup(to, from);
                // All pages in one step, so inside one read transaction of the source: in WAL mode that is a
                // snapshot which the service's writer does not wait for. Copying in several steps would let
                // each commit of the service restart the copy, which under steady traffic might never finish.
                for (int attempt = 0;; ++attempt) {
                    const int rc = backup.executeStep(-1);
                    if (rc == SQLITE_DONE) {
                        break;
                    }
                    if ((rc != SQLITE_BUSY && rc != SQLITE_LOCKED) || attempt == 500) {
                        fail("the database stayed busy; try again");
                    }
                    sqlite3_sleep(10);  // a checkpoint or recovery holds the file; SQLite's advice: step again
                }
                report.pages = backup.getTotalPageCount();
            }  // the backup handle is finished here: it must be, before the copy's journal mode can change
            // The live file is in WAL mode and the copy inherits it; a backup is one self-contained file.
            // SQLite answers the mode it ended in rather than failing, so check it.
            std::string mode;
            for (int attempt = 0; attempt < 100; ++attempt) {
                mode = to.execAndGet("PRAGMA journal_mode = DELETE").getString();
                if (mode == "delete") {
                    break;
                }
                sqlite3_sleep(10);
            }
            if (mode != "delete") {
                fail("the copy stayed in journal mode " + mode);
            }
            report.landed = import_held_landing(to, landing);
            const std::string check = to.execAndGet("PRAGMA integrity_check").getString();
            if (check != "ok") {
                fail("the copy failed its integrity check: " + check);
            }
            report.schema_version = to.execAndGet("PRAGMA user_version").getInt();
            if (options.media) {
                // The files the copy names, as of its snapshot (a file deleted since is counted missing).
                report.media_files = copy_media_files(store::MediaRepository(to).paths(), media_partial);
            }
        }
        sync_path(partial, O_RDONLY);
        if (options.media) {
            install_media_folder(media_partial, media_dir);
        }
        fs::rename(partial, target);
        sync_path(target_dir.string(), O_RDONLY | O_DIRECTORY);
        if (!options.media) {
            fs::remove_all(media_dir, ec);  // an older backup's files: they do not go with this one
        }
    } catch (const SQLite::Exception& e) {
        remove_partial(partial);
        fs::remove_all(media_partial, ec);
        fail(std::string("SQLite: ") + e.what());
    } catch (const fs::filesystem_error& e) {
        remove_partial(partial);
        fs::remove_all(media_partial, ec);
        fail(e.what());
    } catch (...) {
        remove_partial(partial);
        fs::remove_all(media_partial, ec);
        throw;
    }
    report.bytes = fs::file_size(target, ec);
    return report;
}

int run_backup(const EnvLookup& env, const std::optional<std::string>& config_file,
               const std::optional<std::string>& db, const std::string& to, bool media, std::ostream& out,
               std::ostream& err) {
    std::string source;
    if (db) {
        source = *db;
    } else {
        source = load_config(config_file, env, false).db_path;
    }
    if (to.empty()) {
        err << "delvex backup: --to needs a file name\n";
        return 2;
    }
    try {
        BackupOptions options;
        options.media = media;
        const auto report = backup_database(source, to, options);
        out << "backup: " << source << " -> " << to << ": " << report.pages << " pages, " << report.bytes
            << " bytes, schema version " << report.schema_version << ", integrity ok; landed, not yet imported: "
            << report.landed.stored << " updates taken in (" << report.landed.duplicates << " already in, "
            << report.landed.quarantined << " quarantined bodies) from " << counted(report.landed.segments, "segment");
        if (report.landed.damaged > 0) {
            out << ", " << report.landed.damaged << " with a damaged record (the rest of each left out)";
        }
        if (report.media) {
            out << "; media: " << counted(report.media_files.files, "file") << ", " << report.media_files.bytes << " bytes -> "
                << to << ".media";
            if (report.media_files.missing > 0) {
                out << " (" << report.media_files.missing << " named but gone since)";
            }
        } else {
            out << "; media not copied (--no-media)";
        }
        out << '\n';
        return 0;
    } catch (const std::exception& e) {
        err << "delvex backup: " << e.what() << '\n';
        return 1;
    }
}

}  // namespace delvex::app
