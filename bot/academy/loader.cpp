#include "bot/academy/loader.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <initializer_list>
#include <ostream>
#include <set>
#include <tuple>
#include <utility>

#include "bot/academy/advice.hpp"
#include "bot/academy/glossary.hpp"
#include "bot/academy/limits.hpp"
#include "bot/academy/media.hpp"
#include "bot/academy/openers.hpp"
#include "bot/core/text.hpp"

namespace delvex::academy {
namespace {

namespace fs = std::filesystem;

constexpr std::size_t kMaxIdLength = 40;

/// Where a text lands in WhatsApp decides its limit.
struct Slot {
    std::size_t max;
    const char* name;
    bool message;  ///< a message of its own: the content guide's ~600-character advice applies
};

// Every step goes out with Next / Repeat / Menu reply buttons, so step text is an interactive body.
constexpr Slot kStepText{limits::kInteractiveBody, "an interactive message body", true};
constexpr Slot kPlainText{limits::kText, "a text message", true};
constexpr Slot kBody{limits::kInteractiveBody, "an interactive message body", true};
constexpr Slot kCaption{limits::kCaption, "a media caption", true};
constexpr Slot kButtonTitle{limits::kButtonTitle, "a reply button title", false};
constexpr Slot kRowTitle{limits::kRowTitle, "a list row title", false};
constexpr Slot kRowDescription{limits::kRowDescription, "a list row description", false};
constexpr Slot kListButton{limits::kListButton, "a list button label", false};
constexpr Slot kHeader{limits::kHeaderText, "a message header", false};

bool is_language(std::string_view lang) {
    return std::find(kLanguages.begin(), kLanguages.end(), lang) != kLanguages.end();
}

using core::trim;

bool valid_id(std::string_view id) {
    if (id.empty() || id.size() > kMaxIdLength || id.front() == '-' || id.back() == '-') {
        return false;
    }
    return std::all_of(id.begin(), id.end(),
                       [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'; });
}

std::string plural(std::size_t n, std::string_view word) {
    return std::to_string(n) + " " + std::string(word) + (n == 1 ? "" : "s");
}

class Loader {
public:
    explicit Loader(fs::path root) : root_(std::move(root)) {}

    Content run() {
        std::error_code ec;
        std::vector<fs::path> folders;
        for (const auto& entry : fs::directory_iterator(root_, ec)) {
            const auto name = entry.path().filename().string();
            if (entry.is_directory() && !name.empty() && name.front() != '.') {
                folders.push_back(entry.path());
            }
        }
        if (ec) {
            file_.clear();
            report(Severity::kError, 0, "cannot list the folder: " + ec.message());
        }
        std::sort(folders.begin(), folders.end());
        for (const auto& folder : folders) {
            if (!fs::exists(folder / "module.yaml")) {
                file_ = folder.filename().generic_string();
                report(Severity::kWarning, 0, "no module.yaml here; folder skipped");
                continue;
            }
            load_module(folder);
        }
        if (fs::exists(root_ / "glossary.yaml")) {
            load_glossary(root_ / "glossary.yaml", "glossary.yaml", content_);
        }
        if (content_.modules.empty() && content_.errors() == 0) {
            file_.clear();
            report(Severity::kError, 0, "no module folders (a folder with a module.yaml) found");
        }
        std::stable_sort(content_.diagnostics.begin(), content_.diagnostics.end(),
                         [](const Diagnostic& a, const Diagnostic& b) {
                             return std::tie(a.file, a.line) < std::tie(b.file, b.line);
                         });
        return std::move(content_);
    }

private:
    fs::path root_;
    Content content_;
    std::string file_;                           // current file, relative to root_
    fs::path module_dir_;
    std::vector<std::string> languages_;         // languages the current module offers
    std::map<std::string, std::pair<std::size_t, int>> missing_;  // lang -> (texts, first line)
    std::map<std::string, Where> module_ids_;
    std::map<std::string, Where> lesson_ids_;
    std::map<std::string, Where> step_ids_;
    bool in_quiz_ = false;                       // the lesson being read has `quiz: true`

    void report(Severity severity, int line, std::string message) {
        content_.diagnostics.push_back(Diagnostic{severity, file_, line, std::move(message)});
    }
    static int line_of(const YAML::Node& node) { return node.Mark().line + 1; }
    void error(const YAML::Node& at, std::string message) { report(Severity::kError, line_of(at), std::move(message)); }
    void warning(const YAML::Node& at, std::string message) {
        report(Severity::kWarning, line_of(at), std::move(message));
    }
    Where here(const YAML::Node& at) const { return Where{file_, line_of(at)}; }

    // Missing translations are tallied per file and language, then reported once: a warning per text
    // would bury the errors that matter.
    void flush_missing() {
        for (const auto& [lang, tally] : missing_) {
            report(Severity::kWarning, tally.second,
                   "missing '" + lang + "' translation for " + plural(tally.first, "text") +
                       " in this file (first here); learners get English");
        }
        missing_.clear();
    }

    void check_keys(const YAML::Node& map, std::initializer_list<std::string_view> allowed, std::string_view what) {
        for (const auto& item : map) {
            const auto key = item.first.Scalar();
            if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
                error(item.first, "unknown key '" + key + "' in " + std::string(what));
            }
        }
    }

    /// The node under `key`, or an invalid node (and an error when required) when it is absent.
    YAML::Node child(const YAML::Node& map, const char* key, bool required, std::string_view what) {
        YAML::Node node = map[key];
        if (!node.IsDefined() || node.IsNull()) {
            if (required) {
                error(map, std::string(what) + " needs '" + key + "'");
            }
            return YAML::Node(YAML::NodeType::Undefined);
        }
        return node;
    }

    std::optional<std::string> scalar(const YAML::Node& map, const char* key, bool required, std::string_view what) {
        const YAML::Node node = child(map, key, required, what);
        if (!node.IsDefined()) {
            return std::nullopt;
        }
        if (!node.IsScalar()) {
            error(node, "'" + std::string(key) + "' must be a single value");
            return std::nullopt;
        }
        return trim(node.Scalar());
    }

    std::string id(const YAML::Node& map, std::string_view what) {
        auto value = scalar(map, "id", true, what);
        if (!value) {
            return {};
        }
        if (!valid_id(*value)) {
            error(map["id"], "id '" + *value + "' must be 1–" + std::to_string(kMaxIdLength) +
                                 " lowercase letters, digits and '-'");
        }
        return *value;
    }

    void unique(std::map<std::string, Where>& seen, const std::string& value, const YAML::Node& at,
                std::string_view what) {
        if (value.empty()) {
            return;
        }
        auto [it, inserted] = seen.emplace(value, here(at));
        if (!inserted) {
            error(at, "duplicate " + std::string(what) + " id '" + value + "' (first used at " + it->second.file + ":" +
                          std::to_string(it->second.line) + ")");
        }
    }

    std::optional<int> integer(const YAML::Node& map, const char* key, bool required, int lo, int hi,
                               std::string_view what) {
        const YAML::Node node = child(map, key, required, what);
        if (!node.IsDefined()) {
            return std::nullopt;
        }
        int value = 0;
        if (!node.IsScalar() || !YAML::convert<int>::decode(node, value) || value < lo || value > hi) {
            error(node, "'" + std::string(key) + "' must be a whole number from " + std::to_string(lo) + " to " +
                            std::to_string(hi));
            return std::nullopt;
        }
        return value;
    }

    std::optional<bool> boolean(const YAML::Node& map, const char* key, bool required, std::string_view what) {
        const YAML::Node node = child(map, key, required, what);
        if (!node.IsDefined()) {
            return std::nullopt;
        }
        bool value = false;
        if (!node.IsScalar() || !YAML::convert<bool>::decode(node, value)) {
            error(node, "'" + std::string(key) + "' must be true or false");
            return std::nullopt;
        }
        return value;
    }

    void check_length(const std::string& text, const YAML::Node& at, const std::string& label, const Slot& slot) {
        const auto length = limits::utf8_length(text);
        if (!length) {
            error(at, label + " is not valid UTF-8");
        } else if (*length > slot.max) {
            error(at, label + " is " + std::to_string(*length) + " characters; " + slot.name + " takes at most " +
                          std::to_string(slot.max));
        } else if (slot.message && *length > limits::kAdvisedMessage) {
            warning(at, label + " is " + std::to_string(*length) + " characters; keep a message under about " +
                            std::to_string(limits::kAdvisedMessage));
        }
    }

    /// A text per language: {en: ..., fr: ...}. `label` names it in messages, e.g. "'title' of option 'b'".
    LocalText text(const YAML::Node& map, const char* key, const Slot& slot, bool required, const std::string& label,
                   std::string_view what) {
        LocalText out;
        const YAML::Node node = child(map, key, required, what);
        if (!node.IsDefined()) {
            return out;
        }
        if (!node.IsMap()) {
            error(node, label + " must list the text per language, e.g. en: ...");
            return out;
        }
        for (const auto& item : node) {
            const std::string lang = item.first.Scalar();
            if (!is_language(lang)) {
                error(item.first, "unknown language '" + lang + "' in " + label + "; use en, fr, es, pt or sw");
                continue;
            }
            if (!item.second.IsScalar()) {
                error(item.second, label + " (" + lang + ") must be text");
                continue;
            }
            std::string value = trim(item.second.Scalar());
            if (value.empty()) {
                error(item.second, label + " (" + lang + ") is empty");
                continue;
            }
            check_length(value, item.second, label + " (" + lang + ")", slot);
            if (const auto why = list_in_paragraph(value); slot.message && !why.empty()) {
                warning(item.second, label + " (" + lang + ") reads as a list (" + std::string(why) +
                                         ") but arrives as one paragraph; write it as a literal block (|-), "
                                         "one item a line");
            }
            out.by_lang.emplace(lang, std::move(value));
        }
        if (!out.has("en")) {
            error(node, label + " has no English (en) text; English is required");
        }
        note_missing(out, node);
        return out;
    }

    void note_missing(const LocalText& t, const YAML::Node& at) {
        for (const auto& lang : languages_) {
            if (lang != "en" && !t.has(lang)) {
                auto& tally = missing_[lang];
                if (tally.first++ == 0) {
                    tally.second = line_of(at);
                }
            }
        }
    }

    /// Feedback goes out after the engine's own verdict ("✅ Right!"): one that opens with a verdict too reads
    /// "Right! Right." to the learner.
    void check_opener(const YAML::Node& map, const char* key, const std::string& label) {
        const YAML::Node node = map[key];
        if (!node.IsDefined() || !node.IsMap()) {
            return;
        }
        for (const auto& item : node) {
            if (!item.second.IsScalar()) {
                continue;
            }
            const std::string value = trim(item.second.Scalar());
            const std::string opener(verdict_opener(value));
            if (!opener.empty()) {
                warning(item.second, label + " (" + item.first.Scalar() + ") opens with '" + opener +
                                         "'; the engine already says right or not quite before it, so the "
                                         "learner would read it twice: start with the reason");
            }
        }
    }

    /// A path to a file beside the YAML: relative, inside the module folder, existing.
    std::optional<fs::path> inside_module(const std::string& path, const YAML::Node& at, std::string_view what) {
        const fs::path p(path);
        if (path.empty()) {
            error(at, std::string(what) + " path is empty");
            return std::nullopt;
        }
        if (p.is_absolute() || p.has_root_directory() || p.has_root_name()) {
            error(at, std::string(what) + " path '" + path +
                          "' leaves the module folder (absolute paths are not allowed)");
            return std::nullopt;
        }
        for (const auto& part : p) {
            if (part == "..") {
                error(at, std::string(what) + " path '" + path + "' leaves the module folder ('..' is not allowed)");
                return std::nullopt;
            }
        }
        const fs::path full = module_dir_ / p;
        std::error_code ec;
        if (!fs::is_regular_file(full, ec)) {
            error(at, std::string(what) + " file '" + path + "' not found");
            return std::nullopt;
        }
        // A symlink could still lead out of the folder.
        const auto base = fs::weakly_canonical(module_dir_, ec).generic_string() + "/";
        const auto real = fs::weakly_canonical(full, ec).generic_string();
        if (ec || real.compare(0, base.size(), base) != 0) {
            error(at, std::string(what) + " path '" + path + "' leads outside the module folder");
            return std::nullopt;
        }
        return full;
    }

    YAML::Node load_yaml(const fs::path& path) {
        try {
            return YAML::LoadFile(path.string());
        } catch (const YAML::ParserException& e) {
            report(Severity::kError, e.mark.line + 1, "YAML syntax: " + e.msg);
        } catch (const YAML::BadFile&) {
            report(Severity::kError, 0, "cannot read the file");
        } catch (const YAML::Exception& e) {
            report(Severity::kError, e.mark.line + 1, e.msg);
        }
        return YAML::Node(YAML::NodeType::Undefined);
    }

    void load_module(const fs::path& folder) {
        module_dir_ = folder;
        const std::string name = folder.filename().generic_string();
        file_ = name + "/module.yaml";
        languages_.clear();
        missing_.clear();
        const YAML::Node doc = load_yaml(folder / "module.yaml");
        if (!doc.IsDefined()) {
            return;
        }
        if (!doc.IsMap()) {
            error(doc, "module.yaml must be a mapping of module fields");
            return;
        }
        Module module;
        module.folder = name;
        module.where = here(doc);
        try {
            parse_module(doc, module);
        } catch (const YAML::Exception& e) {
            report(Severity::kError, e.mark.line + 1, e.msg);
        }
        content_.modules.push_back(std::move(module));
    }

    void parse_module(const YAML::Node& doc, Module& module) {
        constexpr std::string_view what = "the module";
        check_keys(doc, {"id", "version", "title", "summary", "languages", "pass_mark", "sources", "lessons"}, what);
        module.id = id(doc, what);
        unique(module_ids_, module.id, doc["id"].IsDefined() ? doc["id"] : doc, "module");
        module.version = integer(doc, "version", true, 1, 1'000'000, what).value_or(1);
        module.pass_mark = integer(doc, "pass_mark", true, 1, 100, what).value_or(70);

        const YAML::Node langs = child(doc, "languages", true, what);
        if (langs.IsDefined()) {
            if (!langs.IsSequence()) {
                error(langs, "'languages' must be a list, e.g. [en, fr, es]");
            } else {
                for (const auto& l : langs) {
                    const std::string lang = l.IsScalar() ? l.Scalar() : std::string();
                    if (!is_language(lang)) {
                        error(l, "unknown language '" + lang + "' in 'languages'; use en, fr, es, pt or sw");
                    } else if (std::find(languages_.begin(), languages_.end(), lang) == languages_.end()) {
                        languages_.push_back(lang);
                    }
                }
                if (std::find(languages_.begin(), languages_.end(), "en") == languages_.end()) {
                    error(langs, "'languages' must include en: English is mandatory");
                }
                std::string absent;
                for (const auto lang : kLanguages) {
                    if (std::find(languages_.begin(), languages_.end(), lang) == languages_.end()) {
                        absent += absent.empty() ? "" : ", ";
                        absent += lang;
                    }
                }
                if (!absent.empty()) {
                    warning(langs, "not offered in " + absent + "; learners who chose them get English");
                }
            }
        }
        module.languages = languages_;

        module.title = text(doc, "title", kRowTitle, true, "'title'", what);
        module.summary = text(doc, "summary", kRowDescription, false, "'summary'", what);

        const YAML::Node sources = child(doc, "sources", true, what);
        if (sources.IsDefined()) {
            if (!sources.IsSequence() || sources.size() == 0) {
                error(sources, "'sources' must be a list of the sources the module's facts come from");
            } else {
                for (const auto& s : sources) {
                    if (!s.IsScalar() || trim(s.Scalar()).empty()) {
                        error(s, "each source must be one line of text");
                    } else {
                        module.sources.push_back(trim(s.Scalar()));
                    }
                }
            }
        }

        std::set<std::string> listed;
        const YAML::Node lessons = child(doc, "lessons", true, what);
        std::vector<fs::path> lesson_files;
        bool all_found = true;
        if (lessons.IsDefined()) {
            if (!lessons.IsSequence() || lessons.size() == 0) {
                error(lessons, "'lessons' must list the lesson files in order, e.g. - 01-why.yaml");
            } else {
                for (const auto& l : lessons) {
                    if (!l.IsScalar()) {
                        error(l, "each lesson must be a file name");
                        continue;
                    }
                    const std::string path = trim(l.Scalar());
                    if (auto full = inside_module(path, l, "lesson")) {
                        listed.insert(fs::path(path).lexically_normal().generic_string());
                        lesson_files.push_back(*full);
                    } else {
                        all_found = false;
                    }
                }
            }
        }
        const YAML::Node at = doc;
        flush_missing();

        std::error_code ec;
        std::vector<std::string> unlisted;
        for (const auto& entry : fs::directory_iterator(module_dir_, ec)) {
            const auto fname = entry.path().filename().generic_string();
            if (entry.path().extension() == ".yaml" && fname != "module.yaml" && !listed.count(fname)) {
                unlisted.push_back(fname);
            }
        }
        std::sort(unlisted.begin(), unlisted.end());
        for (const auto& fname : unlisted) {
            warning(at, "'" + fname + "' is not listed under 'lessons' and is ignored");
        }

        const std::string module_file = file_;
        std::size_t quiz_questions = 0;
        std::size_t plain_lessons = 0;
        bool all_loaded = true;
        for (const auto& path : lesson_files) {
            file_ = (fs::path(module.folder) / fs::relative(path, module_dir_)).generic_string();
            Lesson lesson;
            if (load_lesson(path, lesson)) {
                for (const auto& step : lesson.steps) {
                    quiz_questions += lesson.quiz && step.kind == StepKind::kQuestion ? 1 : 0;
                }
                plain_lessons += lesson.quiz ? 0 : 1;
                module.lessons.push_back(std::move(lesson));
            } else {
                all_loaded = false;
            }
            flush_missing();
        }
        file_ = module_file;
        if (!lesson_files.empty() && all_found && all_loaded && quiz_questions == 0) {
            error(at, "no quiz: the pass mark needs a lesson with 'quiz: true' holding at least one question");
        }
        if (!lesson_files.empty() && (plain_lessons < 3 || plain_lessons > 5)) {
            warning(at, plural(plain_lessons, "lesson") + " besides the quiz; academy-content/README.md asks for 3–5 and a quiz");
        }
    }

    bool load_lesson(const fs::path& path, Lesson& lesson) {
        const YAML::Node doc = load_yaml(path);
        if (!doc.IsDefined()) {
            return false;
        }
        if (!doc.IsMap()) {
            error(doc, "a lesson file must be a mapping with id, title and steps");
            return false;
        }
        try {
            constexpr std::string_view what = "the lesson";
            check_keys(doc, {"id", "title", "quiz", "steps"}, what);
            lesson.where = here(doc);
            lesson.id = id(doc, what);
            unique(lesson_ids_, lesson.id, doc["id"].IsDefined() ? doc["id"] : doc, "lesson");
            lesson.title = text(doc, "title", kHeader, true, "'title'", what);
            lesson.quiz = boolean(doc, "quiz", false, what).value_or(false);
            in_quiz_ = lesson.quiz;
            const YAML::Node steps = child(doc, "steps", true, what);
            if (steps.IsDefined()) {
                if (!steps.IsSequence() || steps.size() == 0) {
                    error(steps, "'steps' must be a list of steps");
                } else {
                    for (const auto& s : steps) {
                        if (!s.IsMap()) {
                            error(s, "each step must be a mapping with id and type");
                            continue;
                        }
                        lesson.steps.push_back(parse_step(s));
                    }
                }
            }
        } catch (const YAML::Exception& e) {
            report(Severity::kError, e.mark.line + 1, e.msg);
        }
        return true;
    }

    Step parse_step(const YAML::Node& s) {
        Step step;
        step.where = here(s);
        constexpr std::string_view what = "the step";
        step.id = id(s, what);
        unique(step_ids_, step.id, s["id"].IsDefined() ? s["id"] : s, "step");
        const std::string type = scalar(s, "type", true, what).value_or("");
        const std::string label = "step '" + step.id + "'";
        if (type == "text") {
            step.kind = StepKind::kText;
            check_keys(s, {"id", "type", "text"}, "a text step");
            step.text = text(s, "text", kStepText, true, "'text'", what);
        } else if (type == "image" || type == "audio" || type == "video" || type == "document") {
            step.kind = type == "image"   ? StepKind::kImage
                        : type == "audio" ? StepKind::kAudio
                        : type == "video" ? StepKind::kVideo
                                          : StepKind::kDocument;
            if (step.kind == StepKind::kDocument) {
                check_keys(s, {"id", "type", "file", "caption", "filename"}, "a document step");
                step.media.filename = scalar(s, "filename", false, what).value_or("");
            } else {
                check_keys(s, {"id", "type", "file", "caption"}, "a " + type + " step");
            }
            // Audio has no caption in WhatsApp: the engine sends it as a text just before the voice note.
            step.caption = text(s, "caption", kCaption, true, "'caption'", what);
            if (auto file = scalar(s, "file", true, what)) {
                step.media.path = *file;
                if (auto full = inside_module(*file, s["file"], "media")) {
                    const MediaReport media = inspect_media(*full, step.kind);
                    step.media.mime_type = media.mime_type;
                    step.media.bytes = media.bytes;
                    step.media.seconds = media.seconds;
                    for (const auto& e : media.errors) {
                        error(s["file"], "'" + *file + "': " + e);
                    }
                    for (const auto& w : media.warnings) {
                        warning(s["file"], "'" + *file + "': " + w);
                    }
                }
            }
        } else if (type == "question") {
            step.kind = StepKind::kQuestion;
            parse_question(s, step.question, label);
        } else if (!type.empty()) {
            error(s["type"], "unknown step type '" + type + "'; use text, image, audio, video, document or question");
        }
        return step;
    }

    void parse_question(const YAML::Node& s, Question& q, const std::string& label) {
        constexpr std::string_view what = "the question";
        const std::string style = scalar(s, "style", true, what).value_or("");
        if (style == "buttons") {
            q.style = QuestionStyle::kButtons;
            check_keys(s, {"id", "type", "style", "prompt", "options", "hint", "tries"}, "a buttons question");
        } else if (style == "list") {
            q.style = QuestionStyle::kList;
            check_keys(s, {"id", "type", "style", "prompt", "list_button", "options", "hint", "tries"},
                       "a list question");
        } else if (style == "true_false") {
            q.style = QuestionStyle::kTrueFalse;
            check_keys(s, {"id", "type", "style", "prompt", "correct", "feedback_right", "feedback_wrong", "hint",
                           "tries"},
                       "a true_false question");
        } else if (style == "typed") {
            q.style = QuestionStyle::kTyped;
            check_keys(s, {"id", "type", "style", "prompt", "accept", "answer", "feedback_right", "feedback_wrong",
                           "hint", "tries"},
                       "a typed question");
        } else {
            if (!style.empty()) {
                error(s["style"], "unknown question style '" + style + "'; use buttons, list, true_false or typed");
            }
            return;
        }
        q.prompt = text(s, "prompt", q.style == QuestionStyle::kTyped ? kPlainText : kBody, true, "'prompt'", what);
        // A second try at a true/false question is a free answer: in a quiz it has one try, the default there.
        const bool quiz_true_false = in_quiz_ && q.style == QuestionStyle::kTrueFalse;
        q.tries = integer(s, "tries", false, limits::kMinTries, limits::kMaxTries, what)
                      .value_or(quiz_true_false ? 1 : 2);
        if (quiz_true_false && q.tries != 1) {
            error(s["tries"], label + " is true/false in a quiz and has 'tries: " + std::to_string(q.tries) +
                                  "'; a quiz gives a true/false question 1 try (the second one could not be wrong)");
        }
        q.hint = text(s, "hint", kPlainText, false, "'hint'", what);
        if (q.hint.empty() && q.tries > 1) {
            warning(s, label + " has no 'hint' for the next try");
        }

        if (q.style == QuestionStyle::kButtons || q.style == QuestionStyle::kList) {
            parse_options(s, q, label);
            return;
        }
        q.feedback_right = text(s, "feedback_right", kPlainText, true, "'feedback_right'", what);
        q.feedback_wrong = text(s, "feedback_wrong", kPlainText, true, "'feedback_wrong'", what);
        check_opener(s, "feedback_right", "'feedback_right'");
        check_opener(s, "feedback_wrong", "'feedback_wrong'");
        if (q.style == QuestionStyle::kTrueFalse) {
            q.correct_is_true = boolean(s, "correct", true, what).value_or(false);
            return;
        }
        q.answer = text(s, "answer", kPlainText, true, "'answer'", what);
        const YAML::Node accept = child(s, "accept", true, what);
        if (!accept.IsDefined()) {
            return;
        }
        if (!accept.IsMap()) {
            error(accept, "'accept' must list the accepted answers per language, e.g. en: [retort]");
            return;
        }
        LocalText present;
        for (const auto& item : accept) {
            const std::string lang = item.first.Scalar();
            if (!is_language(lang)) {
                error(item.first, "unknown language '" + lang + "' in 'accept'; use en, fr, es, pt or sw");
                continue;
            }
            std::vector<std::string> variants;
            if (item.second.IsScalar()) {
                variants.push_back(trim(item.second.Scalar()));
            } else if (item.second.IsSequence()) {
                for (const auto& v : item.second) {
                    if (v.IsScalar()) {
                        variants.push_back(trim(v.Scalar()));
                    } else {
                        error(v, "each accepted answer must be text");
                    }
                }
            }
            variants.erase(std::remove(variants.begin(), variants.end(), std::string()), variants.end());
            if (variants.empty()) {
                error(item.second, "'accept' (" + lang + ") needs at least one answer");
                continue;
            }
            for (const auto& v : variants) {
                if (!limits::utf8_length(v)) {
                    error(item.second, "'accept' (" + lang + ") is not valid UTF-8");
                }
            }
            present.by_lang.emplace(lang, variants.front());
            q.accept.emplace(lang, std::move(variants));
        }
        if (!present.has("en")) {
            error(accept, "'accept' has no English (en) answers; English is required");
        }
        note_missing(present, accept);
    }

    void parse_options(const YAML::Node& s, Question& q, const std::string& label) {
        const bool buttons = q.style == QuestionStyle::kButtons;
        constexpr std::string_view what = "the question";
        if (!buttons) {
            q.list_button = text(s, "list_button", kListButton, true, "'list_button'", what);
        }
        const YAML::Node options = child(s, "options", true, what);
        if (!options.IsDefined()) {
            return;
        }
        if (!options.IsSequence()) {
            error(options, "'options' must be a list");
            return;
        }
        const std::size_t max = buttons ? limits::kReplyButtons : limits::kListRows;
        if (options.size() > max) {
            error(options, label + " has " + std::to_string(options.size()) +
                               (buttons ? " options; reply buttons take at most 3 (use style: list for up to 10)"
                                        : " options; a list takes at most 10 rows"));
        } else if (options.size() < 2) {
            error(options, label + " needs at least 2 options");
        }
        std::set<std::string> option_ids;
        std::size_t correct = 0;
        for (const auto& o : options) {
            if (!o.IsMap()) {
                error(o, "each option must be a mapping with id, title and feedback");
                continue;
            }
            Option option;
            option.where = here(o);
            constexpr std::string_view owhat = "the option";
            if (buttons) {
                check_keys(o, {"id", "title", "correct", "feedback"}, "a button option (descriptions are for lists)");
            } else {
                check_keys(o, {"id", "title", "description", "correct", "feedback"}, "a list option");
            }
            option.id = id(o, owhat);
            if (!option.id.empty() && !option_ids.insert(option.id).second) {
                error(o["id"], "duplicate option id '" + option.id + "' in " + label);
            }
            const std::string olabel = "'title' of option '" + option.id + "'";
            option.title = text(o, "title", buttons ? kButtonTitle : kRowTitle, true, olabel, owhat);
            if (!buttons) {
                option.description = text(o, "description", kRowDescription, false,
                                          "'description' of option '" + option.id + "'", owhat);
            }
            option.correct = boolean(o, "correct", false, owhat).value_or(false);
            correct += option.correct ? 1 : 0;
            option.feedback = text(o, "feedback", kPlainText, true, "'feedback' of option '" + option.id + "'", owhat);
            check_opener(o, "feedback", "'feedback' of option '" + option.id + "'");
            q.options.push_back(std::move(option));
        }
        if (correct != 1 && !q.options.empty()) {
            error(options, label + " has " + std::to_string(correct) +
                               " options marked 'correct: true'; a single-choice question needs exactly 1");
        }
        // WhatsApp refuses two buttons with one title; two equal rows would confuse the learner. Check every
        // language the module offers, after the English fallback, as the learner would see them.
        for (const auto& lang : languages_) {
            std::map<std::string, const Option*> titles;
            for (const auto& option : q.options) {
                const std::string& title = option.title.in(lang);
                if (title.empty()) {
                    continue;
                }
                auto [it, inserted] = titles.emplace(title, &option);
                if (!inserted) {
                    report(Severity::kError, option.where.line,
                           "options '" + it->second->id + "' and '" + option.id + "' have the same title '" + title +
                               "' (" + lang + ")");
                }
            }
        }
    }
};

}  // namespace

Content load_content(const fs::path& root) {
    return Loader(root).run();
}

std::string format_diagnostic(const Diagnostic& d, const fs::path& root) {
    std::string where = d.file.empty() ? root.generic_string() : (root / d.file).generic_string();
    if (d.line > 0) {
        where += ":" + std::to_string(d.line);
    }
    return where + (d.severity == Severity::kError ? ": error: " : ": warning: ") + d.message;
}

int run_check(const std::string& dir, std::ostream& out, std::ostream& err) {
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) {
        err << "delvex academy check: '" << dir << "' is not a folder\n";
        return 2;
    }
    const Content content = load_content(dir);
    for (const auto& d : content.diagnostics) {
        out << format_diagnostic(d, dir) << '\n';
    }
    std::size_t lessons = 0;
    std::size_t steps = 0;
    std::size_t questions = 0;
    for (const auto& m : content.modules) {
        lessons += m.lessons.size();
        for (const auto& l : m.lessons) {
            steps += l.steps.size();
            questions += static_cast<std::size_t>(std::count_if(
                l.steps.begin(), l.steps.end(), [](const Step& s) { return s.kind == StepKind::kQuestion; }));
        }
    }
    out << "academy check: " << plural(content.modules.size(), "module") << ", " << plural(lessons, "lesson") << ", "
        << plural(steps, "step") << " (" << plural(questions, "question") << "); " << plural(content.errors(), "error")
        << ", " << plural(content.warnings(), "warning") << '\n';
    return content.errors() == 0 ? 0 : 1;
}

}  // namespace delvex::academy
