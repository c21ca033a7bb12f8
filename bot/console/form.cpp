#include "bot/console/form.hpp"

#include <boost/beast/http/field.hpp>

#include "bot/core/text.hpp"
#include "bot/http/routes.hpp"

namespace delvex::console {
namespace {

struct Part {
    std::string_view name;
    std::string_view content;
};

/// The boundary of a multipart/form-data request ("" when it is not one).
std::string boundary_of(const http::Request& request) {
    const std::string type = core::lower_ascii(std::string(request[boost::beast::http::field::content_type]));
    if (!type.starts_with("multipart/form-data")) {
        return {};
    }
    const std::string_view original = request[boost::beast::http::field::content_type];
    const auto at = type.find("boundary=");
    if (at == std::string::npos) {
        return {};
    }
    std::string boundary(original.substr(at + 9));
    if (const auto semi = boundary.find(';'); semi != std::string::npos) {
        boundary.resize(semi);
    }
    if (boundary.size() >= 2 && boundary.front() == '"' && boundary.back() == '"') {
        boundary = boundary.substr(1, boundary.size() - 2);
    }
    return boundary.size() <= 70 ? boundary : std::string();
}

/// The parts of a multipart body: each part's field name (from Content-Disposition) and its content.
std::vector<Part> parts_of(std::string_view body, const std::string& boundary) {
    std::vector<Part> parts;
    const std::string delimiter = "--" + boundary;
    auto at = body.find(delimiter);
    while (at != std::string_view::npos) {
        at += delimiter.size();
        if (body.substr(at, 2) == "--") {
            break;  // the closing delimiter
        }
        if (body.substr(at, 2) == "\r\n") {
            at += 2;
        }
        const auto headers_end = body.find("\r\n\r\n", at);
        if (headers_end == std::string_view::npos) {
            break;
        }
        const auto headers = body.substr(at, headers_end - at);
        const auto content_start = headers_end + 4;
        const auto next = body.find("\r\n" + delimiter, content_start);
        if (next == std::string_view::npos) {
            break;
        }
        Part part;
        part.content = body.substr(content_start, next - content_start);
        if (const auto name_at = headers.find("name=\""); name_at != std::string_view::npos) {
            const auto end = headers.find('"', name_at + 6);
            if (end != std::string_view::npos) {
                part.name = headers.substr(name_at + 6, end - name_at - 6);
            }
        }
        parts.push_back(part);
        at = next + 2;
    }
    return parts;
}

}  // namespace

std::vector<std::string> form_fields(const http::Request& request, std::string_view name) {
    std::vector<std::string> out;
    if (const auto boundary = boundary_of(request); !boundary.empty()) {
        for (const auto& part : parts_of(request.body(), boundary)) {
            if (part.name == name) {
                out.emplace_back(part.content);
            }
        }
        return out;
    }
    const std::string& raw = request.body();
    const std::string key = std::string(name) + "=";
    std::size_t at = 0;
    while (at < raw.size()) {
        auto end = raw.find('&', at);
        if (end == std::string::npos) {
            end = raw.size();
        }
        const std::string_view pair(raw.data() + at, end - at);
        if (pair.starts_with(key)) {
            // One pair at a time through the URL decoder: '+' and %XX.
            out.push_back(http::query_param("/?" + std::string(pair), name));
        }
        at = end + 1;
    }
    return out;
}

std::string form_field(const http::Request& request, std::string_view name) {
    auto all = form_fields(request, name);
    return all.empty() ? std::string() : std::move(all.front());
}

std::optional<std::string> uploaded_file(const http::Request& request, std::string_view name) {
    const auto boundary = boundary_of(request);
    if (boundary.empty()) {
        return std::nullopt;
    }
    for (const auto& part : parts_of(request.body(), boundary)) {
        if (part.name == name) {
            return std::string(part.content);
        }
    }
    return std::nullopt;
}

}  // namespace delvex::console
