#include "bot/moderation/protocol.hpp"

#include <array>
#include <charconv>
#include <utility>

namespace delvex::moderation {
namespace {

constexpr std::array<std::pair<Verb, std::string_view>, 13> kNames = {{
    {Verb::kQueue, "queue"},
    {Verb::kApprove, "approve"},
    {Verb::kReject, "reject"},
    {Verb::kTakeDown, "takedown"},
    {Verb::kLift, "lift"},
    {Verb::kHold, "silence"},
    {Verb::kRemove, "remove"},
    {Verb::kBan, "ban"},
    {Verb::kLog, "log"},
    {Verb::kAppoint, "appoint"},
    {Verb::kUnappoint, "unappoint"},
    {Verb::kAnnounce, "announce"},
    {Verb::kAnnounceAll, "announce_all"},
}};

Verb verb_of(std::string_view name) {
    for (const auto& [verb, n] : kNames) {
        if (n == name) {
            return verb;
        }
    }
    return Verb::kNone;
}

/// A positive id of at most 15 digits, nothing else.
std::optional<std::int64_t> number(std::string_view s) {
    if (s.empty() || s.size() > 15) {
        return std::nullopt;
    }
    std::int64_t n = 0;
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
    if (ec != std::errc{} || end != s.data() + s.size() || n <= 0) {
        return std::nullopt;
    }
    return n;
}

/// A room id as regions.yaml allows it: lowercase letters, digits and '-'.
bool room_id(std::string_view s) {
    if (s.empty() || s.size() > 64) {
        return false;
    }
    for (char c : s) {
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_')) {
            return false;
        }
    }
    return true;
}

/// Splits "a:b:c" at the first ':'.
std::pair<std::string_view, std::string_view> head(std::string_view s) {
    const auto colon = s.find(':');
    if (colon == std::string_view::npos) {
        return {s, {}};
    }
    return {s.substr(0, colon), s.substr(colon + 1)};
}

}  // namespace

std::string_view verb_name(Verb verb) {
    for (const auto& [v, n] : kNames) {
        if (v == verb) {
            return n;
        }
    }
    return "none";
}

std::string encode(const Button& b) {
    switch (b.verb) {
        case Verb::kApprove:
            return "mod:ok:" + std::to_string(b.post);
        case Verb::kReject:
            return "mod:no:" + std::to_string(b.post);
        case Verb::kTakeDown:
            return "mod:down:" + std::to_string(b.post);
        case Verb::kQueue:
            return "mod:q:" + b.room;
        default:
            return "mod:in:" + b.room + ":" + std::string(verb_name(b.verb)) + ":" + std::to_string(b.member);
    }
}

std::optional<Button> parse(std::string_view id) {
    Button b;
    if (id.starts_with("rooms:mod:")) {  // buttons sent before this protocol
        const auto [action, post] = head(id.substr(10));
        b.verb = action == "approve" ? Verb::kApprove : action == "reject" ? Verb::kReject : Verb::kNone;
        const auto n = number(post);
        if (b.verb == Verb::kNone || !n) {
            return std::nullopt;
        }
        b.post = *n;
        return b;
    }
    if (!id.starts_with("mod:")) {
        return std::nullopt;
    }
    const auto [kind, rest] = head(id.substr(4));
    if (kind == "ok" || kind == "no" || kind == "down") {
        const auto n = number(rest);
        if (!n) {
            return std::nullopt;
        }
        b.verb = kind == "ok" ? Verb::kApprove : kind == "no" ? Verb::kReject : Verb::kTakeDown;
        b.post = *n;
        return b;
    }
    if (kind == "q") {
        if (!rest.empty() && !room_id(rest)) {
            return std::nullopt;
        }
        b.verb = Verb::kQueue;
        b.room = std::string(rest);
        return b;
    }
    if (kind == "in") {
        const auto [room, tail] = head(rest);
        const auto [verb, member] = head(tail);
        const auto n = number(member);
        b.verb = verb_of(verb);
        if (!room_id(room) || !n || b.verb == Verb::kNone || b.verb == Verb::kQueue) {
            return std::nullopt;
        }
        b.room = std::string(room);
        b.member = *n;
        return b;
    }
    return std::nullopt;
}

}  // namespace delvex::moderation
