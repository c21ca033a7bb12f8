#include "bot/whatsapp/wire/outbound.hpp"

#include <nlohmann/json.hpp>
#include <simdjson.h>

#include <cmath>
#include <set>

namespace delvex::whatsapp::wire {

namespace {

using Json = nlohmann::ordered_json;

// Meta counts characters, not bytes: count UTF-8 code points (every byte that is not a continuation byte).
std::size_t chars(std::string_view s) {
    std::size_t n = 0;
    for (const char c : s) {
        if ((static_cast<unsigned char>(c) & 0xC0U) != 0x80U) {
            ++n;
        }
    }
    return n;
}

std::string too_long(std::string_view field, std::size_t limit, std::size_t got) {
    return std::string(field) + " is " + std::to_string(got) + " characters; the limit is " + std::to_string(limit);
}

// Empty when `value` is within `limit` (and present if required).
std::string check(std::string_view field, std::string_view value, std::size_t limit, bool required) {
    if (required && value.empty()) {
        return std::string(field) + " is required";
    }
    const std::size_t n = chars(value);
    if (n > limit) {
        return too_long(field, limit, n);
    }
    return {};
}

std::string check_source(std::string_view field, const core::MediaSource& source) {
    if (source.id.empty() && source.link.empty() && !source.inbound_id.empty()) {
        return std::string(field) + " is a member's media not uploaded yet (Meta sends only uploaded ids)";
    }
    if (source.id.empty() && source.link.empty() && !source.file.empty()) {
        return std::string(field) + " is a local file not uploaded yet (Meta sends only uploaded ids)";
    }
    if (source.id.empty() == source.link.empty()) {
        return std::string(field) + " needs exactly one of a media id or a link";
    }
    if (!source.link.empty() && source.link.rfind("https://", 0) != 0 && source.link.rfind("http://", 0) != 0) {
        return std::string(field) + ".link must be an http(s) URL";
    }
    return {};
}

std::string check_recipient(const core::Recipient& to) {
    if (to.id.empty()) {
        return "recipient is required";
    }
    switch (to.kind) {
        case core::Recipient::Kind::kPhone: {
            const std::string_view digits =
                to.id.front() == '+' ? std::string_view(to.id).substr(1) : std::string_view(to.id);
            // E.164: at most 15 digits, country code included.
            if (digits.empty() || digits.size() > 15 ||
                digits.find_first_not_of("0123456789") != std::string_view::npos) {
                return "recipient phone must be E.164 digits (with or without '+'), at most 15";
            }
            return {};
        }
        case core::Recipient::Kind::kBsuid:
            // <ISO-3166 alpha-2>.<up to 128 alnum>, parents "CC.ENT.…" (docs/WHATSAPP.md §10).
            if (to.id.size() < 4 || to.id[2] != '.' || to.id.size() > 140 ||
                to.id.find_first_of(" \t\r\n") != std::string::npos) {
                return "recipient BSUID must look like CC.<id>";
            }
            return {};
        case core::Recipient::Kind::kGroup:
            return {};
    }
    return {};
}

std::string check_header(const core::InteractiveHeader& header) {
    using Kind = core::InteractiveHeader::Kind;
    switch (header.kind) {
        case Kind::kNone:
            return {};
        case Kind::kText:
            return check("header.text", header.text, Limits::kHeaderText, true);
        case Kind::kImage:
        case Kind::kVideo:
        case Kind::kDocument:
            return check_source("header", header.media);
    }
    return {};
}

struct Validator {
    const core::OutgoingMessage& message;

    std::string operator()(const core::OutgoingText& text) const {
        return check("text.body", text.body, Limits::kTextBody, true);
    }

    std::string operator()(const core::ReplyButtons& b) const {
        if (auto e = check_header(b.header); !e.empty()) return e;
        if (auto e = check("body.text", b.body, Limits::kInteractiveBody, true); !e.empty()) return e;
        if (auto e = check("footer.text", b.footer, Limits::kFooter, false); !e.empty()) return e;
        if (b.buttons.empty() || b.buttons.size() > Limits::kButtons) {
            return "reply buttons: " + std::to_string(b.buttons.size()) + " given; 1 to 3 allowed";
        }
        std::set<std::string> ids;
        std::set<std::string> titles;
        for (const auto& button : b.buttons) {
            if (auto e = check("button.id", button.id, Limits::kButtonId, true); !e.empty()) return e;
            if (auto e = check("button.title", button.title, Limits::kButtonTitle, true); !e.empty()) return e;
            if (!ids.insert(button.id).second) return "button.id \"" + button.id + "\" is not unique";
            if (!titles.insert(button.title).second) return "button.title \"" + button.title + "\" is not unique";
        }
        return {};
    }

    std::string operator()(const core::ListMessage& l) const {
        if (auto e = check("header.text", l.header, Limits::kHeaderText, false); !e.empty()) return e;
        if (auto e = check("body.text", l.body, Limits::kInteractiveBody, true); !e.empty()) return e;
        if (auto e = check("footer.text", l.footer, Limits::kFooter, false); !e.empty()) return e;
        if (auto e = check("action.button", l.button, Limits::kListButton, true); !e.empty()) return e;
        if (l.sections.empty() || l.sections.size() > Limits::kSections) {
            return "list: " + std::to_string(l.sections.size()) + " sections given; 1 to 10 allowed";
        }
        std::size_t rows = 0;
        std::set<std::string> ids;
        for (const auto& section : l.sections) {
            if (auto e = check("section.title", section.title, Limits::kSectionTitle, l.sections.size() > 1);
                !e.empty()) {
                return e + (section.title.empty() ? " when a list has more than one section" : "");
            }
            if (section.rows.empty()) return "list section \"" + section.title + "\" has no rows";
            for (const auto& row : section.rows) {
                if (auto e = check("row.id", row.id, Limits::kRowId, true); !e.empty()) return e;
                if (auto e = check("row.title", row.title, Limits::kRowTitle, true); !e.empty()) return e;
                if (auto e = check("row.description", row.description, Limits::kRowDescription, false); !e.empty())
                    return e;
                if (!ids.insert(row.id).second) return "row.id \"" + row.id + "\" is not unique";
                ++rows;
            }
        }
        if (rows > Limits::kRows) {
            return "list: " + std::to_string(rows) + " rows in total; the limit is 10";
        }
        return {};
    }

    std::string operator()(const core::OutgoingMedia& m) const {
        const std::string name = core::media_kind_name(m.kind);
        if (auto e = check_source(name, m.source); !e.empty()) return e;
        const bool captioned =
            m.kind == core::MediaKind::kImage || m.kind == core::MediaKind::kVideo || m.kind == core::MediaKind::kDocument;
        if (!captioned && !m.caption.empty()) return name + " cannot have a caption";
        if (auto e = check(name + ".caption", m.caption, Limits::kCaption, false); !e.empty()) return e;
        if (m.kind != core::MediaKind::kDocument && !m.filename.empty()) return name + " cannot have a filename";
        return {};
    }

    std::string operator()(const core::OutgoingLocation& loc) const {
        if (!std::isfinite(loc.latitude) || loc.latitude < -90 || loc.latitude > 90) {
            return "location.latitude must be within -90..90";
        }
        if (!std::isfinite(loc.longitude) || loc.longitude < -180 || loc.longitude > 180) {
            return "location.longitude must be within -180..180";
        }
        return {};
    }

    std::string operator()(const core::OutgoingReaction& r) const {
        if (r.message_id.empty()) return "reaction.message_id is required";
        if (!message.context_message_id.empty()) return "a reaction cannot be a contextual reply";
        if (chars(r.emoji) > 10) return "reaction.emoji must be a single emoji";
        return {};
    }

    std::string operator()(const core::OutgoingTemplate& t) const {
        if (auto e = check("template.name", t.name, Limits::kTemplateName, true); !e.empty()) return e;
        if (t.name.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_") != std::string::npos) {
            return "template.name must be lowercase letters, digits and underscores";
        }
        if (t.language_code.empty()) return "template.language.code is required";
        std::size_t named = 0;
        for (const auto& p : t.body_parameters) {
            if (p.text.empty()) return "template body parameters cannot be empty";
            if (!p.name.empty()) {
                ++named;
                if (p.name.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_") != std::string::npos) {
                    return "template parameter_name \"" + p.name + "\" must be lowercase letters, digits, underscores";
                }
            }
        }
        if (named != 0 && named != t.body_parameters.size()) {
            return "template body parameters must be all named or all positional";
        }
        if (t.has_header_media) {
            const auto kind = t.header_media.kind;
            if (kind != core::MediaKind::kImage && kind != core::MediaKind::kVideo && kind != core::MediaKind::kDocument) {
                return "template header media must be an image, video or document";
            }
            if (auto e = check_source("template header", t.header_media.source); !e.empty()) return e;
        }
        if (t.quick_reply_payloads.size() > 10) return "template: at most 10 buttons";
        return {};
    }
};

Json media_object(const core::MediaSource& source) {
    Json j = Json::object();
    if (!source.id.empty()) {
        j["id"] = source.id;
    } else {
        j["link"] = source.link;
    }
    return j;
}

Json header_json(const core::InteractiveHeader& header) {
    using Kind = core::InteractiveHeader::Kind;
    switch (header.kind) {
        case Kind::kText:
            return Json{{"type", "text"}, {"text", header.text}};
        case Kind::kImage:
            return Json{{"type", "image"}, {"image", media_object(header.media)}};
        case Kind::kVideo:
            return Json{{"type", "video"}, {"video", media_object(header.media)}};
        case Kind::kDocument:
            return Json{{"type", "document"}, {"document", media_object(header.media)}};
        case Kind::kNone:
            break;
    }
    return nullptr;
}

struct Serializer {
    Json& root;

    void operator()(const core::OutgoingText& t) const {
        root["type"] = "text";
        Json text{{"body", t.body}};
        if (t.preview_url) text["preview_url"] = true;
        root["text"] = std::move(text);
    }

    void operator()(const core::ReplyButtons& b) const {
        Json interactive{{"type", "button"}};
        if (b.header.kind != core::InteractiveHeader::Kind::kNone) interactive["header"] = header_json(b.header);
        interactive["body"] = Json{{"text", b.body}};
        if (!b.footer.empty()) interactive["footer"] = Json{{"text", b.footer}};
        Json buttons = Json::array();
        for (const auto& button : b.buttons) {
            buttons.push_back(Json{{"type", "reply"}, {"reply", Json{{"id", button.id}, {"title", button.title}}}});
        }
        interactive["action"] = Json{{"buttons", std::move(buttons)}};
        root["type"] = "interactive";
        root["interactive"] = std::move(interactive);
    }

    void operator()(const core::ListMessage& l) const {
        Json interactive{{"type", "list"}};
        if (!l.header.empty()) interactive["header"] = Json{{"type", "text"}, {"text", l.header}};
        interactive["body"] = Json{{"text", l.body}};
        if (!l.footer.empty()) interactive["footer"] = Json{{"text", l.footer}};
        Json sections = Json::array();
        for (const auto& section : l.sections) {
            Json s = Json::object();
            if (!section.title.empty()) s["title"] = section.title;
            Json rows = Json::array();
            for (const auto& row : section.rows) {
                Json r{{"id", row.id}, {"title", row.title}};
                if (!row.description.empty()) r["description"] = row.description;
                rows.push_back(std::move(r));
            }
            s["rows"] = std::move(rows);
            sections.push_back(std::move(s));
        }
        interactive["action"] = Json{{"button", l.button}, {"sections", std::move(sections)}};
        root["type"] = "interactive";
        root["interactive"] = std::move(interactive);
    }

    void operator()(const core::OutgoingMedia& m) const {
        const std::string name = core::media_kind_name(m.kind);
        Json media = media_object(m.source);
        if (!m.caption.empty()) media["caption"] = m.caption;
        if (!m.filename.empty()) media["filename"] = m.filename;
        root["type"] = name;
        root[name] = std::move(media);
    }

    void operator()(const core::OutgoingLocation& loc) const {
        Json location{{"latitude", loc.latitude}, {"longitude", loc.longitude}};
        if (!loc.name.empty()) location["name"] = loc.name;
        if (!loc.address.empty()) location["address"] = loc.address;
        root["type"] = "location";
        root["location"] = std::move(location);
    }

    void operator()(const core::OutgoingReaction& r) const {
        root["type"] = "reaction";
        root["reaction"] = Json{{"message_id", r.message_id}, {"emoji", r.emoji}};
    }

    void operator()(const core::OutgoingTemplate& t) const {
        Json components = Json::array();
        if (t.has_header_media) {
            const std::string name = core::media_kind_name(t.header_media.kind);
            components.push_back(Json{
                {"type", "header"},
                {"parameters", Json::array({Json{{"type", name}, {name, media_object(t.header_media.source)}}})}});
        }
        if (!t.body_parameters.empty()) {
            Json params = Json::array();
            for (const auto& p : t.body_parameters) {
                Json param{{"type", "text"}};
                if (!p.name.empty()) param["parameter_name"] = p.name;
                param["text"] = p.text;
                params.push_back(std::move(param));
            }
            components.push_back(Json{{"type", "body"}, {"parameters", std::move(params)}});
        }
        for (std::size_t i = 0; i < t.quick_reply_payloads.size(); ++i) {
            if (t.quick_reply_payloads[i].empty()) continue;  // that button is not a quick reply
            components.push_back(Json{
                {"type", "button"},
                {"sub_type", "quick_reply"},
                {"index", std::to_string(i)},
                {"parameters", Json::array({Json{{"type", "payload"}, {"payload", t.quick_reply_payloads[i]}}})}});
        }
        Json tmpl{{"name", t.name}, {"language", Json{{"policy", "deterministic"}, {"code", t.language_code}}}};
        if (!components.empty()) tmpl["components"] = std::move(components);
        root["type"] = "template";
        root["template"] = std::move(tmpl);
    }
};

// --- reading request bodies back (fake Graph API) ---

std::string str(const Json& obj, const char* key) {
    if (!obj.is_object()) return {};
    const auto it = obj.find(key);
    if (it == obj.end() || !it->is_string()) return {};
    return it->get<std::string>();
}

core::MediaSource source_from(const Json& obj) {
    return core::MediaSource{str(obj, "id"), str(obj, "link")};
}

std::int64_t int_of(const Json& j, std::int64_t fallback) {
    if (j.is_number_integer()) return j.get<std::int64_t>();
    if (j.is_number_unsigned()) return static_cast<std::int64_t>(j.get<std::uint64_t>());
    if (j.is_string()) {
        try {
            return std::stoll(j.get<std::string>());
        } catch (const std::exception&) {
            return fallback;
        }
    }
    return fallback;
}

std::string param_error(std::string_view what) {
    return "(#100) " + std::string(what);
}

std::string parse_body(const Json& root, const std::string& type, core::OutgoingBody& body) {
    const auto content_it = root.find(type);
    if (content_it == root.end() || !content_it->is_object()) {
        return param_error("Param " + type + " is required");
    }
    const Json& c = *content_it;
    if (type == "text") {
        if (!c.contains("body") || !c["body"].is_string()) return param_error("Param text['body'] is required");
        body = core::OutgoingText{str(c, "body"), c.value("preview_url", false)};
        return {};
    }
    if (auto kind = core::media_kind_from(type)) {
        body = core::OutgoingMedia{*kind, source_from(c), str(c, "caption"), str(c, "filename")};
        return {};
    }
    if (type == "location") {
        if (!c.contains("latitude") || !c["latitude"].is_number() || !c.contains("longitude") ||
            !c["longitude"].is_number()) {
            return param_error("Param location['latitude'] and ['longitude'] are required numbers");
        }
        body = core::OutgoingLocation{c["latitude"].get<double>(), c["longitude"].get<double>(), str(c, "name"),
                                      str(c, "address")};
        return {};
    }
    if (type == "reaction") {
        body = core::OutgoingReaction{str(c, "message_id"), str(c, "emoji")};
        return {};
    }
    if (type == "interactive") {
        const std::string itype = str(c, "type");
        const Json action = c.value("action", Json::object());
        const Json body_obj = c.value("body", Json::object());
        const Json footer_obj = c.value("footer", Json::object());
        const Json header_obj = c.value("header", Json::object());
        if (itype == "button") {
            core::ReplyButtons b;
            const std::string htype = str(header_obj, "type");
            if (htype == "text") {
                b.header = {core::InteractiveHeader::Kind::kText, str(header_obj, "text"), {}};
            } else if (htype == "image" || htype == "video" || htype == "document") {
                const auto k = htype == "image"   ? core::InteractiveHeader::Kind::kImage
                               : htype == "video" ? core::InteractiveHeader::Kind::kVideo
                                                  : core::InteractiveHeader::Kind::kDocument;
                b.header = {k, {}, source_from(header_obj.value(htype, Json::object()))};
            } else if (!htype.empty()) {
                return param_error("Invalid interactive header type " + htype);
            }
            b.body = str(body_obj, "text");
            b.footer = str(footer_obj, "text");
            const Json buttons = action.value("buttons", Json::array());
            if (!buttons.is_array()) return param_error("Param interactive['action']['buttons'] must be an array");
            for (const auto& button : buttons) {
                if (str(button, "type") != "reply") return param_error("Only reply buttons are supported");
                const Json reply = button.value("reply", Json::object());
                b.buttons.push_back({str(reply, "id"), str(reply, "title")});
            }
            body = std::move(b);
            return {};
        }
        if (itype == "list") {
            core::ListMessage l;
            l.header = str(header_obj, "text");
            l.body = str(body_obj, "text");
            l.footer = str(footer_obj, "text");
            l.button = str(action, "button");
            const Json sections = action.value("sections", Json::array());
            if (!sections.is_array()) return param_error("Param interactive['action']['sections'] must be an array");
            for (const auto& s : sections) {
                core::ListSection section{str(s, "title"), {}};
                const Json rows = s.is_object() ? s.value("rows", Json::array()) : Json::array();
                for (const auto& r : rows) {
                    section.rows.push_back({str(r, "id"), str(r, "title"), str(r, "description")});
                }
                l.sections.push_back(std::move(section));
            }
            body = std::move(l);
            return {};
        }
        return param_error("Unsupported interactive type \"" + itype + "\"");
    }
    if (type == "template") {
        core::OutgoingTemplate t;
        t.name = str(c, "name");
        t.language_code = str(c.value("language", Json::object()), "code");
        const Json components = c.value("components", Json::array());
        for (const auto& comp : components) {
            const std::string ctype = str(comp, "type");
            const Json params = comp.is_object() ? comp.value("parameters", Json::array()) : Json::array();
            if (ctype == "header") {
                for (const auto& p : params) {
                    if (auto k = core::media_kind_from(str(p, "type"))) {
                        t.has_header_media = true;
                        t.header_media.kind = *k;
                        t.header_media.source = source_from(p.value(str(p, "type"), Json::object()));
                    }
                }
            } else if (ctype == "body") {
                for (const auto& p : params) {
                    t.body_parameters.push_back({str(p, "parameter_name"), str(p, "text")});
                }
            } else if (ctype == "button") {
                const auto index = int_of(comp.value("index", Json("0")), -1);
                if (index < 0 || index > 9) return param_error("Invalid template button index");
                const auto i = static_cast<std::size_t>(index);
                if (t.quick_reply_payloads.size() <= i) t.quick_reply_payloads.resize(i + 1);
                for (const auto& p : params) {
                    if (str(p, "type") == "payload") t.quick_reply_payloads[i] = str(p, "payload");
                }
            }
        }
        body = std::move(t);
        return {};
    }
    return param_error("Unsupported message type \"" + type + "\"");
}

}  // namespace

std::string validate(const core::OutgoingMessage& message) {
    if (auto e = check_recipient(message.to); !e.empty()) return e;
    if (auto e = check("biz_opaque_callback_data", message.callback_data, Limits::kCallbackData, false); !e.empty()) {
        return e;
    }
    return std::visit(Validator{message}, message.body);
}

OutboundJson to_graph_json(const core::OutgoingMessage& message) {
    OutboundJson out;
    out.error = validate(message);
    if (!out.ok()) {
        return out;
    }
    Json root{{"messaging_product", "whatsapp"}};
    switch (message.to.kind) {
        case core::Recipient::Kind::kPhone:
            root["recipient_type"] = "individual";
            // Without '+' Meta prefixes the business number's country code (docs/WHATSAPP.md §5.1).
            root["to"] = message.to.id.front() == '+' ? message.to.id : "+" + message.to.id;
            break;
        case core::Recipient::Kind::kBsuid:
            root["recipient_type"] = "individual";
            root["recipient"] = message.to.id;
            break;
        case core::Recipient::Kind::kGroup:
            root["recipient_type"] = "group";
            root["to"] = message.to.id;
            break;
    }
    if (!message.context_message_id.empty()) {
        root["context"] = Json{{"message_id", message.context_message_id}};
    }
    if (!message.callback_data.empty()) {
        root["biz_opaque_callback_data"] = message.callback_data;
    }
    std::visit(Serializer{root}, message.body);
    out.json = root.dump(-1, ' ', false, Json::error_handler_t::replace);
    return out;
}

std::string mark_read_json(std::string_view wamid, bool typing) {
    Json root{{"messaging_product", "whatsapp"}, {"status", "read"}, {"message_id", std::string(wamid)}};
    if (typing) {
        root["typing_indicator"] = Json{{"type", "text"}};
    }
    return root.dump(-1, ' ', false, Json::error_handler_t::replace);
}

ParsedRequest parse_graph_request(std::string_view body, bool check_limits) {
    ParsedRequest out;
    const Json root = Json::parse(body, nullptr, false);
    if (root.is_discarded() || !root.is_object()) {
        out.error = param_error("The request body is not a JSON object");
        return out;
    }
    if (str(root, "messaging_product") != "whatsapp") {
        out.error = param_error("The parameter messaging_product is required and must be \"whatsapp\"");
        return out;
    }
    if (str(root, "status") == "read") {
        out.mark_read = true;
        out.read_message_id = str(root, "message_id");
        out.typing = str(root.value("typing_indicator", Json::object()), "type") == "text";
        if (out.read_message_id.empty()) out.error = param_error("The parameter message_id is required");
        return out;
    }
    auto& m = out.message;
    const std::string to = str(root, "to");
    const std::string recipient = str(root, "recipient");
    if (to.empty() == recipient.empty()) {
        out.error = param_error("Exactly one of the parameters to and recipient is required");
        return out;
    }
    if (!recipient.empty()) {
        m.to = core::Recipient::bsuid(recipient);
    } else if (str(root, "recipient_type") == "group") {
        m.to = core::Recipient::group(to);
    } else {
        m.to = core::Recipient::phone(to);
    }
    m.context_message_id = str(root.value("context", Json::object()), "message_id");
    m.callback_data = str(root, "biz_opaque_callback_data");
    out.type = str(root, "type");
    if (out.type.empty()) {
        out.type = "text";  // Meta's default when "type" is omitted
    }
    if (auto e = parse_body(root, out.type, m.body); !e.empty()) {
        out.error = std::move(e);
        return out;
    }
    std::string e = check_limits ? validate(m) : check_recipient(m.to);
    if (!e.empty()) {
        out.error = param_error(e);
    }
    return out;
}

std::optional<SendAnswer> parse_send_answer(std::string_view body) {
    // Read once per message sent, so with simdjson (a small parser per thread) rather than nlohmann's DOM.
    namespace dom = simdjson::dom;
    thread_local dom::parser parser;
    dom::element root;
    if (body.size() > 64 * 1024 || parser.parse(body.data(), body.size()).get(root) != simdjson::SUCCESS) {
        return std::nullopt;
    }
    auto first = [&root](std::string_view list) -> std::optional<dom::object> {
        dom::array items;
        dom::object item;
        if (root[list].get_array().get(items) != simdjson::SUCCESS || items.at(0).get_object().get(item) != simdjson::SUCCESS) {
            return std::nullopt;
        }
        return item;
    };
    auto text = [](const dom::object& obj, std::string_view key) {
        std::string_view value;
        return obj[key].get_string().get(value) == simdjson::SUCCESS ? std::string(value) : std::string();
    };
    const auto message = first("messages");
    if (!message) return std::nullopt;
    SendAnswer a;
    a.wamid = text(*message, "id");
    if (a.wamid.empty()) return std::nullopt;
    a.message_status = text(*message, "message_status");
    if (const auto contact = first("contacts")) {
        a.input = text(*contact, "input");
        a.wa_id = text(*contact, "wa_id");
        a.user_id = text(*contact, "user_id");
    }
    return a;
}

bool parse_success_answer(std::string_view body) {
    const Json root = Json::parse(body, nullptr, false);
    if (root.is_discarded() || !root.is_object()) return false;
    const auto it = root.find("success");
    return it != root.end() && it->is_boolean() && it->get<bool>();
}

GraphError parse_graph_error(int http_status, std::string_view body) {
    GraphError e;
    e.http_status = http_status;
    const Json root = Json::parse(body, nullptr, false);
    const Json* err = nullptr;
    if (!root.is_discarded() && root.is_object()) {
        const auto it = root.find("error");
        if (it != root.end() && it->is_object()) err = &*it;
    }
    if (err == nullptr || !err->contains("code")) {
        e.message = std::string(body.substr(0, 200));
        return e;
    }
    e.code = int_of((*err)["code"], GraphError::kNoCode);
    e.subcode = err->contains("error_subcode") ? int_of((*err)["error_subcode"], 0) : 0;
    e.type = str(*err, "type");
    e.message = str(*err, "message");
    e.details = str(err->value("error_data", Json::object()), "details");
    e.fbtrace_id = str(*err, "fbtrace_id");
    const auto transient = err->find("is_transient");
    e.is_transient = transient != err->end() && transient->is_boolean() && transient->get<bool>();
    return e;
}

std::optional<std::string> parse_upload_answer(std::string_view body) {
    const Json root = Json::parse(body, nullptr, false);
    if (root.is_discarded() || !root.is_object()) return std::nullopt;
    std::string id = str(root, "id");
    if (id.empty()) return std::nullopt;
    return id;
}

std::optional<MediaAnswer> parse_media_answer(std::string_view body) {
    const Json root = Json::parse(body, nullptr, false);
    if (root.is_discarded() || !root.is_object()) return std::nullopt;
    MediaAnswer m;
    m.url = str(root, "url");
    if (m.url.empty()) return std::nullopt;
    m.id = str(root, "id");
    m.mime_type = str(root, "mime_type");
    m.sha256 = str(root, "sha256");
    if (root.contains("file_size")) m.file_size = int_of(root["file_size"], 0);
    return m;
}

std::string send_answer_json(const SendAnswer& answer) {
    Json contact{{"input", answer.input}};
    if (!answer.wa_id.empty()) contact["wa_id"] = answer.wa_id;
    if (!answer.user_id.empty()) contact["user_id"] = answer.user_id;
    Json message{{"id", answer.wamid}};
    if (!answer.message_status.empty()) message["message_status"] = answer.message_status;
    Json root{{"messaging_product", "whatsapp"},
              {"contacts", Json::array({std::move(contact)})},
              {"messages", Json::array({std::move(message)})}};
    return root.dump(-1, ' ', false, Json::error_handler_t::replace);
}

std::string error_json(const GraphError& error) {
    Json err{{"message", error.message}, {"type", error.type.empty() ? "OAuthException" : error.type}, {"code", error.code}};
    if (error.subcode != 0) err["error_subcode"] = error.subcode;
    if (!error.details.empty()) {
        err["error_data"] = Json{{"messaging_product", "whatsapp"}, {"details", error.details}};
    }
    if (!error.user_msg.empty()) {
        err["error_user_msg"] = error.user_msg;
    }
    err["is_transient"] = error.is_transient;
    err["fbtrace_id"] = error.fbtrace_id;
    return Json{{"error", std::move(err)}}.dump(-1, ' ', false, Json::error_handler_t::replace);
}

std::string success_json() {
    return R"({"success":true})";
}

std::string upload_answer_json(std::string_view media_id) {
    return Json{{"id", std::string(media_id)}}.dump();
}

std::string media_answer_json(const MediaAnswer& media) {
    return Json{{"messaging_product", "whatsapp"},
                {"url", media.url},
                {"mime_type", media.mime_type},
                {"sha256", media.sha256},
                {"file_size", media.file_size},
                {"id", media.id}}
        .dump();
}

}  // namespace delvex::whatsapp::wire
