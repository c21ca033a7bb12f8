#include "bot/store/landing_import.hpp"

#include <SQLiteCpp/Statement.h>

namespace delvex::store {
namespace {

bool already_quarantined(SQLite::Database& db, const LandedBatch& batch) {
    SQLite::Statement q(db,
                        "SELECT 1 FROM quarantine WHERE received_ms = :at AND reason = :reason AND body = :body "
                        "LIMIT 1");
    q.bind(":at", batch.received_ms);
    q.bind(":reason", *batch.quarantine_reason);
    q.bind(":body", batch.raw_body.data(), static_cast<int>(batch.raw_body.size()));
    return q.executeStep();
}

}  // namespace

void import_landed(InboxRepository& inbox, SQLite::Database& db, const LandedBatch& batch,
                   LandedImportCounts& counts, QuarantineOnce once) {
    for (const auto& record : batch.records) {
        if (inbox.insert(record, batch.received_ms)) {
            ++counts.stored;
        } else {
            ++counts.duplicates;
        }
    }
    if (batch.quarantine_reason) {
        if (once == QuarantineOnce::kYes && already_quarantined(db, batch)) {
            return;
        }
        inbox.quarantine(*batch.quarantine_reason, batch.raw_body, batch.received_ms);
        ++counts.quarantined;
    }
}

}  // namespace delvex::store
