#include "bot/academy/glossary.hpp"

#include "bot/academy/answers.hpp"
#include "bot/academy/limits.hpp"
#include "bot/core/text.hpp"

#include <algorithm>
#include <map>
#include <yaml-cpp/yaml.h>

namespace delvex::academy {
namespace {

using core::trim;

bool is_language(std::string_view lang) {
    return std::find(kLanguages.begin(), kLanguages.end(), lang) != kLanguages.end();
}

class GlossaryReader {
public:
    GlossaryReader(std::string shown, Content& content) : shown_(std::move(shown)), content_(content) {}

    void read(const std::filesystem::path& file) {
        YAML::Node doc;
        try {
            doc = YAML::LoadFile(file.string());
        } catch (const YAML::ParserException& e) {
            report(e.mark.line + 1, "YAML syntax: " + e.msg);
            return;
        } catch (const YAML::Exception& e) {
            report(0, "cannot read the glossary: " + std::string(e.what()));
            return;
        }
        const YAML::Node terms = doc.IsMap() ? doc["terms"] : YAML::Node();
        if (!terms.IsDefined() || !terms.IsSequence()) {
            report(doc.IsDefined() ? line_of(doc) : 0, "the glossary needs 'terms': a list of terms");
            return;
        }
        for (const auto& item : doc) {
            if (item.first.Scalar() != "terms") {
                report(line_of(item.first), "unknown key '" + item.first.Scalar() + "' in the glossary");
            }
        }
        for (const auto& node : terms) {
            try {
                term(node);
            } catch (const YAML::Exception& e) {
                report(e.mark.line + 1, e.msg);
            }
        }
    }

private:
    std::string shown_;
    Content& content_;
    std::map<std::string, std::string> ids_;    // id -> where
    std::map<std::string, std::string> words_;  // normalized word -> term id

    static int line_of(const YAML::Node& n) { return n.Mark().line + 1; }

    void report(int line, std::string message) {
        content_.diagnostics.push_back(Diagnostic{Severity::kError, shown_, line, std::move(message)});
    }

    void term(const YAML::Node& node) {
        if (!node.IsMap()) {
            report(line_of(node), "each glossary term must be a mapping with id, words and meaning");
            return;
        }
        GlossaryTerm t;
        t.where = Where{shown_, line_of(node)};
        for (const auto& item : node) {
            const std::string key = item.first.Scalar();
            if (key != "id" && key != "words" && key != "meaning") {
                report(line_of(item.first), "unknown key '" + key + "' in a glossary term");
            }
        }
        const YAML::Node id = node["id"];
        t.id = id.IsScalar() ? trim(id.Scalar()) : std::string();
        if (t.id.empty()) {
            report(line_of(node), "a glossary term needs an 'id'");
        } else if (!ids_.emplace(t.id, std::to_string(line_of(node))).second) {
            report(line_of(id), "duplicate glossary term '" + t.id + "' (first at line " + ids_[t.id] + ")");
        }
        const std::string label = "glossary term '" + t.id + "'";
        words(node["words"], node, label, t);
        meaning(node["meaning"], node, label, t);
        content_.glossary.push_back(std::move(t));
    }

    void words(const YAML::Node& node, const YAML::Node& at, const std::string& label, GlossaryTerm& t) {
        if (!node.IsDefined() || !node.IsMap()) {
            report(
                line_of(node.IsDefined() ? node : at),
                label + " needs 'words': the words per language, e.g. en: [tailings]"
            );
            return;
        }
        for (const auto& item : node) {
            const std::string lang = item.first.Scalar();
            if (!is_language(lang)) {
                report(line_of(item.first), "unknown language '" + lang + "' in the words of " + label);
                continue;
            }
            std::vector<std::string> list;
            if (item.second.IsScalar()) {
                list.push_back(trim(item.second.Scalar()));
            } else if (item.second.IsSequence()) {
                for (const auto& w : item.second) {
                    list.push_back(w.IsScalar() ? trim(w.Scalar()) : std::string());
                }
            }
            for (const auto& w : list) {
                const std::string norm = normalize_answer(w);
                if (norm.empty()) {
                    report(line_of(item.second), "an empty word (" + lang + ") in " + label);
                    continue;
                }
                const auto [it, inserted] = words_.emplace(norm, t.id);
                if (!inserted && it->second != t.id) {
                    report(
                        line_of(item.second),
                        "the word '" + w + "' (" + lang + ") of " + label +
                            " is already a word of glossary term '" + it->second + "'"
                    );
                }
            }
            t.words.emplace(lang, std::move(list));
        }
        if (t.words.find("en") == t.words.end()) {
            report(line_of(node), label + " has no English (en) words; English is required");
        }
    }

    void meaning(const YAML::Node& node, const YAML::Node& at, const std::string& label, GlossaryTerm& t) {
        if (!node.IsDefined() || !node.IsMap()) {
            report(line_of(node.IsDefined() ? node : at), label + " needs 'meaning': one line per language");
            return;
        }
        for (const auto& item : node) {
            const std::string lang = item.first.Scalar();
            if (!is_language(lang)) {
                report(line_of(item.first), "unknown language '" + lang + "' in the meaning of " + label);
                continue;
            }
            const std::string text = item.second.IsScalar() ? trim(item.second.Scalar()) : std::string();
            const auto length = limits::utf8_length(text);
            if (text.empty()) {
                report(line_of(item.second), "the meaning (" + lang + ") of " + label + " is empty");
            } else if (!length) {
                report(
                    line_of(item.second), "the meaning (" + lang + ") of " + label + " is not valid UTF-8"
                );
            } else if (text.find('\n') != std::string::npos) {
                report(line_of(item.second), "the meaning (" + lang + ") of " + label + " must be one line");
            } else if (*length > kGlossaryMeaning) {
                report(
                    line_of(item.second),
                    "the meaning (" + lang + ") of " + label + " is " + std::to_string(*length) +
                        " characters; at most " + std::to_string(kGlossaryMeaning)
                );
            }
            t.meaning.by_lang.emplace(lang, text);
        }
        // Learners reach the glossary from every module in every language: no English fallback here.
        for (const auto lang : kLanguages) {
            if (!t.meaning.has(lang)) {
                report(line_of(node), "the meaning of " + label + " has no '" + std::string(lang) + "' line");
            }
        }
    }
};

}  // namespace

void load_glossary(const std::filesystem::path& file, const std::string& shown, Content& content) {
    GlossaryReader(shown, content).read(file);
}

const GlossaryTerm* find_term(const std::vector<GlossaryTerm>& glossary, std::string_view normalized) {
    if (normalized.empty()) {
        return nullptr;
    }
    for (const auto& term : glossary) {
        for (const auto& [lang, list] : term.words) {
            for (const auto& word : list) {
                if (normalize_answer(word) == normalized) {
                    return &term;
                }
            }
        }
    }
    return nullptr;
}

}  // namespace delvex::academy
