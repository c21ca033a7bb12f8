#include "bot/whatsapp/wire/inbound.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <exception>
#include <limits>
#include <stdexcept>
#include <string>
#include <utility>

namespace delvex::whatsapp::wire {
namespace {

using Json = nlohmann::json;

// Meta's timestamps are seconds; courier also meets milliseconds, which are ≥ 1e12 for any date after 2001.
constexpr std::int64_t kFirstMillisecondValue = 1'000'000'000'000;

// Field readers: a member of the wrong JSON type reads as absent, never as an exception.
const Json* member(const Json& obj, std::string_view key) {
    if (!obj.is_object()) {
        return nullptr;
    }
    const auto it = obj.find(key);
    return it == obj.end() ? nullptr : &*it;
}

const Json* object_at(const Json& obj, std::string_view key) {
    const Json* value = member(obj, key);
    return value != nullptr && value->is_object() ? value : nullptr;
}

const Json* array_at(const Json& obj, std::string_view key) {
    const Json* value = member(obj, key);
    return value != nullptr && value->is_array() ? value : nullptr;
}

std::string_view string_view_at(const Json& obj, std::string_view key) {
    const Json* value = member(obj, key);
    if (value == nullptr || !value->is_string()) {
        return {};
    }
    return value->get_ref<const std::string&>();
}

std::string string_at(const Json& obj, std::string_view key) { return std::string(string_view_at(obj, key)); }

bool bool_at(const Json& obj, std::string_view key) {
    const Json* value = member(obj, key);
    return value != nullptr && value->is_boolean() && value->get<bool>();
}

double double_at(const Json& obj, std::string_view key) {
    const Json* value = member(obj, key);
    if (value == nullptr || !value->is_number()) {
        return 0;
    }
    const double d = value->get<double>();
    return std::isfinite(d) ? d : 0;
}

/// An integer given as a JSON number or as a string of digits (Meta uses both); nullopt otherwise.
std::optional<std::int64_t> integer_of(const Json* value) {
    if (value == nullptr) {
        return std::nullopt;
    }
    if (value->is_number_unsigned()) {
        const auto u = value->get<std::uint64_t>();
        if (u > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
            return std::nullopt;
        }
        return static_cast<std::int64_t>(u);
    }
    if (value->is_number_integer()) {
        return value->get<std::int64_t>();
    }
    if (value->is_number_float()) {
        const double d = value->get<double>();
        if (!std::isfinite(d) || std::fabs(d) >= 9.2e18) {
            return std::nullopt;
        }
        return static_cast<std::int64_t>(d);
    }
    if (value->is_string()) {
        const auto& s = value->get_ref<const std::string&>();
        std::int64_t n = 0;
        const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
        if (ec != std::errc{} || end != s.data() + s.size() || s.empty()) {
            return std::nullopt;
        }
        return n;
    }
    return std::nullopt;
}

// business_capability_update names the limit max_daily_conversations_per_business (v24+; older versions:
// max_daily_conversation_per_phone), a number, or a tier name such as "TIER_2K" / "TIER_UNLIMITED".
std::int64_t messaging_limit_of(const Json& value) {
    for (const char* key : {"max_daily_conversations_per_business", "max_daily_conversation_per_phone",
                            "messaging_limit_tier", "current_limit"}) {
        const auto it = value.find(key);
        if (it == value.end()) {
            continue;
        }
        if (it->is_number_integer()) {
            return it->get<std::int64_t>();
        }
        if (it->is_string()) {
            auto s = it->get<std::string>();
            if (s.find("UNLIMITED") != std::string::npos) {
                return -1;
            }
            std::int64_t n = 0;
            std::int64_t scale = 1;
            bool digits = false;
            for (const char c : s) {
                if (c >= '0' && c <= '9') {
                    n = n * 10 + (c - '0');
                    digits = true;
                } else if (digits && (c == 'K' || c == 'k')) {
                    scale = 1000;
                    break;
                } else if (digits) {
                    break;
                }
            }
            if (digits) {
                return n * scale;
            }
        }
    }
    return 0;
}

std::int64_t unix_seconds_of(const Json* value) {
    const auto n = integer_of(value);
    if (!n || *n < 0) {
        return 0;
    }
    return *n >= kFirstMillisecondValue ? *n / 1000 : *n;
}

core::MessageType message_type_of(std::string_view name) {
    using core::MessageType;
    static constexpr std::pair<std::string_view, MessageType> kTypes[] = {
        {"text", MessageType::kText},
        {"image", MessageType::kImage},
        {"video", MessageType::kVideo},
        {"document", MessageType::kDocument},
        {"audio", MessageType::kAudio},
        {"voice", MessageType::kAudio},  // legacy On-Premises name of a voice note
        {"sticker", MessageType::kSticker},
        {"location", MessageType::kLocation},
        {"contacts", MessageType::kContacts},
        {"interactive", MessageType::kInteractive},
        {"button", MessageType::kButton},
        {"reaction", MessageType::kReaction},
        {"order", MessageType::kOrder},
        {"system", MessageType::kSystem},
        {"unsupported", MessageType::kUnsupported},
        {"edit", MessageType::kEdit},
        {"revoke", MessageType::kRevoke},
        {"request_welcome", MessageType::kRequestWelcome},
    };
    for (const auto& [type_name, type] : kTypes) {
        if (type_name == name) {
            return type;
        }
    }
    return MessageType::kUnknown;
}

core::DeliveryStatus delivery_status_of(std::string_view name) {
    using core::DeliveryStatus;
    if (name == "sent") return DeliveryStatus::kSent;
    if (name == "delivered") return DeliveryStatus::kDelivered;
    if (name == "read") return DeliveryStatus::kRead;
    if (name == "failed") return DeliveryStatus::kFailed;
    if (name == "played") return DeliveryStatus::kPlayed;
    if (name == "deleted") return DeliveryStatus::kDeleted;
    return DeliveryStatus::kUnknown;
}

core::ApiError read_error(const Json& error) {
    core::ApiError out;
    out.code = integer_of(member(error, "code")).value_or(0);
    out.title = string_at(error, "title");
    out.message = string_at(error, "message");
    if (const Json* data = object_at(error, "error_data"); data != nullptr) {
        out.details = string_at(*data, "details");
    }
    if (out.details.empty()) {
        out.details = string_at(error, "details");  // the older flat shape (courier error_msg.json)
    }
    out.href = string_at(error, "href");
    return out;
}

std::vector<core::ApiError> read_errors(const Json& holder) {
    std::vector<core::ApiError> out;
    if (const Json* errors = array_at(holder, "errors"); errors != nullptr) {
        out.reserve(errors->size());
        for (const Json& error : *errors) {
            if (error.is_object()) {
                out.push_back(read_error(error));
            }
        }
    }
    return out;
}

core::MediaRef read_media(const Json& media) {
    core::MediaRef out;
    out.id = string_at(media, "id");
    out.mime_type = string_at(media, "mime_type");
    out.sha256 = string_at(media, "sha256");
    out.caption = string_at(media, "caption");
    out.filename = string_at(media, "filename");
    out.url = string_at(media, "url");
    out.voice = bool_at(media, "voice");
    out.animated = bool_at(media, "animated");
    return out;
}

void read_interactive(const Json& interactive, core::InboundMessage& msg) {
    using core::InteractiveType;
    const std::string_view type = string_view_at(interactive, "type");
    if (type == "button_reply") {
        msg.interactive = InteractiveType::kButtonReply;
        if (const Json* reply = object_at(interactive, "button_reply"); reply != nullptr) {
            msg.reply_id = string_at(*reply, "id");
            msg.text = string_at(*reply, "title");
        }
    } else if (type == "list_reply") {
        msg.interactive = InteractiveType::kListReply;
        if (const Json* reply = object_at(interactive, "list_reply"); reply != nullptr) {
            msg.reply_id = string_at(*reply, "id");
            msg.text = string_at(*reply, "title");
            msg.reply_description = string_at(*reply, "description");
        }
    } else if (type == "nfm_reply") {
        msg.interactive = InteractiveType::kNfmReply;
        if (const Json* reply = object_at(interactive, "nfm_reply"); reply != nullptr) {
            msg.text = string_at(*reply, "body");
            msg.flow_response_json = string_at(*reply, "response_json");
        }
    } else if (type == "call_permission_reply") {
        // The user's answer ("accept" / "reject") is the machine value of this reply, like a button id.
        msg.interactive = InteractiveType::kCallPermissionReply;
        if (const Json* reply = object_at(interactive, "call_permission_reply"); reply != nullptr) {
            msg.reply_id = string_at(*reply, "response");
        }
    } else {
        msg.interactive = InteractiveType::kUnknown;
    }
}

void read_content(core::MessageType type, std::string_view type_name, const Json& holder, core::InboundMessage& msg,
                  bool inside_edit) {
    using core::MessageType;
    const Json* content = object_at(holder, type_name);
    switch (type) {
        case MessageType::kText:
            if (content != nullptr) {
                msg.text = string_at(*content, "body");
            }
            break;
        case MessageType::kImage:
        case MessageType::kVideo:
        case MessageType::kDocument:
        case MessageType::kAudio:
        case MessageType::kSticker:
            if (content != nullptr) {
                msg.media = read_media(*content);
                if (type_name == "voice") {
                    msg.media->voice = true;
                }
            }
            break;
        case MessageType::kLocation:
            if (content != nullptr) {
                core::GeoLocation location;
                location.latitude = double_at(*content, "latitude");
                location.longitude = double_at(*content, "longitude");
                location.name = string_at(*content, "name");
                location.address = string_at(*content, "address");
                location.url = string_at(*content, "url");
                msg.location = std::move(location);
            }
            break;
        case MessageType::kContacts:
            if (const Json* cards = array_at(holder, "contacts"); cards != nullptr) {
                for (const Json& card : *cards) {
                    if (!card.is_object()) {
                        continue;
                    }
                    core::SharedContact shared;
                    if (const Json* name = object_at(card, "name"); name != nullptr) {
                        shared.formatted_name = string_at(*name, "formatted_name");
                    }
                    if (const Json* phones = array_at(card, "phones"); phones != nullptr) {
                        for (const Json& phone : *phones) {
                            if (auto number = string_at(phone, "phone"); !number.empty()) {
                                shared.phones.push_back(std::move(number));
                            }
                            if (auto wa_id = string_at(phone, "wa_id"); !wa_id.empty()) {
                                shared.wa_ids.push_back(std::move(wa_id));
                            }
                        }
                    }
                    msg.contacts.push_back(std::move(shared));
                }
            }
            break;
        case MessageType::kInteractive:
            if (content != nullptr) {
                read_interactive(*content, msg);
            } else {
                msg.interactive = core::InteractiveType::kUnknown;
            }
            break;
        case MessageType::kButton:
            if (content != nullptr) {
                msg.reply_id = string_at(*content, "payload");
                msg.text = string_at(*content, "text");
            }
            break;
        case MessageType::kReaction:
            if (content != nullptr) {
                msg.reaction_message_id = string_at(*content, "message_id");
                msg.reaction_emoji = string_at(*content, "emoji");
            }
            break;
        case MessageType::kOrder:
            if (content != nullptr) {
                msg.order_catalog_id = string_at(*content, "catalog_id");
                msg.text = string_at(*content, "text");
                if (const Json* items = array_at(*content, "product_items"); items != nullptr) {
                    for (const Json& item : *items) {
                        if (!item.is_object()) {
                            continue;
                        }
                        core::OrderItem order_item;
                        order_item.product_retailer_id = string_at(item, "product_retailer_id");
                        order_item.quantity = integer_of(member(item, "quantity")).value_or(0);
                        order_item.item_price = double_at(item, "item_price");
                        order_item.currency = string_at(item, "currency");
                        msg.order_items.push_back(std::move(order_item));
                    }
                }
            }
            break;
        case MessageType::kSystem:
            if (content != nullptr) {
                msg.text = string_at(*content, "body");
                msg.system_type = string_at(*content, "type");
                msg.new_wa_id = string_at(*content, "wa_id");
                if (msg.new_wa_id.empty()) {
                    msg.new_wa_id = string_at(*content, "new_wa_id");  // On-Premises spelling
                }
                msg.new_user_id = string_at(*content, "user_id");
                msg.previous_user_id = string_at(*content, "previous_user_id");
            }
            break;
        case MessageType::kUnsupported:
            if (content != nullptr) {
                msg.unsupported_type = string_at(*content, "type");
            }
            break;
        case MessageType::kEdit:
            if (content != nullptr) {
                msg.original_message_id = string_at(*content, "original_message_id");
                // The edited message carries its new content the way a fresh message would.
                if (const Json* edited = object_at(*content, "message"); edited != nullptr && !inside_edit) {
                    const std::string_view edited_type = string_view_at(*edited, "type");
                    const MessageType inner = message_type_of(edited_type);
                    if (inner != MessageType::kEdit && inner != MessageType::kUnknown) {
                        read_content(inner, edited_type, *edited, msg, true);
                    }
                }
            }
            break;
        case MessageType::kRevoke:
            if (content != nullptr) {
                msg.original_message_id = string_at(*content, "original_message_id");
            }
            break;
        case MessageType::kRequestWelcome:
        case MessageType::kUnknown:
            break;
    }
}

core::InboundMessage read_message(const Json& message, const Json* contact) {
    core::InboundMessage msg;
    msg.id = string_at(message, "id");
    core::Sender& sender = msg.sender;
    sender.wa_id = string_at(message, "from");
    sender.user_id = string_at(message, "from_user_id");
    sender.parent_user_id = string_at(message, "from_parent_user_id");
    if (contact != nullptr) {
        if (sender.wa_id.empty()) {
            sender.wa_id = string_at(*contact, "wa_id");
        }
        if (sender.user_id.empty()) {
            sender.user_id = string_at(*contact, "user_id");
        }
        if (sender.parent_user_id.empty()) {
            sender.parent_user_id = string_at(*contact, "parent_user_id");
        }
        if (const Json* profile = object_at(*contact, "profile"); profile != nullptr) {
            sender.profile_name = string_at(*profile, "name");
            sender.username = string_at(*profile, "username");
        }
        if (sender.username.empty()) {
            sender.username = string_at(*contact, "username");
        }
    }
    msg.timestamp = unix_seconds_of(member(message, "timestamp"));
    msg.type_name = string_at(message, "type");
    msg.type = message_type_of(msg.type_name);
    if (const Json* context = object_at(message, "context"); context != nullptr) {
        core::ReplyContext reply;
        reply.from = string_at(*context, "from");
        reply.id = string_at(*context, "id");
        reply.forwarded = bool_at(*context, "forwarded");
        reply.frequently_forwarded = bool_at(*context, "frequently_forwarded");
        msg.context = std::move(reply);
    }
    msg.group_id = string_at(message, "group_id");
    if (const Json* referral = object_at(message, "referral"); referral != nullptr) {
        msg.referral_source_url = string_at(*referral, "source_url");
    }
    msg.errors = read_errors(message);
    read_content(msg.type, msg.type_name, message, msg, false);
    return msg;
}

core::StatusUpdate read_status(const Json& status) {
    core::StatusUpdate out;
    out.id = string_at(status, "id");
    out.status_name = string_at(status, "status");
    out.status = delivery_status_of(out.status_name);
    out.timestamp = unix_seconds_of(member(status, "timestamp"));
    out.recipient_id = string_at(status, "recipient_id");
    out.recipient_user_id = string_at(status, "recipient_user_id");
    out.biz_opaque_callback_data = string_at(status, "biz_opaque_callback_data");
    if (const Json* pricing = object_at(status, "pricing"); pricing != nullptr) {
        out.pricing_category = string_at(*pricing, "category");
        out.pricing_type = string_at(*pricing, "type");
        out.billable = bool_at(*pricing, "billable");
    }
    out.errors = read_errors(status);
    return out;
}

}  // namespace

std::optional<ParsedUpdate> parse_update(UpdateKind kind, std::string_view json) {
    try {
        const Json doc = Json::parse(json.begin(), json.end(), nullptr, /*allow_exceptions=*/false);
        if (!doc.is_object()) {
            return std::nullopt;
        }
        ParsedUpdate out;
        out.kind = kind;
        out.field = string_at(doc, "field");
        const Json* metadata = object_at(doc, "metadata");
        switch (kind) {
            case UpdateKind::kMessage: {
                const Json* message = object_at(doc, "message");
                if (message == nullptr) {
                    return std::nullopt;
                }
                out.message = read_message(*message, object_at(doc, "contact"));
                break;
            }
            case UpdateKind::kStatus: {
                const Json* status = object_at(doc, "status");
                if (status == nullptr) {
                    return std::nullopt;
                }
                out.status = read_status(*status);
                break;
            }
            case UpdateKind::kError: {
                const Json* error = object_at(doc, "error");
                if (error == nullptr) {
                    return std::nullopt;
                }
                out.error = read_error(*error);
                break;
            }
            case UpdateKind::kChange: {
                const Json* value = object_at(doc, "value");
                if (value == nullptr) {
                    return std::nullopt;
                }
                out.event = string_at(*value, "event");
                out.template_name = string_at(*value, "message_template_name");
                out.template_language = string_at(*value, "message_template_language");
                out.reason = string_at(*value, "reason");
                out.messaging_limit = messaging_limit_of(*value);
                if (metadata == nullptr) {
                    metadata = object_at(*value, "metadata");
                }
                break;
            }
            default:
                return std::nullopt;
        }
        if (metadata != nullptr) {
            out.phone_number_id = string_at(*metadata, "phone_number_id");
        }
        return out;
    } catch (const Json::exception&) {
        return std::nullopt;
    }
}

}  // namespace delvex::whatsapp::wire
