#include "bot/community/regions.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <date/tz.h>
#include <stdexcept>

namespace delvex::community {
namespace {

bool valid_id(std::string_view id) {
    if (id.empty() || id.size() > 40) {
        return false;
    }
    return std::all_of(id.begin(), id.end(),
                       [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'; });
}

bool known_zone(const std::string& zone) {
    try {
        (void)date::locate_zone(zone);
        return true;
    } catch (const std::exception&) {
        return false;
    }
}

std::string digits_only(std::string_view s) {
    if (!s.empty() && s.front() == '+') {
        s.remove_prefix(1);
    }
    return std::string(s);
}

bool all_digits(std::string_view s) {
    return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

const std::string& Room::name(std::string_view language) const {
    if (auto it = names.find(language); it != names.end()) {
        return it->second;
    }
    return names.find("en")->second;
}

Regions Regions::load(const std::string& path) {
    YAML::Node root;
    try {
        root = YAML::LoadFile(path);
    } catch (const YAML::BadFile&) {
        throw std::runtime_error(path + ":1: cannot read the regions file");
    } catch (const YAML::Exception& e) {
        throw std::runtime_error(path + ":" + std::to_string(e.mark.line + 1) + ": " + e.msg);
    }
    auto fail = [&path](const YAML::Node& at, const std::string& message) {
        const int line = at.Mark().line >= 0 ? at.Mark().line + 1 : 1;
        throw std::runtime_error(path + ":" + std::to_string(line) + ": " + message);
    };
    const auto list = root["rooms"];
    if (!list || !list.IsSequence() || list.size() == 0) {
        fail(root, "expected a non-empty list `rooms:`");
    }
    std::vector<Room> rooms;
    for (const auto& node : list) {
        if (!node.IsMap()) {
            fail(node, "each room must be a map with id, names, time_zone, languages");
        }
        Room room;
        try {
            room.id = node["id"] ? node["id"].as<std::string>() : "";
            if (!valid_id(room.id)) {
                fail(node, "room id must be 1-40 characters of a-z, 0-9 and '-'");
            }
            const auto names = node["names"];
            if (!names || !names.IsMap()) {
                fail(node, "room " + room.id + ": `names` must map languages to names");
            }
            for (const auto& kv : names) {
                room.names.emplace(kv.first.as<std::string>(), kv.second.as<std::string>());
            }
            if (!room.names.contains("en") || room.names["en"].empty()) {
                fail(names, "room " + room.id + ": an English name (en) is required");
            }
            room.time_zone = node["time_zone"] ? node["time_zone"].as<std::string>() : "";
            if (!known_zone(room.time_zone)) {
                fail(node["time_zone"] ? node["time_zone"] : node,
                     "room " + room.id + ": unknown IANA time zone '" + room.time_zone + "'");
            }
            if (node["languages"]) {
                room.languages = node["languages"].as<std::vector<std::string>>();
            }
            if (room.languages.empty()) {
                room.languages.push_back("en");
            }
            if (node["countries"]) {
                room.countries = node["countries"].as<std::vector<std::string>>();
            }
            if (node["moderators"]) {
                for (const auto& m : node["moderators"]) {
                    auto key = digits_only(m.as<std::string>());
                    if (!all_digits(key) || key.size() < 6 || key.size() > 15) {
                        fail(m, "room " + room.id + ": moderator must be a phone number in international form");
                    }
                    room.moderators.push_back(std::move(key));
                }
            }
            if (node["hold_first_posts"]) {
                room.hold_first_posts = node["hold_first_posts"].as<int>();
                if (room.hold_first_posts < 0 || room.hold_first_posts > 100) {
                    fail(node["hold_first_posts"], "room " + room.id + ": hold_first_posts must be 0-100");
                }
            }
        } catch (const YAML::Exception& e) {
            throw std::runtime_error(path + ":" + std::to_string(e.mark.line + 1) + ": " + e.msg);
        }
        for (const auto& r : rooms) {
            if (r.id == room.id) {
                fail(node, "duplicate room id " + room.id);
            }
        }
        rooms.push_back(std::move(room));
    }
    // Admins: numbers that moderate every room, appoint moderators and announce to all (docs/MODERATION.md).
    std::vector<std::string> admins;
    if (const auto node = root["admins"]) {
        if (!node.IsSequence()) {
            fail(node, "admins must be a list of phone numbers");
        }
        for (const auto& a : node) {
            auto key = digits_only(a.as<std::string>());
            if (!all_digits(key) || key.size() < 6 || key.size() > 15) {
                fail(a, "admin must be a phone number in international form");
            }
            admins.push_back(std::move(key));
        }
    }
    return from(std::move(rooms), std::move(admins));
}

Regions Regions::from(std::vector<Room> rooms, std::vector<std::string> admins) {
    Regions regions;
    regions.admins_ = std::move(admins);
    for (auto& room : rooms) {
        if (regions.find(room.id) != nullptr) {
            throw std::runtime_error("duplicate room id " + room.id);
        }
        if (!room.names.contains("en")) {
            room.names.emplace("en", room.id);
        }
        regions.rooms_.push_back(std::move(room));
    }
    return regions;
}

const Room* Regions::find(std::string_view id) const {
    for (const auto& r : rooms_) {
        if (r.id == id) {
            return &r;
        }
    }
    return nullptr;
}

const Room* Regions::suggest(std::string_view wa_id) const {
    if (!wa_id.empty() && wa_id.front() == '+') {
        wa_id.remove_prefix(1);
    }
    const Room* best = nullptr;
    std::size_t best_len = 0;
    for (const auto& r : rooms_) {
        for (const auto& code : r.countries) {
            if (wa_id.starts_with(code) && code.size() > best_len) {
                best = &r;
                best_len = code.size();
            }
        }
    }
    return best;
}

bool Regions::is_admin(std::string_view member_key) const {
    return !member_key.empty() && std::find(admins_.begin(), admins_.end(), member_key) != admins_.end();
}

bool Regions::is_configured_moderator(std::string_view room_id, std::string_view member_key) const {
    const Room* r = find(room_id);
    return r != nullptr && std::find(r->moderators.begin(), r->moderators.end(), member_key) != r->moderators.end();
}

}  // namespace delvex::community
