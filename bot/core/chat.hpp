#pragma once

// Plain chat types shared by the WhatsApp wire layer and the domain. No JSON here: bot/whatsapp/wire
// converts between these structs and Graph API JSON.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace delvex::core {

/// Who sent a message, as the webhook's `contacts[]` and `from`/`from_user_id` describe them.
/// `wa_id` is empty for a username user known only by BSUID (2026).
struct Sender {
    std::string wa_id;           ///< phone digits without '+', may be empty
    std::string user_id;         ///< BSUID, e.g. "US.13491208655302741918", may be empty
    std::string parent_user_id;  ///< parent BSUID, may be empty
    std::string profile_name;
    std::string username;

    /// The key we file a member under: wa_id when known, otherwise the BSUID.
    const std::string& key() const { return wa_id.empty() ? user_id : wa_id; }
};

/// An error object as Meta sends it inside webhooks (`errors[]`) or Graph API answers.
struct ApiError {
    std::int64_t code = 0;
    std::string title;
    std::string message;
    std::string details;
    std::string href;
};

/// The kinds of inbound message of docs/WHATSAPP.md §3. kUnknown keeps any future type.
enum class MessageType {
    kText,
    kImage,
    kVideo,
    kDocument,
    kAudio,
    kSticker,
    kLocation,
    kContacts,
    kInteractive,
    kButton,
    kReaction,
    kOrder,
    kSystem,
    kUnsupported,
    kEdit,
    kRevoke,
    kRequestWelcome,
    kUnknown,
};

/// The kinds of interactive reply (`interactive.type`).
enum class InteractiveType { kNone, kButtonReply, kListReply, kNfmReply, kCallPermissionReply, kUnknown };

struct MediaRef {
    std::string id;
    std::string mime_type;
    std::string sha256;
    std::string caption;
    std::string filename;
    std::string url;
    bool voice = false;     ///< audio: push-to-talk voice note
    bool animated = false;  ///< sticker
};

struct GeoLocation {
    double latitude = 0;
    double longitude = 0;
    std::string name;
    std::string address;
    std::string url;
};

struct ReplyContext {
    std::string from;
    std::string id;  ///< wamid of the quoted message / of the message that carried the buttons
    bool forwarded = false;
    bool frequently_forwarded = false;
};

struct SharedContact {
    std::string formatted_name;
    std::vector<std::string> phones;  ///< as given; may be "+254 7…"
    std::vector<std::string> wa_ids;
};

struct OrderItem {
    std::string product_retailer_id;
    std::int64_t quantity = 0;
    double item_price = 0;
    std::string currency;
};

/// One inbound message (`value.messages[]`), typed. Fields not used by a type stay empty.
struct InboundMessage {
    std::string id;  ///< wamid
    Sender sender;
    std::int64_t timestamp = 0;  ///< unix seconds
    MessageType type = MessageType::kUnknown;
    std::string type_name;  ///< the raw `type` string, kept for unknown types
    std::optional<ReplyContext> context;
    std::string group_id;

    std::string text;  ///< text.body; button.text; interactive reply title; system.body

    InteractiveType interactive = InteractiveType::kNone;
    std::string reply_id;           ///< button_reply.id / list_reply.id / button.payload
    std::string reply_description;  ///< list_reply.description
    std::string flow_response_json;  ///< nfm_reply.response_json, verbatim

    std::optional<MediaRef> media;
    std::optional<GeoLocation> location;
    std::vector<SharedContact> contacts;

    std::string reaction_message_id;  ///< reaction.message_id
    std::string reaction_emoji;       ///< empty = reaction removed

    std::string original_message_id;  ///< edit / revoke
    std::string system_type;          ///< system.type, e.g. "user_changed_number"
    std::string new_wa_id;            ///< system.wa_id (user_changed_number: the new number)
    std::string new_user_id;          ///< system.user_id: the BSUID after the change
    std::string previous_user_id;     ///< system.previous_user_id: the BSUID before the change

    std::string order_catalog_id;
    std::vector<OrderItem> order_items;

    std::string unsupported_type;  ///< unsupported.type
    std::string referral_source_url;
    std::vector<ApiError> errors;
};

/// Delivery status of a message we sent (`value.statuses[]`).
enum class DeliveryStatus { kSent, kDelivered, kRead, kFailed, kPlayed, kDeleted, kUnknown };

struct StatusUpdate {
    std::string id;  ///< our wamid
    DeliveryStatus status = DeliveryStatus::kUnknown;
    std::string status_name;  ///< raw string, kept for unknown statuses
    std::int64_t timestamp = 0;
    std::string recipient_id;
    std::string recipient_user_id;
    std::string biz_opaque_callback_data;
    std::string pricing_category;
    std::string pricing_type;
    bool billable = false;
    std::vector<ApiError> errors;
};

}  // namespace delvex::core
