#include "bot/console/page.hpp"

#include <algorithm>

#include "bot/console/html.hpp"

namespace delvex::console {
namespace {


// Small on purpose (about 2 KB): one column on a phone, a bar of links on a laptop, tables that scroll
// sideways on a narrow screen, print without the navigation.
constexpr std::string_view kCss = R"css(*{box-sizing:border-box}
body{margin:0;font:16px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;color:#1d2421;background:#f6f5f1}
header{background:#24412f;color:#fff;padding:.5rem 1rem;display:flex;flex-wrap:wrap;gap:.5rem 1rem;align-items:center}
header .brand{font-weight:700;margin-right:auto}
header form{margin:0}
nav{background:#e4e1d6;padding:.25rem .5rem;display:flex;flex-wrap:wrap;gap:.25rem}
nav a{padding:.35rem .6rem;border-radius:4px;color:#1d2421;text-decoration:none}
nav a.on{background:#24412f;color:#fff}
main{max-width:72rem;margin:0 auto;padding:1rem}
h1{font-size:1.4rem;margin:.2rem 0 1rem}
h2{font-size:1.15rem;margin:1.5rem 0 .5rem}
table{border-collapse:collapse;width:100%;background:#fff}
.scroll{overflow-x:auto}
th,td{padding:.4rem .5rem;border-bottom:1px solid #ddd8ca;text-align:left;vertical-align:top}
th{background:#efece3;font-weight:600}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}
form.inline{display:inline}
label{display:block;margin:.5rem 0 .2rem;font-weight:600}
fieldset{border:1px solid #ddd8ca;border-radius:4px;margin:.5rem 0}
fieldset label{font-weight:400}
input,select,textarea{font:inherit;padding:.4rem;border:1px solid #9a9486;border-radius:4px;max-width:100%}
button,.button{font:inherit;padding:.4rem .8rem;border:0;border-radius:4px;background:#24412f;color:#fff;cursor:pointer;text-decoration:none;display:inline-block}
button.secondary{background:#6b665a}
button.danger{background:#9b2c1f}
.card input:not([type=hidden]):not([type=number]):not([type=checkbox]),.card textarea,.card select{width:100%;max-width:32rem}
.card{background:#fff;border:1px solid #ddd8ca;border-radius:6px;padding:1rem;margin:0 0 1rem}
.error{background:#fbe3df;border:1px solid #d9a79f;padding:.6rem;border-radius:4px}
.ok{background:#e2f1e4;border:1px solid #a7cfae;padding:.6rem;border-radius:4px}
.muted{color:#6b665a}
.grid{display:grid;gap:1rem;grid-template-columns:repeat(auto-fit,minmax(16rem,1fr))}
svg,img{max-width:100%;height:auto}
.poster{text-align:center;font-size:1.3rem}
.poster img{width:90%;max-width:30rem}
a.link{word-break:break-all}
@media print{header,nav,form,button{display:none}main{max-width:none}}
)css";

/// The document up to the open header with the brand: every page starts the same.
std::string head(const Texts& t, std::string_view title, std::size_t body_size) {
    std::string out;
    out.reserve(body_size + 2048);
    out += "<!doctype html><html lang=\"";
    out += escape(t.lang());
    out += "\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">"
           "<title>";
    append_escaped(out, title);
    out += " · Delve Exchange</title><link rel=\"stylesheet\" href=\"/console/console.css\"></head><body><header>"
           "<span class=\"brand\">Delve Exchange</span>";
    return out;
}

}  // namespace

const std::vector<Section>& all_sections() {
    static const std::vector<Section> sections = {Section::kOverview, Section::kMembers, Section::kModeration,
                                                  Section::kForums,   Section::kAcademy, Section::kDelivery,
                                                  Section::kRooms,    Section::kReports, Section::kAudit,
                                                  Section::kAccounts};
    return sections;
}

const std::vector<std::string>& console_languages() {
    static const std::vector<std::string> languages = {"en", "fr", "es", "pt"};
    return languages;
}

bool Viewer::sees_room(std::string_view room) const {
    if (sees_all_rooms()) {
        return true;
    }
    return std::find(user.rooms.begin(), user.rooms.end(), room) != user.rooms.end();
}

std::string_view section_path(Section section) {
    switch (section) {
        case Section::kOverview: return "overview";
        case Section::kMembers: return "members";
        case Section::kModeration: return "moderation";
        case Section::kForums: return "forums";
        case Section::kAcademy: return "academy";
        case Section::kDelivery: return "delivery";
        case Section::kRooms: return "rooms";
        case Section::kReports: return "reports";
        case Section::kAudit: return "audit";
        case Section::kAccounts: return "accounts";
    }
    return "overview";
}

bool may_open(const Viewer& viewer, Section section) {
    if (viewer.is_admin()) {
        return true;
    }
    if (section == Section::kAudit || section == Section::kAccounts) {
        return false;
    }
    if (viewer.user.role == "staff") {
        return true;
    }
    return section == Section::kModeration || section == Section::kForums || section == Section::kRooms;
}

std::string page(const Viewer& viewer, const Texts& t, Section section, std::string_view title, std::string_view body) {
    std::string out = head(t, title, body.size());
    out += "<span>";
    append_escaped(out, viewer.user.name);
    out += " · ";
    append_escaped(out, t("role." + viewer.user.role));
    out += "</span><form method=\"post\" action=\"/console/logout\">";
    out += csrf_field(viewer);
    out += "<button class=\"secondary\" type=\"submit\">";
    append_escaped(out, t("nav.logout"));
    out += "</button></form></header><nav>";
    for (const Section s : all_sections()) {
        if (!may_open(viewer, s)) {
            continue;
        }
        const auto path = section_path(s);
        out += "<a href=\"/console/";
        out += path;
        out += s == section ? "\" class=\"on\" aria-current=\"page\">" : "\">";
        append_escaped(out, t("nav." + std::string(path)));
        out += "</a>";
    }
    out += "</nav><main><h1>";
    append_escaped(out, title);
    out += "</h1>";
    out += body;
    out += "</main></body></html>\n";
    return out;
}

std::string bare_page(const Texts& t, std::string_view title, std::string_view body) {
    std::string out = head(t, title, body.size());
    out += "</header><main><h1>";
    append_escaped(out, title);
    out += "</h1>";
    out += body;
    out += "</main></body></html>\n";
    return out;
}

std::string csrf_field(const Viewer& viewer) {
    return "<input type=\"hidden\" name=\"csrf\" value=\"" + escape(viewer.csrf) + "\">";
}

std::string number(const Texts& t, long long n) {
    const bool negative = n < 0;
    std::string digits = std::to_string(negative ? -n : n);
    const std::string sep = t.lang() == "en" ? "," : "\u202F";  // narrow no-break space in fr, es, pt
    std::string out;
    const auto len = digits.size();
    for (std::size_t i = 0; i < len; ++i) {
        out += digits[i];
        const auto left = len - i - 1;
        if (left > 0 && left % 3 == 0) {
            out += sep;
        }
    }
    return negative ? "-" + out : out;
}

std::string_view stylesheet() {
    return kCss;
}

}  // namespace delvex::console
