#pragma once

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>
#include <string>

namespace delvex::store {

/// How a connection is opened.
struct DatabaseOptions {
    std::string path;  ///< file path, or ":memory:"
    /// synchronous=FULL: a commit is on disk (not just in the OS cache) before it returns, so a 200 to
    /// Meta survives a power cut as well as a kill -9. NORMAL survives only process crashes.
    bool durable = true;
    int busy_timeout_ms = 5000;
    bool read_only = false;
    /// Leave WAL checkpoints to a Checkpointer instead of running them inside commits (the writer thread
    /// should not pay for copying the WAL back while a webhook waits on its commit).
    bool manual_checkpoint = false;
};

/// Copies the WAL back into the database file from its own thread and connection, every `period`,
/// without blocking the writer (PASSIVE checkpoints). After an erasure (request_wal_truncate) the next run
/// copies everything back and truncates the WAL file to nothing, so that the member's old pages do not stay in
/// it; it tries again each period until no reader is in the way.
/// Asks every Checkpointer of this process to truncate the WAL at its next run (after FORGET ME).
void request_wal_truncate();

class Checkpointer {
public:
    Checkpointer(std::string path, std::chrono::milliseconds period);
    ~Checkpointer();
    Checkpointer(const Checkpointer&) = delete;
    Checkpointer& operator=(const Checkpointer&) = delete;

private:
    std::mutex mutex_;
    std::condition_variable wake_;
    bool stop_ = false;
    std::thread thread_;
};

/// One SQLite connection with our pragmas, migrated to the latest schema on open (unless read-only).
/// A connection belongs to one thread at a time.
class Database {
public:
    explicit Database(DatabaseOptions options);

    SQLite::Database& sql() { return *db_; }

    /// The schema version now in the file (PRAGMA user_version).
    int schema_version();

    const std::string& path() const { return options_.path; }

    /// Whether commits are synced to disk (synchronous=FULL) by default on this connection.
    bool durable() const { return options_.durable; }

    /// Whether the next commits wait for the disk (synchronous=FULL) or only for the OS (NORMAL).
    void set_synced(bool synced);

private:
    DatabaseOptions options_;
    std::unique_ptr<SQLite::Database> db_;
};

/// Commits on `db` wait only for the OS (not the disk) while this lives, then go back to the connection's
/// default. For work whose inputs are durable elsewhere: lost by a power cut, it is simply done again.
class Unsynced {
public:
    explicit Unsynced(Database& db) : db_(db) { db_.set_synced(false); }
    ~Unsynced() { db_.set_synced(db_.durable()); }
    Unsynced(const Unsynced&) = delete;
    Unsynced& operator=(const Unsynced&) = delete;

private:
    Database& db_;
};

/// One named savepoint, kept prepared: many short units of work inside one transaction, each undone on its
/// own when it fails. For the connection's own thread.
class Savepoint {
public:
    Savepoint(SQLite::Database& db, const std::string& name);
    void begin();
    void release();
    /// Undoes everything since begin() and ends the savepoint.
    void rollback();

private:
    SQLite::Statement begin_;
    SQLite::Statement release_;
    SQLite::Statement rollback_;
};

/// Applies every migration newer than the file's user_version, each in its own transaction.
/// Returns the resulting version. Throws on a file newer than this build knows.
int migrate(SQLite::Database& db);

/// The newest schema version this build knows.
int latest_schema_version();

}  // namespace delvex::store
