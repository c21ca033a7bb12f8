#include "bot/whatsapp/wire/inbound.hpp"

#include <nlohmann/json.hpp>
#include <openssl/evp.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <exception>
#include <limits>
#include <stdexcept>
#include <string>
#include <unordered_set>
#include <utility>

namespace delvex::whatsapp::wire {
namespace {

using Json = nlohmann::json;
using OrderedJson = nlohmann::ordered_json;

// Real webhooks nest about 12 levels deep. nlohmann parses iteratively, but dump() recurses, so a hostile
// (or corrupted) body nested millions of levels deep must be refused before it is ever dumped.
constexpr int kMaxDepth = 64;

// Meta's timestamps are seconds; courier also meets milliseconds, which are ≥ 1e12 for any date after 2001.
constexpr std::int64_t kFirstMillisecondValue = 1'000'000'000'000;

bool nests_deeper_than(std::string_view text, int limit) {
    int depth = 0;
    bool in_string = false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (in_string) {
            if (c == '\\') {
                ++i;
            } else if (c == '"') {
                in_string = false;
            }
            continue;
        }
        if (c == '"') {
            in_string = true;
        } else if (c == '{' || c == '[') {
            if (++depth > limit) {
                return true;
            }
        } else if (c == '}' || c == ']') {
            --depth;
        }
    }
    return false;
}

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

std::int64_t unix_seconds_of(const Json* value) {
    const auto n = integer_of(value);
    if (!n || *n < 0) {
        return 0;
    }
    return *n >= kFirstMillisecondValue ? *n / 1000 : *n;
}

std::string sha256_hex(std::string_view data) {
    // Fetched once: an implicit fetch on every EVP_Digest costs a provider lookup per call in OpenSSL 3.
    static EVP_MD* const fetched = EVP_MD_fetch(nullptr, "SHA256", nullptr);
    const EVP_MD* md = fetched != nullptr ? fetched : EVP_sha256();
    std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
    unsigned int length = 0;
    if (EVP_Digest(data.data(), data.size(), digest.data(), &length, md, nullptr) != 1) {
        throw std::runtime_error("SHA-256 failed");
    }
    static constexpr char kHex[] = "0123456789abcdef";
    std::string hex(std::size_t{length} * 2, '0');
    for (std::size_t i = 0; i < length; ++i) {
        hex[2 * i] = kHex[digest[i] >> 4];
        hex[2 * i + 1] = kHex[digest[i] & 0x0f];
    }
    return hex;
}

struct ChangeScope {
    std::string where;              // "entry[0].changes[1]", for reasons in Envelope::unknown
    std::string head;               // `{"field":…,"entry_id":…,"time":…,"metadata":{…}` shared by its updates
    std::string metadata_dump;      // "" when the change has no metadata
    std::string phone_number_id;
    std::int64_t time = 0;
};

class Splitter {
public:
    explicit Splitter(Envelope& out) : out_(out) {}

    void split(const Json& doc) {
        const Json* entries = array_at(doc, "entry");
        std::size_t usable = 0;
        if (entries != nullptr) {
            for (const Json& entry : *entries) {
                usable += array_at(entry, "changes") != nullptr ? 1 : 0;
            }
        }
        // The rule: an envelope is ours when `object` is "whatsapp_business_account" and at least one
        // `entry[]` element is an object with a `changes` array. A body with no usable entry at all is some
        // other product's webhook (or a broken one) and goes to quarantine whole. Once one entry is usable,
        // a malformed sibling entry only adds a reason to `unknown`, so the good updates are not held back.
        if (string_view_at(doc, "object") != "whatsapp_business_account") {
            fail("object is not \"whatsapp_business_account\"");
            return;
        }
        if (entries == nullptr) {
            fail("entry is not an array");
            return;
        }
        if (usable == 0) {
            fail("no entry is an object with a changes array");
            return;
        }
        seen_.reserve(16);
        for (std::size_t i = 0; i < entries->size(); ++i) {
            split_entry((*entries)[i], i);
        }
    }

private:
    void fail(std::string why) {
        out_.outcome = EnvelopeOutcome::kUnknownShape;
        out_.error = std::move(why);
    }

    void note(const std::string& where, std::string_view what) {
        std::string reason;
        reason.reserve(where.size() + what.size() + 2);
        reason.append(where).append(": ").append(what);
        out_.unknown.push_back(std::move(reason));
    }

    void split_entry(const Json& entry, std::size_t i) {
        const std::string where = "entry[" + std::to_string(i) + "]";
        const Json* changes = array_at(entry, "changes");
        if (changes == nullptr) {
            note(where, "not an object with a changes array");
            return;
        }
        for (std::size_t j = 0; j < changes->size(); ++j) {
            split_change(entry, (*changes)[j], where + ".changes[" + std::to_string(j) + "]");
        }
    }

    void split_change(const Json& entry, const Json& change, std::string where) {
        const Json* field = member(change, "field");
        if (field == nullptr || !field->is_string() || field->get_ref<const std::string&>().empty()) {
            note(where, "change without a string field");
            return;
        }
        const std::string& field_name = field->get_ref<const std::string&>();
        const Json* value = object_at(change, "value");
        if (value == nullptr) {
            note(where, "change of " + field_name + " without an object value");
            return;
        }

        ChangeScope scope;
        scope.where = std::move(where);
        scope.head = "{\"field\":";
        scope.head += field->dump();
        if (const Json* id = member(entry, "id"); id != nullptr && id->is_string()) {
            scope.head += ",\"entry_id\":";
            scope.head += id->dump();
        }
        if (const Json* time = member(entry, "time"); time != nullptr && time->is_number()) {
            scope.head += ",\"time\":";
            scope.head += time->dump();
            scope.time = unix_seconds_of(time);
        }
        if (const Json* metadata = object_at(*value, "metadata"); metadata != nullptr) {
            scope.metadata_dump = metadata->dump();
            scope.head += ",\"metadata\":";
            scope.head += scope.metadata_dump;
            scope.phone_number_id = string_at(*metadata, "phone_number_id");
        }

        if (field_name == "messages") {
            split_messages_value(*value, scope);
        } else {
            add_change(field_name, *value, scope);
        }
    }

    void split_messages_value(const Json& value, const ChangeScope& scope) {
        const Json* messages = member(value, "messages");
        const Json* statuses = member(value, "statuses");
        const Json* errors = member(value, "errors");
        if (messages == nullptr && statuses == nullptr && errors == nullptr) {
            note(scope.where, "messages change without messages, statuses or errors");
            return;
        }
        if (messages != nullptr) {
            if (messages->is_array()) {
                const Json* contacts = array_at(value, "contacts");
                contact_dumps_.assign(contacts != nullptr ? contacts->size() : 0, std::string{});
                for (std::size_t k = 0; k < messages->size(); ++k) {
                    add_message((*messages)[k], contacts, scope, k);
                }
            } else {
                note(scope.where, "value.messages is not an array");
            }
        }
        if (statuses != nullptr) {
            if (statuses->is_array()) {
                for (std::size_t k = 0; k < statuses->size(); ++k) {
                    add_status((*statuses)[k], scope, k);
                }
            } else {
                note(scope.where, "value.statuses is not an array");
            }
        }
        if (errors != nullptr) {
            if (errors->is_array()) {
                for (std::size_t k = 0; k < errors->size(); ++k) {
                    add_error((*errors)[k], scope, k);
                }
            } else {
                note(scope.where, "value.errors is not an array");
            }
        }
    }

    /// The contacts[] element describing the sender, or -1.
    static long find_contact(const Json* contacts, std::string_view from, std::string_view from_user_id) {
        if (contacts == nullptr) {
            return -1;
        }
        for (std::size_t c = 0; c < contacts->size(); ++c) {
            const Json& contact = (*contacts)[c];
            if ((!from.empty() && string_view_at(contact, "wa_id") == from) ||
                (!from_user_id.empty() && string_view_at(contact, "user_id") == from_user_id)) {
                return static_cast<long>(c);
            }
        }
        if (contacts->size() == 1 && (*contacts)[0].is_object()) {
            return 0;
        }
        return -1;
    }

    bool first_time(const std::string& key) {
        if (seen_.insert(key).second) {
            return true;
        }
        ++out_.repeats_in_body;
        return false;
    }

    static std::string compose(const ChangeScope& scope, std::string_view contact_dump, std::string_view name,
                               std::string_view body_dump) {
        std::string json;
        json.reserve(scope.head.size() + contact_dump.size() + name.size() + body_dump.size() + 20);
        json += scope.head;
        if (!contact_dump.empty()) {
            json += ",\"contact\":";
            json += contact_dump;
        }
        json += ",\"";
        json += name;
        json += "\":";
        json += body_dump;
        json += '}';
        return json;
    }

    void push(UpdateKind kind, std::string key, std::string member_key, const ChangeScope& scope,
              std::int64_t timestamp, std::string json) {
        RawUpdate& update = out_.updates.emplace_back();
        update.kind = kind;
        update.dedupe_key = std::move(key);
        update.member_key = std::move(member_key);
        update.phone_number_id = scope.phone_number_id;
        update.timestamp = timestamp;
        update.json = std::move(json);
    }

    void add_message(const Json& message, const Json* contacts, const ChangeScope& scope, std::size_t k) {
        const std::string_view id = string_view_at(message, "id");
        if (id.empty()) {
            note(scope.where, "value.messages[" + std::to_string(k) + "] has no string id");
            return;
        }
        std::string key = "m:";
        key += id;
        if (!first_time(key)) {
            return;
        }
        const std::string_view from = string_view_at(message, "from");
        const std::string_view from_user_id = string_view_at(message, "from_user_id");
        std::string_view contact_dump;
        if (const long c = find_contact(contacts, from, from_user_id); c >= 0) {
            std::string& cached = contact_dumps_[static_cast<std::size_t>(c)];
            if (cached.empty()) {
                cached = (*contacts)[static_cast<std::size_t>(c)].dump();
            }
            contact_dump = cached;
        }
        push(UpdateKind::kMessage, std::move(key), std::string(from.empty() ? from_user_id : from), scope,
             unix_seconds_of(member(message, "timestamp")),
             compose(scope, contact_dump, "message", message.dump()));
    }

    void add_status(const Json& status, const ChangeScope& scope, std::size_t k) {
        const std::string_view id = string_view_at(status, "id");
        const std::string_view name = string_view_at(status, "status");
        if (id.empty() || name.empty()) {
            note(scope.where, "value.statuses[" + std::to_string(k) + "] has no string id or status");
            return;
        }
        std::string key;
        key.reserve(id.size() + name.size() + 4);
        key.append("s:").append(id).append(":").append(name);
        // Group delivered/read statuses come aggregated: one object per participant, same id and status.
        if (const std::string_view participant = string_view_at(status, "recipient_participant_id");
            !participant.empty()) {
            key.append(":").append(participant);
        }
        if (!first_time(key)) {
            return;
        }
        std::string_view recipient = string_view_at(status, "recipient_id");
        if (recipient.empty()) {
            recipient = string_view_at(status, "recipient_user_id");
        }
        push(UpdateKind::kStatus, std::move(key), std::string(recipient), scope,
             unix_seconds_of(member(status, "timestamp")), compose(scope, {}, "status", status.dump()));
    }

    void add_error(const Json& error, const ChangeScope& scope, std::size_t k) {
        if (!error.is_object()) {
            note(scope.where, "value.errors[" + std::to_string(k) + "] is not an object");
            return;
        }
        std::string dump = error.dump();
        std::string key = "e:" + sha256_hex(dump + scope.metadata_dump);
        if (!first_time(key)) {
            return;
        }
        push(UpdateKind::kError, std::move(key), {}, scope, scope.time, compose(scope, {}, "error", dump));
    }

    void add_change(const std::string& field, const Json& value, const ChangeScope& scope) {
        std::string dump = value.dump();
        std::string key = "c:";
        key += field;
        key += ':';
        key += sha256_hex(dump);
        if (!first_time(key)) {
            return;
        }
        std::int64_t timestamp = scope.time;
        if (timestamp == 0) {
            timestamp = unix_seconds_of(member(value, "timestamp"));
        }
        push(UpdateKind::kChange, std::move(key), {}, scope, timestamp, compose(scope, {}, "value", dump));
    }

    Envelope& out_;
    std::unordered_set<std::string> seen_;
    std::vector<std::string> contact_dumps_;  // per contacts[] index of the current change, dumped on demand
};

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

Envelope split_envelope(std::string_view body) {
    Envelope out;
    try {
        if (nests_deeper_than(body, kMaxDepth)) {
            if (Json::accept(body.begin(), body.end())) {
                out.outcome = EnvelopeOutcome::kUnknownShape;
                out.error = "JSON nested deeper than " + std::to_string(kMaxDepth) + " levels";
            } else {
                out.outcome = EnvelopeOutcome::kNotJson;
                out.error = "body is not valid JSON";
            }
            return out;
        }
        const Json doc = Json::parse(body.begin(), body.end(), nullptr, /*allow_exceptions=*/false);
        if (doc.is_discarded()) {
            out.outcome = EnvelopeOutcome::kNotJson;
            out.error = "body is not valid JSON";
            return out;
        }
        Splitter(out).split(doc);
    } catch (const std::exception& e) {
        // Only allocation failure or a bug gets here; quarantine rather than half-process the body.
        out.outcome = EnvelopeOutcome::kUnknownShape;
        out.updates.clear();
        out.error = std::string("could not split: ") + e.what();
    }
    return out;
}

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
