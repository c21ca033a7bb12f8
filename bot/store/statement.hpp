#pragma once

// Store-internal helpers for cached prepared statements.

#include <SQLiteCpp/Statement.h>

namespace delvex::store {

/// Resets a cached statement and its bindings on every exit path: a statement left stepping makes COMMIT
/// fail ("SQL statements in progress").
struct ResetOnExit {
    SQLite::Statement& stmt;
    // tryReset, never reset: sqlite3_reset returns the error of the step that failed (SQLITE_FULL when the
    // disk is full), and reset() would throw it from this destructor while that error unwinds — std::terminate.
    ~ResetOnExit() {
        stmt.tryReset();
        stmt.clearBindings();
    }
};

/// Runs a cached statement that returns no rows, leaving it ready for the next run.
inline void run_once(SQLite::Statement& stmt) {
    ResetOnExit guard{stmt};
    stmt.exec();
}

}  // namespace delvex::store
