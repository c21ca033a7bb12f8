#include "bot/store/forum_repository.hpp"

#include "bot/store/statement.hpp"

namespace delvex::store {
namespace {

constexpr const char* kSeriesColumns =
    "id, room, title, agenda, join_kind, join_info, rrule, tz, dtstart_local, duration_min, capacity, hosts, "
    "created_by, cancelled, sequence, created_ms, updated_ms";

ForumSeriesRow read_series(SQLite::Statement& q) {
    ForumSeriesRow row;
    row.id = q.getColumn(0).getInt64();
    row.room = q.getColumn(1).getString();
    row.title = q.getColumn(2).getString();
    row.agenda = q.getColumn(3).getString();
    row.join_kind = q.getColumn(4).getString();
    row.join_info = q.getColumn(5).getString();
    row.rrule = q.getColumn(6).getString();
    row.tz = q.getColumn(7).getString();
    row.dtstart_local = q.getColumn(8).getString();
    row.duration_min = q.getColumn(9).getInt();
    row.capacity = q.getColumn(10).getInt();
    row.hosts = q.getColumn(11).getString();
    row.created_by = q.getColumn(12).getString();
    row.cancelled = q.getColumn(13).getInt() != 0;
    row.sequence = q.getColumn(14).getInt();
    row.created_ms = q.getColumn(15).getInt64();
    row.updated_ms = q.getColumn(16).getInt64();
    return row;
}

constexpr const char* kRsvpColumns =
    "series_id, occurrence, member_key, status, waitlisted, since_ms, updated_ms";

RsvpRow read_rsvp(SQLite::Statement& q) {
    RsvpRow row;
    row.series_id = q.getColumn(0).getInt64();
    row.occurrence = q.getColumn(1).getString();
    row.member_key = q.getColumn(2).getString();
    row.status = static_cast<RsvpStatus>(q.getColumn(3).getInt());
    row.waitlisted = q.getColumn(4).getInt() != 0;
    row.since_ms = q.getColumn(5).getInt64();
    row.updated_ms = q.getColumn(6).getInt64();
    return row;
}

void bind_fields(SQLite::Statement& q, const ForumSeriesRow& row) {
    q.bind(":room", row.room);
    q.bind(":title", row.title);
    q.bind(":agenda", row.agenda);
    q.bind(":join_kind", row.join_kind);
    q.bind(":join_info", row.join_info);
    q.bind(":rrule", row.rrule);
    q.bind(":tz", row.tz);
    q.bind(":dtstart", row.dtstart_local);
    q.bind(":duration", row.duration_min);
    q.bind(":capacity", row.capacity);
    q.bind(":hosts", row.hosts);
}

}  // namespace

ForumRepository::ForumRepository(SQLite::Database& db)
    : db_(db),
      find_series_(db, std::string("SELECT ") + kSeriesColumns + " FROM forum_series WHERE id = :id"),
      find_rsvp_(db, std::string("SELECT ") + kRsvpColumns +
                         " FROM forum_rsvps WHERE series_id = :s AND occurrence = :o AND member_key = :m"),
      save_rsvp_(db,
                 "INSERT INTO forum_rsvps (series_id, occurrence, member_key, status, waitlisted, since_ms, "
                 "updated_ms) VALUES (:s, :o, :m, :status, :wait, :since, :updated) "
                 "ON CONFLICT (series_id, occurrence, member_key) DO UPDATE SET status = excluded.status, "
                 "waitlisted = excluded.waitlisted, since_ms = excluded.since_ms, updated_ms = excluded.updated_ms") {}

std::int64_t ForumRepository::insert_series(const ForumSeriesRow& row, std::int64_t now_ms) {
    SQLite::Statement q(db_,
                        "INSERT INTO forum_series (room, title, agenda, join_kind, join_info, rrule, tz, "
                        "dtstart_local, duration_min, capacity, hosts, created_by, created_ms, updated_ms) VALUES "
                        "(:room, :title, :agenda, :join_kind, :join_info, :rrule, :tz, :dtstart, :duration, "
                        ":capacity, :hosts, :by, :now, :now)");
    bind_fields(q, row);
    q.bind(":by", row.created_by);
    q.bind(":now", now_ms);
    q.exec();
    return db_.getLastInsertRowid();
}

bool ForumRepository::update_series(const ForumSeriesRow& row, std::int64_t now_ms) {
    SQLite::Statement q(db_,
                        "UPDATE forum_series SET room = :room, title = :title, agenda = :agenda, "
                        "join_kind = :join_kind, join_info = :join_info, rrule = :rrule, tz = :tz, "
                        "dtstart_local = :dtstart, duration_min = :duration, capacity = :capacity, hosts = :hosts, "
                        "sequence = sequence + 1, updated_ms = :now WHERE id = :id");
    bind_fields(q, row);
    q.bind(":now", now_ms);
    q.bind(":id", row.id);
    return q.exec() == 1;
}

std::optional<ForumSeriesRow> ForumRepository::find_series(std::int64_t id) {
    ResetOnExit guard{find_series_};
    find_series_.bind(":id", id);
    if (find_series_.executeStep()) {
        return read_series(find_series_);
    }
    return std::nullopt;
}

std::vector<ForumSeriesRow> ForumRepository::list_series(std::string_view room, bool include_cancelled) {
    SQLite::Statement q(db_, std::string("SELECT ") + kSeriesColumns +
                                 " FROM forum_series WHERE (:room = '' OR room = :room) AND (:all OR cancelled = 0) "
                                 "ORDER BY id");
    q.bind(":room", std::string(room));
    q.bind(":all", include_cancelled ? 1 : 0);
    std::vector<ForumSeriesRow> out;
    while (q.executeStep()) {
        out.push_back(read_series(q));
    }
    return out;
}

bool ForumRepository::cancel_series(std::int64_t id, std::int64_t now_ms) {
    SQLite::Statement q(db_,
                        "UPDATE forum_series SET cancelled = 1, sequence = sequence + 1, updated_ms = :now "
                        "WHERE id = :id AND cancelled = 0");
    q.bind(":now", now_ms);
    q.bind(":id", id);
    return q.exec() == 1;
}

void ForumRepository::touch_series(std::int64_t id, std::int64_t now_ms) {
    SQLite::Statement q(db_, "UPDATE forum_series SET sequence = sequence + 1, updated_ms = :now WHERE id = :id");
    q.bind(":now", now_ms);
    q.bind(":id", id);
    q.exec();
}

void ForumRepository::set_text(std::int64_t series_id, const ForumText& text) {
    SQLite::Statement q(db_,
                        "INSERT INTO forum_texts (series_id, language, title, agenda) VALUES (:s, :lang, :title, "
                        ":agenda) ON CONFLICT (series_id, language) DO UPDATE SET title = excluded.title, "
                        "agenda = excluded.agenda");
    q.bind(":s", series_id);
    q.bind(":lang", text.language);
    q.bind(":title", text.title);
    q.bind(":agenda", text.agenda);
    q.exec();
}

std::vector<ForumText> ForumRepository::texts(std::int64_t series_id) {
    SQLite::Statement q(db_, "SELECT language, title, agenda FROM forum_texts WHERE series_id = :s ORDER BY language");
    q.bind(":s", series_id);
    std::vector<ForumText> out;
    while (q.executeStep()) {
        out.push_back({q.getColumn(0).getString(), q.getColumn(1).getString(), q.getColumn(2).getString()});
    }
    return out;
}

void ForumRepository::set_override(std::int64_t series_id, const ForumOverrideRow& row, std::int64_t now_ms) {
    SQLite::Statement q(db_,
                        "INSERT INTO forum_overrides (series_id, original_local, kind, moved_to_local, updated_ms) "
                        "VALUES (:s, :orig, :kind, :moved, :now) ON CONFLICT (series_id, original_local) DO UPDATE "
                        "SET kind = excluded.kind, moved_to_local = excluded.moved_to_local, "
                        "updated_ms = excluded.updated_ms");
    q.bind(":s", series_id);
    q.bind(":orig", row.original_local);
    q.bind(":kind", static_cast<int>(row.kind));
    if (row.kind == ForumOverrideKind::kMove) {
        q.bind(":moved", row.moved_to_local);
    } else {
        q.bind(":moved");
    }
    q.bind(":now", now_ms);
    q.exec();
}

std::vector<ForumOverrideRow> ForumRepository::overrides(std::int64_t series_id) {
    SQLite::Statement q(db_,
                        "SELECT original_local, kind, coalesce(moved_to_local, '') FROM forum_overrides "
                        "WHERE series_id = :s ORDER BY original_local");
    q.bind(":s", series_id);
    std::vector<ForumOverrideRow> out;
    while (q.executeStep()) {
        out.push_back({q.getColumn(0).getString(), static_cast<ForumOverrideKind>(q.getColumn(1).getInt()),
                       q.getColumn(2).getString()});
    }
    return out;
}

std::optional<RsvpRow> ForumRepository::rsvp(std::int64_t series_id, std::string_view occurrence,
                                             std::string_view member_key) {
    ResetOnExit guard{find_rsvp_};
    find_rsvp_.bind(":s", series_id);
    find_rsvp_.bind(":o", std::string(occurrence));
    find_rsvp_.bind(":m", std::string(member_key));
    if (find_rsvp_.executeStep()) {
        return read_rsvp(find_rsvp_);
    }
    return std::nullopt;
}

void ForumRepository::save_rsvp(const RsvpRow& row) {
    ResetOnExit guard{save_rsvp_};
    save_rsvp_.bind(":s", row.series_id);
    save_rsvp_.bind(":o", row.occurrence);
    save_rsvp_.bind(":m", row.member_key);
    save_rsvp_.bind(":status", static_cast<int>(row.status));
    save_rsvp_.bind(":wait", row.waitlisted ? 1 : 0);
    save_rsvp_.bind(":since", row.since_ms);
    save_rsvp_.bind(":updated", row.updated_ms);
    save_rsvp_.exec();
}

std::int64_t ForumRepository::seated(std::int64_t series_id, std::string_view occurrence) {
    SQLite::Statement q(db_,
                        "SELECT count(*) FROM forum_rsvps WHERE series_id = :s AND occurrence = :o AND status = 1 "
                        "AND waitlisted = 0");
    q.bind(":s", series_id);
    q.bind(":o", std::string(occurrence));
    q.executeStep();
    return q.getColumn(0).getInt64();
}

std::int64_t ForumRepository::count_status(std::int64_t series_id, std::string_view occurrence, RsvpStatus status) {
    SQLite::Statement q(db_,
                        "SELECT count(*) FROM forum_rsvps WHERE series_id = :s AND occurrence = :o AND status = :st");
    q.bind(":s", series_id);
    q.bind(":o", std::string(occurrence));
    q.bind(":st", static_cast<int>(status));
    q.executeStep();
    return q.getColumn(0).getInt64();
}

std::vector<RsvpRow> ForumRepository::waitlist(std::int64_t series_id, std::string_view occurrence) {
    SQLite::Statement q(db_, std::string("SELECT ") + kRsvpColumns +
                                 " FROM forum_rsvps WHERE series_id = :s AND occurrence = :o AND status = 1 AND "
                                 "waitlisted = 1 ORDER BY since_ms, rowid");
    q.bind(":s", series_id);
    q.bind(":o", std::string(occurrence));
    std::vector<RsvpRow> out;
    while (q.executeStep()) {
        out.push_back(read_rsvp(q));
    }
    return out;
}

namespace {

/// Rows of (member_key, language, zone, status), as answered() and reminder_recipients() select them.
std::vector<RsvpRecipient> read_recipients(SQLite::Statement& q) {
    std::vector<RsvpRecipient> out;
    while (q.executeStep()) {
        out.push_back({q.getColumn(0).getString(), q.getColumn(1).getString(), q.getColumn(2).getString(),
                       static_cast<RsvpStatus>(q.getColumn(3).getInt())});
    }
    return out;
}

}  // namespace

std::vector<RsvpRecipient> ForumRepository::answered(std::int64_t series_id, std::string_view occurrence) {
    SQLite::Statement q(db_,
                        "SELECT r.member_key, coalesce(m.language, ''), coalesce(z.tz, ''), r.status "
                        "FROM forum_rsvps r LEFT JOIN members m ON m.member_key = r.member_key "
                        "LEFT JOIN forum_member_zones z ON z.member_key = r.member_key "
                        "WHERE r.series_id = :s AND r.occurrence = :o ORDER BY r.rowid");
    q.bind(":s", series_id);
    q.bind(":o", std::string(occurrence));
    return read_recipients(q);
}

std::vector<RsvpRecipient> ForumRepository::reminder_recipients(std::int64_t series_id, std::string_view occurrence) {
    SQLite::Statement q(db_,
                        "SELECT r.member_key, coalesce(m.language, ''), coalesce(z.tz, ''), r.status "
                        "FROM forum_rsvps r LEFT JOIN members m ON m.member_key = r.member_key "
                        "LEFT JOIN forum_member_zones z ON z.member_key = r.member_key "
                        "WHERE r.series_id = :s AND r.occurrence = :o AND "
                        "((r.status = 1 AND r.waitlisted = 0) OR r.status = 2) ORDER BY r.rowid");
    q.bind(":s", series_id);
    q.bind(":o", std::string(occurrence));
    return read_recipients(q);
}

std::vector<RsvpListing> ForumRepository::rsvp_list(std::int64_t series_id, std::string_view occurrence) {
    SQLite::Statement q(db_,
                        "SELECT coalesce(m.id, 0), coalesce(m.alias, ''), r.member_key, r.status, r.waitlisted, "
                        "EXISTS (SELECT 1 FROM forum_attendance a WHERE a.series_id = r.series_id AND a.occurrence = "
                        "r.occurrence AND a.member_key = r.member_key) "
                        "FROM forum_rsvps r LEFT JOIN members m ON m.member_key = r.member_key "
                        "WHERE r.series_id = :s AND r.occurrence = :o ORDER BY r.status, r.waitlisted, r.since_ms");
    q.bind(":s", series_id);
    q.bind(":o", std::string(occurrence));
    std::vector<RsvpListing> out;
    while (q.executeStep()) {
        RsvpListing row;
        row.member_id = q.getColumn(0).getInt64();
        row.alias = q.getColumn(1).getString();
        row.member_key = q.getColumn(2).getString();
        row.status = static_cast<RsvpStatus>(q.getColumn(3).getInt());
        row.waitlisted = q.getColumn(4).getInt() != 0;
        row.attended = q.getColumn(5).getInt() != 0;
        out.push_back(std::move(row));
    }
    return out;
}

void ForumRepository::mark_attendance(std::int64_t series_id, std::string_view occurrence,
                                      std::string_view member_key, int source, std::int64_t now_ms) {
    SQLite::Statement q(db_,
                        "INSERT INTO forum_attendance (series_id, occurrence, member_key, source, recorded_ms) "
                        "VALUES (:s, :o, :m, :src, :now) ON CONFLICT (series_id, occurrence, member_key) DO NOTHING");
    q.bind(":s", series_id);
    q.bind(":o", std::string(occurrence));
    q.bind(":m", std::string(member_key));
    q.bind(":src", source);
    q.bind(":now", now_ms);
    q.exec();
}

std::int64_t ForumRepository::attendance_count(std::int64_t series_id, std::string_view occurrence) {
    SQLite::Statement q(db_, "SELECT count(*) FROM forum_attendance WHERE series_id = :s AND occurrence = :o");
    q.bind(":s", series_id);
    q.bind(":o", std::string(occurrence));
    q.executeStep();
    return q.getColumn(0).getInt64();
}

void ForumRepository::save_feedback(std::int64_t series_id, std::string_view occurrence,
                                    std::string_view member_key, int rating, std::string_view comment,
                                    std::int64_t now_ms) {
    SQLite::Statement q(db_,
                        "INSERT INTO forum_feedback (series_id, occurrence, member_key, rating, comment, recorded_ms) "
                        "VALUES (:s, :o, :m, :r, :c, :now) ON CONFLICT (series_id, occurrence, member_key) DO UPDATE "
                        "SET rating = excluded.rating, comment = excluded.comment, recorded_ms = excluded.recorded_ms");
    q.bind(":s", series_id);
    q.bind(":o", std::string(occurrence));
    q.bind(":m", std::string(member_key));
    q.bind(":r", rating);
    q.bind(":c", std::string(comment));
    q.bind(":now", now_ms);
    q.exec();
}

void ForumRepository::add_recap(std::int64_t series_id, std::string_view occurrence, std::string_view member_key,
                                std::string_view kind, std::string_view body, std::int64_t now_ms) {
    SQLite::Statement q(db_,
                        "INSERT INTO forum_recaps (series_id, occurrence, member_key, kind, body, posted_ms) "
                        "VALUES (:s, :o, :m, :k, :b, :now)");
    q.bind(":s", series_id);
    q.bind(":o", std::string(occurrence));
    q.bind(":m", std::string(member_key));
    q.bind(":k", std::string(kind));
    q.bind(":b", std::string(body));
    q.bind(":now", now_ms);
    q.exec();
}

std::optional<ForumDraft> ForumRepository::draft(std::string_view member_key) {
    SQLite::Statement q(db_, "SELECT member_key, step, data, updated_ms FROM forum_drafts WHERE member_key = :m");
    q.bind(":m", std::string(member_key));
    if (q.executeStep()) {
        return ForumDraft{q.getColumn(0).getString(), q.getColumn(1).getString(), q.getColumn(2).getString(),
                          q.getColumn(3).getInt64()};
    }
    return std::nullopt;
}

void ForumRepository::save_draft(const ForumDraft& d) {
    SQLite::Statement q(db_,
                        "INSERT INTO forum_drafts (member_key, step, data, updated_ms) VALUES (:m, :step, :data, :now) "
                        "ON CONFLICT (member_key) DO UPDATE SET step = excluded.step, data = excluded.data, "
                        "updated_ms = excluded.updated_ms");
    q.bind(":m", d.member_key);
    q.bind(":step", d.step);
    q.bind(":data", d.data);
    q.bind(":now", d.updated_ms);
    q.exec();
}

void ForumRepository::delete_draft(std::string_view member_key) {
    SQLite::Statement q(db_, "DELETE FROM forum_drafts WHERE member_key = :m");
    q.bind(":m", std::string(member_key));
    q.exec();
}

std::optional<std::string> ForumRepository::member_zone(std::string_view member_key) {
    SQLite::Statement q(db_, "SELECT tz FROM forum_member_zones WHERE member_key = :m");
    q.bind(":m", std::string(member_key));
    if (q.executeStep()) {
        return q.getColumn(0).getString();
    }
    return std::nullopt;
}

void ForumRepository::set_member_zone(std::string_view member_key, std::string_view tz) {
    SQLite::Statement q(db_,
                        "INSERT INTO forum_member_zones (member_key, tz) VALUES (:m, :tz) "
                        "ON CONFLICT (member_key) DO UPDATE SET tz = excluded.tz");
    q.bind(":m", std::string(member_key));
    q.bind(":tz", std::string(tz));
    q.exec();
}

std::map<std::string, std::string, std::less<>> ForumRepository::member_zones() {
    SQLite::Statement q(db_, "SELECT member_key, tz FROM forum_member_zones");
    std::map<std::string, std::string, std::less<>> out;
    while (q.executeStep()) {
        out.emplace(q.getColumn(0).getString(), q.getColumn(1).getString());
    }
    return out;
}

std::int64_t ForumRepository::rsvp_count(std::string_view member_key) {
    SQLite::Statement q(db_, "SELECT count(*) FROM forum_rsvps WHERE member_key = :m");
    q.bind(":m", std::string(member_key));
    q.executeStep();
    return q.getColumn(0).getInt64();
}

void ForumRepository::forget_member(std::string_view member_key) {
    const std::string key(member_key);
    for (const char* sql : {"DELETE FROM forum_rsvps WHERE member_key = :m",
                            "DELETE FROM forum_attendance WHERE member_key = :m",
                            "DELETE FROM forum_feedback WHERE member_key = :m",
                            "DELETE FROM forum_drafts WHERE member_key = :m",
                            "DELETE FROM forum_member_zones WHERE member_key = :m",
                            "UPDATE forum_recaps SET member_key = '' WHERE member_key = :m",
                            "UPDATE forum_series SET created_by = '' WHERE created_by = :m"}) {
        SQLite::Statement q(db_, sql);
        q.bind(":m", key);
        q.exec();
    }
}

bool in_room(SQLite::Database& db, std::string_view room, std::string_view member_key) {
    SQLite::Statement q(db,
                        "SELECT EXISTS (SELECT 1 FROM room_members r JOIN members m ON m.id = r.member_id "
                        "WHERE r.room = :room AND m.member_key = :key AND r.state IN (0, 4) AND m.stopped = 0 "
                        "AND m.stage = 4)");
    q.bind(":room", std::string(room));
    q.bind(":key", std::string(member_key));
    return q.executeStep() && q.getColumn(0).getInt() != 0;
}

}  // namespace delvex::store
