#pragma once

// A minimal absolute http(s) URL split, enough for Graph API base URLs and media download URLs.

#include <optional>
#include <string>
#include <string_view>

namespace delvex::whatsapp {

struct HttpUrl {
    bool tls = false;
    std::string host;    ///< without brackets or port
    std::string port;    ///< always set: "443"/"80" when the URL had none
    std::string target;  ///< path and query, at least "/"

    /// "https://host:port": pools connections by this.
    std::string origin() const { return (tls ? "https://" : "http://") + host + ":" + port; }

    /// The Host header: the port only when it is not the scheme's default.
    std::string host_header() const {
        const bool default_port = (tls && port == "443") || (!tls && port == "80");
        return default_port ? host : host + ":" + port;
    }
};

/// Parses "http[s]://host[:port][/path][?query]"; nullopt for anything else (other schemes, userinfo, no host).
inline std::optional<HttpUrl> parse_http_url(std::string_view url) {
    HttpUrl out;
    if (url.rfind("https://", 0) == 0) {
        out.tls = true;
        url.remove_prefix(8);
    } else if (url.rfind("http://", 0) == 0) {
        url.remove_prefix(7);
    } else {
        return std::nullopt;
    }
    const auto slash = url.find_first_of("/?#");
    std::string_view authority = url.substr(0, slash);
    std::string_view rest = slash == std::string_view::npos ? std::string_view{} : url.substr(slash);
    if (authority.empty() || authority.find('@') != std::string_view::npos) {
        return std::nullopt;
    }
    std::string_view host = authority;
    std::string_view port;
    if (authority.front() == '[') {
        const auto close = authority.find(']');
        if (close == std::string_view::npos) return std::nullopt;
        host = authority.substr(1, close - 1);
        if (close + 1 < authority.size()) {
            if (authority[close + 1] != ':') return std::nullopt;
            port = authority.substr(close + 2);
        }
    } else if (const auto colon = authority.rfind(':'); colon != std::string_view::npos) {
        host = authority.substr(0, colon);
        port = authority.substr(colon + 1);
    }
    if (host.empty() || (!port.empty() && port.find_first_not_of("0123456789") != std::string_view::npos)) {
        return std::nullopt;
    }
    out.host = std::string(host);
    out.port = port.empty() ? (out.tls ? "443" : "80") : std::string(port);
    if (const auto hash = rest.find('#'); hash != std::string_view::npos) {
        rest = rest.substr(0, hash);
    }
    out.target = rest.empty() ? "/" : (rest.front() == '?' ? "/" + std::string(rest) : std::string(rest));
    return out;
}

}  // namespace delvex::whatsapp
