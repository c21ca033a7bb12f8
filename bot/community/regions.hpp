#pragma once

// The regional rooms, from config/regions.yaml. Immutable after load; safe to share between threads.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace delvex::community {

struct Room {
    std::string id;                                          ///< stable, lowercase: "east-africa"
    std::map<std::string, std::string, std::less<>> names;   ///< language → name; "en" always present
    std::string time_zone;                                   ///< IANA, e.g. "Africa/Nairobi"
    std::vector<std::string> languages;                      ///< first = the room's default
    std::vector<std::string> countries;                      ///< calling codes that suggest this room
    std::vector<std::string> moderators;                     ///< member keys (digits, no '+')
    int hold_first_posts = 0;                                ///< a new member's posts held for approval

    /// The name in `language`, falling back to English.
    const std::string& name(std::string_view language) const;
};

class Regions {
public:
    /// Loads and checks a regions file. Throws std::runtime_error "file:line: message" on a bad file
    /// (unknown time zone, duplicate id, missing English name, bad moderator number, …).
    static Regions load(const std::string& path);

    /// Builds from rooms already made (tests). Throws on duplicates.
    static Regions from(std::vector<Room> rooms, std::vector<std::string> admins = {});

    const std::vector<Room>& rooms() const { return rooms_; }
    const Room* find(std::string_view id) const;

    /// The room whose countries list the longest prefix of this number; nullptr when none does.
    const Room* suggest(std::string_view wa_id) const;

    /// Whether the member key is a configured moderator of the room.
    bool is_configured_moderator(std::string_view room_id, std::string_view member_key) const;

    /// Whether the member key is listed under the top-level `admins:` (digits, no '+'): an admin moderates every
    /// room, appoints and removes moderators from chat and may ANNOUNCE ALL.
    bool is_admin(std::string_view member_key) const;
    const std::vector<std::string>& admins() const { return admins_; }

private:
    std::vector<Room> rooms_;
    std::vector<std::string> admins_;
};

}  // namespace delvex::community
