// The forums' calendar feeds (.ics, RFC 5545): a room's series, or one of them. Join links and meeting places
// only with the room's feed key (see ForumsFeature::calendar).

#include <algorithm>

#include "bot/events/forums_feature.hpp"
#include "bot/events/forums_text.hpp"
#include "bot/store/forum_repository.hpp"
#include "forums/ical.hpp"

namespace delvex::events {

using forums_text::from_ms;

std::optional<std::string> ForumsFeature::calendar(SQLite::Database& db, std::string_view room,
                                                   std::int64_t only_series, bool with_join) {
    if (!rooms_.has_room(room)) {
        return std::nullopt;
    }
    store::ForumRepository repo(db);
    forums::IcalCalendar cal;
    cal.name = rooms_.name(room, "en") + " — forums";
    std::int64_t stamp_ms = 0;
    for (const auto& row : repo.list_series(room, true)) {
        if (only_series != 0 && row.id != only_series) {
            continue;
        }
        auto series = series_of(row, repo.overrides(row.id));
        if (!series) {
            continue;
        }
        forums::IcalEvent ev;
        ev.uid = "forum-" + std::to_string(row.id) + "@delve.exchange";
        ev.sequence = row.sequence;
        ev.series = std::move(*series);
        ev.duration = std::chrono::minutes(row.duration_min);
        ev.summary = row.title;
        ev.description = row.agenda;
        if (!with_join) {
            ev.location = "WhatsApp";
        } else if (row.join_kind == "place") {
            ev.location = row.join_info;
        } else if (row.join_kind == "link") {
            ev.url = row.join_info;
            if (!row.join_info.empty()) {
                ev.description += (ev.description.empty() ? "" : "\n") + row.join_info;
            }
        } else {
            ev.location = "WhatsApp";
        }
        ev.cancelled = row.cancelled;
        stamp_ms = std::max(stamp_ms, row.updated_ms);
        cal.events.push_back(std::move(ev));
    }
    cal.stamp = from_ms(stamp_ms);
    return forums::write_ical(cal);
}

}  // namespace delvex::events
