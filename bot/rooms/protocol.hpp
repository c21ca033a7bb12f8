#pragma once

// The rooms' internal protocols, defined once: the ids of the buttons and list rows the rooms send (a tap
// comes back as the same id), the digest job's key, and the outbox keys of a post's copies. Each is a small
// type with encode() and parse(); parse refuses anything encode could not have written (a tap on an old or
// forged id is then ignored, never misread).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

namespace delvex::rooms {

/// "rooms:consent:yes|no": the consent question's answer.
struct ConsentButton {
    bool yes = false;
    std::string encode() const;
    static std::optional<ConsentButton> parse(std::string_view id);
};

/// "rooms:forget:yes|no": the answer to "erase everything?".
struct ForgetButton {
    bool yes = false;
    std::string encode() const;
    static std::optional<ForgetButton> parse(std::string_view id);
};

/// "rooms:mode:live|digest|mute": how posts reach the member.
struct ModeButton {
    enum class Mode { kLive, kDigest, kMute };
    Mode mode = Mode::kLive;
    std::string encode() const;
    static std::optional<ModeButton> parse(std::string_view id);
};

/// "rooms:room:<room id>": a room chosen from the list (ids are lowercase letters, digits and '-').
struct RoomButton {
    std::string room;
    std::string encode() const;
    static std::optional<RoomButton> parse(std::string_view id);
};

/// "rooms:lang:<code>": a language chosen from the list (two or three lowercase letters).
struct LanguageButton {
    std::string code;
    std::string encode() const;
    static std::optional<LanguageButton> parse(std::string_view id);
};

/// "rooms:cmd:<name>": a menu row that runs a command ("rooms", "delivery", "help", …; lowercase letters).
struct CommandButton {
    std::string name;
    std::string encode() const;
    static std::optional<CommandButton> parse(std::string_view id);
};

/// "rooms:get:<post>": send me this file or place from the catch-up.
struct GetButton {
    std::int64_t post = 0;
    std::string encode() const;
    static std::optional<GetButton> parse(std::string_view id);
};

/// "rooms:contacts:yes|no:<post>": the author's answer about showing a contact card's numbers.
struct ContactsButton {
    bool yes = false;
    std::int64_t post = 0;
    std::string encode() const;
    static std::optional<ContactsButton> parse(std::string_view id);
};

// The moderators' buttons (and the "rooms:mod:approve|reject:<post>" ids sent before them) are moderation's:
// bot/moderation/protocol.hpp.

using Button = std::variant<ConsentButton, ForgetButton, ModeButton, RoomButton, LanguageButton, CommandButton,
                            GetButton, ContactsButton>;

/// Any of the above; nullopt for anything else (another feature's id, an old or forged one).
std::optional<Button> parse_button(std::string_view id);
std::string encode(const Button& button);

/// A run of a room's digest job: job kind "rooms.digest", key "rooms.digest:<room>:<YYYY-MM-DDTHH:MMZ>" (the UTC
/// minute it is due: the digest hour beginning in the room's zone or in a member's own zone, so one run a room
/// a slot), payload the room id.
struct DigestJob {
    static constexpr std::string_view kKind = "rooms.digest";
    std::string room;
    std::int64_t due_ms = 0;  ///< unix ms, a whole minute
    std::string key() const;
    static std::optional<DigestJob> parse_key(std::string_view key);
};

/// The outbox key of one member's digest: "rooms.digest:<room>:<YYYY-MM-DD>", the member's local day (with the
/// recipient, unique: one digest a member a local day even if a run is repeated).
struct DigestKey {
    std::string room;
    std::string day;  ///< the member's local day, "YYYY-MM-DD"
    std::string encode() const;
    static std::optional<DigestKey> parse(std::string_view key);
};

/// The outbox keys of one post's copies to the room: "rooms.relay:<post>" (the copy) and
/// "rooms.relayhead:<post>" (the line before a voice note or sticker, which carry no caption).
struct RelayKey {
    std::int64_t post = 0;
    bool head = false;
    std::string encode() const;
    static std::optional<RelayKey> parse(std::string_view key);
};

/// A positive decimal id of at most 15 digits, or nullopt.
std::optional<std::int64_t> parse_id(std::string_view digits);

}  // namespace delvex::rooms
