#pragma once

// What Meta bills: each sent message's pricing category (status webhooks' pricing.category: marketing, utility,
// authentication, service, referral_conversion, …), counted once per message in message_costs (migration 20)
// per UTC day, the recipient's current room and category, for the console's overview and the funders' report.

#include <SQLiteCpp/Database.h>

#include <cstdint>
#include <string_view>

namespace delvex::store {

/// Counts the message with this id (wamid, or its message ref) under `category` on the UTC day of `at_ms`, the
/// first time a status of it carries a category: outbox.pricing keeps it, so the later statuses of the same
/// message (sent, delivered, read each carry pricing) and coalesced rows sharing its id count nothing. False when
/// nothing was counted (already counted, empty category, or no outbox row has the id yet: a status that beats
/// our commit of the id is counted by the next status of the message).
bool count_message_cost(SQLite::Database& db, std::string_view wamid, std::string_view category, bool billable,
                        std::int64_t at_ms);

}  // namespace delvex::store
