#include "bot/store/message_costs.hpp"

#include "bot/core/message_ref.hpp"

#include <SQLiteCpp/Statement.h>

#include <string>

namespace delvex::store {

bool count_message_cost(SQLite::Database& db, std::string_view wamid, std::string_view category, bool billable,
                        std::int64_t at_ms) {
    if (category.empty() || wamid.empty()) {
        return false;
    }
    std::string recipient;
    {
        SQLite::Statement mark(db,
                               "UPDATE outbox SET pricing = :category WHERE wamid IN (:wamid, :ref) AND pricing IS NULL "
                               "RETURNING recipient");
        mark.bind(":category", std::string(category));
        mark.bind(":wamid", std::string(wamid));
        mark.bind(":ref", core::message_ref(wamid));
        if (!mark.executeStep()) {
            return false;
        }
        recipient = mark.getColumn(0).getString();
        while (mark.executeStep()) {
            // Coalesced rows share the id: every one is marked, the message counts once.
        }
    }
    SQLite::Statement add(db,
                          "INSERT INTO message_costs (day, room, category, count, billable) VALUES "
                          "(strftime('%Y-%m-%d', :at / 1000, 'unixepoch'), "
                          "coalesce((SELECT current_room FROM members WHERE member_key = :to), ''), :category, 1, :billable) "
                          "ON CONFLICT (day, room, category) DO UPDATE SET count = count + 1, "
                          "billable = billable + excluded.billable");
    add.bind(":at", at_ms);
    add.bind(":to", recipient);
    add.bind(":category", std::string(category));
    add.bind(":billable", billable ? 1 : 0);
    add.exec();
    return true;
}

}  // namespace delvex::store
