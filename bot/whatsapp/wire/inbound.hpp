#pragma once

// All webhook JSON (Meta → us) is read here, and written here for the simulator and the fake Graph API.
// Meta's rules: docs/WHATSAPP.md §2–4, §10.

#include "bot/core/chat.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace delvex::whatsapp::wire {

/// What one stored update is. The numbers are stored in the inbox table: never renumber.
enum class UpdateKind : int {
    kMessage = 1,  ///< value.messages[i]
    kStatus = 2,   ///< value.statuses[i]
    kChange = 3,   ///< a change of another field (account_update, message_template_status_update, …)
    kError = 4,    ///< value.errors[i]: a system, app or account-level problem
};

/// One update cut out of a webhook POST: its dedupe key and a self-contained JSON copy of it.
struct RawUpdate {
    UpdateKind kind = UpdateKind::kMessage;
    /// Unique per event: "m:<wamid>", "s:<wamid>:<status>", "c:<field>:<sha256 of value>",
    /// "e:<sha256 of error and metadata>". Meta's retries of the same event give the same key.
    /// Group statuses, aggregated one per participant, append ":<recipient_participant_id>".
    std::string dedupe_key;
    /// The member it concerns: sender wa_id, else BSUID; for statuses the recipient. Empty for others.
    std::string member_key;
    std::string phone_number_id;  ///< value.metadata.phone_number_id, may be empty
    std::int64_t timestamp = 0;   ///< unix seconds of the event, 0 when it has none
    /// {"field":…, "metadata":{…}, "contact":{…}, "message":{…}} (or "status", "value", "error"): every field
    /// Meta sent for this update, unknown ones included, so nothing is lost. Also "entry_id" (the WABA id) and
    /// "time" (entry.time) when the entry has them; "metadata" and "contact" only when present.
    std::string json;
};

/// How a signed webhook body was understood.
enum class EnvelopeOutcome {
    kOk,            ///< updates extracted (there may still be unknown parts, see `unknown`)
    kNotJson,       ///< not JSON at all → 400
    kUnknownShape,  ///< JSON, but not a WhatsApp Business Account envelope we know → 200 + quarantine
};

struct Envelope {
    EnvelopeOutcome outcome = EnvelopeOutcome::kOk;
    std::vector<RawUpdate> updates;   ///< in body order; repeats inside the same body removed
    std::size_t repeats_in_body = 0;  ///< how many updates were dropped as repeats inside this body
    /// Parts that could not be understood (a message without an id, a change without a value, …), each as
    /// a short reason. Non-empty means the whole raw body is also kept in quarantine.
    std::vector<std::string> unknown;
    std::string error;  ///< for kNotJson / kUnknownShape: why, in one line
};

/// Splits a webhook body whose signature was already checked. Never throws; handles up to the 3 MiB
/// Meta sends (1,000 updates).
Envelope split_envelope(std::string_view body);

/// A stored update read back as typed data.
struct ParsedUpdate {
    UpdateKind kind = UpdateKind::kMessage;
    std::string field;            ///< change field, e.g. "messages", "account_update"
    std::string phone_number_id;
    std::optional<core::InboundMessage> message;  ///< kMessage
    std::optional<core::StatusUpdate> status;     ///< kStatus
    std::optional<core::ApiError> error;          ///< kError
    std::string event;  ///< kChange: value.event when present (e.g. "ACCOUNT_RESTRICTION", "APPROVED")
    /// kChange of message_template_status_update: the template, its language code, and Meta's reason.
    std::string template_name;
    std::string template_language;
    std::string reason;
    /// kChange of business_capability_update: the messaging limit (unique users per 24 h; 0 = not given,
    /// -1 = unlimited).
    std::int64_t messaging_limit = 0;
};

/// Parses RawUpdate::json (as written by split_envelope) into typed data. Unknown message types and
/// fields never fail: they come back as MessageType::kUnknown / DeliveryStatus::kUnknown with the raw
/// names kept. Returns nullopt only for JSON this module did not write.
std::optional<ParsedUpdate> parse_update(UpdateKind kind, std::string_view json);

// --- the other direction: webhook bodies as Meta would send them (simulator, fake Graph API, tests) ---

/// A `messages` webhook body carrying one inbound message, with its `contacts[]` entry.
std::string make_message_webhook(std::string_view waba_id, std::string_view phone_number_id,
                                 std::string_view display_phone_number, const core::InboundMessage& message);

/// A `messages` webhook body carrying one status of a message we sent.
std::string make_status_webhook(std::string_view waba_id, std::string_view phone_number_id,
                                std::string_view display_phone_number, const core::StatusUpdate& status);

}  // namespace delvex::whatsapp::wire
