#include "bot/app/config.hpp"

#include "bot/store/landing_log.hpp"
#include "bot/whatsapp/http_url.hpp"
#include "bot/whatsapp/proxy.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <yaml-cpp/yaml.h>

#include <sched.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cctype>
#include <charconv>
#include <functional>
#include <cstdlib>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string_view>
#include <thread>

namespace delvex::app {
namespace {

[[noreturn]] void fail(const std::string& key, const std::string& what) {
    throw ConfigError(key + ": " + what);
}

/// The tag a value from the environment carries in the YAML tree, naming its variable for error messages.
constexpr std::string_view kEnvTag = "!env:";

// Every key the file may hold; anything else is a typo we refuse rather than silently ignore.
const std::set<std::string>& known_keys() {
    static const std::set<std::string> keys = {
        "home",
        "listen",
        "internal_listen",
        "database",
        "database_durable",
        "io_threads",
        "log_level",
        "log_format",
        "public_url",
        "business_number",
        "readiness_stall_seconds",
        "media_dir",
        "media_retention_days",
        "http.max_connections",
        "http.header_limit_bytes",
        "http.body_limit_bytes",
        "http.header_timeout_seconds",
        "http.read_timeout_seconds",
        "http.max_connections_per_address",
        "http.body_budget_bytes",
        "http.idle_timeout_seconds",
        "http.write_timeout_seconds",
        "whatsapp.graph_url",
        "whatsapp.api_version",
        "whatsapp.phone_number_id",
        "whatsapp.waba_id",
        "whatsapp.appsecret_proof",
        "whatsapp.access_token_file",
        "whatsapp.app_secret_file",
        "whatsapp.verify_token_file",
        "whatsapp.send_concurrency",
        "whatsapp.timeout_ms",
        "whatsapp.https_proxy",
        "whatsapp.no_proxy",
        "admin.token_file",
        "retention.inbox_days",
        "retention.outbox_days",
        "retention.quarantine_days",
        "retention.set_aside_days",
        "rooms.digest_hour",
        "rooms.flood_posts",
        "rooms.flood_window_minutes",
        "rooms.auto_hold_reports",
        "rooms.reaction_limit",
        "rooms.command_limit",
        "rooms.report_limit",
        "forums.reminder_minutes",
        "forums.announce_hours",
        "academy.nudge_after_days",
        "academy.review_days",
        "academy.answer_window_minutes",
    };
    return keys;
}

void check_keys(const YAML::Node& node, const std::string& prefix) {
    if (!node.IsMap()) {
        fail(prefix.empty() ? "config" : prefix, "expected a mapping");
    }
    for (const auto& item : node) {
        // `[a]: 1` or `{a: b}: 1` is valid YAML with a non-text key; as<std::string>() would throw a
        // YAML exception instead of naming the problem.
        if (!item.first.IsScalar()) {
            fail(prefix.empty() ? "config" : prefix,
                 "line " + std::to_string(item.first.Mark().line + 1) + ": a key must be a plain name");
        }
        const std::string name = prefix.empty() ? item.first.Scalar() : prefix + "." + item.first.Scalar();
        if (name == "http" || name == "whatsapp" || name == "admin" || name == "retention" || name == "rooms" ||
            name == "forums" || name == "academy") {
            if (item.second.IsMap()) {
                check_keys(item.second, name);
            } else if (!item.second.IsNull()) {
                fail(name, "expected a mapping");
            }
            continue;
        }
        if (name.ends_with("token") || name.ends_with("secret")) {
            fail(name, "secrets may not be written in the config file; use the environment or a *_file key");
        }
        if (!known_keys().contains(name)) {
            fail(name, "unknown key");
        }
    }
}

YAML::Node lookup(const YAML::Node& root, const std::string& dotted) {
    YAML::Node node = YAML::Clone(root);
    std::stringstream parts(dotted);
    std::string part;
    while (std::getline(parts, part, '.')) {
        if (!node.IsMap()) {
            return YAML::Node();
        }
        node = node[part];
        if (!node.IsDefined()) {
            return YAML::Node();
        }
    }
    return node;
}

template <typename T>
void read(const YAML::Node& root, const std::string& key, T& out) {
    const YAML::Node node = lookup(root, key);
    if (!node.IsDefined() || node.IsNull()) {
        return;
    }
    try {
        out = node.as<T>();
    } catch (const YAML::Exception&) {
        // A value from the environment has no line; name the variable instead.
        if (node.Tag().starts_with(kEnvTag)) {
            fail(key + " (" + node.Tag().substr(kEnvTag.size()) + ")", "has the wrong type");
        }
        fail(key, "has the wrong type (line " + std::to_string(node.Mark().line + 1) + ")");
    }
}

/// A duration given as a whole number of the duration's own unit, from 1 to `max`. The bound keeps the
/// later conversions (to milliseconds for the server, to nanoseconds in Asio's timers) from overflowing.
template <typename Duration>
void read_positive(const YAML::Node& root, const std::string& key, Duration& out, long long max) {
    long long value = out.count();
    read(root, key, value);
    if (value <= 0 || value > max) {
        fail(key, "must be a whole number from 1 to " + std::to_string(max));
    }
    out = Duration{value};
}

/// A size or count from `min` to `max` (a negative number is refused, not wrapped around).
void read_size(const YAML::Node& root, const std::string& key, std::size_t& out, long long min, long long max) {
    long long value = static_cast<long long>(out);
    read(root, key, value);
    if (value < min || value > max) {
        fail(key, "must be a whole number from " + std::to_string(min) + " to " + std::to_string(max));
    }
    out = static_cast<std::size_t>(value);
}

/// A whole number from `min` to `max`.
void read_bounded(const YAML::Node& root, const std::string& key, int& out, long long min, long long max) {
    long long value = out;
    read(root, key, value);
    if (value < min || value > max) {
        fail(key, "must be a whole number from " + std::to_string(min) + " to " + std::to_string(max));
    }
    out = static_cast<int>(value);
}

/// A number of days from `min` to `max`; `why` explains the minimum when it is not 1.
void read_days(const YAML::Node& root, const std::string& key, int& out, long long min, long long max,
               const std::string& why) {
    long long value = out;
    read(root, key, value);
    if (value < min || value > max) {
        fail(key, "must be a whole number of days from " + std::to_string(min) + " to " + std::to_string(max) + why);
    }
    out = static_cast<int>(value);
}

/// A list of whole numbers, each from `min` to `max`, at most `most` of them: a YAML sequence (`[2, 7, 21]`)
/// or, as the environment gives it, one text with commas ("2, 7, 21"). Empty is an empty list.
std::vector<long long> read_numbers(const YAML::Node& root, const std::string& key, std::vector<long long> out,
                                    long long min, long long max, std::size_t most) {
    const YAML::Node node = lookup(root, key);
    if (!node.IsDefined() || node.IsNull()) {
        return out;
    }
    std::vector<std::string> items;
    if (node.IsSequence()) {
        for (const auto& item : node) {
            items.push_back(item.IsScalar() ? item.Scalar() : std::string("?"));
        }
    } else if (node.IsScalar()) {
        std::stringstream parts(node.Scalar());
        std::string part;
        while (std::getline(parts, part, ',')) {
            const auto first = part.find_first_not_of(" \t");
            items.push_back(first == std::string::npos ? std::string() : part.substr(first, part.find_last_not_of(" \t") + 1 - first));
        }
        if (items.size() == 1 && items.front().empty()) {
            items.clear();
        }
    } else {
        fail(key, "expected a list of whole numbers such as [2, 7, 21] or \"2, 7, 21\"");
    }
    const std::string range = "from " + std::to_string(min) + " to " + std::to_string(max);
    if (items.size() > most) {
        fail(key, "holds " + std::to_string(items.size()) + " numbers; at most " + std::to_string(most));
    }
    out.clear();
    for (const auto& item : items) {
        long long v = 0;
        const auto [end, ec] = std::from_chars(item.data(), item.data() + item.size(), v);
        if (item.empty() || ec != std::errc() || end != item.data() + item.size() || v < min || v > max) {
            fail(key, "'" + item + "' is not a whole number " + range);
        }
        out.push_back(v);
    }
    return out;
}

template <typename Int>
Int parse_int(const std::string& key, const std::string& value, long long min, long long max) {
    std::size_t pos = 0;
    long long v = 0;
    try {
        v = std::stoll(value, &pos);
    } catch (const std::exception&) {
        fail(key, "'" + value + "' is not a number");
    }
    if (pos != value.size()) {
        fail(key, "'" + value + "' is not a number");
    }
    if (v < min || v > max) {
        fail(key, std::to_string(v) + " is out of range " + std::to_string(min) + ".." + std::to_string(max));
    }
    return static_cast<Int>(v);
}

// Names the environment had before the one rule (README, docs/ARCHITECTURE.md); they still work, next to the rule's.
const std::multimap<std::string, std::string>& legacy_env_names() {
    static const std::multimap<std::string, std::string> names = {
        {"database", "DELVEX_DB"},
        {"whatsapp.graph_url", "WHATSAPP_GRAPH_URL"},
        {"whatsapp.api_version", "WHATSAPP_API_VERSION"},
        {"whatsapp.phone_number_id", "WHATSAPP_PHONE_NUMBER_ID"},
        {"whatsapp.waba_id", "WHATSAPP_BUSINESS_ACCOUNT_ID"},
        {"whatsapp.access_token", "WHATSAPP_ACCESS_TOKEN"},
        {"whatsapp.app_secret", "WHATSAPP_APP_SECRET"},
        {"whatsapp.verify_token", "WHATSAPP_VERIFY_TOKEN"},
        // The container convention: the secret's variable with _FILE names a file holding it.
        {"whatsapp.access_token_file", "WHATSAPP_ACCESS_TOKEN_FILE"},
        {"whatsapp.app_secret_file", "WHATSAPP_APP_SECRET_FILE"},
        {"whatsapp.verify_token_file", "WHATSAPP_VERIFY_TOKEN_FILE"},
        // The proxy conventions curl, pip and apt follow, in both cases.
        {"whatsapp.https_proxy", "HTTPS_PROXY"},
        {"whatsapp.https_proxy", "https_proxy"},
        {"whatsapp.no_proxy", "NO_PROXY"},
        {"whatsapp.no_proxy", "no_proxy"},
    };
    return names;
}

/// A setting's value from the environment: the rule's name or the older one (an empty value counts as unset).
/// Both set to different values is an error rather than a silent choice. Returns the value and the name.
std::optional<std::pair<std::string, std::string>> env_setting(const EnvLookup& env, const std::string& key) {
    const std::string rule = env_name(key);
    std::optional<std::pair<std::string, std::string>> found;
    if (auto v = env(rule); v && !v->empty()) {
        found.emplace(*v, rule);
    }
    const auto [first, last] = legacy_env_names().equal_range(key);
    for (auto legacy = first; legacy != last; ++legacy) {
        if (auto v = env(legacy->second); v && !v->empty()) {
            if (found && found->first != *v) {
                fail(key, found->second + " and " + legacy->second + " are both set, to different values; keep one");
            }
            found.emplace(*v, legacy->second);
        }
    }
    return found;
}

/// Sets `dotted` in the YAML tree (creating the mapping on the way) to a plain text value from `variable`.
void assign(YAML::Node& root, const std::string& dotted, const std::string& value, const std::string& variable) {
    YAML::Node scalar(value);
    scalar.SetTag(std::string(kEnvTag) + variable);
    const auto dot = dotted.find('.');
    if (dot == std::string::npos) {
        root[dotted] = scalar;
        return;
    }
    YAML::Node section = root[dotted.substr(0, dot)];
    if (!section.IsMap()) {
        section = YAML::Node(YAML::NodeType::Map);
        root[dotted.substr(0, dot)] = section;
    }
    section[dotted.substr(dot + 1)] = scalar;
}

/// The CPUs this process may run on (its affinity mask; a container's cpuset), at least 1.
int available_cores() {
    cpu_set_t set;
    CPU_ZERO(&set);
    if (::sched_getaffinity(0, sizeof(set), &set) == 0) {
        return std::max(1, CPU_COUNT(&set));
    }
    return std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
}

}  // namespace

std::string env_name(const std::string& key) {
    std::string name = "DELVEX_";
    for (char c : key) {
        name.push_back(c == '.' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
    }
    return name;
}

std::vector<std::string> setting_keys() {
    return {known_keys().begin(), known_keys().end()};
}

int default_io_threads() {
    return std::min(available_cores(), 64);
}

EnvLookup process_env() {
    return [](const std::string& name) -> std::optional<std::string> {
        const char* v = std::getenv(name.c_str());
        if (v == nullptr) {
            return std::nullopt;
        }
        return std::string(v);
    };
}

std::pair<std::string, std::uint16_t> parse_listen(const std::string& key, const std::string& value) {
    const auto colon = value.rfind(':');
    if (colon == std::string::npos || colon == 0 || colon + 1 == value.size()) {
        fail(key, "'" + value + "' is not host:port");
    }
    std::string host = value.substr(0, colon);
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
        host = host.substr(1, host.size() - 2);
    }
    return {host, parse_int<std::uint16_t>(key, value.substr(colon + 1), 0, 65535)};
}

namespace {

std::string read_secret(const std::string& key, const std::string& path, bool root_may_own) {
    // Opened once, and every check is made on what was opened (fstat), so the file cannot be swapped between a
    // check and the read (security review L-5). O_NOFOLLOW: a symbolic link is refused, not followed to
    // wherever it leads; O_NONBLOCK: a FIFO put in its place cannot hang the start.
    const int fd = ::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    if (fd < 0) {
        if (errno == ELOOP) {
            fail(key, path + " is a symbolic link; name the file itself");
        }
        fail(key, "cannot read secret file " + path);
    }
    struct Closer {
        int handle;
        ~Closer() { ::close(handle); }
    } closer{fd};
    struct stat st {};
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        fail(key, path + " is not a regular file");
    }
    if (st.st_uid != ::geteuid() && !(root_may_own && st.st_uid == 0)) {
        fail(key, path + " belongs to uid " + std::to_string(st.st_uid) + ", not to the service's user (uid " +
                      std::to_string(::geteuid()) + "); chown it");
    }
    if ((st.st_mode & (S_IRWXG | S_IRWXO)) != 0) {
        fail(key, path + " is readable by group or others; chmod 600 it");
    }
    constexpr off_t kMaxSecret = 64 * 1024;
    if (st.st_size > kMaxSecret) {
        fail(key, path + " is larger than 64 KiB; it should hold one secret");
    }
    std::string value;
    char buf[4096];
    for (;;) {
        const ssize_t n = ::read(fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0) {
            fail(key, "cannot read secret file " + path);
        }
        if (n == 0 || value.size() > static_cast<std::size_t>(kMaxSecret)) {
            break;
        }
        value.append(buf, static_cast<std::size_t>(n));
    }
    while (!value.empty() && (value.back() == '\n' || value.back() == '\r' || value.back() == ' ')) {
        value.pop_back();
    }
    if (value.empty()) {
        fail(key, path + " is empty");
    }
    return value;
}

}  // namespace

std::string read_secret_file(const std::string& key, const std::string& path) {
    return read_secret(key, path, false);
}

std::optional<std::string> admin_token_weakness(std::string_view token) {
    constexpr std::size_t kMin = 32;
    if (token.size() < kMin) {
        return "is " + std::to_string(token.size()) + " characters long; use at least " + std::to_string(kMin) +
               " random ones (openssl rand -hex 32)";
    }
    const std::set<char> distinct(token.begin(), token.end());
    if (distinct.size() < 8) {
        return "uses only " + std::to_string(distinct.size()) +
               " different characters; use a random one (openssl rand -hex 32)";
    }
    // "abcdefgh…", "0123456789…", "zyxw…": each character one step from the last.
    bool sequence = true;
    for (std::size_t i = 2; i < token.size() && sequence; ++i) {
        sequence = token[i] - token[i - 1] == token[1] - token[0];
    }
    if (sequence) {
        return "is a simple sequence of characters; use a random one (openssl rand -hex 32)";
    }
    // A shorter string said again and again ("secretsecretsecret…", "Passw0rd!Passw0rd!…").
    for (std::size_t period = 1; period <= token.size() / 2; ++period) {
        bool repeats = true;
        for (std::size_t i = period; i < token.size() && repeats; ++i) {
            repeats = token[i] == token[i - period];
        }
        if (repeats) {
            return "repeats a " + std::to_string(period) +
                   "-character pattern; use a random one (openssl rand -hex 32)";
        }
    }
    return std::nullopt;
}

Config load_config(const std::optional<std::string>& file, const EnvLookup& env, bool require_whatsapp) {
    Config cfg;
    YAML::Node root;
    std::optional<std::string> path = file;
    if (!path) {
        path = env("DELVEX_CONFIG");
    }
    if (path) {
        try {
            root = YAML::LoadFile(*path);
        } catch (const YAML::BadFile&) {
            fail("config", "cannot read " + *path);
        } catch (const YAML::Exception& e) {
            fail("config", *path + ":" + std::to_string(e.mark.line + 1) + ": " + e.msg);
        }
        if (!root.IsNull()) {
            check_keys(root, "");
        }
    }
    if (!root.IsMap()) {
        root = YAML::Node(YAML::NodeType::Map);
    }
    // The one rule: every key of the file is also DELVEX_<KEY IN UPPER SNAKE CASE> (http.max_connections is
    // DELVEX_HTTP_MAX_CONNECTIONS), and the environment wins over the file.
    for (const auto& key : known_keys()) {
        if (auto v = env_setting(env, key)) {
            assign(root, key, v->first, v->second);
        }
    }
    cfg.io_threads = default_io_threads();

    std::string listen;
    read(root, "home", cfg.home);
    read(root, "listen", listen);
    std::string internal_listen;
    read(root, "internal_listen", internal_listen);
    read(root, "database", cfg.db_path);
    read(root, "database_durable", cfg.db_durable);
    read(root, "io_threads", cfg.io_threads);
    read(root, "log_level", cfg.log_level);
    read(root, "log_format", cfg.log_format);
    read(root, "public_url", cfg.public_url);
    read(root, "business_number", cfg.business_number);
    read(root, "media_dir", cfg.media_dir);
    read(root, "media_retention_days", cfg.media_retention_days);
    constexpr long long kDay = 24 * 3600;
    read_positive(root, "readiness_stall_seconds", cfg.readiness_stall, kDay);
    read_size(root, "http.max_connections", cfg.http.max_connections, 1, 1'000'000);
    read_size(root, "http.header_limit_bytes", cfg.http.header_limit_bytes, 1024, 1024 * 1024);
    read_size(root, "http.body_limit_bytes", cfg.http.body_limit_bytes, 1024, store::kMaxWebhookBody);
    constexpr long long kTenYears = 3660;
    read_days(root, "retention.inbox_days", cfg.retention.inbox_days, store::kMinInboxDays, kTenYears,
              " (Meta retries a webhook for up to 7 days; the row is what tells a retry from a new message)");
    read_days(root, "retention.outbox_days", cfg.retention.outbox_days, 1, kTenYears, "");
    read_days(root, "retention.quarantine_days", cfg.retention.quarantine_days, 1, kTenYears, "");
    read_days(root, "retention.set_aside_days", cfg.retention.set_aside_days, 1, kTenYears, "");
    read_positive(root, "http.header_timeout_seconds", cfg.http.header_timeout, kDay);
    read_positive(root, "http.read_timeout_seconds", cfg.http.read_timeout, kDay);
    read_size(root, "http.max_connections_per_address", cfg.http.max_connections_per_address, 0, 1'000'000);
    read_size(root, "http.body_budget_bytes", cfg.http.body_budget_bytes, 1024, 64LL * 1024 * 1024 * 1024);
    if (cfg.http.body_budget_bytes < cfg.http.body_limit_bytes) {
        fail("http.body_budget_bytes", "must be at least http.body_limit_bytes (" +
                                           std::to_string(cfg.http.body_limit_bytes) + "), or no body that size could ever be read");
    }
    read_positive(root, "http.idle_timeout_seconds", cfg.http.idle_timeout, kDay);
    read_positive(root, "http.write_timeout_seconds", cfg.http.write_timeout, kDay);
    read_bounded(root, "rooms.digest_hour", cfg.rooms.digest_hour, 0, 23);
    read_bounded(root, "rooms.flood_posts", cfg.rooms.flood_posts, 1, 1000);
    read_positive(root, "rooms.flood_window_minutes", cfg.rooms.flood_window, 24 * 60);
    read_bounded(root, "rooms.auto_hold_reports", cfg.rooms.auto_hold_reports, 0, 1000);
    read_bounded(root, "rooms.reaction_limit", cfg.rooms.reaction_limit, 0, 10000);
    read_bounded(root, "rooms.command_limit", cfg.rooms.command_limit, 0, 10000);
    read_bounded(root, "rooms.report_limit", cfg.rooms.report_limit, 0, 10000);
    {
        std::vector<long long> minutes;
        for (const auto m : cfg.forums.reminders) {
            minutes.push_back(m.count());
        }
        // Up to 30 days before; a reminder needs a closed window's template, so a handful is plenty.
        minutes = read_numbers(root, "forums.reminder_minutes", minutes, 1, 30LL * 24 * 60, 5);
        std::sort(minutes.begin(), minutes.end(), std::greater<>());
        if (std::adjacent_find(minutes.begin(), minutes.end()) != minutes.end()) {
            fail("forums.reminder_minutes", "names the same time twice");
        }
        cfg.forums.reminders.clear();
        for (const auto m : minutes) {
            cfg.forums.reminders.emplace_back(m);
        }
    }
    read_positive(root, "forums.announce_hours", cfg.forums.announce_before, 60 * 24);
    read_bounded(root, "academy.nudge_after_days", cfg.academy.nudge_after_days, 1, 365);
    {
        const auto days = read_numbers(root, "academy.review_days",
                                       {cfg.academy.review_days.begin(), cfg.academy.review_days.end()}, 1, 365, 10);
        if (!std::is_sorted(days.begin(), days.end()) || std::adjacent_find(days.begin(), days.end()) != days.end()) {
            fail("academy.review_days", "must grow from one review to the next, e.g. 2, 7, 21");
        }
        cfg.academy.review_days.assign(days.begin(), days.end());
    }
    read_positive(root, "academy.answer_window_minutes", cfg.academy.answer_window, 24 * 60);
    read(root, "whatsapp.graph_url", cfg.graph_url);
    read(root, "whatsapp.api_version", cfg.api_version);
    read(root, "whatsapp.phone_number_id", cfg.phone_number_id);
    read(root, "whatsapp.waba_id", cfg.waba_id);
    read(root, "whatsapp.appsecret_proof", cfg.appsecret_proof);
    read(root, "whatsapp.send_concurrency", cfg.send_concurrency);
    read_positive(root, "whatsapp.timeout_ms", cfg.graph_timeout, 10 * 60 * 1000);
    read(root, "whatsapp.https_proxy", cfg.https_proxy);
    read(root, "whatsapp.no_proxy", cfg.no_proxy);
    if (!cfg.https_proxy.empty()) {
        std::string why;
        if (!whatsapp::parse_proxy(cfg.https_proxy, why)) {
            fail("whatsapp.https_proxy", why);  // the value may hold a password: never echoed
        }
    }

    // Secrets, each from the first of: its variable (WHATSAPP_ACCESS_TOKEN or DELVEX_WHATSAPP_ACCESS_TOKEN), the
    // file its *_file key names (or DELVEX_…_FILE, WHATSAPP_…_FILE), a systemd credential of the key's name with
    // '_' for '.' ($CREDENTIALS_DIRECTORY/whatsapp_access_token).
    const auto credentials = env("CREDENTIALS_DIRECTORY");
    auto secret = [&](const std::string& key, core::Secret& out) {
        if (auto v = env_setting(env, key)) {
            out = core::Secret(v->first);
            return;
        }
        const std::string file_key = key + "_file";
        std::string secret_path;
        read(root, file_key, secret_path);
        if (!secret_path.empty()) {
            out = core::Secret(read_secret_file(file_key, secret_path));
            return;
        }
        if (credentials && !credentials->empty()) {
            std::string name = key;
            std::replace(name.begin(), name.end(), '.', '_');
            const std::string credential = *credentials + "/" + name;
            if (::access(credential.c_str(), F_OK) == 0) {
                // systemd's own credential directory, private to this unit: the manager (root) may own the
                // file and grant it to the service's user.
                out = core::Secret(read_secret("credential " + name, credential, true));
            }
        }
    };
    secret("whatsapp.access_token", cfg.access_token);
    secret("whatsapp.app_secret", cfg.app_secret);
    secret("whatsapp.verify_token", cfg.verify_token);
    secret("admin.token", cfg.admin_token);
    // The admin API's only lock: a token that can be guessed is refused at start, never echoed back.
    if (!cfg.admin_token.empty()) {
        if (auto weak = admin_token_weakness(cfg.admin_token.reveal())) {
            fail("admin.token (DELVEX_ADMIN_TOKEN)", "the admin token " + *weak);
        }
    }

    if (!listen.empty()) {
        std::tie(cfg.listen_host, cfg.listen_port) = parse_listen("listen (DELVEX_LISTEN)", listen);
    }
    if (!internal_listen.empty()) {
        std::tie(cfg.internal_listen_host, cfg.internal_listen_port) =
            parse_listen("internal_listen (DELVEX_INTERNAL_LISTEN)", internal_listen);
        if (cfg.internal_listen_port != 0 && cfg.internal_listen_port == cfg.listen_port &&
            cfg.internal_listen_host == cfg.listen_host) {
            fail("internal_listen (DELVEX_INTERNAL_LISTEN)", "must differ from listen (" + listen + ")");
        }
    }
    if (cfg.db_path.empty()) {
        fail("database (DELVEX_DB)", "must not be empty");
    }
    if (!cfg.graph_url.starts_with("https://") && !cfg.graph_url.starts_with("http://")) {
        fail("whatsapp.graph_url (WHATSAPP_GRAPH_URL)", "'" + cfg.graph_url + "' must start with https:// or http://");
    }
    // The access token goes with every call: plain http only to this machine (a local fake Graph API).
    if (const auto url = whatsapp::parse_http_url(cfg.graph_url);
        !url || (!url->tls && url->host != "127.0.0.1" && url->host != "localhost" && url->host != "::1")) {
        fail("whatsapp.graph_url (WHATSAPP_GRAPH_URL)",
             "'" + cfg.graph_url + "' would send the access token unencrypted: use https:// (http:// only to "
             "127.0.0.1, localhost or [::1])");
    }
    while (cfg.graph_url.ends_with('/')) {
        cfg.graph_url.pop_back();
    }
    if (cfg.api_version.empty() || cfg.api_version[0] != 'v') {
        fail("whatsapp.api_version (WHATSAPP_API_VERSION)", "'" + cfg.api_version + "' must look like v25.0");
    }
    while (cfg.public_url.ends_with('/')) {
        cfg.public_url.pop_back();
    }
    if (!cfg.public_url.empty() && !cfg.public_url.starts_with("https://") && !cfg.public_url.starts_with("http://")) {
        fail("public_url (DELVEX_PUBLIC_URL)", "'" + cfg.public_url + "' must start with https:// (or http:// for tests)");
    }
    if (cfg.media_retention_days < 0 || cfg.media_retention_days > 36500) {
        fail("media_retention_days (DELVEX_MEDIA_RETENTION_DAYS)", "must be between 0 and 36500");
    }
    if (cfg.media_dir.empty()) {
        cfg.media_dir = cfg.db_path + "-media";  // next to the database, like its landing files
    }
    if (cfg.io_threads < 1 || cfg.io_threads > 64) {
        fail("io_threads (DELVEX_IO_THREADS)", "must be between 1 and 64");
    }
    if (cfg.log_format != "text" && cfg.log_format != "json") {
        fail("log_format (DELVEX_LOG_FORMAT)", "'" + cfg.log_format + "' is not text or json");
    }
    if (cfg.send_concurrency < 1 || cfg.send_concurrency > 256) {
        fail("whatsapp.send_concurrency", "must be between 1 and 256");
    }
    if (cfg.log_level != "trace" && cfg.log_level != "debug" && cfg.log_level != "info" &&
        cfg.log_level != "warn" && cfg.log_level != "error") {
        fail("log_level", "'" + cfg.log_level + "' is not one of trace, debug, info, warn, error");
    }
    if (require_whatsapp) {
        if (cfg.phone_number_id.empty()) {
            fail("WHATSAPP_PHONE_NUMBER_ID", "missing (environment or whatsapp.phone_number_id)");
        }
        if (cfg.access_token.empty()) {
            fail("WHATSAPP_ACCESS_TOKEN", "missing (environment or whatsapp.access_token_file)");
        }
        if (cfg.app_secret.empty()) {
            fail("WHATSAPP_APP_SECRET", "missing (environment or whatsapp.app_secret_file)");
        }
        if (cfg.verify_token.empty()) {
            fail("WHATSAPP_VERIFY_TOKEN", "missing (environment or whatsapp.verify_token_file)");
        }
    }
    return cfg;
}

}  // namespace delvex::app
