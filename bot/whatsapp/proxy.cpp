#include "bot/whatsapp/proxy.hpp"

#include <algorithm>
#include <cctype>

#include "bot/core/crypto.hpp"

namespace delvex::whatsapp {
namespace {

std::string lower(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

/// %XX decoding of a user name or password; nullopt on a broken escape.
std::optional<std::string> percent_decode(std::string_view s) {
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] != '%') {
            out.push_back(s[i]);
            continue;
        }
        if (i + 2 >= s.size() || core::hex_value(s[i + 1]) < 0 || core::hex_value(s[i + 2]) < 0) {
            return std::nullopt;
        }
        out.push_back(static_cast<char>(core::hex_value(s[i + 1]) * 16 + core::hex_value(s[i + 2])));
        i += 2;
    }
    return out;
}

}  // namespace

std::optional<Proxy> parse_proxy(std::string_view url, std::string& error) {
    const std::string scheme_lower = lower(url.substr(0, std::min<std::size_t>(url.size(), 8)));
    if (scheme_lower.starts_with("https://")) {
        error = "an https:// proxy is not supported; give the proxy as http://host:port (the tunnel to Meta is TLS)";
        return std::nullopt;
    }
    if (scheme_lower.starts_with("http://")) {
        url.remove_prefix(7);
    } else if (url.find("://") != std::string_view::npos) {
        error = "only http:// proxies are supported";
        return std::nullopt;
    }
    while (!url.empty() && url.back() == '/') {
        url.remove_suffix(1);
    }
    if (url.find_first_of("/?#") != std::string_view::npos) {
        error = "a proxy is host:port, with no path";
        return std::nullopt;
    }
    Proxy proxy;
    if (const auto at = url.rfind('@'); at != std::string_view::npos) {
        const std::string_view userinfo = url.substr(0, at);
        url.remove_prefix(at + 1);
        const auto colon = userinfo.find(':');
        const auto user = percent_decode(userinfo.substr(0, colon));
        const auto password =
            percent_decode(colon == std::string_view::npos ? std::string_view{} : userinfo.substr(colon + 1));
        if (!user || !password || user->empty()) {
            error = "the proxy's user name or password has a broken %-escape, or no user name";
            return std::nullopt;
        }
        proxy.authorization = "Basic " + core::base64(*user + ":" + *password);
    }
    std::string_view host = url;
    std::string_view port;
    if (!url.empty() && url.front() == '[') {
        const auto close = url.find(']');
        if (close == std::string_view::npos || (close + 1 < url.size() && url[close + 1] != ':')) {
            error = "the proxy's address is not [IPv6]:port";
            return std::nullopt;
        }
        host = url.substr(1, close - 1);
        port = close + 1 < url.size() ? url.substr(close + 2) : std::string_view{};
    } else if (const auto colon = url.rfind(':'); colon != std::string_view::npos) {
        host = url.substr(0, colon);
        port = url.substr(colon + 1);
    }
    if (host.empty()) {
        error = "the proxy has no host";
        return std::nullopt;
    }
    if (!port.empty()) {
        const bool digits = port.size() <= 5 && port.find_first_not_of("0123456789") == std::string_view::npos;
        if (!digits || std::stoi(std::string(port)) == 0 || std::stoi(std::string(port)) > 65535) {
            error = "the proxy's port is not a number from 1 to 65535";
            return std::nullopt;
        }
        proxy.port = std::string(port);
    }
    proxy.host = std::string(host);
    return proxy;
}

bool bypasses_proxy(std::string_view no_proxy, std::string_view host) {
    const std::string name = lower(host);
    std::size_t start = 0;
    while (start < no_proxy.size()) {
        const auto end = no_proxy.find_first_of(", ", start);
        std::string entry = lower(no_proxy.substr(start, end == std::string_view::npos ? end : end - start));
        start = end == std::string_view::npos ? no_proxy.size() : end + 1;
        if (entry.empty()) {
            continue;
        }
        if (entry == "*") {
            return true;
        }
        if (entry.front() != '[') {
            if (const auto colon = entry.find(':'); colon != std::string::npos && entry.find(':', colon + 1) == std::string::npos) {
                entry.resize(colon);  // "example.org:443": the port does not matter
            }
        } else if (const auto close = entry.find(']'); close != std::string::npos) {
            entry = entry.substr(1, close - 1);
        }
        if (entry.front() == '.') {
            entry.erase(0, 1);
        }
        if (name == entry || (name.size() > entry.size() && name.ends_with(entry) &&
                              name[name.size() - entry.size() - 1] == '.')) {
            return true;
        }
    }
    return false;
}

}  // namespace delvex::whatsapp
