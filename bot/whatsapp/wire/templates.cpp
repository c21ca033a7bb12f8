#include "bot/whatsapp/wire/templates.hpp"

#include <nlohmann/json.hpp>

namespace delvex::whatsapp::wire {

namespace {

using Json = nlohmann::ordered_json;

std::string text_of(const Json& obj, const char* key) {
    if (!obj.is_object()) return {};
    const auto it = obj.find(key);
    return it != obj.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::string dump(const Json& j) {
    return j.dump(-1, ' ', false, Json::error_handler_t::replace);
}

Json components_of(const TemplateDefinition& t) {
    Json body{{"type", "BODY"}, {"text", t.body}};
    if (!t.body_examples.empty()) {
        body["example"] = Json{{"body_text", Json::array({t.body_examples})}};
    }
    Json components = Json::array({std::move(body)});
    if (!t.quick_replies.empty()) {
        Json buttons = Json::array();
        for (const auto& title : t.quick_replies) {
            buttons.push_back(Json{{"type", "QUICK_REPLY"}, {"text", title}});
        }
        components.push_back(Json{{"type", "BUTTONS"}, {"buttons", std::move(buttons)}});
    }
    return components;
}

// entry.id is the WABA id and entry.time an integer for these fields (no metadata, no messaging_product).
std::string waba_webhook(std::string_view waba_id, std::int64_t time, const char* field, Json value) {
    Json change{{"field", field}, {"value", std::move(value)}};
    Json entry{{"id", std::string(waba_id)}, {"time", time}, {"changes", Json::array({std::move(change)})}};
    return dump(Json{{"object", "whatsapp_business_account"}, {"entry", Json::array({std::move(entry)})}});
}

}  // namespace

ParsedTemplateCreation parse_template_creation(std::string_view body) {
    ParsedTemplateCreation out;
    const Json root = Json::parse(body, nullptr, false);
    if (root.is_discarded() || !root.is_object()) {
        out.error = "The request body is not a JSON object";
        return out;
    }
    auto& t = out.definition;
    t.name = text_of(root, "name");
    t.language = text_of(root, "language");
    t.category = text_of(root, "category");
    for (const char* key : {"name", "language", "category"}) {
        if (text_of(root, key).empty()) {
            out.error = std::string("The parameter ") + key + " is required";
            return out;
        }
    }
    const auto components = root.find("components");
    if (components == root.end() || !components->is_array()) {
        out.error = "The parameter components is required";
        return out;
    }
    bool has_body = false;
    for (const auto& c : *components) {
        const std::string type = text_of(c, "type");
        if (type == "BODY") {
            has_body = true;
            t.body = text_of(c, "text");
            const Json example = c.value("example", Json::object());
            const Json rows = example.is_object() ? example.value("body_text", Json::array()) : Json::array();
            if (rows.is_array() && !rows.empty() && rows[0].is_array()) {
                for (const auto& v : rows[0]) {
                    t.body_examples.push_back(v.is_string() ? v.get<std::string>() : dump(v));
                }
            }
        } else if (type == "BUTTONS") {
            const Json buttons = c.value("buttons", Json::array());
            for (const auto& b : buttons) {
                if (text_of(b, "type") != "QUICK_REPLY") {
                    out.error = "Only QUICK_REPLY buttons are supported by this fake";
                    return out;
                }
                t.quick_replies.push_back(text_of(b, "text"));
            }
        } else if (type == "HEADER" || type == "FOOTER") {
            continue;  // accepted and not reviewed: the bot sends BODY-only templates
        } else {
            out.error = "Invalid component type \"" + type + "\"";
            return out;
        }
    }
    if (!has_body) {
        out.error = "A template needs a BODY component";
    }
    return out;
}

std::string template_creation_json(const TemplateDefinition& definition) {
    return dump(Json{{"name", definition.name},
                     {"language", definition.language},
                     {"category", definition.category},
                     {"components", components_of(definition)}});
}

std::string template_list_json(const std::vector<TemplateDefinition>& templates) {
    Json data = Json::array();
    for (const auto& t : templates) {
        data.push_back(Json{{"name", t.name},
                            {"language", t.language},
                            {"status", t.status},
                            {"category", t.category},
                            {"id", t.id},
                            {"components", components_of(t)}});
    }
    const std::string first = templates.empty() ? "" : templates.front().id;
    const std::string last = templates.empty() ? "" : templates.back().id;
    return dump(Json{{"data", std::move(data)}, {"paging", Json{{"cursors", Json{{"before", first}, {"after", last}}}}}});
}

std::string template_created_json(const TemplateDefinition& definition) {
    return dump(Json{{"id", definition.id}, {"status", definition.status}, {"category", definition.category}});
}

std::optional<TemplateSendExtras> read_template_send_extras(std::string_view body) {
    const Json root = Json::parse(body, nullptr, false);
    if (root.is_discarded() || !root.is_object() || text_of(root, "type") != "template") return std::nullopt;
    TemplateSendExtras extras;
    const Json tmpl = root.value("template", Json::object());
    const Json components = tmpl.is_object() ? tmpl.value("components", Json::array()) : Json::array();
    for (const auto& c : components) {
        if (text_of(c, "type") != "button" || text_of(c, "sub_type") != "quick_reply") continue;
        const auto it = c.find("index");
        int index = -1;
        if (it != c.end() && it->is_number_integer()) {
            index = it->get<int>();
        } else if (it != c.end() && it->is_string()) {
            const std::string s = it->get<std::string>();
            if (!s.empty() && s.size() < 4 && s.find_first_not_of("0123456789") == std::string::npos) index = std::stoi(s);
        }
        extras.quick_reply_indexes.push_back(index);
    }
    return extras;
}

std::string declared_media_mime(std::string_view body) {
    const Json root = Json::parse(body, nullptr, false);
    if (root.is_discarded() || !root.is_object()) return {};
    const std::string type = text_of(root, "type");
    if (type.empty()) return {};
    return text_of(root.value(type, Json::object()), "mime_type");
}

std::string template_status_webhook(std::string_view waba_id, std::int64_t time, const TemplateStatusEvent& event) {
    Json value{{"event", event.event}};
    // Meta sends the template id as a number.
    const bool numeric = !event.template_id.empty() && event.template_id.size() < 19 &&
                         event.template_id.find_first_not_of("0123456789") == std::string::npos;
    if (numeric) {
        value["message_template_id"] = std::stoll(event.template_id);
    } else {
        value["message_template_id"] = event.template_id;
    }
    value["message_template_name"] = event.name;
    value["message_template_language"] = event.language;
    value["reason"] = event.reason.empty() ? "NONE" : event.reason;
    if (!event.category.empty()) value["message_template_category"] = event.category;
    return waba_webhook(waba_id, time, "message_template_status_update", std::move(value));
}

std::string account_update_webhook(std::string_view waba_id, std::int64_t time, std::string_view event) {
    Json value{{"event", std::string(event)}};
    if (event == "ACCOUNT_RESTRICTION") {
        value["restriction_info"] =
            Json::array({Json{{"restriction_type", "RESTRICTED_BIZ_INITIATED_MESSAGING"}, {"expiration", time + 86400}}});
    }
    return waba_webhook(waba_id, time, "account_update", std::move(value));
}

std::string business_capability_webhook(std::string_view waba_id, std::int64_t time, std::int64_t limit,
                                        std::int64_t max_phone_numbers) {
    return waba_webhook(waba_id, time, "business_capability_update",
                        Json{{"max_daily_conversations_per_business", limit},
                             {"max_phone_numbers_per_business", max_phone_numbers}});
}

std::optional<std::vector<TemplateDefinition>> parse_template_list(std::string_view body, std::string* next) {
    const Json doc = Json::parse(body, nullptr, false);
    if (!doc.is_object() || !doc.contains("data") || !doc["data"].is_array()) {
        return std::nullopt;
    }
    std::vector<TemplateDefinition> out;
    for (const auto& t : doc["data"]) {
        if (!t.is_object()) {
            continue;
        }
        TemplateDefinition d;
        d.id = text_of(t, "id");
        d.name = text_of(t, "name");
        d.language = text_of(t, "language");
        d.status = text_of(t, "status");
        d.category = text_of(t, "category");
        out.push_back(std::move(d));
    }
    if (next != nullptr) {
        next->clear();
        if (const auto p = doc.find("paging"); p != doc.end() && p->is_object()) {
            *next = text_of(*p, "next");
        }
    }
    return out;
}

std::optional<TemplateDefinition> parse_template_created(std::string_view body) {
    const Json doc = Json::parse(body, nullptr, false);
    if (!doc.is_object() || !doc.contains("id")) {
        return std::nullopt;
    }
    TemplateDefinition d;
    d.id = doc["id"].is_string() ? doc["id"].get<std::string>() : doc["id"].dump();
    d.status = text_of(doc, "status");
    d.category = text_of(doc, "category");
    return d;
}

}  // namespace delvex::whatsapp::wire
