#pragma once

// What Meta tells us about the WhatsApp account itself: the review state of each template
// (message_template_status_update webhooks, `delvex templates status`) and the account's standing
// (account_update restrictions, business_capability_update messaging limits).

#include <SQLiteCpp/Database.h>

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace delvex::store {

/// One template's review state as Meta last reported it.
struct TemplateState {
    std::string name;
    std::string language;  ///< Meta's code, e.g. "pt_PT"
    std::string status;    ///< APPROVED, PENDING, REJECTED, PAUSED, DISABLED, …
    std::string reason;
    std::int64_t updated_ms = 0;
};

/// Keys of the account's standing in wa_account.
inline constexpr std::string_view kAccountRestriction = "restriction";  ///< last restricting event, "" when none
inline constexpr std::string_view kMessagingLimit = "messaging_limit";  ///< unique users per 24 h, from Meta

class AccountRepository {
public:
    explicit AccountRepository(SQLite::Database& db) : db_(db) {}

    void set_template_status(std::string_view name, std::string_view language, std::string_view status,
                             std::string_view reason, std::int64_t now_ms);
    std::vector<TemplateState> template_states();

    void set(std::string_view key, std::string_view value, std::int64_t now_ms);
    /// Every key with its value and time.
    std::map<std::string, std::pair<std::string, std::int64_t>> all();

    /// Notes that all sending stopped ("halt", with the reason) or went on again ("resume") in delivery_halts,
    /// for the console's delivery health.
    void note_halt(std::string_view event, std::string_view reason, std::int64_t at_ms);

private:
    SQLite::Database& db_;
};

}  // namespace delvex::store
