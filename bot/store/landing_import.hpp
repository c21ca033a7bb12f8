#pragma once

// Taking one landed webhook POST into an inbox: the one place that says what a landing record becomes. The
// service's importer (events::Ingestor) applies it to the live database; `delvex backup` applies it to the
// copy, for what had landed but was not imported yet when the copy was taken.

#include <cstddef>

#include "bot/store/landing_log.hpp"
#include "bot/store/repositories.hpp"

namespace delvex::store {

struct LandedImportCounts {
    std::size_t stored = 0;       ///< updates new to the inbox
    std::size_t duplicates = 0;   ///< updates whose dedupe key the inbox had already
    std::size_t quarantined = 0;  ///< bodies kept for an operator
};

/// How a quarantined body is kept.
enum class QuarantineOnce {
    kNo,   ///< always a new row (the importer's progress makes each record imported once)
    kYes,  ///< not when an identical row (same time, reason and body) is there (a copy that may have it)
};

/// Puts the POST's updates into the inbox (each unless its dedupe key is there) and keeps its quarantined
/// body. Runs inside the caller's transaction.
void import_landed(InboxRepository& inbox, SQLite::Database& db, const LandedBatch& batch,
                   LandedImportCounts& counts, QuarantineOnce once = QuarantineOnce::kNo);

}  // namespace delvex::store
