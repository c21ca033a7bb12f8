// Splitting a webhook body into updates: the hot path of every POST /webhook.
//
// simdjson (DOM API) reads the body: it validates the whole document (JSON grammar and UTF-8) at about a
// gigabyte per second and keeps strings as views, so cutting a 1 KB webhook into updates costs a few
// microseconds instead of the ~25 µs nlohmann's DOM took, which capped ingestion (bench/README.md).
// nlohmann stays on the rare paths: deciding "JSON or not" when simdjson refuses a document, and the
// canonical (key-sorted) form hashed into the dedupe keys of errors and other changes.

#include "bot/whatsapp/wire/inbound.hpp"

#include "bot/core/crypto.hpp"

#include <nlohmann/json.hpp>
#include <simdjson.h>

#include <charconv>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <unordered_set>

namespace delvex::whatsapp::wire {
namespace {

namespace dom = simdjson::dom;
using Element = dom::element;

// Real webhooks nest about 12 levels deep; a deeper body is quarantined unread. (Serialising it would
// recurse in nlohmann, and nothing Meta sends needs it.)
constexpr int kMaxDepth = 64;

// Meta's timestamps are seconds; courier also meets milliseconds, which are ≥ 1e12 for any date after 2001.
constexpr std::int64_t kFirstMillisecondValue = 1'000'000'000'000;

// A parser keeps its buffers between documents, which is what makes it fast; one per thread. After a body
// larger than this it is replaced, so a single 3 MiB POST does not pin tens of MiB for good.
constexpr std::size_t kKeepParserBelow = 256 * 1024;

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

// Field readers: a member of the wrong JSON type reads as absent, never as an error.
std::optional<Element> member(Element obj, std::string_view key) {
    if (!obj.is_object()) {
        return std::nullopt;
    }
    dom::object object;
    Element value;
    if (obj.get_object().get(object) != simdjson::SUCCESS || object.at_key(key).get(value) != simdjson::SUCCESS) {
        return std::nullopt;
    }
    return value;
}

std::optional<Element> object_at(Element obj, std::string_view key) {
    auto value = member(obj, key);
    return value && value->is_object() ? value : std::nullopt;
}

std::optional<Element> array_at(Element obj, std::string_view key) {
    auto value = member(obj, key);
    return value && value->is_array() ? value : std::nullopt;
}

std::string_view string_view_at(Element obj, std::string_view key) {
    const auto value = member(obj, key);
    std::string_view s;
    if (!value || value->get_string().get(s) != simdjson::SUCCESS) {
        return {};
    }
    return s;
}

/// The array an element is known to be (by value: a view of the parser's tape, cheap to copy).
dom::array array_of(Element array) {
    dom::array out;
    if (array.get_array().get(out) != simdjson::SUCCESS) {
        return {};
    }
    return out;
}

std::size_t size_of(Element array) { return array_of(array).size(); }

/// An integer given as a JSON number or as a string of digits (Meta uses both); nullopt otherwise.
std::optional<std::int64_t> integer_of(const std::optional<Element>& value) {
    if (!value) {
        return std::nullopt;
    }
    switch (value->type()) {
        case dom::element_type::INT64:
            return std::int64_t{value->get_int64().value_unsafe()};
        case dom::element_type::UINT64:
            return std::nullopt;  // only values above INT64_MAX are typed UINT64
        case dom::element_type::DOUBLE: {
            const double d = value->get_double().value_unsafe();
            if (!std::isfinite(d) || std::fabs(d) >= 9.2e18) {
                return std::nullopt;
            }
            return static_cast<std::int64_t>(d);
        }
        case dom::element_type::STRING: {
            const std::string_view s = value->get_string().value_unsafe();
            std::int64_t n = 0;
            const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
            if (ec != std::errc{} || end != s.data() + s.size() || s.empty()) {
                return std::nullopt;
            }
            return n;
        }
        default:
            return std::nullopt;
    }
}

std::int64_t unix_seconds_of(const std::optional<Element>& value) {
    const auto n = integer_of(value);
    if (!n || *n < 0) {
        return 0;
    }
    return *n >= kFirstMillisecondValue ? *n / 1000 : *n;
}

std::string dump(Element e) { return simdjson::minify(e); }

/// Key-sorted, nlohmann-formatted text of a value: the same for the same event however its keys are
/// ordered, and the form earlier versions hashed, so the dedupe keys of stored errors and changes still match.
std::string canonical(Element e) { return nlohmann::json::parse(dump(e)).dump(); }

struct ChangeScope {
    std::string where;                  // "entry[0].changes[1]", for reasons in Envelope::unknown
    std::string head;                   // `{"field":…,"entry_id":…,"time":…,"metadata":{…}` shared by its updates
    std::optional<Element> metadata;    // value.metadata when it is an object
    std::string phone_number_id;
    std::int64_t time = 0;
};

class Splitter {
public:
    explicit Splitter(Envelope& out) : out_(out) {}

    void split(Element doc) {
        const auto entries = array_at(doc, "entry");
        std::size_t usable = 0;
        if (entries) {
            for (Element entry : array_of(*entries)) {
                usable += array_at(entry, "changes") ? 1 : 0;
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
        if (!entries) {
            fail("entry is not an array");
            return;
        }
        if (usable == 0) {
            fail("no entry is an object with a changes array");
            return;
        }
        seen_.reserve(16);
        std::size_t i = 0;
        for (Element entry : array_of(*entries)) {
            split_entry(entry, i++);
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

    void split_entry(Element entry, std::size_t i) {
        const std::string where = "entry[" + std::to_string(i) + "]";
        const auto changes = array_at(entry, "changes");
        if (!changes) {
            note(where, "not an object with a changes array");
            return;
        }
        std::size_t j = 0;
        for (Element change : array_of(*changes)) {
            split_change(entry, change, where + ".changes[" + std::to_string(j++) + "]");
        }
    }

    void split_change(Element entry, Element change, std::string where) {
        const std::string_view field_name = string_view_at(change, "field");
        if (field_name.empty()) {
            note(where, "change without a string field");
            return;
        }
        const auto value = object_at(change, "value");
        if (!value) {
            note(where, "change of " + std::string(field_name) + " without an object value");
            return;
        }

        ChangeScope scope;
        scope.where = std::move(where);
        scope.head = "{\"field\":";
        scope.head += dump(*member(change, "field"));
        if (const auto id = member(entry, "id"); id && id->is_string()) {
            scope.head += ",\"entry_id\":";
            scope.head += dump(*id);
        }
        if (const auto time = member(entry, "time"); time && time->is_number()) {
            scope.head += ",\"time\":";
            scope.head += dump(*time);
            scope.time = unix_seconds_of(time);
        }
        if (auto metadata = object_at(*value, "metadata")) {
            scope.metadata = metadata;
            scope.head += ",\"metadata\":";
            scope.head += dump(*metadata);
            scope.phone_number_id = std::string(string_view_at(*metadata, "phone_number_id"));
        }

        if (field_name == "messages") {
            split_messages_value(*value, scope);
        } else {
            add_change(field_name, *value, scope);
        }
    }

    void split_messages_value(Element value, const ChangeScope& scope) {
        const auto messages = member(value, "messages");
        const auto statuses = member(value, "statuses");
        const auto errors = member(value, "errors");
        if (!messages && !statuses && !errors) {
            note(scope.where, "messages change without messages, statuses or errors");
            return;
        }
        if (messages) {
            if (messages->is_array()) {
                const auto contacts = array_at(value, "contacts");
                contact_dumps_.assign(contacts ? size_of(*contacts) : 0, std::string{});
                std::size_t k = 0;
                for (Element message : array_of(*messages)) {
                    add_message(message, contacts, scope, k++);
                }
            } else {
                note(scope.where, "value.messages is not an array");
            }
        }
        if (statuses) {
            if (statuses->is_array()) {
                std::size_t k = 0;
                for (Element status : array_of(*statuses)) {
                    add_status(status, scope, k++);
                }
            } else {
                note(scope.where, "value.statuses is not an array");
            }
        }
        if (errors) {
            if (errors->is_array()) {
                std::size_t k = 0;
                for (Element error : array_of(*errors)) {
                    add_error(error, scope, k++);
                }
            } else {
                note(scope.where, "value.errors is not an array");
            }
        }
    }

    /// The index of the contacts[] element describing the sender, or -1.
    static long find_contact(const std::optional<Element>& contacts, std::string_view from,
                             std::string_view from_user_id) {
        if (!contacts) {
            return -1;
        }
        long c = 0;
        for (Element contact : array_of(*contacts)) {
            if ((!from.empty() && string_view_at(contact, "wa_id") == from) ||
                (!from_user_id.empty() && string_view_at(contact, "user_id") == from_user_id)) {
                return c;
            }
            ++c;
        }
        Element only;
        if (c == 1 && array_of(*contacts).at(0).get(only) == simdjson::SUCCESS && only.is_object()) {
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

    void add_message(Element message, const std::optional<Element>& contacts, const ChangeScope& scope,
                     std::size_t k) {
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
                Element contact;
                if (array_of(*contacts).at(static_cast<std::size_t>(c)).get(contact) == simdjson::SUCCESS) {
                    cached = dump(contact);
                }
            }
            contact_dump = cached;
        }
        push(UpdateKind::kMessage, std::move(key), std::string(from.empty() ? from_user_id : from), scope,
             unix_seconds_of(member(message, "timestamp")), compose(scope, contact_dump, "message", dump(message)));
    }

    void add_status(Element status, const ChangeScope& scope, std::size_t k) {
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
             unix_seconds_of(member(status, "timestamp")), compose(scope, {}, "status", dump(status)));
    }

    void add_error(Element error, const ChangeScope& scope, std::size_t k) {
        if (!error.is_object()) {
            note(scope.where, "value.errors[" + std::to_string(k) + "] is not an object");
            return;
        }
        std::string text = canonical(error);
        std::string key = "e:" + core::sha256_hex(text + (scope.metadata ? canonical(*scope.metadata) : std::string()));
        if (!first_time(key)) {
            return;
        }
        push(UpdateKind::kError, std::move(key), {}, scope, scope.time, compose(scope, {}, "error", text));
    }

    void add_change(std::string_view field, Element value, const ChangeScope& scope) {
        std::string text = canonical(value);
        std::string key = "c:";
        key += field;
        key += ':';
        key += core::sha256_hex(text);
        if (!first_time(key)) {
            return;
        }
        std::int64_t timestamp = scope.time;
        if (timestamp == 0) {
            timestamp = unix_seconds_of(member(value, "timestamp"));
        }
        push(UpdateKind::kChange, std::move(key), {}, scope, timestamp, compose(scope, {}, "value", text));
    }

    Envelope& out_;
    std::unordered_set<std::string> seen_;
    std::vector<std::string> contact_dumps_;  // per contacts[] index of the current change, dumped on demand
};

}  // namespace

Envelope split_envelope(std::string_view body) {
    Envelope out;
    try {
        if (nests_deeper_than(body, kMaxDepth)) {
            if (nlohmann::json::accept(body.begin(), body.end())) {
                out.outcome = EnvelopeOutcome::kUnknownShape;
                out.error = "JSON nested deeper than " + std::to_string(kMaxDepth) + " levels";
            } else {
                out.outcome = EnvelopeOutcome::kNotJson;
                out.error = "body is not valid JSON";
            }
            return out;
        }
        thread_local dom::parser parser;
        struct Release {
            std::size_t size;
            ~Release() {
                if (size > kKeepParserBelow) {
                    parser = dom::parser{};
                }
            }
        } release{body.size()};
        Element doc;
        if (const auto error = parser.parse(body.data(), body.size()).get(doc); error != simdjson::SUCCESS) {
            // simdjson is stricter than the JSON grammar in a few corners (an integer beyond 64 bits, say).
            // Whatever nlohmann accepts is JSON: kept whole in quarantine, never refused with a 400 that
            // Meta would retry for a week and then drop.
            if (nlohmann::json::accept(body.begin(), body.end())) {
                out.outcome = EnvelopeOutcome::kUnknownShape;
                out.error = std::string("JSON the splitter cannot read: ") + simdjson::error_message(error);
            } else {
                out.outcome = EnvelopeOutcome::kNotJson;
                out.error = "body is not valid JSON";
            }
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

}  // namespace delvex::whatsapp::wire
