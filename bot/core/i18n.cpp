#include "bot/core/i18n.hpp"

#include <algorithm>

#include <yaml-cpp/yaml.h>

namespace delvex::core {
namespace {

void flatten(const YAML::Node& node, const std::string& prefix, const std::string& file,
             std::map<std::string, std::string, std::less<>>& out) {
    if (!node.IsMap()) {
        throw std::runtime_error(file + ":" + std::to_string(node.Mark().line + 1) + ": expected a mapping");
    }
    for (const auto& item : node) {
        const std::string key = prefix.empty() ? item.first.as<std::string>()
                                               : prefix + "." + item.first.as<std::string>();
        if (item.second.IsMap()) {
            flatten(item.second, key, file, out);
        } else if (item.second.IsScalar()) {
            out[key] = item.second.as<std::string>();
        } else {
            throw std::runtime_error(file + ":" + std::to_string(item.second.Mark().line + 1) + ": " + key +
                                     " must be a string");
        }
    }
}

}  // namespace

const std::vector<std::string>& Catalog::supported_languages() {
    static const std::vector<std::string> langs = {"en", "fr", "es", "pt", "sw"};
    return langs;
}

Catalog Catalog::load(const std::string& dir) {
    Catalog catalog;
    for (const auto& lang : supported_languages()) {
        const std::string file = dir + "/" + lang + ".yaml";
        YAML::Node root;
        try {
            root = YAML::LoadFile(file);
        } catch (const YAML::BadFile&) {
            throw std::runtime_error(file + ":1: cannot read the message catalog");
        } catch (const YAML::Exception& e) {
            throw std::runtime_error(file + ":" + std::to_string(e.mark.line + 1) + ": " + e.msg);
        }
        flatten(root, "", file, catalog.texts_[lang]);
    }
    return catalog;
}

void Catalog::set(const std::string& lang, const std::string& key, std::string text) {
    texts_[lang][key] = std::move(text);
}

std::string Catalog::text(std::string_view lang, std::string_view key,
                          const std::vector<std::pair<std::string, std::string>>& vars) const {
    std::string out;
    auto find = [&](std::string_view l) -> const std::string* {
        auto it = texts_.find(l);
        if (it == texts_.end()) {
            return nullptr;
        }
        auto jt = it->second.find(key);
        return jt == it->second.end() ? nullptr : &jt->second;
    };
    const std::string* found = find(lang);
    if (found == nullptr) {
        found = find("en");
    }
    const std::string tmpl = found != nullptr ? *found : std::string(key);
    // One pass over the template: a value (an alias, a title) is copied as it is and never searched again, so
    // a "{name}" typed inside an alias stays literal text.
    out.reserve(tmpl.size());
    std::size_t at = 0;
    while (at < tmpl.size()) {
        const auto open = tmpl.find('{', at);
        if (open == std::string::npos) {
            break;
        }
        out.append(tmpl, at, open - at);
        const auto close = tmpl.find_first_of("{}", open + 1);
        const auto var = close != std::string::npos && tmpl[close] == '}'
                             ? std::find_if(vars.begin(), vars.end(),
                                            [&](const auto& v) {
                                                return std::string_view(v.first) ==
                                                       std::string_view(tmpl).substr(open + 1, close - open - 1);
                                            })
                             : vars.end();
        if (var != vars.end()) {
            out += var->second;
            at = close + 1;
        } else {
            out += '{';
            at = open + 1;
        }
    }
    out.append(tmpl, at, std::string::npos);
    return out;
}

bool Catalog::has(std::string_view lang, std::string_view key) const {
    auto it = texts_.find(lang);
    return it != texts_.end() && it->second.find(key) != it->second.end();
}

std::vector<std::string> Catalog::keys(std::string_view lang) const {
    std::vector<std::string> out;
    if (auto it = texts_.find(lang); it != texts_.end()) {
        for (const auto& [key, text] : it->second) {
            out.push_back(key);
        }
    }
    return out;
}

}  // namespace delvex::core
