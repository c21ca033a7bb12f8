#include "bot/store/audit_repository.hpp"

#include <SQLiteCpp/Statement.h>

namespace delvex::store {

std::int64_t AuditRepository::record(std::int64_t at_ms, std::string_view actor, std::string_view action,
                                     std::string_view target, std::string_view detail) {
    SQLite::Statement q(db_,
                        "INSERT INTO audit_log (at, actor, action, target, detail) VALUES (:at, :actor, :action, "
                        ":target, :detail)");
    q.bind(":at", at_ms);
    q.bind(":actor", std::string(actor));
    q.bind(":action", std::string(action));
    q.bind(":target", std::string(target));
    q.bind(":detail", std::string(detail));
    q.exec();
    return db_.getLastInsertRowid();
}

std::vector<AuditEntry> AuditRepository::recent(int limit, std::string_view actor) {
    SQLite::Statement q(db_,
                        "SELECT id, at, actor, action, target, detail FROM audit_log "
                        "WHERE :actor = '' OR actor = :actor ORDER BY id DESC LIMIT :limit");
    q.bind(":actor", std::string(actor));
    q.bind(":limit", limit);
    std::vector<AuditEntry> out;
    while (q.executeStep()) {
        out.push_back(AuditEntry{q.getColumn(0).getInt64(), q.getColumn(1).getInt64(), q.getColumn(2).getString(),
                                 q.getColumn(3).getString(), q.getColumn(4).getString(),
                                 q.getColumn(5).getString()});
    }
    return out;
}

}  // namespace delvex::store
