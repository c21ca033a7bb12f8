#include "bot/delivery/codec.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>

namespace delvex::delivery {
namespace {

using nlohmann::json;

constexpr int kVersion = 1;

json source_json(const core::MediaSource& s) {
    json j{{"id", s.id}, {"link", s.link}};
    if (!s.inbound_id.empty()) {
        j["inbound_id"] = s.inbound_id;
    }
    if (!s.file.empty()) {
        j["file"] = s.file;
        j["file_mime"] = s.file_mime;
    }
    return j;
}

core::MediaSource source_from(const json& j) {
    return core::MediaSource{j.value("id", ""), j.value("link", ""), j.value("inbound_id", ""), j.value("file", ""),
                             j.value("file_mime", "")};
}

json media_json(const core::OutgoingMedia& m) {
    return json{{"kind", core::media_kind_name(m.kind)},
                {"source", source_json(m.source)},
                {"caption", m.caption},
                {"filename", m.filename}};
}

core::OutgoingMedia media_from(const json& j) {
    core::OutgoingMedia m;
    m.kind = core::media_kind_from(j.value("kind", "image")).value_or(core::MediaKind::kImage);
    m.source = source_from(j.value("source", json::object()));
    m.caption = j.value("caption", "");
    m.filename = j.value("filename", "");
    return m;
}

struct BodyEncoder {
    json operator()(const core::OutgoingText& t) const {
        return json{{"body", t.body}, {"preview_url", t.preview_url}};
    }
    json operator()(const core::ReplyButtons& b) const {
        json buttons = json::array();
        for (const auto& button : b.buttons) {
            buttons.push_back(json{{"id", button.id}, {"title", button.title}});
        }
        return json{{"header",
                     {{"kind", static_cast<int>(b.header.kind)},
                      {"text", b.header.text},
                      {"media", source_json(b.header.media)}}},
                    {"body", b.body},
                    {"footer", b.footer},
                    {"buttons", buttons}};
    }
    json operator()(const core::ListMessage& l) const {
        json sections = json::array();
        for (const auto& section : l.sections) {
            json rows = json::array();
            for (const auto& row : section.rows) {
                rows.push_back(json{{"id", row.id}, {"title", row.title}, {"description", row.description}});
            }
            sections.push_back(json{{"title", section.title}, {"rows", rows}});
        }
        return json{{"header", l.header}, {"body", l.body}, {"footer", l.footer}, {"button", l.button},
                    {"sections", sections}};
    }
    json operator()(const core::OutgoingMedia& m) const { return media_json(m); }
    json operator()(const core::OutgoingLocation& l) const {
        return json{{"latitude", l.latitude}, {"longitude", l.longitude}, {"name", l.name}, {"address", l.address}};
    }
    json operator()(const core::OutgoingReaction& r) const {
        return json{{"message_id", r.message_id}, {"emoji", r.emoji}};
    }
    json operator()(const core::OutgoingTemplate& t) const {
        json params = json::array();
        for (const auto& p : t.body_parameters) {
            params.push_back(json{{"name", p.name}, {"text", p.text}});
        }
        json j{{"name", t.name},
               {"language", t.language_code},
               {"body_parameters", params},
               {"quick_reply_payloads", t.quick_reply_payloads}};
        if (t.has_header_media) {
            j["header_media"] = media_json(t.header_media);
        }
        return j;
    }
};

std::optional<core::OutgoingBody> body_from(std::string_view kind, const json& j) {
    if (kind == "text") {
        return core::OutgoingText{j.at("body").get<std::string>(), j.value("preview_url", false)};
    }
    if (kind == "buttons") {
        core::ReplyButtons b;
        const auto& h = j.value("header", json::object());
        // Read the number as JSON first: a float or a huge value converted straight to int is undefined
        // behaviour, and a kind we never wrote must not reach the wire serializer's switch.
        const json& header_kind = h.is_object() && h.contains("kind") ? h.at("kind") : json(0);
        if (!header_kind.is_number_integer() || header_kind.get<std::int64_t>() < 0 ||
            header_kind.get<std::int64_t>() > static_cast<std::int64_t>(core::InteractiveHeader::Kind::kDocument)) {
            return std::nullopt;
        }
        b.header.kind = static_cast<core::InteractiveHeader::Kind>(header_kind.get<int>());
        b.header.text = h.value("text", "");
        b.header.media = source_from(h.value("media", json::object()));
        b.body = j.value("body", "");
        b.footer = j.value("footer", "");
        for (const auto& button : j.value("buttons", json::array())) {
            b.buttons.push_back(core::ReplyButton{button.value("id", ""), button.value("title", "")});
        }
        return b;
    }
    if (kind == "list") {
        core::ListMessage l;
        l.header = j.value("header", "");
        l.body = j.value("body", "");
        l.footer = j.value("footer", "");
        l.button = j.value("button", "");
        for (const auto& s : j.value("sections", json::array())) {
            core::ListSection section;
            section.title = s.value("title", "");
            for (const auto& r : s.value("rows", json::array())) {
                section.rows.push_back(core::ListRow{r.value("id", ""), r.value("title", ""),
                                                     r.value("description", "")});
            }
            l.sections.push_back(std::move(section));
        }
        return l;
    }
    if (core::media_kind_from(kind)) {
        return media_from(j);
    }
    if (kind == "location") {
        return core::OutgoingLocation{j.value("latitude", 0.0), j.value("longitude", 0.0), j.value("name", ""),
                                      j.value("address", "")};
    }
    if (kind == "reaction") {
        return core::OutgoingReaction{j.value("message_id", ""), j.value("emoji", "")};
    }
    if (kind == "template") {
        core::OutgoingTemplate t;
        t.name = j.value("name", "");
        t.language_code = j.value("language", "");
        for (const auto& p : j.value("body_parameters", json::array())) {
            t.body_parameters.push_back(core::TemplateParameter{p.value("name", ""), p.value("text", "")});
        }
        if (j.contains("header_media")) {
            t.has_header_media = true;
            t.header_media = media_from(j.at("header_media"));
        }
        t.quick_reply_payloads = j.value("quick_reply_payloads", std::vector<std::string>{});
        return t;
    }
    return std::nullopt;
}

}  // namespace

std::string kind_of(const core::OutgoingBody& body) {
    struct Kind {
        std::string operator()(const core::OutgoingText&) const { return "text"; }
        std::string operator()(const core::ReplyButtons&) const { return "buttons"; }
        std::string operator()(const core::ListMessage&) const { return "list"; }
        std::string operator()(const core::OutgoingMedia& m) const { return core::media_kind_name(m.kind); }
        std::string operator()(const core::OutgoingLocation&) const { return "location"; }
        std::string operator()(const core::OutgoingReaction&) const { return "reaction"; }
        std::string operator()(const core::OutgoingTemplate&) const { return "template"; }
    };
    return std::visit(Kind{}, body);
}

std::string encode(const core::OutgoingMessage& message) {
    json j{{"v", kVersion}, {"kind", kind_of(message.body)}, {"body", std::visit(BodyEncoder{}, message.body)}};
    if (!message.context_message_id.empty()) {
        j["context"] = message.context_message_id;
    }
    if (!message.callback_data.empty()) {
        j["callback_data"] = message.callback_data;
    }
    return j.dump();
}

std::optional<core::OutgoingMessage> decode(std::string_view payload) {
    const auto j = json::parse(payload, nullptr, false);
    if (j.is_discarded() || !j.is_object()) {
        return std::nullopt;
    }
    // "v" as JSON, not j.value("v", 0): that throws on a string and is undefined behaviour on 1e300.
    const auto version = j.find("v");
    if (version == j.end() || !version->is_number_integer() || version->get<std::int64_t>() != kVersion) {
        return std::nullopt;
    }
    try {
        auto body = body_from(j.value("kind", ""), j.value("body", json::object()));
        if (!body) {
            return std::nullopt;
        }
        core::OutgoingMessage m;
        m.body = std::move(*body);
        m.context_message_id = j.value("context", "");
        m.callback_data = j.value("callback_data", "");
        return m;
    } catch (const json::exception&) {
        return std::nullopt;
    }
}

core::Recipient recipient_of(const std::string& member_key) {
    // BSUIDs are "<country>.<alphanumerics>"; phone numbers are digits only.
    return member_key.find('.') != std::string::npos ? core::Recipient::bsuid(member_key)
                                                     : core::Recipient::phone(member_key);
}

std::optional<core::OutgoingMessage> message_of(const store::OutboxRow& row) {
    std::optional<core::OutgoingMessage> m;
    if (row.encoding == store::OutboxEncoding::kPlainText) {
        m.emplace();
        m->body = core::OutgoingText{row.payload, false};
    } else {
        m = decode(row.payload);
    }
    if (m) {
        m->to = recipient_of(row.recipient);
    }
    return m;
}

store::OutboxEntry entry_for(std::string logical_key, const core::OutgoingMessage& message, std::string purpose) {
    std::string recipient = message.to.id;
    if (message.to.kind == core::Recipient::Kind::kPhone && !recipient.empty() && recipient.front() == '+') {
        recipient.erase(0, 1);
    }
    return store::OutboxEntry{std::move(logical_key), std::move(recipient), kind_of(message.body), encode(message),
                              store::OutboxEncoding::kMessage, std::move(purpose)};
}

}  // namespace delvex::delivery
