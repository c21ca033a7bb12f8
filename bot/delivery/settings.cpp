#include "bot/delivery/settings.hpp"

#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <stdexcept>

namespace delvex::delivery {
namespace {

[[noreturn]] void fail(const std::string& where, const std::string& what) {
    throw std::runtime_error(where + ": " + what);
}

std::string where(const std::string& path, const YAML::Node& node) {
    return path + ":" + std::to_string(node.Mark().line + 1);
}

double number(const std::string& name, const std::string& value, double min, double max) {
    std::size_t pos = 0;
    double v = 0;
    try {
        v = std::stod(value, &pos);
    } catch (const std::exception&) {
        fail(name, "'" + value + "' is not a number");
    }
    if (pos != value.size() || v < min || v > max) {
        fail(name, "'" + value + "' must be a number from " + std::to_string(min) + " to " + std::to_string(max));
    }
    return v;
}

constexpr std::size_t kTemplateParamChars = 1024;

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

// Cuts UTF-8 text to at most `max` code points, never inside a character.
std::string truncate_chars(const std::string& s, std::size_t max) {
    std::size_t chars = 0;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if ((static_cast<unsigned char>(s[i]) & 0xC0U) != 0x80U) {
            if (chars == max) {
                return s.substr(0, i);
            }
            ++chars;
        }
    }
    return s;
}

}  // namespace

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
        fail(where(path, root), "expected purpose: {language: {name, language, params}}");
    }
    for (const auto& purpose : root) {
        const auto purpose_name = purpose.first.as<std::string>();
        if (!purpose.second.IsMap()) {
            fail(where(path, purpose.second), purpose_name + ": expected a mapping of languages");
        }
        for (const auto& lang : purpose.second) {
            const auto& t = lang.second;
            if (!t.IsMap() || !t["name"] || !t["language"]) {
                fail(where(path, t), purpose_name + "." + lang.first.as<std::string>() +
                                         ": needs name and language");
            }
            TemplateSpec spec;
            try {
                spec.name = t["name"].as<std::string>();
                spec.language_code = t["language"].as<std::string>();
                if (t["params"]) {
                    spec.params = t["params"].as<std::vector<std::string>>();
                }
            } catch (const YAML::Exception&) {
                fail(where(path, t), purpose_name + ": name, language and params must be text");
            }
            map.add(purpose_name, lang.first.as<std::string>(), std::move(spec));
        }
    }
    return map;
}

core::OutgoingMessage template_for(const TemplateSpec& spec, const core::OutgoingMessage& original) {
    core::OutgoingMessage m;
    m.to = original.to;
    m.callback_data = original.callback_data;
    core::OutgoingTemplate t;
    t.name = spec.name;
    t.language_code = spec.language_code;
    const auto text = truncate_chars(text_of(original), kTemplateParamChars);
    for (const auto& p : spec.params) {
        std::string value = p;
        if (const auto at = value.find("{text}"); at != std::string::npos) {
            value.replace(at, 6, text);
        }
        t.body_parameters.push_back(core::TemplateParameter{{}, value.empty() ? std::string("-") : value});
    }
    m.body = std::move(t);
    return m;
}

DeliverySettings load_settings(const std::string& home, const SettingLookup& env) {
    DeliverySettings s;
    const std::string delivery_path = home + "/config/delivery.yaml";
    if (std::filesystem::exists(delivery_path)) {
        YAML::Node root;
        try {
            root = YAML::LoadFile(delivery_path);
        } catch (const YAML::Exception& e) {
            fail(delivery_path + ":" + std::to_string(e.mark.line + 1), e.msg);
        }
        if (root.IsMap()) {
            for (const auto& item : root) {
                const auto key = item.first.as<std::string>();
                const auto value = item.second.as<std::string>();
                const auto name = delivery_path + ": " + key;
                if (key == "rate_per_second") {
                    s.governor.rate_per_second = number(name, value, 0, 100000);
                } else if (key == "inbound_share") {
                    s.governor.inbound_share = number(name, value, 0, 0.9);
                } else if (key == "recipient_burst") {
                    s.governor.recipient_burst = static_cast<int>(number(name, value, 1, 45));
                } else if (key == "recipient_interval_ms") {
                    s.governor.recipient_interval =
                        std::chrono::milliseconds(static_cast<std::int64_t>(number(name, value, 0, 600000)));
                } else if (key == "window_margin_minutes") {
                    s.governor.window_margin =
                        std::chrono::minutes(static_cast<std::int64_t>(number(name, value, 0, 600)));
                } else if (key == "halt_pause_seconds") {
                    s.halt_pause = std::chrono::seconds(static_cast<std::int64_t>(number(name, value, 1, 3600)));
                } else if (key == "max_attempts") {
                    s.max_attempts = static_cast<int>(number(name, value, 1, 100));
                } else if (key == "coalesce") {
                    s.coalesce = item.second.as<bool>();
                } else {
                    fail(name, "unknown key");
                }
            }
        }
    }
    if (auto v = env("DELVEX_SEND_RATE")) {
        s.governor.rate_per_second = number("DELVEX_SEND_RATE", *v, 0, 100000);
    }
    if (auto v = env("DELVEX_INBOUND_SHARE")) {
        s.governor.inbound_share = number("DELVEX_INBOUND_SHARE", *v, 0, 0.9);
    }
    if (auto v = env("DELVEX_RECIPIENT_BURST")) {
        s.governor.recipient_burst = static_cast<int>(number("DELVEX_RECIPIENT_BURST", *v, 1, 45));
    }
    if (auto v = env("DELVEX_RECIPIENT_INTERVAL_MS")) {
        s.governor.recipient_interval =
            std::chrono::milliseconds(static_cast<std::int64_t>(number("DELVEX_RECIPIENT_INTERVAL_MS", *v, 0, 600000)));
    }
    const std::string templates_path = home + "/config/templates.yaml";
    if (std::filesystem::exists(templates_path)) {
        s.templates = TemplateMap::load(templates_path);
    }
    return s;
}

}  // namespace delvex::delivery
