#pragma once

// Graph JSON of the template management API (GET/POST /{waba-id}/message_templates) and of the WABA-level
// webhooks Meta posts about templates and the account (message_template_status_update, account_update,
// business_capability_update). Used by the fake Graph API and its tests; the product reads these webhooks
// through wire/envelope and wire/inbound.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace delvex::whatsapp::wire {

/// A message template as the management API describes it. Only what the fake reviews is kept: a BODY
/// with positional placeholders and quick-reply buttons.
struct TemplateDefinition {
    std::string id;
    std::string name;      ///< lowercase letters, digits, underscores; ≤ 512
    std::string language;  ///< e.g. "en", "en_US", "pt_BR"
    std::string category;  ///< MARKETING, UTILITY or AUTHENTICATION
    std::string status = "PENDING";  ///< APPROVED, PENDING, REJECTED, PAUSED, DISABLED
    std::string body;      ///< BODY text with {{1}}…{{n}}
    std::vector<std::string> body_examples;   ///< example.body_text[0]: one sample value per placeholder
    std::vector<std::string> quick_replies;   ///< BUTTONS of type QUICK_REPLY: their titles, in order
};

/// A creation body read back: the definition, or why it is not one (answered with code 100).
struct ParsedTemplateCreation {
    TemplateDefinition definition;
    std::string error;
    bool ok() const { return error.empty(); }
};

/// Reads Meta's creation body {"name","language","category","components":[{"type":"BODY",…},{"type":"BUTTONS",…}]}.
ParsedTemplateCreation parse_template_creation(std::string_view body);

/// Meta's creation body for a definition (tests, and a client that would create templates).
std::string template_creation_json(const TemplateDefinition& definition);

/// {"data":[{"name","language","status","category","id","components":[…]}],"paging":{"cursors":{…}}}.
std::string template_list_json(const std::vector<TemplateDefinition>& templates);

/// {"id":"…","status":"PENDING","category":"…"}: the answer to a creation.
std::string template_created_json(const TemplateDefinition& definition);

/// The list answer read back (name, language, status, category, id of each; no components); nullopt when it
/// is not one. `next` gets paging.next (a full URL) when there is another page.
std::optional<std::vector<TemplateDefinition>> parse_template_list(std::string_view body, std::string* next = nullptr);

/// The creation answer read back (id, status, category); nullopt when it is not one.
std::optional<TemplateDefinition> parse_template_created(std::string_view body);

/// What a test needs of a template send body that the domain form drops.
struct TemplateSendExtras {
    /// Indexes of the `button` components with sub_type quick_reply, in body order.
    std::vector<int> quick_reply_indexes;
};
/// Reads the template part of a /messages body; nullopt when it is not a template send.
std::optional<TemplateSendExtras> read_template_send_extras(std::string_view body);

/// The `mime_type` a media object of a /messages body declares, if any (the fake refuses calendars).
std::string declared_media_mime(std::string_view body);

// --- WABA-level webhook bodies, as Meta posts them (entry.id = WABA id, entry.time, one change) ---

struct TemplateStatusEvent {
    std::string event;  ///< APPROVED, REJECTED, PAUSED, DISABLED, …
    std::string template_id;
    std::string name;
    std::string language;
    std::string category;  ///< optional
    std::string reason = "NONE";
};

/// field "message_template_status_update".
std::string template_status_webhook(std::string_view waba_id, std::int64_t time, const TemplateStatusEvent& event);

/// field "account_update", value {"event": event} (e.g. ACCOUNT_RESTRICTION), with a restriction_info entry for
/// ACCOUNT_RESTRICTION.
std::string account_update_webhook(std::string_view waba_id, std::int64_t time, std::string_view event);

/// field "business_capability_update", value {"max_daily_conversations_per_business": limit,
/// "max_phone_numbers_per_business": numbers}: the portfolio's new messaging limit.
std::string business_capability_webhook(std::string_view waba_id, std::int64_t time, std::int64_t limit,
                                        std::int64_t max_phone_numbers = 2);

}  // namespace delvex::whatsapp::wire
