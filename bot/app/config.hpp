#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "bot/core/redact.hpp"
#include "bot/store/retention.hpp"

namespace delvex::app {

/// A bad or missing setting. what() is one line naming the key and what is wrong.
class ConfigError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

struct HttpLimits {
    std::size_t max_connections = 2000;
    std::size_t header_limit_bytes = 16 * 1024;
    std::size_t body_limit_bytes = 3 * 1024 * 1024;  ///< Meta sends up to 3 MB
    std::chrono::seconds header_timeout{5};          ///< request line and headers, once the first byte came
    std::chrono::seconds read_timeout{15};           ///< the body, once the headers are read
    std::size_t max_connections_per_address = 0;     ///< 0: no cap (behind a proxy all come from one address)
    std::size_t body_budget_bytes = 64 * 1024 * 1024;  ///< request body bytes being read at once, all connections
    std::chrono::seconds idle_timeout{60};           ///< keep-alive wait for the next request
    std::chrono::seconds write_timeout{15};
};

/// The rooms' rhythm (`rooms:` in the file).
struct RoomsConfig {
    int digest_hour = 18;                     ///< the daily digest's hour, in the member's zone (else the room's)
    int flood_posts = 10;                     ///< posts a member may make per flood window
    std::chrono::minutes flood_window{10};
    int auto_hold_reports = 3;                ///< distinct reports that hide a post until a moderator decides; 0 = never
    int reaction_limit = 30;                  ///< reactions a member may give per 10 minutes; 0 = no limit
    int command_limit = 20;                   ///< chat commands a member may send per 10 minutes; 0 = no limit
    int report_limit = 10;                    ///< REPORTs a member may send per hour; 0 = no limit
};

/// The forums' rhythm (`forums:` in the file).
struct ForumsConfig {
    /// Reminders before each forum, to those going or maybe (largest first).
    std::vector<std::chrono::minutes> reminders{std::chrono::minutes(24 * 60), std::chrono::minutes(60)};
    std::chrono::hours announce_before{3 * 24};  ///< the room is told this long before each forum
};

/// The Academy's rhythm (`academy:` in the file).
struct AcademyConfig {
    int nudge_after_days = 3;                 ///< an idle learner in an open module is nudged after this
    std::vector<int> review_days{2, 7, 21};   ///< spaced review after a pass; empty: none
    std::chrono::minutes answer_window{30};   ///< a typed answer or name counts this long after the question
};

struct Config {
    std::string home = ".";  ///< where config/ and academy-content/ are found
    std::string listen_host = "127.0.0.1";
    std::uint16_t listen_port = 8080;
    /// A second, private listener for /metrics, /healthz, /readyz and the admin API (`internal_listen`); when
    /// set, the public listener no longer serves /metrics or /api/. Empty host: off (one listener, as before).
    std::string internal_listen_host;
    std::uint16_t internal_listen_port = 0;
    std::string db_path = "delvex.db";
    bool db_durable = true;
    int io_threads = 1;  ///< load_config's default: the cores this process may use (default_io_threads)
    std::string log_level = "info";
    std::string log_format = "text";  ///< text or json (`serve --log-format`)
    /// The service's public https address (behind the TLS proxy), for links in messages: the forum's .ics,
    /// Academy media. Empty: messages carry no links.
    std::string public_url;
    /// The service's WhatsApp number as people dial it ("+254 700 000 000"): the console's join links and QR
    /// codes (`wa.me/<number>`). WHATSAPP_PHONE_NUMBER_ID is Meta's id of it, not the number. Empty: no links.
    std::string business_number;
    /// Members' photos, voice notes and documents, kept owner-only (docs/OPERATIONS.md); default: next to the
    /// database ("<database>-media"). Stored files are deleted after media_retention_days (0 = kept until the
    /// member's FORGET ME).
    std::string media_dir;
    int media_retention_days = 90;
    HttpLimits http;

    std::string graph_url = "https://graph.facebook.com";
    std::string api_version = "v25.0";
    std::string phone_number_id;
    std::string waba_id;
    bool appsecret_proof = false;
    core::Secret access_token;
    core::Secret app_secret;
    core::Secret verify_token;
    core::Secret admin_token;

    /// /readyz: a heartbeat write or a backlog that has not moved for this long makes the service not ready.
    std::chrono::seconds readiness_stall{30};

    int send_concurrency = 64;  ///< see config/delvex.example.yaml: in flight / round trip bounds sends/s
    std::chrono::milliseconds graph_timeout{10000};
    /// Egress proxy for the Graph API ("http://[user:password@]host:port"; HTTPS_PROXY), and the hosts reached
    /// without it (NO_PROXY). The proxy may hold a password: never logged.
    std::string https_proxy;
    std::string no_proxy;

    /// How long members' data is kept (`retention:` in the file; docs/OPERATIONS.md).
    store::RetentionPolicy retention{};

    RoomsConfig rooms{};
    ForumsConfig forums{};
    AcademyConfig academy{};
};

/// Reads an environment variable; tests pass their own.
using EnvLookup = std::function<std::optional<std::string>(const std::string&)>;

/// The process environment.
EnvLookup process_env();

/// Loads the YAML file (if any), then applies the environment overrides of docs/ARCHITECTURE.md. Secrets come
/// only from the environment or from files readable by their owner alone. With `require_whatsapp` the
/// WhatsApp credentials must all be present. Throws ConfigError.
Config load_config(const std::optional<std::string>& file, const EnvLookup& env, bool require_whatsapp);

/// The environment variable of a config key by the one rule: DELVEX_ and the key in upper snake case
/// (`http.max_connections` → DELVEX_HTTP_MAX_CONNECTIONS, `database` → DELVEX_DATABASE). Some keys also keep
/// an older name (DELVEX_DB, WHATSAPP_GRAPH_URL, …; docs/OPERATIONS.md lists them).
std::string env_name(const std::string& key);

/// Every key the config file may hold, dotted (`http.max_connections`), in order.
std::vector<std::string> setting_keys();

/// io_threads when not set: the cores this process may run on (its CPU affinity, so a container's cpuset
/// counts), 1 to 64.
int default_io_threads();

/// Parses "host:port" (e.g. "127.0.0.1:8080", "[::1]:0"). Throws ConfigError naming `key`.
std::pair<std::string, std::uint16_t> parse_listen(const std::string& key, const std::string& value);

/// Why an admin token is too weak to guard the admin API ("is 12 characters long; …"), or nullopt: under 32
/// characters, fewer than 8 different characters, a simple sequence or a repeated pattern.
std::optional<std::string> admin_token_weakness(std::string_view token);

/// Reads a secret file, refusing a symbolic link, anything but a regular file, a file another user owns and one
/// that group or others can read (checked on the opened file, not the path). Throws ConfigError naming `key`.
std::string read_secret_file(const std::string& key, const std::string& path);

}  // namespace delvex::app
