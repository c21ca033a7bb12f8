#include "bot/store/account_repository.hpp"

#include <SQLiteCpp/Statement.h>

namespace delvex::store {

void AccountRepository::set_template_status(std::string_view name, std::string_view language,
                                            std::string_view status, std::string_view reason, std::int64_t now_ms) {
    SQLite::Statement q(db_,
                        "INSERT INTO wa_templates (name, language, status, reason, updated_ms) "
                        "VALUES (:name, :language, :status, :reason, :now) ON CONFLICT (name, language) DO UPDATE "
                        "SET status = excluded.status, reason = excluded.reason, updated_ms = excluded.updated_ms");
    q.bind(":name", std::string(name));
    q.bind(":language", std::string(language));
    q.bind(":status", std::string(status));
    q.bind(":reason", std::string(reason));
    q.bind(":now", now_ms);
    q.exec();
}

std::vector<TemplateState> AccountRepository::template_states() {
    SQLite::Statement q(db_, "SELECT name, language, status, reason, updated_ms FROM wa_templates ORDER BY name, language");
    std::vector<TemplateState> out;
    while (q.executeStep()) {
        out.push_back({q.getColumn(0).getString(), q.getColumn(1).getString(), q.getColumn(2).getString(),
                       q.getColumn(3).getString(), q.getColumn(4).getInt64()});
    }
    return out;
}

void AccountRepository::set(std::string_view key, std::string_view value, std::int64_t now_ms) {
    SQLite::Statement q(db_,
                        "INSERT INTO wa_account (key, value, updated_ms) VALUES (:key, :value, :now) "
                        "ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_ms = excluded.updated_ms");
    q.bind(":key", std::string(key));
    q.bind(":value", std::string(value));
    q.bind(":now", now_ms);
    q.exec();
}

std::map<std::string, std::pair<std::string, std::int64_t>> AccountRepository::all() {
    SQLite::Statement q(db_, "SELECT key, value, updated_ms FROM wa_account");
    std::map<std::string, std::pair<std::string, std::int64_t>> out;
    while (q.executeStep()) {
        out[q.getColumn(0).getString()] = {q.getColumn(1).getString(), q.getColumn(2).getInt64()};
    }
    return out;
}

void AccountRepository::note_halt(std::string_view event, std::string_view reason, std::int64_t at_ms) {
    SQLite::Statement q(db_, "INSERT INTO delivery_halts (at_ms, event, reason) VALUES (:at, :event, :reason)");
    q.bind(":at", at_ms);
    q.bind(":event", std::string(event));
    q.bind(":reason", std::string(reason));
    q.exec();
}

}  // namespace delvex::store
