#pragma once

#include <map>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace delvex::core {

/// The message catalog: every user-facing string, per language, from config/locales/<lang>.yaml.
/// Immutable after load; safe to share between threads.
class Catalog {
public:
    /// The languages we speak, English first (the fallback).
    static const std::vector<std::string>& supported_languages();

    /// Loads <dir>/<lang>.yaml for every supported language. Nested keys are joined with '.'.
    /// Throws std::runtime_error "file:line: message" for a missing or malformed file.
    static Catalog load(const std::string& dir);

    /// Adds or replaces one string (tests).
    void set(const std::string& lang, const std::string& key, std::string text);

    /// The text for `key` in `lang`, falling back to English, then to the key itself. `{name}` placeholders
    /// are replaced from `vars`.
    std::string text(std::string_view lang, std::string_view key,
                     const std::vector<std::pair<std::string, std::string>>& vars = {}) const;

    bool has(std::string_view lang, std::string_view key) const;

    /// Every key of a language (to check that each language has them all).
    std::vector<std::string> keys(std::string_view lang) const;

private:
    std::map<std::string, std::map<std::string, std::string, std::less<>>, std::less<>> texts_;
};

}  // namespace delvex::core
