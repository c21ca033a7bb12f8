#pragma once

// Inside the Academy engine: the state of one turn and the small helpers the engine's source files share.
// Not for use outside bot/academy/engine.cpp and the files that implement Engine's other members.

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bot/academy/engine.hpp"
#include "bot/academy/limits.hpp"

namespace delvex::academy {
namespace detail {

inline constexpr std::int64_t kDayMs = 24LL * 3600 * 1000;

inline std::vector<std::string_view> split(std::string_view s, char sep) {
    std::vector<std::string_view> out;
    while (true) {
        const auto at = s.find(sep);
        out.push_back(s.substr(0, at));
        if (at == std::string_view::npos) {
            return out;
        }
        s.remove_prefix(at + 1);
    }
}

inline std::size_t chars(std::string_view s) {
    return limits::utf8_length(s).value_or(s.size());
}

/// The first `n` code points of a UTF-8 string.
inline std::string cut(std::string_view s, std::size_t n) {
    std::size_t i = 0;
    std::size_t count = 0;
    while (i < s.size() && count < n) {
        const auto lead = static_cast<unsigned char>(s[i]);
        i += lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
        ++count;
    }
    return std::string(s.substr(0, std::min(i, s.size())));
}

inline std::int64_t to_int(std::string_view s) {
    std::int64_t v = 0;
    const auto r = std::from_chars(s.data(), s.data() + s.size(), v);
    return r.ec == std::errc() && r.ptr == s.data() + s.size() ? v : -1;
}

/// A typed certificate code, as far as chat can tell: one to three words of 6 to 14 letters and digits
/// together, each of at least 3 when there are three ("7kq2 m9xa" of the old 8-character codes, "7kq2 m9xa
/// 3bcd" of the 12-character ones).
inline bool looks_like_code(std::string_view normalized) {
    std::size_t letters = 0;
    std::size_t spaces = 0;
    std::size_t word = 0;
    std::size_t shortest = 100;
    for (char c : normalized) {
        if (c == ' ') {
            ++spaces;
            shortest = std::min(shortest, word);
            word = 0;
        } else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
            ++letters;
            ++word;
        } else {
            return false;
        }
    }
    shortest = std::min(shortest, word);
    return spaces <= 2 && letters >= 6 && letters <= 14 && (spaces < 2 || shortest >= 3);
}

/// Puts a short text (feedback) before an interactive body when both fit in one message; otherwise
/// returns the text to send on its own first.
inline std::string join_body(std::string& prefix, const std::string& body) {
    if (prefix.empty()) {
        return body;
    }
    std::string joined = prefix + "\n\n" + body;
    if (chars(joined) <= limits::kInteractiveBody) {
        prefix.clear();
        return joined;
    }
    return body;
}

inline bool is_quiz(const Lesson* lesson) {
    return lesson != nullptr && lesson->quiz;
}

}  // namespace detail

struct Engine::Turn {
    LearnerStore& store;
    const Learner& learner;
    std::int64_t now_ms;
    std::string lang;
    Session session;
    Effects fx;
    bool session_dirty = false;
    std::optional<Profile> profile_cache;

    void text(std::string body) { fx.messages.emplace_back(core::OutgoingText{std::move(body), false}); }
    void send(core::OutgoingBody body) { fx.messages.push_back(std::move(body)); }
    void dirty() { session_dirty = true; }
    const Profile* profile() {
        if (session.profile_id == 0) {
            return nullptr;
        }
        if (!profile_cache || profile_cache->id != session.profile_id) {
            profile_cache = store.profile(session.profile_id);
        }
        return profile_cache ? &*profile_cache : nullptr;
    }
};

}  // namespace delvex::academy
