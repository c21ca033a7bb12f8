// `delvex forums add|list|cancel`: the same ForumsService as the chat flow and the admin API, one unit of work
// (store::ForumWork) per command. A running service sends what the planned jobs say.

#include <ostream>

#include "bot/events/forums_feature.hpp"
#include "bot/store/forum_work.hpp"
#include "forums/zone.hpp"

namespace delvex::events {

int run_forums_add(SQLite::Database& db, ForumsFeature& forums, const ForumsCliOptions& o, std::int64_t now_ms,
                   std::ostream& out, std::ostream& err) {
    store::ForumSeriesRow row;
    row.room = o.room;
    row.title = o.title;
    row.agenda = o.agenda;
    row.rrule = o.rrule;
    row.dtstart_local = o.start;
    row.tz = o.tz;
    row.join_kind = o.join_kind;
    row.join_info = o.join_info;
    row.capacity = o.capacity;
    row.duration_min = o.duration_min;
    row.created_by = "cli";
    std::int64_t id = 0;
    {
        store::ForumWork work(db);
        auto created = forums.service().create_series(work.store(), work.jobs(), now_ms, row, {});
        if (!created) {
            err << "forums add: " << created.error().message << '\n';
            return 2;
        }
        work.commit();
        id = *created;
    }
    out << "created forum " << id << '\n';
    ForumsCliOptions just_this;
    just_this.id = id;
    return run_forums_list(db, forums, just_this, now_ms, out, err);
}

int run_forums_list(SQLite::Database& db, ForumsFeature& forums, const ForumsCliOptions& o, std::int64_t now_ms,
                    std::ostream& out, std::ostream& /*err*/) {
    store::ForumRepository repo(db);
    for (const auto& view : forums.service().list(repo, o.room, true, now_ms)) {
        const auto& row = view.row;
        if (o.id != 0 && row.id != o.id) {
            continue;
        }
        out << row.id << '\t' << row.room << '\t' << row.title << '\t' << row.rrule << '\t' << row.tz << '\t'
            << row.dtstart_local << '\t';
        if (row.cancelled) {
            out << "cancelled";
        } else if (view.zone != nullptr) {
            out << "next " << (view.next ? forums::format_utc_iso(view.next->start) : std::string("none"));
        }
        out << '\n';
    }
    return 0;
}

int run_forums_cancel(SQLite::Database& db, ForumsFeature& forums, const ForumsCliOptions& o, std::int64_t now_ms,
                      std::ostream& out, std::ostream& err) {
    store::ForumWork work(db);
    ForumResult<bool> r = true;
    if (o.occurrence.empty()) {
        r = forums.service().cancel_series(work.store(), work.jobs(), now_ms, o.id);
    } else {
        auto local = forums::parse_local_iso(o.occurrence);
        if (!local) {
            err << "forums cancel: --occurrence: " << local.error().message << '\n';
            return 2;
        }
        r = forums.service().cancel_occurrence(work.store(), work.jobs(), now_ms, o.id, *local);
    }
    if (!r) {
        err << "forums cancel: " << r.error().message << '\n';
        return 2;
    }
    work.commit();
    out << "cancelled forum " << o.id << (o.occurrence.empty() ? std::string() : " on " + o.occurrence) << '\n';
    return 0;
}

}  // namespace delvex::events
