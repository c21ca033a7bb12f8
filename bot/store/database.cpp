#include "bot/store/database.hpp"

#include "bot/store/statement.hpp"

#include <SQLiteCpp/Transaction.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <pthread.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <stdexcept>
#include <string_view>

namespace delvex::store {
namespace {

// SQLite creates -wal and -shm with the database file's mode, so creating the file 0600 first keeps
// miners' numbers readable by the service's user alone. A file that already exists with a wider mode (one
// restored from a backup by a tool that ignores modes) is narrowed, and so are its -wal and -shm.
void create_private_file(const std::string& path) {
    if (path.empty() || path == ":memory:" || path.starts_with("file:")) {
        return;
    }
    const int fd = ::open(path.c_str(), O_CREAT | O_WRONLY | O_CLOEXEC, 0600);
    if (fd < 0) {
        throw std::runtime_error("cannot create database file " + path);
    }
    struct stat st {};
    if (::fstat(fd, &st) == 0 && (st.st_mode & 0077) != 0 && ::fchmod(fd, st.st_mode & 0700) != 0) {
        ::close(fd);
        throw std::runtime_error("database file " + path + " is readable by others and its mode cannot be changed");
    }
    ::close(fd);
    for (const char* suffix : {"-wal", "-shm"}) {
        const std::string side = path + suffix;
        if (::stat(side.c_str(), &st) == 0 && (st.st_mode & 0077) != 0) {
            ::chmod(side.c_str(), st.st_mode & 0700);
        }
    }
}

}  // namespace

Database::Database(DatabaseOptions options) : options_(std::move(options)) {
    int flags = SQLite::OPEN_READONLY;
    if (!options_.read_only) {
        create_private_file(options_.path);
        flags = SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE;
    }
    db_ = std::make_unique<SQLite::Database>(options_.path, flags,
                                             options_.busy_timeout_ms);
    if (!options_.read_only) {
        db_->exec("PRAGMA journal_mode = WAL");
    }
    db_->exec(options_.durable ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = NORMAL");
    db_->exec("PRAGMA foreign_keys = ON");
    // Erased data (a member who asked to be forgotten) is overwritten in the file, not just unlinked.
    db_->exec("PRAGMA secure_delete = ON");
    if (options_.manual_checkpoint) {
        db_->exec("PRAGMA wal_autocheckpoint = 0");
    }
    if (!options_.read_only) {
        migrate(*db_);
    }
}

namespace {
// Set by an erasure, cleared by the checkpoint that truncated the WAL after it.
std::atomic<bool> wal_truncate_requested{false};

void checkpoint(SQLite::Database& db) {
    if (wal_truncate_requested.exchange(false)) {
        // TRUNCATE waits (busy timeout) for readers and blocks writers while it copies: rare, after an erasure.
        SQLite::Statement q(db, "PRAGMA wal_checkpoint(TRUNCATE)");
        if (q.executeStep() && q.getColumn(0).getInt() == 0) {
            return;
        }
        wal_truncate_requested = true;  // busy: the next period tries again
        return;
    }
    db.exec("PRAGMA wal_checkpoint(PASSIVE)");
}
}  // namespace

void request_wal_truncate() { wal_truncate_requested = true; }

Checkpointer::Checkpointer(std::string path, std::chrono::milliseconds period) {
    thread_ = std::thread([this, path = std::move(path), period] {
        ::pthread_setname_np(::pthread_self(), "delvex-ckpt");
        SQLite::Database db(path, SQLite::OPEN_READWRITE, 5000);
        std::unique_lock lock(mutex_);
        while (!wake_.wait_for(lock, period, [this] { return stop_; })) {
            lock.unlock();
            try {
                checkpoint(db);
            } catch (const SQLite::Exception&) {
                // Busy or locked: the next period tries again; the WAL only grows meanwhile.
            }
            lock.lock();
        }
        try {
            checkpoint(db);
        } catch (const SQLite::Exception&) {
        }
    });
}

Checkpointer::~Checkpointer() {
    {
        std::lock_guard lock(mutex_);
        stop_ = true;
    }
    wake_.notify_all();
    thread_.join();
}

void Database::set_synced(bool synced) {
    db_->exec(synced ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = NORMAL");
}

Savepoint::Savepoint(SQLite::Database& db, const std::string& name)
    : begin_(db, "SAVEPOINT " + name), release_(db, "RELEASE " + name), rollback_(db, "ROLLBACK TO " + name) {}

void Savepoint::begin() {
    run_once(begin_);
}

void Savepoint::release() {
    run_once(release_);
}

void Savepoint::rollback() {
    run_once(rollback_);
    run_once(release_);
}

int Database::schema_version() {
    return db_->execAndGet("PRAGMA user_version").getInt();
}

}  // namespace delvex::store
