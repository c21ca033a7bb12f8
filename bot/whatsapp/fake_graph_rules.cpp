#include "bot/whatsapp/fake_graph_rules.hpp"
#include "bot/core/text.hpp"

#include <algorithm>
#include <set>
#include <variant>

namespace delvex::whatsapp::fake {

namespace {

Refusal refuse(std::int64_t code, std::string title, std::string details) {
    Refusal r;
    r.code = code;
    r.message = "(#" + std::to_string(code) + ") " + std::move(title);
    r.details = std::move(details);
    return r;
}

// 131009 is Meta's "Parameter value is not valid"; the details name the field and its limit.
Verdict too_long(std::string_view field, std::string_view value, std::size_t limit) {
    const std::size_t n = code_points(value);
    if (n <= limit) return std::nullopt;
    return refuse(131009, "Parameter value is not valid",
                  std::string(field) + " is " + std::to_string(n) + " characters long; the maximum is " +
                      std::to_string(limit));
}

Verdict required(std::string_view field, std::string_view value) {
    if (!value.empty()) return std::nullopt;
    return refuse(100, "The parameter " + std::string(field) + " is required.", {});
}

Verdict first_of(std::initializer_list<Verdict> verdicts) {
    for (const auto& v : verdicts) {
        if (v) return v;
    }
    return std::nullopt;
}

std::string base_mime(std::string_view mime) {
    std::string out(mime.substr(0, mime.find(';')));
    while (!out.empty() && out.back() == ' ') out.pop_back();
    std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

bool ends_with_ci(std::string_view s, std::string_view suffix) {
    if (s.size() < suffix.size()) return false;
    for (std::size_t i = 0; i < suffix.size(); ++i) {
        if (std::tolower(static_cast<unsigned char>(s[s.size() - suffix.size() + i])) != suffix[i]) return false;
    }
    return true;
}

Refusal media_error(std::string details) {
    return refuse(131053, "Media upload error", std::move(details));
}

// Which uploaded types each message type takes (Meta's supported-media table).
bool kind_takes(core::MediaKind kind, std::string_view mime) {
    const std::string m = base_mime(mime);
    switch (kind) {
        case core::MediaKind::kImage:
            return m == "image/jpeg" || m == "image/png";
        case core::MediaKind::kSticker:
            return m == "image/webp";
        case core::MediaKind::kAudio:
            return m.rfind("audio/", 0) == 0;
        case core::MediaKind::kVideo:
            return m.rfind("video/", 0) == 0;
        case core::MediaKind::kDocument:
            return m.rfind("image/", 0) != 0 && m.rfind("audio/", 0) != 0 && m.rfind("video/", 0) != 0;
    }
    return false;
}

Verdict check_source(core::MediaKind kind, const core::MediaSource& source, std::string_view filename,
                     std::string_view declared_mime, const std::map<std::string, MediaEntry>& media,
                     core::TimePoint now) {
    const std::string name = core::media_kind_name(kind);
    if (source.id.empty() == source.link.empty()) {
        return refuse(100, "Invalid parameter", name + " needs exactly one of id and link");
    }
    std::string mime(declared_mime);
    if (!source.id.empty()) {
        const auto it = media.find(source.id);
        if (it == media.end()) {
            return media_error("The media id of " + name + " was not issued by an upload to this number");
        }
        if (it->second.inbound) {
            return media_error("The media id of " + name +
                               " belongs to a received message; upload the file to send it");
        }
        if (now >= it->second.expires) {
            return media_error("The media id of " + name + " has expired (an uploaded id lasts 30 days)");
        }
        if (!kind_takes(kind, it->second.mime)) {
            return media_error("An uploaded " + it->second.mime + " file cannot be sent as " + name);
        }
        if (mime.empty()) mime = it->second.mime;
    } else if (source.link.rfind("https://", 0) != 0) {
        return media_error("The link of " + name + " must be an https URL");
    }
    if (kind == core::MediaKind::kDocument) {
        const std::string link_path = source.link.substr(0, source.link.find_first_of("?#"));
        if (base_mime(mime) == "text/calendar" || ends_with_ci(filename, ".ics") || ends_with_ci(link_path, ".ics")) {
            return media_error("text/calendar (.ics) is not a supported document type");
        }
    }
    return std::nullopt;
}

struct LimitChecker {
    Verdict operator()(const core::OutgoingText& t) const {
        return first_of({required("text['body']", t.body), too_long("text['body']", t.body, 4096)});
    }

    Verdict operator()(const core::ReplyButtons& b) const {
        if (b.header.kind == core::InteractiveHeader::Kind::kText) {
            if (auto v = too_long("header['text']", b.header.text, 60)) return v;
        }
        if (auto v = first_of({required("body['text']", b.body), too_long("body['text']", b.body, 1024),
                               too_long("footer['text']", b.footer, 60)})) {
            return v;
        }
        if (b.buttons.empty() || b.buttons.size() > 3) {
            return refuse(131009, "Parameter value is not valid",
                          "Buttons count is " + std::to_string(b.buttons.size()) + "; between 1 and 3 are allowed");
        }
        std::set<std::string> titles;
        for (const auto& button : b.buttons) {
            if (code_points(button.title) < 1 || code_points(button.title) > 20) {
                return refuse(131009, "Parameter value is not valid",
                              "Button title length invalid. Min length: 1, Max length: 20");
            }
            if (auto v = first_of({required("reply['id']", button.id), too_long("reply['id']", button.id, 256)})) {
                return v;
            }
            if (!titles.insert(button.title).second) {
                return refuse(131009, "Parameter value is not valid", "Button titles must be unique");
            }
        }
        return std::nullopt;
    }

    Verdict operator()(const core::ListMessage& l) const {
        if (auto v = first_of({too_long("header['text']", l.header, 60), required("body['text']", l.body),
                               too_long("body['text']", l.body, 4096), too_long("footer['text']", l.footer, 60),
                               required("action['button']", l.button), too_long("action['button']", l.button, 20)})) {
            return v;
        }
        if (l.sections.empty() || l.sections.size() > 10) {
            return refuse(131009, "Parameter value is not valid",
                          "Sections count is " + std::to_string(l.sections.size()) + "; between 1 and 10 are allowed");
        }
        std::size_t rows = 0;
        for (const auto& s : l.sections) {
            if (l.sections.size() > 1 && s.title.empty()) {
                return refuse(131009, "Parameter value is not valid",
                              "A section title is required when a list has more than one section");
            }
            if (auto v = too_long("section['title']", s.title, 24)) return v;
            for (const auto& row : s.rows) {
                if (auto v = first_of({required("row['id']", row.id), too_long("row['id']", row.id, 200),
                                       required("row['title']", row.title), too_long("row['title']", row.title, 24),
                                       too_long("row['description']", row.description, 72)})) {
                    return v;
                }
                ++rows;
            }
        }
        if (rows < 1 || rows > 10) {
            return refuse(131009, "Parameter value is not valid",
                          "Rows count is " + std::to_string(rows) + "; between 1 and 10 are allowed in total");
        }
        return std::nullopt;
    }

    Verdict operator()(const core::OutgoingMedia& m) const {
        return too_long(std::string(core::media_kind_name(m.kind)) + "['caption']", m.caption, 1024);
    }

    Verdict operator()(const core::OutgoingLocation&) const { return std::nullopt; }
    Verdict operator()(const core::OutgoingReaction& r) const { return required("reaction['message_id']", r.message_id); }
    Verdict operator()(const core::OutgoingTemplate& t) const {
        return first_of({required("template['name']", t.name), required("template['language']['code']", t.language_code)});
    }
};

struct Placeholder {
    std::size_t begin = 0;
    std::size_t end = 0;  // one past "}}"
    std::string inner;
};

std::vector<Placeholder> placeholders(std::string_view body) {
    std::vector<Placeholder> out;
    std::size_t pos = 0;
    while ((pos = body.find("{{", pos)) != std::string_view::npos) {
        const auto close = body.find("}}", pos + 2);
        if (close == std::string_view::npos) break;
        out.push_back({pos, close + 2, std::string(body.substr(pos + 2, close - pos - 2))});
        pos = close + 2;
    }
    return out;
}

bool is_number(std::string_view s) {
    return !s.empty() && s.size() < 4 && s.find_first_not_of("0123456789") == std::string_view::npos;
}

bool blank(std::string_view s) {
    return s.find_first_not_of(" \t\r\n") == std::string_view::npos;
}

Refusal review_refusal(std::string user_msg) {
    Refusal r = refuse(100, "Invalid parameter", user_msg);
    r.user_msg = std::move(user_msg);
    return r;
}

}  // namespace

std::size_t code_points(std::string_view utf8) {
    return core::utf8_length(utf8);
}

std::optional<std::size_t> max_media_bytes(std::string_view mime) {
    constexpr std::size_t kMiB = 1024 * 1024;
    static const std::map<std::string, std::size_t, std::less<>> table = {
        {"audio/aac", 16 * kMiB},
        {"audio/amr", 16 * kMiB},
        {"audio/mpeg", 16 * kMiB},
        {"audio/mp4", 16 * kMiB},
        {"audio/ogg", 16 * kMiB},
        {"image/jpeg", 5 * kMiB},
        {"image/png", 5 * kMiB},
        {"image/webp", 500 * 1024},  // stickers: 100 KB static, 500 KB animated; the fake cannot tell them apart
        {"video/mp4", 16 * kMiB},
        {"video/3gpp", 16 * kMiB},
        {"text/plain", 100 * kMiB},
        {"application/pdf", 100 * kMiB},
        {"application/msword", 100 * kMiB},
        {"application/vnd.openxmlformats-officedocument.wordprocessingml.document", 100 * kMiB},
        {"application/vnd.ms-excel", 100 * kMiB},
        {"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", 100 * kMiB},
        {"application/vnd.ms-powerpoint", 100 * kMiB},
        {"application/vnd.openxmlformats-officedocument.presentationml.presentation", 100 * kMiB},
    };
    const auto it = table.find(base_mime(mime));
    if (it == table.end()) return std::nullopt;
    return it->second;
}

Verdict check_upload(std::string_view mime, std::size_t size) {
    const auto max = max_media_bytes(mime);
    if (!max) {
        // Graph answers an unsupported upload with code 100 and the list of types it takes.
        return refuse(100, "Param file must be a file with one of the following types: audio/aac, audio/amr, "
                           "audio/mpeg, audio/mp4, audio/ogg, image/jpeg, image/png, image/webp, video/mp4, "
                           "video/3gpp, text/plain, application/pdf, application/msword, application/vnd.ms-excel, "
                           "application/vnd.ms-powerpoint and the OpenXML document, sheet and presentation types.",
                      "Unsupported media type " + std::string(mime));
    }
    if (size > *max) {
        return media_error("The file is " + std::to_string(size) + " bytes; the maximum for " + base_mime(mime) +
                           " is " + std::to_string(*max));
    }
    return std::nullopt;
}

Verdict check_message_limits(const core::OutgoingMessage& message) {
    return std::visit(LimitChecker{}, message.body);
}

Verdict check_media(const core::OutgoingMessage& message, std::string_view declared_mime,
                    const std::map<std::string, MediaEntry>& media, core::TimePoint now) {
    if (const auto* m = std::get_if<core::OutgoingMedia>(&message.body)) {
        return check_source(m->kind, m->source, m->filename, declared_mime, media, now);
    }
    if (const auto* b = std::get_if<core::ReplyButtons>(&message.body)) {
        using Kind = core::InteractiveHeader::Kind;
        const auto k = b->header.kind;
        if (k == Kind::kImage || k == Kind::kVideo || k == Kind::kDocument) {
            const auto kind = k == Kind::kImage   ? core::MediaKind::kImage
                              : k == Kind::kVideo ? core::MediaKind::kVideo
                                                  : core::MediaKind::kDocument;
            return check_source(kind, b->header.media, {}, {}, media, now);
        }
    }
    if (const auto* t = std::get_if<core::OutgoingTemplate>(&message.body)) {
        if (t->has_header_media) {
            return check_source(t->header_media.kind, t->header_media.source, t->header_media.filename, {}, media, now);
        }
    }
    return std::nullopt;
}

bool needs_window(const core::OutgoingMessage& message) {
    return !std::holds_alternative<core::OutgoingTemplate>(message.body);
}

std::string fill_body(std::string_view body, const std::vector<std::string>& parameters) {
    std::string out;
    std::size_t from = 0;
    std::vector<std::string> names;  // a named template's parameters come in order of first appearance
    for (const auto& p : placeholders(body)) {
        out.append(body.substr(from, p.begin - from));
        std::size_t n = is_number(p.inner) ? std::stoul(p.inner) : 0;
        if (!is_number(p.inner)) {
            auto it = std::find(names.begin(), names.end(), p.inner);
            if (it == names.end()) it = names.insert(names.end(), p.inner);
            n = static_cast<std::size_t>(it - names.begin()) + 1;
        }
        if (n >= 1 && n <= parameters.size()) {
            out.append(parameters[n - 1]);
        } else {
            out.append(body.substr(p.begin, p.end - p.begin));
        }
        from = p.end;
    }
    out.append(body.substr(from));
    return out;
}

Verdict check_template_send(const core::OutgoingTemplate& message, const wire::TemplateDefinition* approved,
                            const std::vector<int>& quick_reply_indexes) {
    if (approved != nullptr && approved->status == "PAUSED") {
        return refuse(132015, "Template is Paused", "Template " + message.name + " is paused because of low quality");
    }
    if (approved != nullptr && approved->status == "DISABLED") {
        return refuse(132016, "Template is Disabled",
                      "Template " + message.name + " has been disabled because of low quality");
    }
    if (approved == nullptr || approved->status != "APPROVED") {
        return refuse(132001, "Template name does not exist in the translation",
                      "template name (" + message.name + ") does not exist in " + message.language_code);
    }
    const std::size_t expected = [&] {
        std::set<std::string> numbers;
        for (const auto& p : placeholders(approved->body)) numbers.insert(p.inner);
        return numbers.size();
    }();
    if (message.body_parameters.size() != expected) {
        return refuse(132000, "Number of parameters does not match the expected number of params",
                      "body: number of localizable_params (" + std::to_string(message.body_parameters.size()) +
                          ") does not match the expected number of params (" + std::to_string(expected) + ")");
    }
    std::vector<std::string> names;
    for (const auto& p : placeholders(approved->body)) {
        if (!is_number(p.inner) && std::find(names.begin(), names.end(), p.inner) == names.end()) names.push_back(p.inner);
    }
    for (const auto& p : message.body_parameters) {
        if (p.name.empty() != names.empty() ||
            (!p.name.empty() && std::find(names.begin(), names.end(), p.name) == names.end())) {
            return refuse(132000, "Number of parameters does not match the expected number of params",
                          "body: parameter " + (p.name.empty() ? std::string("(positional)") : p.name) +
                              " does not match the template's parameters");
        }
    }
    std::vector<std::string> texts(names.empty() ? 0 : names.size());
    for (const auto& p : message.body_parameters) {
        if (p.text.find_first_of("\n\t") != std::string::npos || p.text.find("     ") != std::string::npos) {
            return refuse(132018, "There was an issue with the parameters in your template.",
                          "Param text cannot have new-line/tab characters or more than 4 consecutive spaces");
        }
        if (p.text.empty()) {
            return refuse(100, "Invalid parameter", "Template body parameters cannot be empty");
        }
        if (names.empty()) {
            texts.push_back(p.text);
        } else {
            texts[static_cast<std::size_t>(std::find(names.begin(), names.end(), p.name) - names.begin())] = p.text;
        }
    }
    if (const std::size_t n = code_points(fill_body(approved->body, texts)); n > 1024) {
        return refuse(132005, "Translated text too long",
                      "The body is " + std::to_string(n) + " characters once its parameters are filled in; the "
                      "maximum is 1024");
    }
    // A button component for an index the template does not have is a mismatch of the template's approved
    // parameters, which Graph reports as 132000 (the same class of error as a wrong body parameter count),
    // rather than the generic 100 it uses for malformed JSON.
    for (const int index : quick_reply_indexes) {
        if (index < 0 || static_cast<std::size_t>(index) >= approved->quick_replies.size()) {
            return refuse(132000, "Number of parameters does not match the expected number of params",
                          "button at index " + std::to_string(index) + ": the template has " +
                              std::to_string(approved->quick_replies.size()) + " quick-reply buttons");
        }
    }
    return std::nullopt;
}

Verdict review_template(const wire::TemplateDefinition& t, const std::vector<wire::TemplateDefinition>& existing) {
    if (t.name.empty() || t.name.size() > 512 ||
        t.name.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_") != std::string::npos) {
        return review_refusal("The template name must be 1 to 512 lowercase letters, digits or underscores.");
    }
    if (t.language.empty()) return review_refusal("The template needs a language code.");
    if (t.category != "MARKETING" && t.category != "UTILITY" && t.category != "AUTHENTICATION") {
        return review_refusal("The category must be MARKETING, UTILITY or AUTHENTICATION.");
    }
    for (const auto& other : existing) {
        if (other.name == t.name && other.language == t.language) {
            return review_refusal("Content in this language already exists for template " + t.name + ".");
        }
    }
    if (blank(t.body)) return review_refusal("The template body is required.");
    if (code_points(t.body) > 1024) return review_refusal("The template body is longer than 1024 characters.");
    const auto marks = placeholders(t.body);
    // A template is positional ({{1}}, {{2}}…) or named ({{first_name}}), never both (Meta's parameter_format).
    const bool named = !marks.empty() && !is_number(marks.front().inner);
    std::vector<std::string> seen;
    for (std::size_t i = 0; i < marks.size(); ++i) {
        const auto& p = marks[i];
        if (named != !is_number(p.inner) ||
            (named && (p.inner.empty() || p.inner.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_") !=
                                              std::string::npos))) {
            return review_refusal("Placeholder {{" + p.inner +
                                  "}} is invalid: use {{1}}, {{2}}, … or lowercase names, not both.");
        }
        if (std::find(seen.begin(), seen.end(), p.inner) == seen.end()) {
            if (!named && p.inner != std::to_string(seen.size() + 1)) {
                return review_refusal("Placeholders must be numbered from {{1}} in order with none missing; found {{" +
                                      p.inner + "}} where {{" + std::to_string(seen.size() + 1) + "}} belongs.");
            }
            seen.push_back(p.inner);
        }
        if (i > 0 && blank(std::string_view(t.body).substr(marks[i - 1].end, p.begin - marks[i - 1].end))) {
            return review_refusal("Placeholders cannot be next to each other; put text between {{" +
                                  marks[i - 1].inner + "}} and {{" + p.inner + "}}.");
        }
    }
    if (!marks.empty()) {
        const auto first = t.body.find_first_not_of(" \t\r\n");
        const auto last = t.body.find_last_not_of(" \t\r\n");
        if (first == marks.front().begin || last + 1 == marks.back().end) {
            return review_refusal("The template body cannot start or end with a placeholder.");
        }
        if (t.body_examples.size() != seen.size()) {
            return review_refusal("The body has " + std::to_string(seen.size()) + " placeholders and " +
                                  std::to_string(t.body_examples.size()) +
                                  " example values; give one example value per placeholder.");
        }
    }
    if (t.quick_replies.size() > 10) return review_refusal("A template can have at most 10 quick-reply buttons.");
    for (const auto& title : t.quick_replies) {
        if (code_points(title) < 1 || code_points(title) > 25) {
            return review_refusal("A quick-reply button text must be 1 to 25 characters.");
        }
    }
    return std::nullopt;
}

std::string member_key(std::string_view id) {
    if (!id.empty() && id.front() == '+') id.remove_prefix(1);
    return std::string(id);
}

}  // namespace delvex::whatsapp::fake
