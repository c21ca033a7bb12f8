#include "bot/http/certificate_page.hpp"

#include "bot/academy/certificate_text.hpp"

namespace delvex::http {
namespace {

constexpr std::string_view kStyle =
    "body{font-family:'DejaVu Sans',Arial,sans-serif;max-width:40rem;margin:1rem auto;padding:0 1rem;"
    "color:#1c3657}h1{font-size:1.4rem;color:#299e8f}.ok{font-size:1.2rem;font-weight:bold}"
    "table{border-collapse:collapse;margin:1rem 0}td{padding:.3rem .8rem .3rem 0;vertical-align:top}"
    "td:first-child{color:#555}.proves{background:#fff5d9;color:#8c330d;padding:.8rem;margin:1rem 0}"
    "img{max-width:100%;border:1px solid #ccc}code{font-size:1.2rem}";

std::string head(const std::string& lang, const std::string& title) {
    return "<!DOCTYPE html>\n<html lang=\"" + html_escape(lang) + "\">\n<head>\n<meta charset=\"utf-8\">\n"
           "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
           "<meta name=\"robots\" content=\"noindex\">\n<title>" +
           html_escape(title) + "</title>\n<style>" + std::string(kStyle) + "</style>\n</head>\n<body>\n";
}

}  // namespace

std::string html_escape(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (char c : text) {
        switch (c) {
            case '&': out += "&amp;"; break;
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            case '"': out += "&quot;"; break;
            case '\'': out += "&#39;"; break;
            default: out += c;
        }
    }
    return out;
}

std::string certificate_page(const core::Catalog& catalog, const academy::Certificate& c, const std::string& module_title) {
    const std::string& lang = c.lang;
    const auto tr = [&](std::string_view key, const std::vector<std::pair<std::string, std::string>>& vars = {}) {
        return catalog.text(lang, std::string("academy.certificate.") + std::string(key), vars);
    };
    const std::string name = c.learner_name.empty() ? catalog.text(lang, "academy.verify.no_name") : c.learner_name;
    std::string page = head(lang, tr("page_title", {{"code", c.code}}));
    page += "<h1>" + html_escape(tr("heading")) + "</h1>\n";
    page += "<p class=\"ok\">" + html_escape(tr("page_valid")) + "</p>\n<table>\n";
    const auto row = [&](std::string_view key, const std::string& value) {
        page += "<tr><td>" + html_escape(tr(key)) + "</td><td>" + html_escape(value) + "</td></tr>\n";
    };
    row("page_learner", name);
    row("page_course", module_title);
    row("page_score", std::to_string(c.score) + "%");
    row("page_date", academy::certificate_date(c.issued_ms));
    page += "<tr><td>" + html_escape(tr("page_code")) + "</td><td><code>" + html_escape(c.code) + "</code></td></tr>\n";
    page += "</table>\n<p class=\"proves\">" + html_escape(tr("proves")) + "</p>\n";
    page += "<p><img src=\"" + html_escape(c.code) + ".png\" alt=\"" + html_escape(tr("page_image")) + "\"></p>\n";
    page += "</body>\n</html>\n";
    return page;
}

std::string unknown_certificate_page(const core::Catalog& catalog, const std::string& lang, const std::string& code) {
    const std::string text = catalog.text(lang, "academy.certificate.page_unknown", {{"code", code}});
    return head(lang, text) + "<p>" + html_escape(text) + "</p>\n</body>\n</html>\n";
}

}  // namespace delvex::http
