#pragma once

// What every console page shares: who is looking (Viewer), the console's texts in their language, and the
// page shell (header, navigation for their role, the logout form). Pages are drawn on the server as plain
// HTML with one small stylesheet and no script, so they load on a cheap phone over a slow link.

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "bot/core/i18n.hpp"
#include "bot/store/console_accounts.hpp"

namespace delvex::console {

/// The console's languages (its texts are config/console/<lang>.yaml; Swahili falls back to English).
const std::vector<std::string>& console_languages();

/// The person looking at a page, with their session's CSRF token.
struct Viewer {
    store::ConsoleUser user{};
    std::string csrf{};

    bool is_admin() const { return user.role == "admin"; }
    /// Admins and staff see the whole network; a moderator sees only their rooms.
    bool sees_all_rooms() const { return user.role == "admin" || user.role == "staff"; }
    bool sees_room(std::string_view room) const;
    const std::string& lang() const { return user.language; }
};

/// The sections of the console, in navigation order.
enum class Section {
    kOverview, kMembers, kModeration, kForums, kAcademy, kDelivery, kRooms, kReports, kAudit, kAccounts
};

/// Every section, in navigation order.
const std::vector<Section>& all_sections();

/// The section's path under /console ("overview", "members", …) and its text key.
std::string_view section_path(Section section);
/// Whether the viewer's role may open the section (moderators: moderation, forums and rooms only; the audit
/// log and accounts: admins only).
bool may_open(const Viewer& viewer, Section section);

/// The console's texts (config/console/*.yaml) for one viewer's language.
class Texts {
public:
    Texts(const core::Catalog& catalog, std::string lang) : catalog_(catalog), lang_(std::move(lang)) {}
    std::string operator()(std::string_view key, const std::vector<std::pair<std::string, std::string>>& vars = {}) const {
        return catalog_.text(lang_, key, vars);
    }
    const std::string& lang() const { return lang_; }

private:
    const core::Catalog& catalog_;
    std::string lang_;
};

/// A whole page: `body` (HTML) inside the shell with the viewer's navigation, `section` highlighted.
std::string page(const Viewer& viewer, const Texts& t, Section section, std::string_view title, std::string_view body);

/// A page without navigation (the login form, errors before login).
std::string bare_page(const Texts& t, std::string_view title, std::string_view body);

/// The hidden form field carrying the viewer's CSRF token; every POST form includes it.
std::string csrf_field(const Viewer& viewer);

/// 12 345 in the viewer's language's grouping (en 12,345; fr/es/pt 12 345).
std::string number(const Texts& t, long long n);

/// The stylesheet every page links (/console/console.css).
std::string_view stylesheet();

}  // namespace delvex::console
