#pragma once

// An egress proxy for the Graph API (HTTPS_PROXY, common in NGO and university networks): the client opens
// a tunnel with HTTP CONNECT (RFC 9110 §9.3.6) and speaks TLS to Meta through it, so the proxy sees only the
// host name, never the token or the messages.

#include <optional>
#include <string>
#include <string_view>

namespace delvex::whatsapp {

struct Proxy {
    std::string host;           ///< without brackets
    std::string port = "3128";  ///< the usual proxy port when the URL gives none
    /// "Basic <base64(user:password)>" when the URL carried credentials; empty otherwise. A secret: never logged.
    std::string authorization;
};

/// Parses "http://[user:password@]host[:port][/]" or a bare "host:port" (as curl reads HTTPS_PROXY). Credentials
/// may be percent-encoded. nullopt with `error` set (never echoing the password) for anything else, among them
/// an "https://" proxy (TLS to the proxy itself is not supported).
std::optional<Proxy> parse_proxy(std::string_view url, std::string& error);

/// Whether `host` is reached directly by NO_PROXY's rules: entries separated by commas or spaces; "*" is every
/// host; "example.org" and ".example.org" match that host and every name below it; a port after a name is
/// ignored; case does not matter.
bool bypasses_proxy(std::string_view no_proxy, std::string_view host);

}  // namespace delvex::whatsapp
