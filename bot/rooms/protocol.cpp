#include "bot/rooms/protocol.hpp"

#include <date/date.h>

#include <algorithm>
#include <chrono>
#include <utility>

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

namespace {

bool all_digits(std::string_view s) {
    return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

/// "YYYY-MM-DD" with digits in their places.
bool day_shape(std::string_view day) {
    return day.size() == 10 && day[4] == '-' && day[7] == '-' && all_digits(day.substr(0, 4)) &&
           all_digits(day.substr(5, 2)) && all_digits(day.substr(8, 2));
}

/// "<room>:<rest>" after "rooms.digest:", with a valid room; nullopt otherwise.
std::optional<std::pair<std::string_view, std::string_view>> digest_parts(std::string_view key) {
    const std::string head = std::string(DigestJob::kKind) + ":";
    if (!key.starts_with(head)) {
        return std::nullopt;
    }
    key.remove_prefix(head.size());
    const auto colon = key.find(':');
    if (colon == std::string_view::npos) {
        return std::nullopt;
    }
    const auto room = key.substr(0, colon);
    if (!lower_word(room, 64, true)) {
        return std::nullopt;
    }
    return std::pair{room, key.substr(colon + 1)};
}

}  // namespace

std::string DigestJob::key() const {
    using namespace std::chrono;
    const date::sys_time<minutes> at = floor<minutes>(date::sys_time<milliseconds>{milliseconds{due_ms}});
    return std::string(kKind) + ":" + room + ":" + date::format("%FT%H:%MZ", at);
}

std::optional<DigestJob> DigestJob::parse_key(std::string_view key) {
    const auto parts = digest_parts(key);
    if (!parts) {
        return std::nullopt;
    }
    const auto stamp = parts->second;  // "YYYY-MM-DDTHH:MMZ"
    if (stamp.size() != 17 || !day_shape(stamp.substr(0, 10)) || stamp[10] != 'T' || stamp[13] != ':' ||
        stamp[16] != 'Z' || !all_digits(stamp.substr(11, 2)) || !all_digits(stamp.substr(14, 2))) {
        return std::nullopt;
    }
    const auto num = [&](std::size_t at, std::size_t n) {
        int v = 0;
        for (std::size_t i = at; i < at + n; ++i) {
            v = v * 10 + (stamp[i] - '0');
        }
        return v;
    };
    const date::year_month_day ymd{date::year{num(0, 4)}, date::month{static_cast<unsigned>(num(5, 2))},
                                   date::day{static_cast<unsigned>(num(8, 2))}};
    const int hh = num(11, 2);
    const int mm = num(14, 2);
    if (!ymd.ok() || hh > 23 || mm > 59) {
        return std::nullopt;
    }
    using namespace std::chrono;
    const auto at = date::sys_days{ymd} + hours{hh} + minutes{mm};
    return DigestJob{std::string(parts->first), duration_cast<milliseconds>(at.time_since_epoch()).count()};
}

std::string DigestKey::encode() const {
    return std::string(DigestJob::kKind) + ":" + room + ":" + day;
}

std::optional<DigestKey> DigestKey::parse(std::string_view key) {
    const auto parts = digest_parts(key);
    if (!parts || !day_shape(parts->second)) {
        return std::nullopt;
    }
    return DigestKey{std::string(parts->first), std::string(parts->second)};
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
