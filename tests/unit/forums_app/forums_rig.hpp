#pragma once

// Shared pieces of the forums feature tests: a room directory kept in memory, the real catalog, and a way to
// deliver a member's message or a job to the feature inside a transaction, as the consumer and scheduler do.

#include <SQLiteCpp/Transaction.h>

#include <map>
#include <set>
#include <string>
#include <vector>

#include "bot/core/clock.hpp"
#include "bot/core/i18n.hpp"
#include "bot/delivery/codec.hpp"
#include "bot/events/feature.hpp"
#include "bot/events/forums_feature.hpp"
#include "bot/store/database.hpp"
#include "bot/store/repositories.hpp"

namespace delvex::testing {

/// Rooms and members held in memory (the rooms feature's tables are not needed by these tests).
class FakeRooms final : public events::RoomDirectory {
public:
    struct Room {
        std::string zone;
        std::vector<events::ForumMember> members;
        std::set<std::string> moderators;
    };
    std::map<std::string, Room, std::less<>> rooms_by_id;

    std::vector<std::string> rooms() const override {
        std::vector<std::string> out;
        for (const auto& [id, r] : rooms_by_id) {
            out.push_back(id);
        }
        return out;
    }
    bool has_room(std::string_view room) const override { return rooms_by_id.find(room) != rooms_by_id.end(); }
    std::string zone(std::string_view room) const override { return rooms_by_id.find(room)->second.zone; }
    std::string name(std::string_view room, std::string_view /*language*/) const override {
        return "Room " + std::string(room);
    }
    std::vector<events::ForumMember> members(SQLite::Database& /*db*/, std::string_view room) override {
        auto it = rooms_by_id.find(room);
        return it == rooms_by_id.end() ? std::vector<events::ForumMember>{} : it->second.members;
    }
    bool is_moderator(SQLite::Database& /*db*/, std::string_view room, std::string_view member_key) override {
        auto it = rooms_by_id.find(room);
        return it != rooms_by_id.end() && it->second.moderators.contains(std::string(member_key));
    }
};

inline core::Catalog load_catalog() {
    return core::Catalog::load(std::string(DELVEX_SOURCE_DIR) + "/config/locales");
}

inline std::int64_t now_ms(const core::Clock& clock) {
    return core::to_unix_ms(clock.now());
}

/// Adds a member row (language) so that forums find the member's language.
inline void add_member(store::Database& db, const std::string& key, const std::string& language, std::int64_t ms) {
    store::MemberRepository members(db.sql());
    store::MemberRow row;
    row.member_key = key;
    row.wa_id = key;
    row.language = language;
    row.first_seen = ms / 1000;
    row.last_inbound = ms / 1000;
    members.insert(row);
}

/// A member taps a reply button: delivered to the feature in one transaction, as the inbox consumer does.
inline bool tap(store::Database& db, events::ForumsFeature& feature, const core::Catalog& catalog,
                std::int64_t at_ms, const std::string& member_key, const std::string& button_id,
                const std::string& wamid) {
    SQLite::Transaction tx(db.sql(), SQLite::TransactionBehavior::IMMEDIATE);
    store::OutboxRepository outbox_repo(db.sql());
    events::Outbox outbox(outbox_repo, at_ms, member_key);
    store::JobRepository jobs(db.sql());
    events::Context ctx{db.sql(), catalog, at_ms, outbox, jobs};
    store::MemberRepository members(db.sql());
    const auto member = members.find(member_key);
    core::InboundMessage m;
    m.id = wamid;
    m.sender.wa_id = member_key;
    m.type = core::MessageType::kInteractive;
    m.interactive = core::InteractiveType::kButtonReply;
    m.reply_id = button_id;
    const bool handled = feature.on_message(ctx, *member, m);
    tx.commit();
    return handled;
}

/// A member sends a text (or a list choice when `reply_id` is set).
inline bool say(store::Database& db, events::ForumsFeature& feature, const core::Catalog& catalog,
                std::int64_t at_ms, const std::string& member_key, const std::string& text, const std::string& wamid,
                const std::string& reply_id = {}) {
    SQLite::Transaction tx(db.sql(), SQLite::TransactionBehavior::IMMEDIATE);
    store::OutboxRepository outbox_repo(db.sql());
    events::Outbox outbox(outbox_repo, at_ms, member_key);
    store::JobRepository jobs(db.sql());
    events::Context ctx{db.sql(), catalog, at_ms, outbox, jobs};
    store::MemberRepository members(db.sql());
    const auto member = members.find(member_key);
    core::InboundMessage m;
    m.id = wamid;
    m.sender.wa_id = member_key;
    m.text = text;
    if (reply_id.empty()) {
        m.type = core::MessageType::kText;
    } else {
        m.type = core::MessageType::kInteractive;
        m.interactive = core::InteractiveType::kListReply;
        m.reply_id = reply_id;
    }
    const bool handled = feature.on_message(ctx, *member, m);
    tx.commit();
    return handled;
}

/// The text a queued row shows (body of a text, buttons, list; caption of a document).
inline std::string shown_text(const store::OutboxRow& row) {
    const auto message = delivery::message_of(row);
    if (!message) {
        return {};
    }
    if (const auto* t = std::get_if<core::OutgoingText>(&message->body)) {
        return t->body;
    }
    if (const auto* b = std::get_if<core::ReplyButtons>(&message->body)) {
        return b->body;
    }
    if (const auto* l = std::get_if<core::ListMessage>(&message->body)) {
        return l->body;
    }
    if (const auto* d = std::get_if<core::OutgoingMedia>(&message->body)) {
        return d->caption;
    }
    return {};
}

/// Reply-button ids of a queued row (empty if it has none); list row ids for a list.
inline std::vector<std::string> choices(const store::OutboxRow& row) {
    std::vector<std::string> out;
    const auto message = delivery::message_of(row);
    if (!message) {
        return out;
    }
    if (const auto* b = std::get_if<core::ReplyButtons>(&message->body)) {
        for (const auto& button : b->buttons) {
            out.push_back(button.id);
        }
    }
    if (const auto* l = std::get_if<core::ListMessage>(&message->body)) {
        for (const auto& section : l->sections) {
            for (const auto& r : section.rows) {
                out.push_back(r.id);
            }
        }
    }
    return out;
}

}  // namespace delvex::testing

#include <cstdio>
#include <fstream>
#include <optional>

#include <nlohmann/json.hpp>

namespace delvex::testing {

/// The Debian interpreter with python3-icalendar (not a pyenv python that may be first on PATH).
inline constexpr const char* kSystemPython = "/usr/bin/python3";

/// Whether /usr/bin/python3 can import icalendar.
inline bool system_python_has_icalendar() {
    const std::string cmd = std::string(kSystemPython) + " -c 'import icalendar' 2>/dev/null";
    return std::system(cmd.c_str()) == 0;
}

/// Parses an iCalendar file with python3-icalendar (an independent parser) and expands each rule with
/// python-dateutil in the event's own zone (zoneinfo). Returns what it saw as JSON: {"tz": [TZID…],
/// "events": [{uid, summary, sequence, status, tzid, dtstart_utc, rrule, exdates_utc, recurrence_id,
/// first_utc: [5 UTC instants]}]}; nullopt if the script failed (its stderr is printed).
inline std::optional<nlohmann::json> parse_with_python_icalendar(const std::string& path) {
    static const char* const kScript = R"py(
import json, sys, itertools
from datetime import timezone
from zoneinfo import ZoneInfo
from dateutil.rrule import rrulestr
from icalendar import Calendar

cal = Calendar.from_ical(open(sys.argv[1], 'rb').read())
out = {"tz": [str(c['TZID']) for c in cal.walk('VTIMEZONE')], "events": [], "name": str(cal.get('X-WR-CALNAME', ''))}
def utc(dt, tzid):
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=ZoneInfo(tzid)) if tzid else dt.replace(tzinfo=timezone.utc)
    else:
        dt = dt.replace(tzinfo=None).replace(tzinfo=ZoneInfo(tzid)) if tzid else dt
    return dt.astimezone(timezone.utc).strftime('%Y-%m-%dT%H:%M:%SZ')
for ev in cal.walk('VEVENT'):
    start = ev['DTSTART']
    tzid = str(start.params.get('TZID', ''))
    e = {"uid": str(ev['UID']), "summary": str(ev.get('SUMMARY', '')), "sequence": int(ev.get('SEQUENCE', 0)),
         "status": str(ev.get('STATUS', '')), "tzid": tzid, "dtstart_utc": utc(start.dt, tzid)}
    if 'RRULE' in ev:
        rule = ev['RRULE'].to_ical().decode()
        e["rrule"] = rule
        naive = start.dt.replace(tzinfo=None)
        e["first_utc"] = [utc(d, tzid) for d in itertools.islice(rrulestr(rule, dtstart=naive), 5)]
    ex = ev.get('EXDATE')
    if ex is not None:
        lists = ex if isinstance(ex, list) else [ex]
        e["exdates_utc"] = [utc(d.dt, tzid) for l in lists for d in l.dts]
    if 'RECURRENCE-ID' in ev:
        e["recurrence_id_utc"] = utc(ev['RECURRENCE-ID'].dt, tzid)
    out["events"].append(e)
print(json.dumps(out))
)py";
    const std::string script_path = path + ".py";
    std::ofstream(script_path) << kScript;
    const std::string cmd = std::string(kSystemPython) + " " + script_path + " " + path;
    FILE* pipe = ::popen(cmd.c_str(), "r");
    if (pipe == nullptr) {
        return std::nullopt;
    }
    std::string output;
    char buffer[4096];
    while (const auto n = std::fread(buffer, 1, sizeof buffer, pipe)) {
        output.append(buffer, n);
    }
    if (::pclose(pipe) != 0) {
        return std::nullopt;
    }
    auto parsed = nlohmann::json::parse(output, nullptr, false);
    if (parsed.is_discarded()) {
        return std::nullopt;
    }
    return parsed;
}

}  // namespace delvex::testing
