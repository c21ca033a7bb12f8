#pragma once

// The ASM Academy content model: plain structs loaded from academy-content/ (format in
// academy-content/README.md). No YAML, JSON or SQL here; bot/academy/loader turns the files into these.

#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace delvex::academy {

/// The languages content may carry, English first: it is mandatory and the fallback for the others.
inline constexpr std::array<std::string_view, 5> kLanguages = {"en", "fr", "es", "pt", "sw"};

/// Where something was written: a file relative to the content root, and a 1-based line.
struct Where {
    std::string file;
    int line = 0;
};

/// One text in several languages. Loaded content always has English.
struct LocalText {
    std::map<std::string, std::string, std::less<>> by_lang;

    /// The text in `lang`, or the English one when there is none (empty if there is no English either).
    const std::string& in(std::string_view lang) const;
    bool has(std::string_view lang) const { return by_lang.find(lang) != by_lang.end(); }
    bool empty() const { return by_lang.empty(); }
};

/// One choice of a single-choice question (a reply button or a list row).
struct Option {
    std::string id;           ///< stable within its question; goes into the reply id
    LocalText title;          ///< button ≤ 20 characters, list row ≤ 24
    LocalText description;    ///< list rows only, ≤ 72, optional
    bool correct = false;     ///< exactly one option per question is correct
    LocalText feedback;       ///< why this choice is right or wrong
    Where where;
};

enum class StepKind { kText, kImage, kAudio, kVideo, kDocument, kQuestion };

enum class QuestionStyle {
    kButtons,    ///< 2–3 reply buttons
    kList,       ///< a list message of up to 10 rows
    kTrueFalse,  ///< two reply buttons with the engine's own True / False labels
    kTyped,      ///< a free typed answer matched against accepted variants
};

struct Question {
    QuestionStyle style = QuestionStyle::kButtons;
    LocalText prompt;                 ///< interactive body (≤ 1024); plain text for typed answers
    std::vector<Option> options;      ///< kButtons, kList
    LocalText list_button;            ///< kList: label of the button that opens the list (≤ 20)
    bool correct_is_true = false;     ///< kTrueFalse
    std::map<std::string, std::vector<std::string>, std::less<>> accept;  ///< kTyped: variants per language
    LocalText answer;                 ///< kTyped: the right answer, shown after the last miss
    LocalText feedback_right;         ///< kTrueFalse, kTyped
    LocalText feedback_wrong;         ///< kTrueFalse, kTyped
    LocalText hint;                   ///< shown before the next try
    int tries = 2;                    ///< after the last miss the right answer is shown; 1 for quiz true/false
};

/// A media file beside the YAML, as found on disk by the checker.
struct Media {
    std::string path;                 ///< relative to the module folder, '/'-separated
    std::string mime_type;            ///< from the extension, confirmed by the file's first bytes
    std::uintmax_t bytes = 0;
    std::optional<double> seconds;    ///< audio length when it could be measured (Opus/OGG)
    std::string filename;             ///< documents: the name the learner sees
};

struct Step {
    std::string id;                   ///< stable across versions and unique in the whole content tree
    StepKind kind = StepKind::kText;
    LocalText text;                   ///< kText
    Media media;                      ///< kImage, kAudio, kVideo, kDocument
    LocalText caption;                ///< media: carries the message on its own (≤ 1024)
    Question question;                ///< kQuestion
    Where where;
};

struct Lesson {
    std::string id;
    LocalText title;                  ///< interactive header, ≤ 60
    bool quiz = false;                ///< questions of quiz lessons count towards the pass mark
    std::vector<Step> steps;
    Where where;
};

struct Module {
    std::string id;
    int version = 1;
    LocalText title;                  ///< module list row title, ≤ 24
    LocalText summary;                ///< module list row description, ≤ 72, optional
    std::vector<std::string> languages;  ///< languages the module is offered in; always has "en"
    std::vector<std::string> sources;    ///< where its facts come from
    int pass_mark = 70;               ///< percent of quiz questions answered right on the first try
    std::string folder;               ///< folder name under the content root
    std::vector<Lesson> lessons;
    Where where;
};

/// A word the lessons use, explained in one line (academy-content/glossary.yaml).
struct GlossaryTerm {
    std::string id;
    std::map<std::string, std::vector<std::string>, std::less<>> words;  ///< what a learner may type, per language
    LocalText meaning;                ///< one line, ≤ 300 characters, in every language
    Where where;
};

enum class Severity { kError, kWarning };

/// One problem found in the content, reported as `file:line: error: message`.
struct Diagnostic {
    Severity severity = Severity::kError;
    std::string file;  ///< relative to the content root, '/'-separated
    int line = 0;
    std::string message;
};

/// Everything found under a content root: the modules that loaded and every problem seen on the way.
/// Modules with errors are still listed as far as they could be read; use them only when errors() == 0.
struct Content {
    std::vector<Module> modules;
    std::vector<GlossaryTerm> glossary;  ///< empty when there is no glossary.yaml
    std::vector<Diagnostic> diagnostics;

    std::size_t errors() const;
    std::size_t warnings() const;
};

}  // namespace delvex::academy
