#include "bot/delivery/templates.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <stdexcept>

#include "bot/delivery/governor.hpp"

namespace delvex::delivery {
namespace {

// Meta's limits for template bodies and quick-reply titles (WhatsApp Manager's template guidelines).
constexpr std::size_t kBodyMaxChars = 1024;
constexpr std::size_t kButtonTitleMaxChars = 25;
constexpr std::size_t kMaxQuickReplies = 10;
constexpr std::size_t kNameMaxChars = 512;

[[noreturn]] void fail(const std::string& where, const std::string& what) {
    throw std::runtime_error(where + ": " + what);
}

std::string where(const std::string& path, const YAML::Node& node) {
    return path + ":" + std::to_string(node.Mark().line + 1);
}

struct Placeholder {
    std::size_t begin = 0;
    std::size_t end = 0;  // one past "}}"
    int number = 0;
};

// Every {{n}} in the body, in order. A "{{" that is not followed by digits and "}}" is not one.
std::vector<Placeholder> placeholders(std::string_view body) {
    std::vector<Placeholder> out;
    std::size_t at = 0;
    while ((at = body.find("{{", at)) != std::string_view::npos) {
        std::size_t i = at + 2;
        int n = 0;
        bool digits = false;
        while (i < body.size() && body[i] >= '0' && body[i] <= '9' && n < 100000) {
            n = n * 10 + (body[i] - '0');
            digits = true;
            ++i;
        }
        if (digits && body.substr(i, 2) == "}}") {
            out.push_back({at, i + 2, n});
            at = i + 2;
        } else {
            at += 2;
        }
    }
    return out;
}

bool is_space(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

std::string trim(std::string_view s) {
    while (!s.empty() && is_space(s.front())) {
        s.remove_prefix(1);
    }
    while (!s.empty() && is_space(s.back())) {
        s.remove_suffix(1);
    }
    return std::string(s);
}

// At most `max` code points of `s`, ending in "…" when cut; never splits a character.
std::string shorten(const std::string& s, std::size_t max) {
    if (utf8_length(s) <= max) {
        return s;
    }
    if (max == 0) {
        return {};
    }
    std::size_t chars = 0;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if ((static_cast<unsigned char>(s[i]) & 0xC0U) != 0x80U) {
            if (chars == max - 1) {
                return trim(s.substr(0, i)) + "…";
            }
            ++chars;
        }
    }
    return s;
}

std::string text_of(const core::OutgoingMessage& m) {
    struct Text {
        std::string operator()(const core::OutgoingText& t) const { return t.body; }
        std::string operator()(const core::ReplyButtons& b) const { return b.body; }
        std::string operator()(const core::ListMessage& l) const { return l.body; }
        std::string operator()(const core::OutgoingMedia& m) const { return m.caption; }
        std::string operator()(const core::OutgoingLocation& l) const { return l.name; }
        std::string operator()(const core::OutgoingReaction&) const { return {}; }
        std::string operator()(const core::OutgoingTemplate&) const { return {}; }
    };
    return std::visit(Text{}, m.body);
}

std::vector<std::string> strings(const YAML::Node& node, const std::string& path, const std::string& what) {
    if (!node.IsSequence()) {
        fail(where(path, node), what + " must be a list");
    }
    std::vector<std::string> out;
    for (const auto& item : node) {
        if (!item.IsScalar()) {
            fail(where(path, item), what + " must be a list of texts");
        }
        out.push_back(item.as<std::string>());
    }
    return out;
}

}  // namespace

std::size_t placeholder_count(std::string_view body) {
    return placeholders(body).size();
}

std::vector<std::string> review_definition(const TemplateDefinition& d) {
    std::vector<std::string> problems;
    const bool name_ok = !d.name.empty() && d.name.size() <= kNameMaxChars &&
                         std::all_of(d.name.begin(), d.name.end(), [](char c) {
                             return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
                         });
    if (!name_ok) {
        problems.push_back(d.name + ": a name is 1-512 of lowercase letters, digits and '_'");
    }
    if (d.category != "UTILITY" && d.category != "MARKETING" && d.category != "AUTHENTICATION") {
        problems.push_back(d.name + ": category must be UTILITY, MARKETING or AUTHENTICATION");
    }
    if (d.texts.empty()) {
        problems.push_back(d.name + ": no language");
    }
    for (const auto& [lang, t] : d.texts) {
        const std::string who = d.name + "/" + lang + ": ";
        if (t.language_code.empty()) {
            problems.push_back(who + "no template language code");
        }
        const auto body = trim(t.body);
        if (body.empty()) {
            problems.push_back(who + "empty body");
            continue;
        }
        if (utf8_length(t.body) > kBodyMaxChars) {
            problems.push_back(who + "body over 1,024 characters");
        }
        const auto ps = placeholders(t.body);
        for (std::size_t i = 0; i < ps.size(); ++i) {
            if (ps[i].number != static_cast<int>(i + 1)) {
                problems.push_back(who + "placeholders must be {{1}}, {{2}}, … in order, none missing");
                break;
            }
        }
        for (std::size_t i = 1; i < ps.size(); ++i) {
            if (trim(std::string_view(t.body).substr(ps[i - 1].end, ps[i].begin - ps[i - 1].end)).empty()) {
                problems.push_back(who + "two placeholders side by side");
                break;
            }
        }
        if (!ps.empty()) {
            const auto first = placeholders(body);
            if (first.front().begin == 0 || first.back().end == body.size()) {
                problems.push_back(who + "the body may not start or end with a placeholder");
            }
        }
        if (t.example.size() != ps.size()) {
            problems.push_back(who + "needs one example value per placeholder (" + std::to_string(ps.size()) +
                               "), has " + std::to_string(t.example.size()));
        }
        if (t.buttons.size() > kMaxQuickReplies) {
            problems.push_back(who + "more than 10 quick-reply buttons");
        }
        for (const auto& b : t.buttons) {
            if (trim(b).empty() || utf8_length(b) > kButtonTitleMaxChars) {
                problems.push_back(who + "button title '" + b + "' must be 1-25 characters");
            }
        }
    }
    return problems;
}

std::string flatten_parameter(std::string_view text) {
    std::string out;
    std::string line;
    auto end_line = [&] {
        auto t = trim(line);
        line.clear();
        if (t.empty()) {
            return;
        }
        if (!out.empty()) {
            out += " · ";
        }
        out += t;
    };
    bool space = false;
    for (const char c : text) {
        if (c == '\n' || c == '\r') {
            end_line();
            space = false;
        } else if (is_space(c)) {
            space = true;
        } else {
            if (space && !line.empty()) {
                line += ' ';
            }
            space = false;
            line += c;
        }
    }
    end_line();
    return out;
}

std::optional<core::OutgoingMessage> template_for(const TemplateSpec& spec, const core::OutgoingMessage& original) {
    core::OutgoingMessage m;
    m.to = original.to;
    m.callback_data = original.callback_data;
    core::OutgoingTemplate t;
    t.name = spec.name;
    t.language_code = spec.language_code;
    if (spec.carry_buttons) {
        const auto* buttons = std::get_if<core::ReplyButtons>(&original.body);
        if (buttons == nullptr || buttons->buttons.size() != spec.buttons) {
            return std::nullopt;
        }
        for (const auto& b : buttons->buttons) {
            t.quick_reply_payloads.push_back(b.id);
        }
    }
    const auto text = flatten_parameter(text_of(original));
    std::vector<std::string> values;
    for (const auto& p : spec.params) {
        std::string value = p;
        if (const auto at = value.find("{text}"); at != std::string::npos) {
            value.replace(at, 6, text);
        }
        value = flatten_parameter(value);
        values.push_back(value.empty() ? std::string("-") : value);
    }
    // Meta counts the body with its parameters in it: keep the total within 1,024 by shortening the longest.
    std::size_t fixed = 0;
    if (!spec.body.empty()) {
        fixed = utf8_length(spec.body);
        for (const auto& ph : placeholders(spec.body)) {
            fixed -= ph.end - ph.begin;
        }
    }
    const std::size_t budget = kBodyMaxChars > fixed ? kBodyMaxChars - fixed : 0;
    for (;;) {
        std::size_t total = 0;
        std::size_t longest = 0;
        for (std::size_t i = 0; i < values.size(); ++i) {
            total += utf8_length(values[i]);
            if (utf8_length(values[i]) > utf8_length(values[longest])) {
                longest = i;
            }
        }
        if (total <= budget || values.empty()) {
            break;
        }
        const auto over = total - budget;
        const auto len = utf8_length(values[longest]);
        values[longest] = shorten(values[longest], len > over + 1 ? len - over : 1);
        if (utf8_length(values[longest]) >= len) {
            break;  // cannot shorten further
        }
    }
    for (auto& v : values) {
        t.body_parameters.push_back(core::TemplateParameter{{}, std::move(v)});
    }
    m.body = std::move(t);
    return m;
}

void TemplateMap::add(const std::string& purpose, const std::string& language, TemplateSpec spec) {
    map_[purpose][language] = std::move(spec);
}

const TemplateSpec* TemplateMap::find(const std::string& purpose, const std::string& language) const {
    const auto p = map_.find(purpose);
    if (p == map_.end()) {
        return nullptr;
    }
    for (const auto& lang : {language, std::string("default"), std::string("en")}) {
        if (const auto l = p->second.find(lang); l != p->second.end()) {
            return &l->second;
        }
    }
    return nullptr;
}

std::vector<std::string> TemplateMap::purposes() const {
    std::vector<std::string> out;
    for (const auto& [purpose, langs] : map_) {
        out.push_back(purpose);
    }
    return out;
}

TemplateMap TemplateMap::load(const std::string& path) {
    YAML::Node root;
    try {
        root = YAML::LoadFile(path);
    } catch (const YAML::BadFile&) {
        fail(path, "cannot read");
    } catch (const YAML::Exception& e) {
        fail(path + ":" + std::to_string(e.mark.line + 1), e.msg);
    }
    TemplateMap map;
    if (root.IsNull()) {
        return map;
    }
    if (!root.IsMap()) {
        fail(where(path, root), "expected the keys languages, templates and purposes");
    }
    for (const auto& item : root) {
        const auto key = item.first.as<std::string>();
        if (key != "languages" && key != "templates" && key != "purposes") {
            fail(where(path, item.first), "unknown key '" + key + "' (expected languages, templates, purposes)");
        }
    }
    try {
        std::map<std::string, std::string> codes;
        if (const auto langs = root["languages"]) {
            if (!langs.IsMap()) {
                fail(where(path, langs), "languages: expected {member language: template language code}");
            }
            for (const auto& l : langs) {
                codes[l.first.as<std::string>()] = l.second.as<std::string>();
            }
        }
        std::map<std::string, const TemplateDefinition*> by_name;
        std::map<std::string, YAML::Node> nodes;
        if (const auto templates = root["templates"]) {
            if (!templates.IsMap()) {
                fail(where(path, templates), "templates: expected {name: {category, body, example, buttons}}");
            }
            map.definitions_.reserve(templates.size());
            for (const auto& t : templates) {
                TemplateDefinition d;
                d.name = t.first.as<std::string>();
                const auto& node = t.second;
                if (!node.IsMap() || !node["body"] || !node["body"].IsMap()) {
                    fail(where(path, node), d.name + ": needs a body per language");
                }
                d.category = node["category"] ? node["category"].as<std::string>() : "UTILITY";
                std::vector<std::string> example;
                if (node["example"]) {
                    example = strings(node["example"], path, d.name + ": example");
                }
                for (const auto& b : node["body"]) {
                    const auto lang = b.first.as<std::string>();
                    TemplateText text;
                    text.body = b.second.as<std::string>();
                    text.example = example;
                    const auto code = codes.find(lang);
                    text.language_code = code != codes.end() ? code->second : lang;
                    if (node["buttons"]) {
                        if (!node["buttons"].IsMap() || !node["buttons"][lang]) {
                            fail(where(path, node["buttons"]), d.name + ": buttons need titles in " + lang);
                        }
                        text.buttons = strings(node["buttons"][lang], path, d.name + ": buttons." + lang);
                    }
                    d.texts[lang] = std::move(text);
                }
                const auto problems = review_definition(d);
                if (!problems.empty()) {
                    fail(where(path, node), problems.front());
                }
                nodes[d.name] = node;
                map.definitions_.push_back(std::move(d));
            }
            for (const auto& d : map.definitions_) {
                by_name[d.name] = &d;
            }
        }
        if (const auto purposes = root["purposes"]) {
            if (!purposes.IsMap()) {
                fail(where(path, purposes), "purposes: expected {purpose: {template, params, buttons}}");
            }
            for (const auto& p : purposes) {
                const auto purpose = p.first.as<std::string>();
                const auto& node = p.second;
                if (!node.IsMap() || !node["template"]) {
                    fail(where(path, node), purpose + ": needs a template");
                }
                const auto name = node["template"].as<std::string>();
                const auto def = by_name.find(name);
                if (def == by_name.end()) {
                    fail(where(path, node), purpose + ": template '" + name + "' is not defined under templates");
                }
                std::vector<std::string> params;
                if (node["params"]) {
                    params = strings(node["params"], path, purpose + ": params");
                }
                bool carry = false;
                if (node["buttons"]) {
                    if (node["buttons"].as<std::string>() != "from_message") {
                        fail(where(path, node["buttons"]), purpose + ": buttons can only be from_message");
                    }
                    carry = true;
                }
                for (const auto& [lang, text] : def->second->texts) {
                    if (placeholder_count(text.body) != params.size()) {
                        fail(where(path, node), purpose + ": template " + name + " (" + lang + ") has " +
                                                    std::to_string(placeholder_count(text.body)) +
                                                    " placeholders and params fill " + std::to_string(params.size()));
                    }
                    if (carry && text.buttons.empty()) {
                        fail(where(path, node), purpose + ": buttons from_message, but template " + name +
                                                    " (" + lang + ") has no buttons");
                    }
                    TemplateSpec spec;
                    spec.name = name;
                    spec.language_code = text.language_code;
                    spec.params = params;
                    spec.buttons = text.buttons.size();
                    spec.carry_buttons = carry;
                    spec.body = text.body;
                    map.add(purpose, lang, std::move(spec));
                }
            }
        }
    } catch (const YAML::Exception& e) {
        fail(path + ":" + std::to_string(e.mark.line + 1), e.msg);
    }
    return map;
}

}  // namespace delvex::delivery
