#include "bot/whatsapp/fake_graph_support.hpp"

#include <cstdio>

#include "bot/core/crypto.hpp"

namespace delvex::whatsapp::fake {

std::string mint_wamid(std::string_view number, std::uint64_t serial) {
    std::string digits;
    for (const char c : number) {
        if (c >= '0' && c <= '9') {
            digits += c;
        }
    }
    char tail[32];
    std::snprintf(tail, sizeof tail, "%018llX", static_cast<unsigned long long>(serial));
    std::string raw = "\x1c\x18";
    raw += static_cast<char>(digits.size());
    raw += digits;
    raw += std::string("\x15\x02\x00\x11\x18\x12", 6);
    raw += tail;
    raw += '\0';
    return "wamid." + core::base64(raw);
}

std::string query_param(std::string_view query, std::string_view name) {
    while (!query.empty()) {
        const auto amp = query.find('&');
        const std::string_view pair = query.substr(0, amp);
        const auto eq = pair.find('=');
        if (pair.substr(0, eq) == name) {
            return eq == std::string_view::npos ? std::string() : std::string(pair.substr(eq + 1));
        }
        if (amp == std::string_view::npos) break;
        query.remove_prefix(amp + 1);
    }
    return {};
}

std::vector<std::string_view> split_path(std::string_view path) {
    std::vector<std::string_view> parts;
    while (!path.empty()) {
        if (path.front() == '/') {
            path.remove_prefix(1);
            continue;
        }
        const auto slash = path.find('/');
        parts.push_back(path.substr(0, slash));
        if (slash == std::string_view::npos) break;
        path.remove_prefix(slash);
    }
    return parts;
}

std::string header_param(std::string_view header, std::string_view key) {
    const std::string needle = std::string(key) + "=";
    auto pos = header.find(needle);
    if (pos == std::string_view::npos) return {};
    header.remove_prefix(pos + needle.size());
    if (!header.empty() && header.front() == '"') {
        header.remove_prefix(1);
        return std::string(header.substr(0, header.find('"')));
    }
    return std::string(header.substr(0, header.find_first_of("; \r\n")));
}

std::vector<Part> parse_multipart(std::string_view body, std::string_view boundary) {
    std::vector<Part> parts;
    const std::string delim = "--" + std::string(boundary);
    auto pos = body.find(delim);
    while (pos != std::string_view::npos) {
        pos += delim.size();
        if (body.substr(pos, 2) == "--") break;
        const auto headers_end = body.find("\r\n\r\n", pos);
        if (headers_end == std::string_view::npos) break;
        const auto next = body.find("\r\n" + delim, headers_end + 4);
        if (next == std::string_view::npos) break;
        const std::string_view headers = body.substr(pos, headers_end - pos);
        Part part;
        part.name = header_param(headers, "name");
        part.filename = header_param(headers, "filename");
        if (auto ct = headers.find("Content-Type:"); ct != std::string_view::npos) {
            auto value = headers.substr(ct + 13);
            value = value.substr(0, value.find("\r\n"));
            while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
            part.content_type = std::string(value);
        }
        part.data = std::string(body.substr(headers_end + 4, next - headers_end - 4));
        parts.push_back(std::move(part));
        pos = next + 2;
    }
    return parts;
}

RecordedMessage record_of(const wire::ParsedRequest& parsed, std::string raw) {
    RecordedMessage r;
    const auto& m = parsed.message;
    r.recipient = m.to.id;
    r.by_bsuid = m.to.kind == core::Recipient::Kind::kBsuid;
    r.type = parsed.type;
    r.context_message_id = m.context_message_id;
    r.raw_json = std::move(raw);
    if (const auto* text = std::get_if<core::OutgoingText>(&m.body)) {
        r.text = text->body;
    } else if (const auto* buttons = std::get_if<core::ReplyButtons>(&m.body)) {
        r.text = buttons->body;
        r.title = buttons->header.text;
        for (const auto& b : buttons->buttons) r.options.push_back(b.title);
    } else if (const auto* list = std::get_if<core::ListMessage>(&m.body)) {
        r.text = list->body;
        r.title = list->button;
        for (const auto& s : list->sections)
            for (const auto& row : s.rows) r.options.push_back(row.title);
    } else if (const auto* media = std::get_if<core::OutgoingMedia>(&m.body)) {
        r.text = media->caption;
    } else if (const auto* tmpl = std::get_if<core::OutgoingTemplate>(&m.body)) {
        r.text = tmpl->name;
        for (const auto& p : tmpl->body_parameters) r.options.push_back(p.text);
    } else if (const auto* reaction = std::get_if<core::OutgoingReaction>(&m.body)) {
        r.text = reaction->emoji;
    } else if (const auto* loc = std::get_if<core::OutgoingLocation>(&m.body)) {
        r.text = loc->name;
    }
    r.message = m;
    return r;
}
}  // namespace delvex::whatsapp::fake
