#include "bot/whatsapp/wire/management.hpp"

#include <nlohmann/json.hpp>

namespace delvex::whatsapp::wire {
namespace {

using Json = nlohmann::json;

std::string text_of(const Json& obj, const char* key) {
    const auto it = obj.find(key);
    return it != obj.end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace

std::string template_create_json(const TemplateCreate& t) {
    Json body = {{"type", "BODY"}, {"text", t.body}};
    if (!t.example.empty()) {
        body["example"] = {{"body_text", Json::array({t.example})}};
    }
    Json components = Json::array({body});
    if (!t.quick_replies.empty()) {
        Json buttons = Json::array();
        for (const auto& title : t.quick_replies) {
            buttons.push_back({{"type", "QUICK_REPLY"}, {"text", title}});
        }
        components.push_back({{"type", "BUTTONS"}, {"buttons", buttons}});
    }
    return Json{{"name", t.name}, {"language", t.language}, {"category", t.category}, {"components", components}}
        .dump();
}

std::optional<std::vector<TemplateListed>> parse_template_list(std::string_view body, std::string* next) {
    const auto doc = Json::parse(body, nullptr, false);
    if (!doc.is_object() || !doc.contains("data") || !doc["data"].is_array()) {
        return std::nullopt;
    }
    std::vector<TemplateListed> out;
    for (const auto& t : doc["data"]) {
        if (!t.is_object()) {
            continue;
        }
        out.push_back({text_of(t, "id"), text_of(t, "name"), text_of(t, "language"), text_of(t, "status"),
                       text_of(t, "category")});
    }
    if (next != nullptr) {
        next->clear();
        if (const auto p = doc.find("paging"); p != doc.end() && p->is_object()) {
            *next = text_of(*p, "next");
        }
    }
    return out;
}

std::optional<TemplateListed> parse_template_created(std::string_view body) {
    const auto doc = Json::parse(body, nullptr, false);
    if (!doc.is_object() || !doc.contains("id")) {
        return std::nullopt;
    }
    TemplateListed t;
    t.id = doc["id"].is_string() ? doc["id"].get<std::string>() : doc["id"].dump();
    t.status = text_of(doc, "status");
    t.category = text_of(doc, "category");
    return t;
}

}  // namespace delvex::whatsapp::wire
