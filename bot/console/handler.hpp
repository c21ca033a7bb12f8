#pragma once

// The web console's HTTP edge, mounted at /console by `delvex serve`: login and logout, the session check
// and CSRF check of every request, the role check of every section, then the section's page. Sessions live in
// SQLite (store::ConsoleAccounts); the cookie is HttpOnly, SameSite=Strict, path /console, and Secure when the
// request came through TLS (X-Forwarded-Proto: https from the proxy). Every POST carries the session's CSRF
// token in a hidden field; the login form carries a token of its own (double submit). Failed logins are
// limited per address and per account name. Reads run on the console's own read-only connection and thread;
// writes on the writer thread, each with its audit-log row.

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "bot/community/regions.hpp"
#include "bot/console/page.hpp"
#include "bot/core/clock.hpp"
#include "bot/core/i18n.hpp"
#include "bot/http/auth_limiter.hpp"
#include "bot/http/server.hpp"
#include "bot/store/db_reader.hpp"
#include "bot/store/db_writer.hpp"

namespace delvex::events {
class ForumsFeature;
class Moderation;
}  // namespace delvex::events

namespace delvex::console {

struct ConsoleSettings {
    /// The business number's digits as members see it (for wa.me join links); empty: links are not shown.
    std::string business_number{};
    /// How long a login lasts.
    std::chrono::hours session_length{12};
};

/// What the pages may use. All outlive the handler.
struct ConsoleDeps {
    store::DbWriter& writer;
    store::DbReader& reader;  ///< the console's own read-only connection
    const core::Clock& clock;
    const core::Catalog& texts;          ///< config/console/*.yaml
    const core::Catalog& member_texts;   ///< config/locales/*.yaml (what members read)
    const community::Regions& regions;
    events::ForumsFeature* forums = nullptr;
    events::Moderation* moderation = nullptr;
    ConsoleSettings settings{};
    /// Called after a write that queued messages (the dispatcher sends them); set by the service.
    std::function<void()> outbox_written{};
};

/// One request to a section's page, once the viewer is known (and, for a POST, the CSRF token checked).
struct PageRequest {
    const http::Request& request;
    const Viewer& viewer;
    const Texts& t;
    ConsoleDeps& deps;
    std::string rest{};  ///< the path after /console/<section>, e.g. "/12/approve"; "" for the section itself

    /// A query-string value of the target, percent-decoded.
    std::string query(std::string_view name) const;
    /// A field of an application/x-www-form-urlencoded body, percent-decoded.
    std::string form(std::string_view name) const;
    /// Every value of a repeated form field (checked boxes: "room=a&room=b"), percent-decoded, in order.
    std::vector<std::string> form_all(std::string_view name) const;
    std::int64_t now_ms() const;
};

using PageFn = std::function<boost::asio::awaitable<http::Response>(PageRequest&)>;

class ConsoleHandler final : public http::Handler {
public:
    static constexpr int kMaxFailuresPerAddress = 10;  ///< a minute
    static constexpr int kMaxFailuresPerName = 5;      ///< five minutes

    explicit ConsoleHandler(ConsoleDeps deps);

    /// Registers a section's GET page and, optionally, its POST actions.
    void add(Section section, PageFn get, PageFn post = {});
    /// What to call after a console action queued messages (the dispatcher's kick). Call before serving.
    void on_outbox(std::function<void()> kick) { deps_.outbox_written = std::move(kick); }

    boost::asio::awaitable<http::Response> handle(http::Request request, http::SteadyTime started) override;
    std::optional<http::Response> admit(const http::Request& header) override;

private:
    boost::asio::awaitable<http::Response> login_form(const http::Request& request, std::string error);
    boost::asio::awaitable<http::Response> login(const http::Request& request);
    boost::asio::awaitable<http::Response> logout(const http::Request& request, const Viewer& viewer);
    boost::asio::awaitable<std::optional<Viewer>> viewer_of(const http::Request& request);

    ConsoleDeps deps_;
    std::map<Section, std::pair<PageFn, PageFn>> pages_;
    http::AuthFailureLimiter by_address_;
    http::AuthFailureLimiter by_name_;
};

/// A console page response: HTML, never cached, framed by nobody, with a strict content security policy
/// (no script at all; styles from /console only).
http::Response html(boost::beast::http::status status, std::string body);
/// A 303 to `location`.
http::Response see_other(std::string_view location);
/// The page the viewer gets for a section their role may not open, or another room's page.
http::Response forbidden(const Viewer& viewer, const Texts& t);
/// The value of cookie `name` in the request's Cookie header, or empty.
std::string cookie(const http::Request& request, std::string_view name);
/// The language for someone not logged in: the first of Accept-Language the console speaks, else English.
std::string language_of(const http::Request& request);

}  // namespace delvex::console
