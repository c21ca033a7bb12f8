// The other direction of inbound.cpp: webhook bodies as Meta would send them, for the simulator, the fake
// Graph API and tests (make_message_webhook, make_status_webhook in inbound.hpp).

#include <nlohmann/json.hpp>

#include <algorithm>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "bot/whatsapp/wire/inbound.hpp"

namespace delvex::whatsapp::wire {
namespace {

using OrderedJson = nlohmann::ordered_json;

std::string_view message_type_name(core::MessageType type) {
    using core::MessageType;
    switch (type) {
        case MessageType::kText: return "text";
        case MessageType::kImage: return "image";
        case MessageType::kVideo: return "video";
        case MessageType::kDocument: return "document";
        case MessageType::kAudio: return "audio";
        case MessageType::kSticker: return "sticker";
        case MessageType::kLocation: return "location";
        case MessageType::kContacts: return "contacts";
        case MessageType::kInteractive: return "interactive";
        case MessageType::kButton: return "button";
        case MessageType::kReaction: return "reaction";
        case MessageType::kOrder: return "order";
        case MessageType::kSystem: return "system";
        case MessageType::kUnsupported: return "unsupported";
        case MessageType::kEdit: return "edit";
        case MessageType::kRevoke: return "revoke";
        case MessageType::kRequestWelcome: return "request_welcome";
        case MessageType::kUnknown: return "unknown";
    }
    return "unknown";
}

std::string_view delivery_status_name(core::DeliveryStatus status) {
    using core::DeliveryStatus;
    switch (status) {
        case DeliveryStatus::kSent: return "sent";
        case DeliveryStatus::kDelivered: return "delivered";
        case DeliveryStatus::kRead: return "read";
        case DeliveryStatus::kFailed: return "failed";
        case DeliveryStatus::kPlayed: return "played";
        case DeliveryStatus::kDeleted: return "deleted";
        case DeliveryStatus::kUnknown: return "unknown";
    }
    return "unknown";
}

OrderedJson error_json(const core::ApiError& error) {
    OrderedJson out = OrderedJson::object();
    out["code"] = error.code;
    out["title"] = error.title;
    if (!error.message.empty()) {
        out["message"] = error.message;
    }
    if (!error.details.empty()) {
        out["error_data"] = {{"details", error.details}};
    }
    if (!error.href.empty()) {
        out["href"] = error.href;
    }
    return out;
}

OrderedJson errors_json(const std::vector<core::ApiError>& errors) {
    OrderedJson out = OrderedJson::array();
    for (const auto& error : errors) {
        out.push_back(error_json(error));
    }
    return out;
}

OrderedJson media_json(const core::MediaRef& media, core::MessageType type) {
    using core::MessageType;
    OrderedJson out = OrderedJson::object();
    if (!media.caption.empty()) {
        out["caption"] = media.caption;
    }
    if (!media.filename.empty()) {
        out["filename"] = media.filename;
    }
    out["mime_type"] = media.mime_type;
    out["sha256"] = media.sha256;
    out["id"] = media.id;
    if (!media.url.empty()) {
        out["url"] = media.url;
    }
    if (type == MessageType::kAudio) {
        out["voice"] = media.voice;
    }
    if (type == MessageType::kSticker) {
        out["animated"] = media.animated;
    }
    return out;
}

OrderedJson interactive_json(const core::InboundMessage& msg) {
    using core::InteractiveType;
    switch (msg.interactive) {
        case InteractiveType::kButtonReply:
            return {{"type", "button_reply"}, {"button_reply", {{"id", msg.reply_id}, {"title", msg.text}}}};
        case InteractiveType::kListReply: {
            OrderedJson reply = {{"id", msg.reply_id}, {"title", msg.text}};
            if (!msg.reply_description.empty()) {
                reply["description"] = msg.reply_description;
            }
            return {{"type", "list_reply"}, {"list_reply", std::move(reply)}};
        }
        case InteractiveType::kNfmReply:
            return {{"type", "nfm_reply"},
                    {"nfm_reply", {{"response_json", msg.flow_response_json}, {"body", msg.text}, {"name", "flow"}}}};
        case InteractiveType::kCallPermissionReply:
            return {{"type", "call_permission_reply"},
                    {"call_permission_reply", {{"response", msg.reply_id}, {"response_source", "user_action"}}}};
        case InteractiveType::kNone:
        case InteractiveType::kUnknown:
            break;
    }
    return {{"type", "unknown"}};
}

/// The content object named after the message type; nullopt for types that carry none.
std::optional<OrderedJson> content_json(const core::InboundMessage& msg) {
    using core::MessageType;
    switch (msg.type) {
        case MessageType::kText:
            return OrderedJson{{"body", msg.text}};
        case MessageType::kImage:
        case MessageType::kVideo:
        case MessageType::kDocument:
        case MessageType::kAudio:
        case MessageType::kSticker:
            return media_json(msg.media.value_or(core::MediaRef{}), msg.type);
        case MessageType::kLocation: {
            const core::GeoLocation location = msg.location.value_or(core::GeoLocation{});
            OrderedJson out = {{"latitude", location.latitude}, {"longitude", location.longitude}};
            if (!location.name.empty()) {
                out["name"] = location.name;
            }
            if (!location.address.empty()) {
                out["address"] = location.address;
            }
            if (!location.url.empty()) {
                out["url"] = location.url;
            }
            return out;
        }
        case MessageType::kInteractive:
            return interactive_json(msg);
        case MessageType::kButton:
            return OrderedJson{{"payload", msg.reply_id}, {"text", msg.text}};
        case MessageType::kReaction: {
            OrderedJson out = {{"message_id", msg.reaction_message_id}};
            if (!msg.reaction_emoji.empty()) {
                out["emoji"] = msg.reaction_emoji;
            }
            return out;
        }
        case MessageType::kOrder: {
            OrderedJson items = OrderedJson::array();
            for (const auto& item : msg.order_items) {
                items.push_back({{"product_retailer_id", item.product_retailer_id},
                                 {"quantity", item.quantity},
                                 {"item_price", item.item_price},
                                 {"currency", item.currency}});
            }
            OrderedJson out = {{"catalog_id", msg.order_catalog_id}};
            if (!msg.text.empty()) {
                out["text"] = msg.text;
            }
            out["product_items"] = std::move(items);
            return out;
        }
        case MessageType::kSystem: {
            OrderedJson out = {{"body", msg.text}};
            if (!msg.new_wa_id.empty()) {
                out["wa_id"] = msg.new_wa_id;
            }
            if (!msg.new_user_id.empty()) {
                out["user_id"] = msg.new_user_id;
            }
            if (!msg.previous_user_id.empty()) {
                out["previous_user_id"] = msg.previous_user_id;
            }
            out["type"] = msg.system_type;
            return out;
        }
        case MessageType::kUnsupported:
            return OrderedJson{{"type", msg.unsupported_type}};
        case MessageType::kEdit: {
            OrderedJson out = {{"original_message_id", msg.original_message_id}};
            // Only a text edit can be rebuilt: the struct does not say which media type an edited caption had.
            if (!msg.text.empty()) {
                out["message"] = {{"type", "text"}, {"text", {{"body", msg.text}}}};
            }
            return out;
        }
        case MessageType::kRevoke:
            return OrderedJson{{"original_message_id", msg.original_message_id}};
        case MessageType::kContacts:  // carried in the message's own `contacts` array, see message_json
        case MessageType::kRequestWelcome:
        case MessageType::kUnknown:
            break;
    }
    return std::nullopt;
}

OrderedJson shared_contacts_json(const std::vector<core::SharedContact>& contacts) {
    OrderedJson out = OrderedJson::array();
    for (const auto& contact : contacts) {
        OrderedJson phones = OrderedJson::array();
        const std::size_t count = std::max(contact.phones.size(), contact.wa_ids.size());
        for (std::size_t i = 0; i < count; ++i) {
            OrderedJson phone = OrderedJson::object();
            if (i < contact.phones.size()) {
                phone["phone"] = contact.phones[i];
            }
            if (i < contact.wa_ids.size()) {
                phone["wa_id"] = contact.wa_ids[i];
            }
            phone["type"] = "CELL";
            phones.push_back(std::move(phone));
        }
        out.push_back({{"name", {{"formatted_name", contact.formatted_name}}}, {"phones", std::move(phones)}});
    }
    return out;
}

OrderedJson message_json(const core::InboundMessage& msg) {
    OrderedJson out = OrderedJson::object();
    if (msg.context) {
        OrderedJson context = OrderedJson::object();
        if (!msg.context->from.empty()) {
            context["from"] = msg.context->from;
        }
        if (!msg.context->id.empty()) {
            context["id"] = msg.context->id;
        }
        if (msg.context->forwarded) {
            context["forwarded"] = true;
        }
        if (msg.context->frequently_forwarded) {
            context["frequently_forwarded"] = true;
        }
        out["context"] = std::move(context);
    }
    if (!msg.sender.wa_id.empty()) {
        out["from"] = msg.sender.wa_id;
    }
    if (!msg.sender.user_id.empty()) {
        out["from_user_id"] = msg.sender.user_id;
    }
    if (!msg.sender.parent_user_id.empty()) {
        out["from_parent_user_id"] = msg.sender.parent_user_id;
    }
    if (!msg.group_id.empty()) {
        out["group_id"] = msg.group_id;
    }
    out["id"] = msg.id;
    out["timestamp"] = std::to_string(msg.timestamp);
    if (!msg.referral_source_url.empty()) {
        out["referral"] = {{"source_url", msg.referral_source_url}, {"source_type", "ad"}};
    }
    const std::string type_name = msg.type == core::MessageType::kUnknown && !msg.type_name.empty()
                                      ? msg.type_name
                                      : std::string(message_type_name(msg.type));
    out["type"] = type_name;
    if (msg.type == core::MessageType::kContacts) {
        out["contacts"] = shared_contacts_json(msg.contacts);
    } else if (auto content = content_json(msg)) {
        out[type_name] = std::move(*content);
    }
    if (!msg.errors.empty()) {
        out["errors"] = errors_json(msg.errors);
    }
    return out;
}

std::string envelope_json(std::string_view waba_id, std::string_view phone_number_id,
                          std::string_view display_phone_number, const char* list_name, OrderedJson item,
                          OrderedJson contacts) {
    OrderedJson value = OrderedJson::object();
    value["messaging_product"] = "whatsapp";
    value["metadata"] = {{"display_phone_number", std::string(display_phone_number)},
                         {"phone_number_id", std::string(phone_number_id)}};
    if (!contacts.is_null()) {
        value["contacts"] = std::move(contacts);
    }
    value[list_name] = OrderedJson::array({std::move(item)});
    OrderedJson change = {{"value", std::move(value)}, {"field", "messages"}};
    OrderedJson entry = {{"id", std::string(waba_id)}, {"changes", OrderedJson::array({std::move(change)})}};
    OrderedJson body = {{"object", "whatsapp_business_account"}, {"entry", OrderedJson::array({std::move(entry)})}};
    return body.dump();
}

}  // namespace

std::string make_message_webhook(std::string_view waba_id, std::string_view phone_number_id,
                                 std::string_view display_phone_number, const core::InboundMessage& message) {
    OrderedJson contacts;  // null: Meta sends no contacts[] with system messages
    if (message.type != core::MessageType::kSystem) {
        const core::Sender& sender = message.sender;
        OrderedJson profile = {{"name", sender.profile_name}};
        if (!sender.username.empty()) {
            profile["username"] = sender.username;
        }
        OrderedJson contact = {{"profile", std::move(profile)}};
        if (!sender.wa_id.empty()) {
            contact["wa_id"] = sender.wa_id;
        }
        if (!sender.user_id.empty()) {
            contact["user_id"] = sender.user_id;
        }
        if (!sender.parent_user_id.empty()) {
            contact["parent_user_id"] = sender.parent_user_id;
        }
        contacts = OrderedJson::array({std::move(contact)});
    }
    return envelope_json(waba_id, phone_number_id, display_phone_number, "messages", message_json(message),
                         std::move(contacts));
}

std::string make_status_webhook(std::string_view waba_id, std::string_view phone_number_id,
                                std::string_view display_phone_number, const core::StatusUpdate& status) {
    OrderedJson item = OrderedJson::object();
    item["id"] = status.id;
    item["status"] = !status.status_name.empty() ? status.status_name
                                                 : std::string(delivery_status_name(status.status));
    item["timestamp"] = std::to_string(status.timestamp);
    item["recipient_id"] = status.recipient_id;
    if (!status.recipient_user_id.empty()) {
        item["recipient_user_id"] = status.recipient_user_id;
    }
    if (!status.biz_opaque_callback_data.empty()) {
        item["biz_opaque_callback_data"] = status.biz_opaque_callback_data;
    }
    if (!status.pricing_category.empty() || !status.pricing_type.empty() || status.billable) {
        item["pricing"] = {{"billable", status.billable},
                           {"pricing_model", "PMP"},
                           {"type", status.pricing_type},
                           {"category", status.pricing_category}};
    }
    if (!status.errors.empty()) {
        item["errors"] = errors_json(status.errors);
    }
    return envelope_json(waba_id, phone_number_id, display_phone_number, "statuses", std::move(item), OrderedJson{});
}
}  // namespace delvex::whatsapp::wire
