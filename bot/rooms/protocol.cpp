#include "bot/rooms/protocol.hpp"

#include <algorithm>

namespace delvex::rooms {
namespace {

constexpr std::string_view kPrefix = "rooms:";

/// The rest of `id` after "rooms:<what>:", or nullopt.
std::optional<std::string_view> after(std::string_view id, std::string_view what) {
    if (!id.starts_with(kPrefix)) {
        return std::nullopt;
    }
    id.remove_prefix(kPrefix.size());
    if (!id.starts_with(what) || id.size() <= what.size() || id[what.size()] != ':') {
        return std::nullopt;
    }
    return id.substr(what.size() + 1);
}

std::optional<bool> yes_no(std::string_view s) {
    if (s == "yes") {
        return true;
    }
    if (s == "no") {
        return false;
    }
    return std::nullopt;
}

bool lower_word(std::string_view s, std::size_t max, bool dashes) {
    return !s.empty() && s.size() <= max && std::all_of(s.begin(), s.end(), [&](char c) {
               return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || (dashes && c == '-');
           });
}

/// "<yes|no>:<id>" or "<approve|reject>:<id>".
template <typename Word>
std::optional<std::pair<bool, std::int64_t>> word_and_id(std::string_view rest, Word word) {
    const auto colon = rest.find(':');
    if (colon == std::string_view::npos) {
        return std::nullopt;
    }
    const auto w = word(rest.substr(0, colon));
    const auto id = parse_id(rest.substr(colon + 1));
    if (!w || !id) {
        return std::nullopt;
    }
    return std::make_pair(*w, *id);
}

}  // namespace

std::optional<std::int64_t> parse_id(std::string_view digits) {
    if (digits.empty() || digits.size() > 15 ||
        !std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; })) {
        return std::nullopt;
    }
    std::int64_t n = 0;
    for (char c : digits) {
        n = n * 10 + (c - '0');
    }
    return n > 0 ? std::optional<std::int64_t>(n) : std::nullopt;
}

std::string ConsentButton::encode() const {
    return yes ? "rooms:consent:yes" : "rooms:consent:no";
}
std::optional<ConsentButton> ConsentButton::parse(std::string_view id) {
    const auto rest = after(id, "consent");
    const auto y = rest ? yes_no(*rest) : std::nullopt;
    return y ? std::optional<ConsentButton>(ConsentButton{*y}) : std::nullopt;
}

std::string ForgetButton::encode() const {
    return yes ? "rooms:forget:yes" : "rooms:forget:no";
}
std::optional<ForgetButton> ForgetButton::parse(std::string_view id) {
    const auto rest = after(id, "forget");
    const auto y = rest ? yes_no(*rest) : std::nullopt;
    return y ? std::optional<ForgetButton>(ForgetButton{*y}) : std::nullopt;
}

std::string ModeButton::encode() const {
    return mode == Mode::kLive ? "rooms:mode:live" : mode == Mode::kDigest ? "rooms:mode:digest" : "rooms:mode:mute";
}
std::optional<ModeButton> ModeButton::parse(std::string_view id) {
    const auto rest = after(id, "mode");
    if (!rest) {
        return std::nullopt;
    }
    if (*rest == "live") {
        return ModeButton{Mode::kLive};
    }
    if (*rest == "digest") {
        return ModeButton{Mode::kDigest};
    }
    if (*rest == "mute") {
        return ModeButton{Mode::kMute};
    }
    return std::nullopt;
}

std::string RoomButton::encode() const {
    return "rooms:room:" + room;
}
std::optional<RoomButton> RoomButton::parse(std::string_view id) {
    const auto rest = after(id, "room");
    return rest && lower_word(*rest, 64, true) ? std::optional<RoomButton>(RoomButton{std::string(*rest)})
                                               : std::nullopt;
}

std::string LanguageButton::encode() const {
    return "rooms:lang:" + code;
}
std::optional<LanguageButton> LanguageButton::parse(std::string_view id) {
    const auto rest = after(id, "lang");
    const bool letters = rest && rest->size() >= 2 && rest->size() <= 3 &&
                         std::all_of(rest->begin(), rest->end(), [](char c) { return c >= 'a' && c <= 'z'; });
    return letters ? std::optional<LanguageButton>(LanguageButton{std::string(*rest)}) : std::nullopt;
}

std::string CommandButton::encode() const {
    return "rooms:cmd:" + name;
}
std::optional<CommandButton> CommandButton::parse(std::string_view id) {
    const auto rest = after(id, "cmd");
    return rest && lower_word(*rest, 32, false) ? std::optional<CommandButton>(CommandButton{std::string(*rest)})
                                                : std::nullopt;
}

std::string GetButton::encode() const {
    return "rooms:get:" + std::to_string(post);
}
std::optional<GetButton> GetButton::parse(std::string_view id) {
    const auto rest = after(id, "get");
    const auto n = rest ? parse_id(*rest) : std::nullopt;
    return n ? std::optional<GetButton>(GetButton{*n}) : std::nullopt;
}

std::string ContactsButton::encode() const {
    return std::string("rooms:contacts:") + (yes ? "yes:" : "no:") + std::to_string(post);
}
std::optional<ContactsButton> ContactsButton::parse(std::string_view id) {
    const auto rest = after(id, "contacts");
    const auto p = rest ? word_and_id(*rest, yes_no) : std::nullopt;
    return p ? std::optional<ContactsButton>(ContactsButton{p->first, p->second}) : std::nullopt;
}

std::optional<Button> parse_button(std::string_view id) {
    std::optional<Button> out;
    auto try_one = [&](auto parsed) {
        if (!out && parsed) {
            out = *parsed;
        }
    };
    try_one(ConsentButton::parse(id));
    try_one(ForgetButton::parse(id));
    try_one(ModeButton::parse(id));
    try_one(RoomButton::parse(id));
    try_one(LanguageButton::parse(id));
    try_one(CommandButton::parse(id));
    try_one(GetButton::parse(id));
    try_one(ContactsButton::parse(id));
    return out;
}

std::string encode(const Button& button) {
    return std::visit([](const auto& b) { return b.encode(); }, button);
}

std::string DigestJob::key() const {
    return std::string(kKind) + ":" + room + ":" + day;
}

std::optional<DigestJob> DigestJob::parse_key(std::string_view key) {
    const std::string head = std::string(kKind) + ":";
    if (!key.starts_with(head)) {
        return std::nullopt;
    }
    key.remove_prefix(head.size());
    const auto colon = key.rfind(':');
    if (colon == std::string_view::npos) {
        return std::nullopt;
    }
    const auto room = key.substr(0, colon);
    const auto day = key.substr(colon + 1);
    const bool day_ok = day.size() == 10 && day[4] == '-' && day[7] == '-' &&
                        std::all_of(day.begin(), day.end(), [](char c) { return (c >= '0' && c <= '9') || c == '-'; });
    if (!lower_word(room, 64, true) || !day_ok) {
        return std::nullopt;
    }
    return DigestJob{std::string(room), std::string(day)};
}

std::string RelayKey::encode() const {
    return (head ? "rooms.relayhead:" : "rooms.relay:") + std::to_string(post);
}

std::optional<RelayKey> RelayKey::parse(std::string_view key) {
    for (const bool head : {false, true}) {
        const std::string_view prefix = head ? "rooms.relayhead:" : "rooms.relay:";
        if (key.starts_with(prefix)) {
            const auto n = parse_id(key.substr(prefix.size()));
            return n ? std::optional<RelayKey>(RelayKey{*n, head}) : std::nullopt;
        }
    }
    return std::nullopt;
}

}  // namespace delvex::rooms
