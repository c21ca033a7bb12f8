#pragma once

// WhatsApp message templates as code: the definitions the project asks Meta to approve (config/templates.yaml),
// the purpose → template mapping the dispatcher uses when a member's 24 h window is closed, Meta's approval
// rules, and the flattening that keeps every parameter within Meta's send-time rules. Pure: no I/O but load().

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bot/core/outgoing.hpp"

namespace delvex::delivery {

/// A template's text in one language, as submitted for review.
struct TemplateText {
    std::string language_code;         ///< Meta's code, e.g. "pt_PT"
    std::string body;                  ///< with positional placeholders {{1}}, {{2}}, …
    std::vector<std::string> example;  ///< one example value per placeholder
    std::vector<std::string> buttons;  ///< quick-reply button titles, in order
};

/// One template in every language it is offered in.
struct TemplateDefinition {
    std::string name;
    std::string category;                         ///< UTILITY, MARKETING or AUTHENTICATION
    std::map<std::string, TemplateText> texts;    ///< member language ("en", "sw", …) → text
};

/// The template that stands in for a free-form message of one purpose, in one language.
struct TemplateSpec {
    std::string name;
    std::string language_code;
    /// Values for {{1}}, {{2}}, …; "{text}" inside one is replaced by the message's text, flattened.
    std::vector<std::string> params;
    std::size_t buttons = 0;     ///< quick-reply buttons the template has
    bool carry_buttons = false;  ///< the message's reply-button ids become the quick replies' payloads
    std::string body{};          ///< the approved body (empty when unknown: test mappings)
};

/// purpose → member language → template, and the definitions behind them.
class TemplateMap {
public:
    void add(const std::string& purpose, const std::string& language, TemplateSpec spec);
    /// The template for a purpose in a language, else in "default", else in "en"; nullptr if none.
    const TemplateSpec* find(const std::string& purpose, const std::string& language) const;
    bool empty() const { return map_.empty(); }
    /// The templates to create in WhatsApp Manager (`delvex templates push`).
    const std::vector<TemplateDefinition>& definitions() const { return definitions_; }
    /// Every purpose mapped, sorted.
    std::vector<std::string> purposes() const;

    /// Reads a templates.yaml (languages, templates, purposes). Throws std::runtime_error with
    /// "file:line: message" on a malformed file, a definition Meta's review would reject, or a purpose that
    /// names a missing template or does not fill its placeholders.
    static TemplateMap load(const std::string& path);

private:
    std::map<std::string, std::map<std::string, TemplateSpec>> map_;
    std::vector<TemplateDefinition> definitions_;
};

/// Placeholders {{n}} in a template body.
std::size_t placeholder_count(std::string_view body);

/// What Meta's template review would reject in this definition, one line each ("name/lang: why"); empty when
/// it passes: name, category, body length and placeholders (numbered from 1, in order, none side by side,
/// not at the start or end), an example per placeholder, button titles.
std::vector<std::string> review_definition(const TemplateDefinition& definition);

/// Text made fit for a template parameter: Meta refuses a parameter with a new line, a tab or more than four
/// spaces in a row (error 132018). Lines are joined with " · ", blank lines dropped, runs of white space
/// made one space, and the ends trimmed.
std::string flatten_parameter(std::string_view text);

/// The template message standing in for `original`, or nullopt when this message cannot go as this template
/// (its buttons cannot be carried: the template has another number of quick replies). Parameters are
/// flattened and the longest is shortened (ending in "…") so that the body stays within 1,024 characters.
std::optional<core::OutgoingMessage> template_for(const TemplateSpec& spec, const core::OutgoingMessage& original);

}  // namespace delvex::delivery
