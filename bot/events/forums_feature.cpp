#include "bot/events/forums_feature.hpp"

#include "bot/core/crypto.hpp"

#include <SQLiteCpp/Transaction.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <map>
#include <ostream>
#include <charconv>
#include <set>
#include <unordered_map>

#include "bot/core/message_ref.hpp"
#include "bot/core/outgoing.hpp"
#include "bot/core/window.hpp"
#include "bot/delivery/codec.hpp"
#include "bot/community/alias.hpp"
#include "bot/community/regions.hpp"
#include "bot/store/community_repository.hpp"
#include "bot/store/repositories.hpp"
#include "forums/recurrence.hpp"

namespace delvex::events {
namespace {

using forums::Instant;
using forums::LocalTime;

constexpr std::string_view kPurpose = "forum";
/// Announcements carry the RSVP buttons: their template carries them too (templates.yaml).
constexpr std::string_view kInvitePurpose = "forums.invite";
constexpr std::string_view kRsvpPrefix = "forums:rsvp:";
constexpr std::string_view kAttendPrefix = "forums:attend:";
constexpr std::string_view kFeedbackPrefix = "forums:feedback:";
/// A follow-up found due later than this after its forum ended (downtime) is dropped: too late to ask.
constexpr std::int64_t kFollowupUsefulMs = 3LL * 24 * 60 * 60 * 1000;

std::int64_t to_ms(Instant t) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

Instant from_ms(std::int64_t ms) {
    return Instant{std::chrono::seconds{ms / 1000}};
}

std::string local_iso(LocalTime t) {
    return date::format("%Y-%m-%dT%H:%M:%S", t);
}

std::vector<std::string> split(std::string_view s, char sep) {
    std::vector<std::string> out;
    std::size_t start = 0;
    while (true) {
        const auto pos = s.find(sep, start);
        out.emplace_back(s.substr(start, pos == std::string_view::npos ? std::string_view::npos : pos - start));
        if (pos == std::string_view::npos) {
            return out;
        }
        start = pos + 1;
    }
}

std::optional<std::int64_t> to_int(std::string_view s) {
    std::int64_t v = 0;
    const auto* end = s.data() + s.size();
    const auto [ptr, ec] = std::from_chars(s.data(), end, v);
    if (ec != std::errc() || ptr != end || s.empty()) {
        return std::nullopt;
    }
    return v;
}

std::string language_or_en(std::string_view lang) {
    return lang.empty() ? std::string("en") : std::string(lang);
}

const date::time_zone* zone_or(std::string_view name, const date::time_zone* fallback) {
    if (name.empty()) {
        return fallback;
    }
    auto z = forums::find_zone(name);
    return z ? *z : fallback;
}

/// The series title and agenda in a language (the series row holds the default).
struct Localized {
    std::string title;
    std::string agenda;
};

Localized localized(const store::ForumSeriesRow& row, const std::vector<store::ForumText>& texts,
                    std::string_view lang) {
    for (const auto& t : texts) {
        if (t.language == lang) {
            return {t.title.empty() ? row.title : t.title, t.agenda.empty() ? row.agenda : t.agenda};
        }
    }
    return {row.title, row.agenda};
}

std::string join_line(const core::Catalog& catalog, std::string_view lang, const store::ForumSeriesRow& row) {
    if (row.join_kind == "call") {
        return catalog.text(lang, "forums.join_call");
    }
    if (row.join_info.empty()) {
        return {};
    }
    const std::string key = row.join_kind == "place" ? "forums.join_place" : "forums.join_link";
    return catalog.text(lang, key, {{"info", row.join_info}});
}

std::string time_left(const core::Catalog& catalog, std::string_view lang, std::chrono::minutes offset) {
    const auto n = offset.count();
    if (n % (24 * 60) == 0) {
        return catalog.text(lang, n == 24 * 60 ? "forums.in_one_day" : "forums.in_days",
                            {{"n", std::to_string(n / (24 * 60))}});
    }
    if (n % 60 == 0) {
        return catalog.text(lang, n == 60 ? "forums.in_one_hour" : "forums.in_hours", {{"n", std::to_string(n / 60)}});
    }
    return catalog.text(lang, "forums.in_minutes", {{"n", std::to_string(n)}});
}

const char* status_letter(store::RsvpStatus s) {
    switch (s) {
        case store::RsvpStatus::kAccepted:
            return "A";
        case store::RsvpStatus::kTentative:
            return "T";
        case store::RsvpStatus::kDeclined:
            return "D";
    }
    return "D";
}

core::ReplyButtons rsvp_buttons(const core::Catalog& catalog, std::string_view lang, const std::string& token,
                                std::string body) {
    core::ReplyButtons buttons;
    buttons.body = std::move(body);
    for (auto s : {store::RsvpStatus::kAccepted, store::RsvpStatus::kTentative, store::RsvpStatus::kDeclined}) {
        const char* key = s == store::RsvpStatus::kAccepted    ? "forums.going"
                          : s == store::RsvpStatus::kTentative ? "forums.maybe"
                                                               : "forums.cant";
        buttons.buttons.push_back({std::string(kRsvpPrefix) + token + ":" + status_letter(s), catalog.text(lang, key)});
    }
    return buttons;
}

/// A job key's parts after the kind: "forums.reminder:<id>:<seq>:<occ>:<offset>m" → {id, seq, occ, offset}.
struct JobKey {
    std::int64_t id = 0;
    int seq = 0;
    std::string occ;
    std::int64_t offset_min = 0;
};

std::optional<JobKey> parse_job_key(std::string_view key) {
    const auto parts = split(key, ':');
    if (parts.size() < 3) {
        return std::nullopt;
    }
    JobKey k;
    const auto id = to_int(parts[1]);
    const auto seq = to_int(parts[2]);
    if (!id || !seq) {
        return std::nullopt;
    }
    k.id = *id;
    k.seq = static_cast<int>(*seq);
    if (parts.size() > 3) {
        k.occ = parts[3];
    }
    if (parts.size() > 4 && !parts[4].empty() && parts[4].back() == 'm') {
        const auto off = to_int(std::string_view(parts[4]).substr(0, parts[4].size() - 1));
        if (!off) {
            return std::nullopt;
        }
        k.offset_min = *off;
    }
    return k;
}

std::string day_key(int weekday) {
    static const char* const kDays[] = {"sun", "mon", "tue", "wed", "thu", "fri", "sat"};
    return std::string("forums.days.") + kDays[weekday];
}

std::string month_key(unsigned month) {
    static const char* const kMonths[] = {"jan", "feb", "mar", "apr", "may", "jun",
                                          "jul", "aug", "sep", "oct", "nov", "dec"};
    return std::string("forums.months.") + kMonths[(month - 1) % 12];
}

std::string city_of(const date::time_zone& zone) {
    std::string name = zone.name();
    const auto slash = name.rfind('/');
    if (slash != std::string::npos) {
        name = name.substr(slash + 1);
    }
    std::replace(name.begin(), name.end(), '_', ' ');
    return name;
}

}  // namespace

std::string occurrence_token(std::int64_t series_id, LocalTime original) {
    return std::to_string(series_id) + "-" + forums::format_local_basic(original);
}

std::optional<std::pair<std::int64_t, LocalTime>> parse_occurrence_token(std::string_view token) {
    const auto dash = token.find('-');
    if (dash == std::string_view::npos) {
        return std::nullopt;
    }
    const auto id = to_int(token.substr(0, dash));
    auto local = forums::parse_local_basic(token.substr(dash + 1));
    if (!id || !local) {
        return std::nullopt;
    }
    return std::make_pair(*id, *local);
}

ForumResult<forums::Series> series_of(const store::ForumSeriesRow& row,
                                      const std::vector<store::ForumOverrideRow>& overrides) {
    auto series = forums::make_series(row.rrule, row.tz, row.dtstart_local);
    if (!series) {
        return series.error();
    }
    for (const auto& o : overrides) {
        auto original = forums::parse_local_basic(o.original_local);
        if (!original) {
            return original.error();
        }
        if (o.kind == store::ForumOverrideKind::kCancel) {
            series->exdates.push_back(*original);
        } else {
            auto moved = forums::parse_local_basic(o.moved_to_local);
            if (!moved) {
                return moved.error();
            }
            series->overrides.push_back({*original, *moved});
        }
    }
    return series;
}

std::optional<forums::Occurrence> resolve_occurrence(const forums::Series& series, LocalTime original) {
    if (!forums::is_instance(series, original)) {
        return std::nullopt;
    }
    if (std::find(series.exdates.begin(), series.exdates.end(), original) != series.exdates.end()) {
        return std::nullopt;
    }
    forums::Occurrence occ;
    occ.original = original;
    occ.local = original;
    for (const auto& o : series.overrides) {
        if (o.original == original) {
            occ.local = o.moved_to;
            occ.moved = true;
        }
    }
    occ.start = forums::to_utc(occ.local, *series.zone);
    return occ;
}

/// What a reminder or follow-up job is about, as it stands now.
struct JobTarget {
    JobKey key;
    store::ForumSeriesRow row;
    forums::Series series;
    forums::Occurrence occ;
};

/// The series and occurrence of a reminder or follow-up job; nullopt when the job is stale: the series was
/// cancelled or edited since it was planned (the re-plan made its own jobs), or the occurrence was cancelled.
/// Throws on a key or a stored series that cannot be read.
std::optional<JobTarget> current_target(store::ForumRepository& repo, const store::Job& job, const char* what) {
    const auto k = parse_job_key(job.key);
    if (!k) {
        throw std::runtime_error(std::string("forums: bad ") + what + " key " + job.key);
    }
    auto row = repo.find_series(k->id);
    if (!row || row->cancelled || row->sequence != k->seq) {
        return std::nullopt;
    }
    auto series = series_of(*row, repo.overrides(k->id));
    const auto original = forums::parse_local_basic(k->occ);
    if (!series || !original) {
        throw std::runtime_error("forums: series " + std::to_string(k->id) + " no longer parses");
    }
    auto occ = resolve_occurrence(*series, *original);
    if (!occ) {
        return std::nullopt;
    }
    return JobTarget{*k, std::move(*row), std::move(*series), std::move(*occ)};
}

std::string format_when(const core::Catalog& catalog, std::string_view language, Instant t,
                        const date::time_zone& zone) {
    const auto info = forums::zone_info(zone, t);
    const auto local = date::local_seconds{t.time_since_epoch() + info.offset};
    const auto day = date::floor<date::days>(local);
    const date::year_month_day ymd{day};
    const date::weekday wd{day};
    const date::hh_mm_ss<std::chrono::seconds> hms{local - day};
    char time[8];
    std::snprintf(time, sizeof time, "%02d:%02d", static_cast<int>(hms.hours().count()),
                  static_cast<int>(hms.minutes().count()));
    return catalog.text(language, "forums.when",
                        {{"weekday", catalog.text(language, day_key(static_cast<int>(wd.c_encoding())))},
                         {"day", std::to_string(static_cast<unsigned>(ymd.day()))},
                         {"month", catalog.text(language, month_key(static_cast<unsigned>(ymd.month())))},
                         {"time", time},
                         {"zone", city_of(zone)}});
}

std::string forum_title(const store::ForumSeriesRow& row, const std::vector<store::ForumText>& texts,
                        std::string_view language) {
    return localized(row, texts, language).title;
}

std::string forum_join_line(const core::Catalog& catalog, std::string_view language, const store::ForumSeriesRow& row) {
    return join_line(catalog, language, row);
}

core::ReplyButtons forum_rsvp_buttons(const core::Catalog& catalog, std::string_view language,
                                      const std::string& token, std::string body) {
    return rsvp_buttons(catalog, language, token, std::move(body));
}

ForumsFeature::ForumsFeature(RoomDirectory& rooms, ForumsSettings settings)
    : rooms_(rooms), settings_(std::move(settings)) {}

ForumsFeature::ForumsFeature(std::unique_ptr<RoomDirectory> rooms, ForumsSettings settings)
    : owned_rooms_(std::move(rooms)), rooms_(*owned_rooms_), settings_(std::move(settings)) {}

std::vector<std::string> CommunityRooms::rooms() const {
    std::vector<std::string> out;
    for (const auto& room : regions_.rooms()) {
        out.push_back(room.id);
    }
    return out;
}

bool CommunityRooms::has_room(std::string_view room) const {
    return regions_.find(room) != nullptr;
}

std::string CommunityRooms::zone(std::string_view room) const {
    const auto* r = regions_.find(room);
    return r != nullptr ? r->time_zone : std::string("UTC");
}

std::string CommunityRooms::name(std::string_view room, std::string_view language) const {
    const auto* r = regions_.find(room);
    return r != nullptr ? r->name(language) : std::string(room);
}

std::vector<ForumMember> CommunityRooms::members(SQLite::Database& db, std::string_view room) {
    store::CommunityRepository repo(db);
    std::vector<ForumMember> out;
    for (auto& m : repo.room_members(room, 0)) {
        out.push_back({std::move(m.key), std::move(m.language)});
    }
    return out;
}

bool CommunityRooms::is_moderator(SQLite::Database& db, std::string_view room, std::string_view member_key) {
    if (regions_.is_configured_moderator(room, member_key)) {
        return true;
    }
    store::CommunityRepository repo(db);
    for (const auto& m : repo.moderators(room)) {
        if (m.key == member_key) {
            return true;
        }
    }
    return false;
}

ForumResult<forums::Series> ForumsFeature::check(const store::ForumSeriesRow& row, std::int64_t now_ms) const {
    if (!rooms_.has_room(row.room)) {
        return ForumError{"unknown room '" + row.room + "'"};
    }
    if (row.title.empty() || row.title.size() > 200) {
        return ForumError{"title must be 1 to 200 bytes"};
    }
    if (row.agenda.size() > 2000) {
        return ForumError{"agenda must be at most 2000 bytes"};
    }
    if (row.join_kind != "link" && row.join_kind != "place" && row.join_kind != "call") {
        return ForumError{"join kind must be link, place or call (got '" + row.join_kind + "')"};
    }
    if (row.join_info.size() > 500) {
        return ForumError{"join info must be at most 500 bytes"};
    }
    if (row.duration_min < 1 || row.duration_min > 24 * 60) {
        return ForumError{"duration must be 1 to 1440 minutes"};
    }
    if (row.capacity < 0 || row.capacity > 1'000'000) {
        return ForumError{"capacity must be 0 (no limit) to 1000000"};
    }
    auto series = series_of(row, {});
    if (!series) {
        return series.error();
    }
    if (forums::next_occurrences(*series, from_ms(now_ms), 1).empty()) {
        return ForumError{"the rule has no occurrence after now"};
    }
    return series;
}

namespace {

/// Brings untrusted input to its stored form: canonical RRULE, "YYYY-MM-DDTHH:MM:SS", the room's zone by default.
ForumResult<bool> normalise(store::ForumSeriesRow& row, RoomDirectory& rooms) {
    if (!rooms.has_room(row.room)) {
        return ForumError{"unknown room '" + row.room + "'"};
    }
    if (row.tz.empty()) {
        row.tz = rooms.zone(row.room);
    }
    auto rule = forums::parse_rrule(row.rrule);
    if (!rule) {
        return ForumError{"rrule: " + rule.error().message};
    }
    row.rrule = forums::format_rrule(*rule);
    auto zone = forums::find_zone(row.tz);
    if (!zone) {
        return ForumError{"tz: " + zone.error().message};
    }
    auto start = forums::parse_local_iso(row.dtstart_local);
    if (!start) {
        return ForumError{"start: " + start.error().message};
    }
    row.dtstart_local = local_iso(*start);
    return true;
}

}  // namespace

ForumResult<std::int64_t> ForumsFeature::create_series(SQLite::Database& db, store::JobRepository& jobs,
                                                       std::int64_t now_ms, store::ForumSeriesRow row,
                                                       const std::vector<store::ForumText>& texts) {
    if (auto ok = normalise(row, rooms_); !ok) {
        return ok.error();
    }
    auto series = check(row, now_ms);
    if (!series) {
        return series.error();
    }
    store::ForumRepository repo(db);
    const auto id = repo.insert_series(row, now_ms);
    for (const auto& t : texts) {
        repo.set_text(id, t);
    }
    const auto first = forums::next_occurrences(*series, from_ms(now_ms), 1);
    jobs.schedule("forums.scheduled:" + std::to_string(id) + ":0", "forums.scheduled", now_ms,
                  first.empty() ? 0 : to_ms(first.front().start), {}, now_ms);
    plan(db, jobs, now_ms, id);
    ensure_plan_job(jobs, now_ms);
    return id;
}

ForumResult<bool> ForumsFeature::update_series(SQLite::Database& db, store::JobRepository& jobs, std::int64_t now_ms,
                                               store::ForumSeriesRow row, const std::vector<store::ForumText>& texts) {
    store::ForumRepository repo(db);
    const auto old = repo.find_series(row.id);
    if (!old) {
        return ForumError{"no forum series " + std::to_string(row.id)};
    }
    if (old->cancelled) {
        return ForumError{"forum series " + std::to_string(row.id) + " is cancelled"};
    }
    if (auto ok = normalise(row, rooms_); !ok) {
        return ok.error();
    }
    if (auto series = check(row, now_ms); !series) {
        return series.error();
    }
    repo.update_series(row, now_ms);
    for (const auto& t : texts) {
        repo.set_text(row.id, t);
    }
    plan(db, jobs, now_ms, row.id);
    return true;
}

ForumResult<bool> ForumsFeature::cancel_series(SQLite::Database& db, store::JobRepository& jobs, std::int64_t now_ms,
                                               std::int64_t id) {
    store::ForumRepository repo(db);
    if (!repo.cancel_series(id, now_ms)) {
        return ForumError{"no active forum series " + std::to_string(id)};
    }
    const auto row = repo.find_series(id);
    plan(db, jobs, now_ms, id);
    jobs.schedule("forums.notice:" + std::to_string(id) + ":" + std::to_string(row->sequence) + ":series",
                  "forums.notice", now_ms, 0, "series", now_ms);
    return true;
}

ForumResult<bool> ForumsFeature::cancel_occurrence(SQLite::Database& db, store::JobRepository& jobs,
                                                   std::int64_t now_ms, std::int64_t id, LocalTime original) {
    store::ForumRepository repo(db);
    const auto row = repo.find_series(id);
    if (!row || row->cancelled) {
        return ForumError{"no active forum series " + std::to_string(id)};
    }
    auto series = series_of(*row, repo.overrides(id));
    if (!series) {
        return series.error();
    }
    if (!resolve_occurrence(*series, original)) {
        return ForumError{"the series has no occurrence at " + local_iso(original)};
    }
    const auto occ = forums::format_local_basic(original);
    repo.set_override(id, {occ, store::ForumOverrideKind::kCancel, {}}, now_ms);
    repo.touch_series(id, now_ms);
    plan(db, jobs, now_ms, id);
    jobs.schedule("forums.notice:" + std::to_string(id) + ":" + std::to_string(row->sequence + 1) + ":cancel", "forums.notice",
                  now_ms, 0, "cancel " + occ, now_ms);
    return true;
}

ForumResult<bool> ForumsFeature::move_occurrence(SQLite::Database& db, store::JobRepository& jobs,
                                                 std::int64_t now_ms, std::int64_t id, LocalTime original,
                                                 LocalTime to) {
    store::ForumRepository repo(db);
    const auto row = repo.find_series(id);
    if (!row || row->cancelled) {
        return ForumError{"no active forum series " + std::to_string(id)};
    }
    auto series = series_of(*row, repo.overrides(id));
    if (!series) {
        return series.error();
    }
    if (!resolve_occurrence(*series, original)) {
        return ForumError{"the series has no occurrence at " + local_iso(original)};
    }
    if (forums::to_utc(to, *series->zone) <= from_ms(now_ms)) {
        return ForumError{"the new time " + local_iso(to) + " is in the past"};
    }
    const auto occ = forums::format_local_basic(original);
    repo.set_override(id, {occ, store::ForumOverrideKind::kMove, forums::format_local_basic(to)}, now_ms);
    repo.touch_series(id, now_ms);
    plan(db, jobs, now_ms, id);
    jobs.schedule("forums.notice:" + std::to_string(id) + ":" + std::to_string(row->sequence + 1) + ":move", "forums.notice",
                  now_ms, 0, "move " + occ, now_ms);
    return true;
}

void ForumsFeature::plan(SQLite::Database& db, store::JobRepository& jobs, std::int64_t now_ms, std::int64_t id) {
    store::ForumRepository repo(db);
    const auto row = repo.find_series(id);
    const std::string ids = std::to_string(id);
    const std::string reminder_prefix = "forums.reminder:" + ids + ":";
    const std::string announce_prefix = "forums.announce:" + ids + ":";
    const std::string followup_prefix = "forums.followup:" + ids + ":";

    // What is waiting now, by slot (kind, occurrence, offset) regardless of the sequence in its key: a slot
    // whose time has just passed but was still waiting is kept (due now) rather than lost to an edit.
    auto waiting = jobs.waiting(reminder_prefix);
    const auto announces = jobs.waiting(announce_prefix);
    waiting.insert(waiting.end(), announces.begin(), announces.end());
    const auto followups = jobs.waiting(followup_prefix);
    waiting.insert(waiting.end(), followups.begin(), followups.end());
    std::set<std::string> waiting_slots;
    for (const auto& job : waiting) {
        if (const auto k = parse_job_key(job.key)) {
            waiting_slots.insert(job.kind + "|" + k->occ + "|" + std::to_string(k->offset_min));
        }
    }

    std::set<std::string> desired;
    if (row && !row->cancelled) {
        auto series = series_of(*row, repo.overrides(id));
        if (series) {
            const auto now = from_ms(now_ms);
            const auto until = now + std::chrono::duration_cast<std::chrono::seconds>(settings_.horizon);
            const std::string seq = std::to_string(row->sequence);
            const auto want = [&](const std::string& key, const std::string& kind, const std::string& occ,
                                  std::int64_t offset_min, std::int64_t due_ms, std::int64_t start_ms,
                                  std::int64_t expires_ms) {
                if (due_ms < now_ms) {
                    if (!waiting_slots.contains(kind + "|" + occ + "|" + std::to_string(offset_min))) {
                        return;
                    }
                    due_ms = now_ms;
                }
                jobs.schedule(key, kind, due_ms, expires_ms, std::to_string(start_ms / 1000), now_ms);
                desired.insert(key);
            };
            for (const auto& occ : forums::occurrences_between(*series, now, until)) {
                const auto occ_name = forums::format_local_basic(occ.original);
                const auto start_ms = to_ms(occ.start);
                for (const auto offset : settings_.reminder_offsets) {
                    const auto due = start_ms - std::chrono::duration_cast<std::chrono::milliseconds>(offset).count();
                    want(reminder_prefix + seq + ":" + occ_name + ":" + std::to_string(offset.count()) + "m",
                         "forums.reminder", occ_name, offset.count(), due, start_ms, start_ms);
                }
                const auto due =
                    start_ms - std::chrono::duration_cast<std::chrono::milliseconds>(settings_.announce_before).count();
                want(announce_prefix + seq + ":" + occ_name, "forums.announce", occ_name, 0, due, start_ms, start_ms);
            }
            // The follow-up (did you attend? feedback) is due when an occurrence ends, so occurrences under
            // way now are still planned; it stays useful for kFollowupUsefulMs after the end.
            const auto duration = std::chrono::minutes(std::max(row->duration_min, 0));
            for (const auto& occ : forums::occurrences_between(*series, now - duration, until)) {
                const auto occ_name = forums::format_local_basic(occ.original);
                const auto start_ms = to_ms(occ.start);
                const auto end_ms = start_ms + std::chrono::duration_cast<std::chrono::milliseconds>(duration).count();
                want(followup_prefix + seq + ":" + occ_name, "forums.followup", occ_name, 0, end_ms, start_ms,
                     end_ms + kFollowupUsefulMs);
            }
        }
    }
    // Jobs already due are left to the scheduler, which runs them (a stale one finds its sequence outdated and
    // does nothing) or drops and counts them when their occurrence has begun.
    for (const auto& job : waiting) {
        if (job.due_ms > now_ms && !desired.contains(job.key)) {
            jobs.finish(job.id, store::JobState::kDropped, "superseded", now_ms);
        }
    }
}

void ForumsFeature::ensure_plan_job(store::JobRepository& jobs, std::int64_t now_ms) {
    const auto tomorrow = date::floor<date::days>(from_ms(now_ms)) + date::days{1};
    const auto key = "forums.plan:" + date::format("%Y-%m-%d", tomorrow);
    jobs.schedule(key, "forums.plan", to_ms(Instant{tomorrow}), 0, {}, now_ms);
}

void ForumsFeature::plan_all(SQLite::Database& db, store::JobRepository& jobs, std::int64_t now_ms) {
    store::ForumRepository repo(db);
    for (const auto& row : repo.list_series({}, false)) {
        plan(db, jobs, now_ms, row.id);
    }
    ensure_plan_job(jobs, now_ms);
}

void ForumsFeature::on_job(Context& ctx, const store::Job& job) {
    if (job.kind == "forums.plan") {
        plan_all(ctx.db, ctx.jobs, ctx.now_ms);
    } else if (job.kind == "forums.reminder") {
        run_reminder(ctx, job);
    } else if (job.kind == "forums.announce") {
        run_announce(ctx, job, false);
    } else if (job.kind == "forums.scheduled") {
        run_announce(ctx, job, true);
    } else if (job.kind == "forums.notice") {
        run_notice(ctx, job);
    } else if (job.kind == "forums.followup") {
        run_followup(ctx, job);
    } else {
        throw std::runtime_error("forums: unknown job kind " + job.kind);
    }
}

void ForumsFeature::run_reminder(Context& ctx, const store::Job& job) {
    store::ForumRepository repo(ctx.db);
    const auto target = current_target(repo, job, "reminder");
    if (!target) {
        return;
    }
    const auto* k = &target->key;
    const auto* row = &target->row;
    const auto* series = &target->series;
    const auto* occ = &target->occ;
    // After downtime a "1 day before" found due together with the "1 hour before" is redundant: only the
    // nearest reminder still due goes out.
    for (const auto offset : settings_.reminder_offsets) {
        const auto due_ms = to_ms(occ->start) - std::chrono::duration_cast<std::chrono::milliseconds>(offset).count();
        if (offset.count() < k->offset_min && due_ms <= ctx.now_ms) {
            return;
        }
    }
    const auto texts = repo.texts(k->id);
    const auto key = "forums.reminder:" + std::to_string(k->id) + ":" + k->occ + ":" + std::to_string(k->offset_min) +
                     "m:" + std::to_string(occ->start.time_since_epoch().count());
    std::unordered_map<std::string, std::string> bodies;  // by language and zone
    for (const auto& r : repo.reminder_recipients(k->id, k->occ)) {
        const auto lang = language_or_en(r.language);
        const auto* zone = zone_or(r.tz, series->zone);
        auto& body = bodies[lang + "|" + zone->name()];
        if (body.empty()) {
            const auto loc = localized(*row, texts, lang);
            body = ctx.catalog.text(lang, "forums.reminder",
                                    {{"title", loc.title},
                                     {"left", time_left(ctx.catalog, lang, std::chrono::minutes(k->offset_min))},
                                     {"when", format_when(ctx.catalog, lang, occ->start, *zone)},
                                     {"join", join_line(ctx.catalog, lang, *row)}});
        }
        ctx.outbox.text(key, r.member_key, body, std::string(kPurpose));
    }
}

void ForumsFeature::run_announce(Context& ctx, const store::Job& job, bool scheduled) {
    const auto k = parse_job_key(job.key);
    if (!k) {
        throw std::runtime_error("forums: bad announce key " + job.key);
    }
    store::ForumRepository repo(ctx.db);
    const auto row = repo.find_series(k->id);
    if (!row || row->cancelled || (!scheduled && row->sequence != k->seq)) {
        return;
    }
    auto series = series_of(*row, repo.overrides(k->id));
    if (!series) {
        throw std::runtime_error("forums: series " + std::to_string(k->id) + " no longer parses");
    }
    std::optional<forums::Occurrence> occ;
    if (scheduled) {
        const auto next = forums::next_occurrences(*series, from_ms(ctx.now_ms), 1);
        if (!next.empty()) {
            occ = next.front();
        }
    } else if (auto original = forums::parse_local_basic(k->occ)) {
        occ = resolve_occurrence(*series, *original);
    }
    if (!occ || to_ms(occ->start) <= ctx.now_ms) {
        return;
    }
    const auto token = occurrence_token(k->id, occ->original);
    const auto key = scheduled ? "forums.scheduled:" + std::to_string(k->id)
                               : "forums.announce:" + token + ":" + std::to_string(occ->start.time_since_epoch().count());
    const auto texts = repo.texts(k->id);
    std::unordered_map<std::string, core::OutgoingMessage> messages;  // by language and zone
    const auto own_zones = repo.member_zones();
    for (const auto& m : rooms_.members(ctx.db, row->room)) {
        const auto lang = language_or_en(m.language);
        const auto* zone = series->zone;
        if (auto own = own_zones.find(m.member_key); own != own_zones.end()) {
            zone = zone_or(own->second, zone);
        }
        auto [it, fresh] = messages.try_emplace(lang + "|" + zone->name());
        if (fresh) {
            const auto loc = localized(*row, texts, lang);
            auto body = ctx.catalog.text(lang, scheduled ? "forums.scheduled" : "forums.announce",
                                         {{"title", loc.title},
                                          {"room", rooms_.name(row->room, lang)},
                                          {"when", format_when(ctx.catalog, lang, occ->start, *zone)},
                                          {"join", join_line(ctx.catalog, lang, *row)}});
            if (!loc.agenda.empty()) {
                body += "\n\n" + loc.agenda;
            }
            it->second.body = rsvp_buttons(ctx.catalog, lang, token, std::move(body));
        }
        it->second.to = delivery::recipient_of(m.member_key);
        ctx.outbox.send(key, it->second, std::string(kInvitePurpose));
    }
}

void ForumsFeature::run_notice(Context& ctx, const store::Job& job) {
    const auto k = parse_job_key(job.key);
    if (!k) {
        throw std::runtime_error("forums: bad notice key " + job.key);
    }
    store::ForumRepository repo(ctx.db);
    const auto row = repo.find_series(k->id);
    if (!row) {
        return;
    }
    auto series = series_of(*row, repo.overrides(k->id));
    if (!series) {
        throw std::runtime_error("forums: series " + std::to_string(k->id) + " no longer parses");
    }
    const auto texts = repo.texts(k->id);
    const auto parts = split(job.payload, ' ');
    const auto& what = parts.front();
    // The occurrences whose RSVPs are told: one (cancel, move) or every upcoming one (the series ended).
    std::vector<std::pair<std::string, std::optional<forums::Occurrence>>> targets;
    if (what == "series") {
        const auto now = from_ms(ctx.now_ms);
        auto all = *series;
        all.exdates.clear();
        for (const auto& occ :
             forums::occurrences_between(all, now, now + std::chrono::duration_cast<std::chrono::seconds>(settings_.horizon))) {
            targets.emplace_back(forums::format_local_basic(occ.original), occ);
        }
    } else if (parts.size() == 2) {
        auto original = forums::parse_local_basic(parts[1]);
        if (!original) {
            return;
        }
        std::optional<forums::Occurrence> occ;
        if (what == "move") {
            occ = resolve_occurrence(*series, *original);
        } else {
            occ = forums::Occurrence{forums::to_utc(*original, *series->zone), *original, *original, false};
        }
        targets.emplace_back(parts[1], occ);
    }
    std::set<std::string> told;
    for (const auto& [occ_name, occ] : targets) {
        for (const auto& r : repo.reminder_recipients(k->id, occ_name)) {
            if (what == "series" && !told.insert(r.member_key).second) {
                continue;
            }
            const auto lang = language_or_en(r.language);
            const auto* zone = zone_or(r.tz, series->zone);
            const auto loc = localized(*row, texts, lang);
            const auto when = occ ? format_when(ctx.catalog, lang, occ->start, *zone) : std::string();
            const char* text_key = what == "series" ? "forums.series_cancelled"
                                   : what == "move" ? "forums.occurrence_moved"
                                                    : "forums.occurrence_cancelled";
            ctx.outbox.text(job.key + ":" + occ_name, r.member_key,
                            ctx.catalog.text(lang, text_key, {{"title", loc.title}, {"when", when}}),
                            std::string(kPurpose));
        }
    }
}

store::ForumRepository& ForumsFeature::message_repo(SQLite::Database& db) {
    // Every message of every member is looked at (a draft in progress?): prepare the statements once per
    // connection, not per message.
    if (message_repo_ == nullptr || message_repo_db_ != &db) {
        message_repo_ = std::make_unique<store::ForumRepository>(db);
        message_repo_db_ = &db;
    }
    return *message_repo_;
}

void ForumsFeature::drop_prompt(Context& ctx, const store::MemberRow& member) {
    message_repo(ctx.db).delete_draft(member.member_key);
}

bool ForumsFeature::on_message(Context& ctx, const store::MemberRow& member, const core::InboundMessage& message) {
    if (message.reply_id.starts_with(kRsvpPrefix)) {
        return on_rsvp(ctx, member, message, std::string_view(message.reply_id).substr(kRsvpPrefix.size()));
    }
    if (message.reply_id.starts_with(kAttendPrefix) || message.reply_id.starts_with(kFeedbackPrefix)) {
        return on_followup_reply(ctx, member, message);
    }
    if (on_after(ctx, member, message)) {
        return true;
    }
    return on_flow(ctx, member, message) || on_next_forum(ctx, member, message);
}

bool ForumsFeature::on_rsvp(Context& ctx, const store::MemberRow& member, const core::InboundMessage& message,
                            std::string_view rest) {
    const auto lang = language_or_en(member.language);
    const auto colon = rest.rfind(':');
    const auto parsed = colon == std::string_view::npos ? std::nullopt : parse_occurrence_token(rest.substr(0, colon));
    const auto letter = colon == std::string_view::npos ? std::string_view() : rest.substr(colon + 1);
    if (!parsed || (letter != "A" && letter != "T" && letter != "D")) {
        return true;  // ours, but not a reply we ever sent
    }
    const auto reply_key = "forums.rsvp:" + core::message_ref(message.id);
    store::ForumRepository repo(ctx.db);
    const auto row = repo.find_series(parsed->first);
    std::optional<forums::Series> series;
    if (row && !row->cancelled) {
        if (auto s = series_of(*row, repo.overrides(row->id))) {
            series = std::move(*s);
        }
    }
    const auto occ = series ? resolve_occurrence(*series, parsed->second) : std::nullopt;
    if (!occ || to_ms(occ->start) <= ctx.now_ms) {
        ctx.outbox.text(reply_key, member.member_key, ctx.catalog.text(lang, "forums.rsvp_closed"));
        return true;
    }
    const auto occ_name = forums::format_local_basic(parsed->second);
    const auto status = letter == "A" ? store::RsvpStatus::kAccepted
                        : letter == "T" ? store::RsvpStatus::kTentative
                                        : store::RsvpStatus::kDeclined;
    const auto prev = repo.rsvp(row->id, occ_name, member.member_key);
    store::RsvpRow rsvp{row->id, occ_name, member.member_key, status, false, ctx.now_ms, ctx.now_ms};
    if (status == store::RsvpStatus::kAccepted) {
        if (prev && prev->status == store::RsvpStatus::kAccepted) {
            rsvp.waitlisted = prev->waitlisted;
            rsvp.since_ms = prev->since_ms;
        } else {
            rsvp.waitlisted = row->capacity > 0 && repo.seated(row->id, occ_name) >= row->capacity;
        }
    }
    repo.save_rsvp(rsvp);
    const bool freed = prev && prev->status == store::RsvpStatus::kAccepted && !prev->waitlisted &&
                       status != store::RsvpStatus::kAccepted;
    if (freed) {
        notify_seat(ctx, repo, *row, *occ, occ_name);
    }

    const auto* zone = series->zone;
    if (auto own = repo.member_zone(member.member_key)) {
        zone = zone_or(*own, zone);
    }
    const auto loc = localized(*row, repo.texts(row->id), lang);
    const char* text_key = rsvp.waitlisted                             ? "forums.rsvp_waitlisted"
                           : status == store::RsvpStatus::kAccepted  ? "forums.rsvp_going"
                           : status == store::RsvpStatus::kTentative ? "forums.rsvp_maybe"
                                                                     : "forums.rsvp_cant";
    auto body = ctx.catalog.text(lang, text_key,
                                 {{"title", loc.title},
                                  {"when", format_when(ctx.catalog, lang, occ->start, *zone)},
                                  {"join", join_line(ctx.catalog, lang, *row)}});
    body += "\n" + ctx.catalog.text(lang, "forums.rsvp_change");
    core::OutgoingText confirmation{std::move(body), false};
    if (status != store::RsvpStatus::kDeclined && !settings_.public_url.empty()) {
        // A link to the room's calendar feed, not an .ics document: text/calendar is not among the document
        // types Meta accepts, and a refused document would take the confirmation (its caption) with it.
        // With the room's key: this member may see the join link in their calendar too.
        const auto key = feed_token(row->room);
        confirmation.body += "\n" + ctx.catalog.text(lang, "forums.rsvp_calendar",
                                                     {{"link", settings_.public_url + "/forums/" + row->room +
                                                                   ".ics?series=" + std::to_string(row->id) +
                                                                   (key.empty() ? "" : "&k=" + key)}});
    }
    core::OutgoingMessage reply;
    reply.to = delivery::recipient_of(member.member_key);
    reply.body = std::move(confirmation);
    ctx.outbox.send(reply_key, reply);
    return true;
}

void ForumsFeature::notify_seat(Context& ctx, store::ForumRepository& repo, const store::ForumSeriesRow& row,
                                const forums::Occurrence& occ, const std::string& occ_name) {
    if (row.capacity <= 0) {
        return;
    }
    while (repo.seated(row.id, occ_name) < row.capacity) {
        auto next = repo.first_waitlisted(row.id, occ_name);
        if (!next) {
            return;
        }
        next->waitlisted = false;
        next->updated_ms = ctx.now_ms;
        repo.save_rsvp(*next);
        store::MemberRepository members(ctx.db);
        const auto who = members.find(next->member_key);
        const auto lang = language_or_en(who ? who->language : std::string());
        auto series = series_of(row, repo.overrides(row.id));
        const auto* zone = series ? series->zone : forums::find_zone("UTC").value();
        if (auto own = repo.member_zone(next->member_key)) {
            zone = zone_or(*own, zone);
        }
        const auto loc = localized(row, repo.texts(row.id), lang);
        ctx.outbox.text("forums.promoted:" + std::to_string(row.id) + ":" + occ_name + ":" +
                            std::to_string(ctx.now_ms),
                        next->member_key,
                        ctx.catalog.text(lang, "forums.promoted",
                                         {{"title", loc.title},
                                          {"when", format_when(ctx.catalog, lang, occ.start, *zone)}}),
                        std::string(kPurpose));
    }
}

// The moderators' guided flow. A draft (step + fields) lives in forum_drafts between messages; it lapses
// after kDraftLifetimeMs so that a moderator's later posts are not taken as answers.
namespace {

constexpr std::int64_t kDraftLifetimeMs = 30 * 60 * 1000;
constexpr std::string_view kFlowPrefix = "forums:flow:";

std::string trim(std::string_view s) {
    const auto b = s.find_first_not_of(" \t\r\n");
    if (b == std::string_view::npos) {
        return {};
    }
    const auto e = s.find_last_not_of(" \t\r\n");
    return std::string(s.substr(b, e - b + 1));
}

std::string lower_ascii(std::string s) {
    for (auto& c : s) {
        if (c >= 'A' && c <= 'Z') {
            c = static_cast<char>(c - 'A' + 'a');
        }
    }
    return s;
}

/// At most `n` code points of `s` (list titles and descriptions have hard limits).
std::string clip(std::string_view s, std::size_t n) {
    std::size_t points = 0;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) {
            if (points == n) {
                return std::string(s.substr(0, i));
            }
            ++points;
        }
    }
    return std::string(s);
}

std::string one_line(std::string_view s) {
    std::string out(s);
    std::replace(out.begin(), out.end(), '\n', ' ');
    std::replace(out.begin(), out.end(), '\r', ' ');
    return trim(out);
}

std::map<std::string, std::string> decode_draft(std::string_view text) {
    std::map<std::string, std::string> out;
    for (const auto& line : split(text, '\n')) {
        const auto eq = line.find('=');
        if (eq != std::string::npos) {
            out[line.substr(0, eq)] = line.substr(eq + 1);
        }
    }
    return out;
}

std::string encode_draft(const std::map<std::string, std::string>& data) {
    std::string out;
    for (const auto& [k, v] : data) {
        out += k + "=" + one_line(v) + "\n";
    }
    return out;
}

constexpr std::array<std::pair<const char*, const char*>, 7> kWeekdays = {{{"MO", "mon"},
                                                                           {"TU", "tue"},
                                                                           {"WE", "wed"},
                                                                           {"TH", "thu"},
                                                                           {"FR", "fri"},
                                                                           {"SA", "sat"},
                                                                           {"SU", "sun"}}};

std::string day_name(const core::Catalog& catalog, std::string_view lang, std::string_view code) {
    for (const auto& [c, key] : kWeekdays) {
        if (code == c) {
            return catalog.text(lang, std::string("forums.days.") + key);
        }
    }
    return std::string(code);
}

unsigned weekday_index(std::string_view code) {
    // c_encoding: Sunday = 0.
    static const char* const kCodes[] = {"SU", "MO", "TU", "WE", "TH", "FR", "SA"};
    for (unsigned i = 0; i < 7; ++i) {
        if (code == kCodes[i]) {
            return i;
        }
    }
    return 7;
}

/// "first Thursday, monthly", "last friday", "every tuesday", "2nd mon" (English, and weekday names in the
/// member's language). Returns {ordinal ("1".."4", "-1", or "0" for weekly), day code}.
std::optional<std::pair<std::string, std::string>> parse_pattern(const core::Catalog& catalog, std::string_view lang,
                                                                 std::string_view text) {
    std::string ordinal;
    std::string day;
    bool weekly = false;
    std::string cleaned = lower_ascii(std::string(text));
    for (auto& c : cleaned) {
        if (c == ',' || c == '.' || c == ';') {
            c = ' ';
        }
    }
    static const std::map<std::string, std::string> kOrdinals = {
        {"first", "1"}, {"1st", "1"}, {"1", "1"}, {"second", "2"}, {"2nd", "2"}, {"2", "2"}, {"third", "3"},
        {"3rd", "3"},   {"3", "3"},   {"fourth", "4"}, {"4th", "4"}, {"4", "4"}, {"last", "-1"}};
    static const std::map<std::string, std::string> kDays = {
        {"monday", "MO"},   {"mon", "MO"}, {"tuesday", "TU"},  {"tue", "TU"}, {"wednesday", "WE"},
        {"wed", "WE"},      {"thursday", "TH"}, {"thu", "TH"}, {"friday", "FR"}, {"fri", "FR"},
        {"saturday", "SA"}, {"sat", "SA"}, {"sunday", "SU"},  {"sun", "SU"}};
    for (const auto& word : split(cleaned, ' ')) {
        if (word.empty()) {
            continue;
        }
        if (auto it = kOrdinals.find(word); it != kOrdinals.end() && ordinal.empty()) {
            ordinal = it->second;
        } else if (auto d = kDays.find(word); d != kDays.end()) {
            day = d->second;
        } else if (word == "every" || word == "weekly" || word == "week") {
            weekly = true;
        } else {
            for (const auto& [code, key] : kWeekdays) {
                if (word == lower_ascii(catalog.text(lang, std::string("forums.days.") + key))) {
                    day = code;
                }
            }
        }
    }
    if (day.empty()) {
        return std::nullopt;
    }
    if (ordinal.empty()) {
        if (!weekly) {
            return std::nullopt;
        }
        ordinal = "0";
    }
    return std::make_pair(ordinal, day);
}

std::optional<std::chrono::minutes> parse_clock(std::string_view text) {
    const auto t = trim(text);
    const auto colon = t.find_first_of(":h.");
    if (colon == std::string::npos || colon == 0 || colon > 2 || t.size() - colon - 1 != 2) {
        return std::nullopt;
    }
    const auto h = to_int(std::string_view(t).substr(0, colon));
    const auto m = to_int(std::string_view(t).substr(colon + 1));
    if (!h || !m || *h < 0 || *h > 23 || *m < 0 || *m > 59) {
        return std::nullopt;
    }
    return std::chrono::minutes(*h * 60 + *m);
}

}  // namespace

struct ForumsFeature::Flow {
    Context& ctx;
    const store::MemberRow& member;
    const core::InboundMessage& message;
    store::ForumRepository repo;
    std::string lang;
    std::vector<std::string> rooms;  ///< rooms this member moderates
    std::string step;
    std::map<std::string, std::string> data;
    int sent = 0;

    std::string t(std::string_view key, const std::vector<std::pair<std::string, std::string>>& vars = {}) const {
        return ctx.catalog.text(lang, std::string("forums.flow.") + std::string(key), vars);
    }
    std::string next_key() { return "forums.flow:" + core::message_ref(message.id) + ":" + std::to_string(sent++); }
    void say(std::string body) { ctx.outbox.text(next_key(), member.member_key, std::move(body)); }
    void send(core::OutgoingBody body) {
        core::OutgoingMessage m;
        m.to = delivery::recipient_of(member.member_key);
        m.body = std::move(body);
        ctx.outbox.send(next_key(), m);
    }
    void buttons(std::string body, std::vector<std::pair<std::string, std::string>> choices) {
        core::ReplyButtons b;
        b.body = std::move(body);
        for (auto& [id, title] : choices) {
            b.buttons.push_back({std::string(kFlowPrefix) + id, clip(title, 20)});
        }
        send(std::move(b));
    }
    void list(std::string body, std::vector<core::ListRow> rows) {
        core::ListMessage l;
        l.body = std::move(body);
        l.button = clip(t("choose"), 20);
        l.sections.push_back({{}, std::move(rows)});
        send(std::move(l));
    }
    bool moderates(std::string_view room) const {
        return std::find(rooms.begin(), rooms.end(), room) != rooms.end();
    }
    void save(std::string next_step) {
        step = std::move(next_step);
        repo.save_draft({member.member_key, step, encode_draft(data), ctx.now_ms});
    }
    void clear() {
        step.clear();
        data.clear();
        repo.delete_draft(member.member_key);
    }
};

std::vector<std::string> ForumsFeature::moderated_rooms(Context& ctx, const std::string& member_key) {
    std::vector<std::string> out;
    for (const auto& room : rooms_.rooms()) {
        if (rooms_.is_moderator(ctx.db, room, member_key)) {
            out.push_back(room);
        }
    }
    return out;
}

bool ForumsFeature::on_flow(Context& ctx, const store::MemberRow& member, const core::InboundMessage& message) {
    const bool flow_reply = message.reply_id.starts_with(kFlowPrefix);
    const bool is_text = message.type == core::MessageType::kText;
    const auto lang = language_or_en(member.language);
    const auto word = lower_ascii(trim(message.text));
    const bool keyword = is_text && (word == "forum" || word == "forums" ||
                                     word == lower_ascii(ctx.catalog.text(lang, "forums.keyword")));
    auto& repo = message_repo(ctx.db);
    auto draft = repo.draft(member.member_key);
    if (draft && ctx.now_ms - draft->updated_ms > kDraftLifetimeMs) {
        repo.delete_draft(member.member_key);
        draft.reset();
    }
    if (!flow_reply && !keyword && !(draft && is_text)) {
        return false;
    }
    if (!flow_reply && !keyword) {
        // Text is an answer only where the flow asked a question in words; elsewhere (menus, buttons) the
        // moderator has moved on: the draft ends and the message goes to the room as usual.
        static const std::set<std::string> kTyped = {"title", "ordinal", "weekday", "time", "join_info"};
        if (!kTyped.contains(draft->step)) {
            repo.delete_draft(member.member_key);
            return false;
        }
    }
    auto rooms = moderated_rooms(ctx, member.member_key);
    if (rooms.empty()) {
        if (draft) {
            repo.delete_draft(member.member_key);
        }
        return flow_reply;  // a stale button of a former moderator is ours; a word is for others
    }
    Flow flow{ctx, member, message, store::ForumRepository(ctx.db), lang, std::move(rooms), {}, {}};
    if (draft) {
        flow.step = draft->step;
        flow.data = decode_draft(draft->data);
    }
    if (keyword) {
        flow.data.clear();
        flow_menu(flow);
        return true;
    }
    flow_step(flow);
    return true;
}

void ForumsFeature::flow_menu(Flow& f) {
    f.buttons(f.t("menu"), {{"new", f.t("new")}, {"list", f.t("list")}, {"cancel", f.t("cancel")}});
    f.save("menu");
}

void ForumsFeature::flow_ask_ordinal(Flow& f) {
    std::vector<core::ListRow> rows;
    for (const auto& [id, key] : std::vector<std::pair<std::string, std::string>>{
             {"1", "ordinal_1"}, {"2", "ordinal_2"}, {"3", "ordinal_3"}, {"4", "ordinal_4"}, {"-1", "ordinal_last"},
             {"0", "weekly"}}) {
        rows.push_back({std::string(kFlowPrefix) + "ord:" + id, clip(f.t(key), 24), {}});
    }
    f.list(f.t("ask_ordinal"), std::move(rows));
    f.save("ordinal");
}

void ForumsFeature::flow_ask_weekday(Flow& f) {
    std::vector<core::ListRow> rows;
    for (const auto& [code, key] : kWeekdays) {
        rows.push_back({std::string(kFlowPrefix) + "day:" + code, clip(day_name(f.ctx.catalog, f.lang, code), 24), {}});
    }
    f.list(f.t("ask_weekday"), std::move(rows));
    f.save("weekday");
}

void ForumsFeature::flow_ask_join(Flow& f) {
    f.buttons(f.t("ask_join"),
              {{"join:link", f.t("join_link")}, {"join:place", f.t("join_place")}, {"join:call", f.t("join_call")}});
    f.save("join");
}

void ForumsFeature::flow_confirm(Flow& f) {
    const auto& room = f.data["room"];
    const auto& ordinal = f.data["ord"];
    const auto& day = f.data["day"];
    const auto minutes = parse_clock(f.data["time"]);
    const auto zone = forums::find_zone(rooms_.zone(room));
    if (!minutes || !zone || weekday_index(day) > 6) {
        f.say(f.t("error", {{"error", "incomplete draft"}}));
        f.clear();
        return;
    }
    const std::string rrule =
        ordinal == "0" ? "FREQ=WEEKLY;BYDAY=" + day : "FREQ=MONTHLY;BYDAY=" + ordinal + day;
    // DTSTART: the first matching day, in the room's zone, whose start is still ahead.
    const auto now = from_ms(f.ctx.now_ms);
    const auto today = date::floor<date::days>(forums::zone_info(**zone, now).offset + now.time_since_epoch());
    std::optional<LocalTime> start;
    for (int i = 0; i < 400 && !start; ++i) {
        const date::local_days d{today + date::days{i}};
        const date::year_month_day ymd{d};
        if (date::weekday{d}.c_encoding() != weekday_index(day)) {
            continue;
        }
        const auto dom = static_cast<int>(static_cast<unsigned>(ymd.day()));
        const auto last = static_cast<int>(static_cast<unsigned>((ymd.year() / ymd.month() / date::last).day()));
        const auto n = to_int(ordinal).value_or(0);
        const bool matches = n == 0 || (n > 0 && (dom - 1) / 7 + 1 == n) || (n < 0 && dom + 7 > last);
        const LocalTime candidate{d + *minutes};
        if (matches && forums::to_utc(candidate, **zone) > now) {
            start = candidate;
        }
    }
    if (!start) {
        f.say(f.t("error", {{"error", "no date matches"}}));
        f.clear();
        return;
    }
    f.data["rrule"] = rrule;
    f.data["start"] = local_iso(*start);
    const auto ordinal_label = ordinal == "-1" ? f.t("ordinal_last") : f.t("ordinal_" + ordinal);
    const auto pattern = ordinal == "0" ? f.t("pattern_weekly", {{"weekday", day_name(f.ctx.catalog, f.lang, day)}})
                                        : f.t("pattern_monthly", {{"ordinal", ordinal_label},
                                                                  {"weekday", day_name(f.ctx.catalog, f.lang, day)}});
    store::ForumSeriesRow row;
    row.join_kind = f.data["join_kind"];
    row.join_info = f.data["join_info"];
    f.buttons(f.t("confirm", {{"title", f.data["title"]},
                              {"room", rooms_.name(room, f.lang)},
                              {"pattern", pattern},
                              {"time", f.data["time"]},
                              {"when", format_when(f.ctx.catalog, f.lang, forums::to_utc(*start, **zone), **zone)},
                              {"join", join_line(f.ctx.catalog, f.lang, row)}}),
              {{"yes", f.t("confirm_yes")}, {"no", f.t("confirm_no")}});
    f.save("confirm");
}

void ForumsFeature::flow_create(Flow& f) {
    if (f.step != "confirm" || !f.moderates(f.data["room"])) {
        f.say(f.t("stopped"));
        f.clear();
        return;
    }
    store::ForumSeriesRow row;
    row.room = f.data["room"];
    row.title = f.data["title"];
    row.rrule = f.data["rrule"];
    row.dtstart_local = f.data["start"];
    row.join_kind = f.data["join_kind"];
    row.join_info = f.data["join_info"];
    row.created_by = f.member.member_key;
    auto id = create_series(f.ctx.db, f.ctx.jobs, f.ctx.now_ms, row, {});
    if (!id) {
        f.say(f.t("error", {{"error", id.error().message}}));
    } else {
        f.say(f.t("done", {{"id", std::to_string(*id)}}));
    }
    f.clear();
}

void ForumsFeature::flow_list(Flow& f) {
    std::string body;
    for (const auto& room : f.rooms) {
        for (const auto& row : f.repo.list_series(room, false)) {
            auto series = series_of(row, f.repo.overrides(row.id));
            std::string when = "—";
            if (series) {
                const auto next = forums::next_occurrences(*series, from_ms(f.ctx.now_ms), 1);
                if (!next.empty()) {
                    when = format_when(f.ctx.catalog, f.lang, next.front().start, *series->zone);
                }
            }
            body += f.t("list_item", {{"id", std::to_string(row.id)},
                                      {"title", row.title},
                                      {"room", rooms_.name(room, f.lang)},
                                      {"when", when}}) +
                    "\n";
        }
    }
    f.say(body.empty() ? f.t("none") : body);
    f.clear();
}

void ForumsFeature::flow_pick_cancel(Flow& f) {
    std::vector<core::ListRow> rows;
    for (const auto& room : f.rooms) {
        for (const auto& row : f.repo.list_series(room, false)) {
            if (rows.size() < 10) {
                rows.push_back({std::string(kFlowPrefix) + "pick:" + std::to_string(row.id),
                                clip("#" + std::to_string(row.id) + " " + row.title, 24),
                                clip(rooms_.name(room, f.lang), 72)});
            }
        }
    }
    if (rows.empty()) {
        f.say(f.t("none"));
        f.clear();
        return;
    }
    f.list(f.t("ask_which"), std::move(rows));
    f.save("pick");
}

void ForumsFeature::flow_step(Flow& f) {
    if (!f.message.reply_id.starts_with(kFlowPrefix)) {
        const auto text = trim(f.message.text);
        if (f.step == "title" && !text.empty()) {
            f.data["title"] = clip(one_line(text), 100);
            flow_ask_ordinal(f);
        } else if (f.step == "ordinal" || f.step == "weekday") {
            if (auto p = parse_pattern(f.ctx.catalog, f.lang, text)) {
                f.data["ord"] = p->first;
                f.data["day"] = p->second;
                f.say(f.t("ask_time", {{"zone", rooms_.zone(f.data["room"])}}));
                f.save("time");
            } else {
                f.say(f.t("bad_pattern"));
                f.step == "ordinal" ? flow_ask_ordinal(f) : flow_ask_weekday(f);
            }
        } else if (f.step == "time") {
            if (const auto m = parse_clock(text)) {
                char buf[8];
                std::snprintf(buf, sizeof buf, "%02d:%02d", static_cast<int>(m->count() / 60),
                              static_cast<int>(m->count() % 60));
                f.data["time"] = buf;
                flow_ask_join(f);
            } else {
                f.say(f.t("bad_time"));
            }
        } else if (f.step == "join_info" && !text.empty()) {
            f.data["join_info"] = clip(one_line(text), 400);
            flow_confirm(f);
        } else {
            flow_menu(f);
        }
        return;
    }
    const auto parts = split(std::string_view(f.message.reply_id).substr(kFlowPrefix.size()), ':');
    const auto& what = parts[0];
    if (what == "new") {
        f.data.clear();
        if (f.rooms.size() == 1) {
            f.data["room"] = f.rooms.front();
            f.say(f.t("ask_title"));
            f.save("title");
        } else {
            std::vector<core::ListRow> rows;
            for (const auto& room : f.rooms) {
                if (rows.size() < 10) {
                    rows.push_back({std::string(kFlowPrefix) + "room:" + room, clip(rooms_.name(room, f.lang), 24), {}});
                }
            }
            f.list(f.t("ask_room"), std::move(rows));
            f.save("room");
        }
    } else if (what == "room" && parts.size() == 2 && f.moderates(parts[1])) {
        f.data["room"] = parts[1];
        f.say(f.t("ask_title"));
        f.save("title");
    } else if (what == "ord" && parts.size() == 2 && f.step == "ordinal") {
        f.data["ord"] = parts[1];
        flow_ask_weekday(f);
    } else if (what == "day" && parts.size() == 2 && f.step == "weekday") {
        f.data["day"] = parts[1];
        f.say(f.t("ask_time", {{"zone", rooms_.zone(f.data["room"])}}));
        f.save("time");
    } else if (what == "join" && parts.size() == 2 && f.step == "join") {
        f.data["join_kind"] = parts[1];
        if (parts[1] == "call") {
            f.data["join_info"].clear();
            flow_confirm(f);
        } else {
            f.say(f.t(parts[1] == "place" ? "ask_place" : "ask_link"));
            f.save("join_info");
        }
    } else if (what == "yes") {
        flow_create(f);
    } else if (what == "no") {
        f.say(f.t("stopped"));
        f.clear();
    } else if (what == "list") {
        flow_list(f);
    } else if (what == "cancel") {
        flow_pick_cancel(f);
    } else if (what == "pick" && parts.size() == 2) {
        const auto id = to_int(parts[1]).value_or(0);
        const auto row = f.repo.find_series(id);
        std::optional<forums::Occurrence> next;
        if (row && !row->cancelled && f.moderates(row->room)) {
            if (auto series = series_of(*row, f.repo.overrides(id))) {
                const auto n = forums::next_occurrences(*series, from_ms(f.ctx.now_ms), 1);
                if (!n.empty()) {
                    next = n.front();
                }
                if (next) {
                    f.buttons(f.t("ask_scope", {{"when", format_when(f.ctx.catalog, f.lang, next->start, *series->zone)}}),
                              {{"c1:" + parts[1] + ":" + forums::format_local_basic(next->original), f.t("cancel_one")},
                               {"ca:" + parts[1], f.t("cancel_all")},
                               {"no", f.t("keep")}});
                    f.save("scope");
                    return;
                }
            }
        }
        f.say(f.t("none"));
        f.clear();
    } else if ((what == "c1" && parts.size() == 3) || (what == "ca" && parts.size() == 2)) {
        const auto id = to_int(parts[1]).value_or(0);
        const auto row = f.repo.find_series(id);
        if (!row || !f.moderates(row->room) || f.step != "scope") {
            f.say(f.t("stopped"));
            f.clear();
            return;
        }
        if (what == "ca") {
            auto r = cancel_series(f.ctx.db, f.ctx.jobs, f.ctx.now_ms, id);
            f.say(r ? f.t("cancelled_all") : f.t("error", {{"error", r.error().message}}));
        } else {
            auto original = forums::parse_local_basic(parts[2]);
            auto r = original ? cancel_occurrence(f.ctx.db, f.ctx.jobs, f.ctx.now_ms, id, *original)
                              : ForumResult<bool>(ForumError{"bad date"});
            std::string when;
            if (r) {
                if (auto series = series_of(*row, {})) {
                    when = format_when(f.ctx.catalog, f.lang, forums::to_utc(*original, *series->zone), *series->zone);
                }
            }
            f.say(r ? f.t("cancelled_one", {{"when", when}}) : f.t("error", {{"error", r.error().message}}));
        }
        f.clear();
    } else {
        flow_menu(f);
    }
}

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
    SQLite::Transaction tx(db, SQLite::TransactionBehavior::IMMEDIATE);
    store::JobRepository jobs(db);
    auto id = forums.create_series(db, jobs, now_ms, row, {});
    if (!id) {
        err << "forums add: " << id.error().message << '\n';
        return 2;
    }
    tx.commit();
    out << "created forum " << *id << '\n';
    ForumsCliOptions just_this;
    just_this.id = *id;
    return run_forums_list(db, forums, just_this, now_ms, out, err);
}

int run_forums_list(SQLite::Database& db, ForumsFeature& /*forums*/, const ForumsCliOptions& o, std::int64_t now_ms,
                    std::ostream& out, std::ostream& /*err*/) {
    store::ForumRepository repo(db);
    for (const auto& row : repo.list_series(o.room, true)) {
        if (o.id != 0 && row.id != o.id) {
            continue;
        }
        out << row.id << '\t' << row.room << '\t' << row.title << '\t' << row.rrule << '\t' << row.tz << '\t'
            << row.dtstart_local << '\t';
        if (row.cancelled) {
            out << "cancelled";
        } else if (auto series = series_of(row, repo.overrides(row.id))) {
            const auto next = forums::next_occurrences(*series, from_ms(now_ms), 1);
            out << "next " << (next.empty() ? std::string("none") : forums::format_utc_iso(next.front().start));
        }
        out << '\n';
    }
    return 0;
}

int run_forums_cancel(SQLite::Database& db, ForumsFeature& forums, const ForumsCliOptions& o, std::int64_t now_ms,
                      std::ostream& out, std::ostream& err) {
    SQLite::Transaction tx(db, SQLite::TransactionBehavior::IMMEDIATE);
    store::JobRepository jobs(db);
    ForumResult<bool> r = true;
    if (o.occurrence.empty()) {
        r = forums.cancel_series(db, jobs, now_ms, o.id);
    } else {
        auto local = forums::parse_local_iso(o.occurrence);
        if (!local) {
            err << "forums cancel: --occurrence: " << local.error().message << '\n';
            return 2;
        }
        r = forums.cancel_occurrence(db, jobs, now_ms, o.id, *local);
    }
    if (!r) {
        err << "forums cancel: " << r.error().message << '\n';
        return 2;
    }
    tx.commit();
    out << "cancelled forum " << o.id << (o.occurrence.empty() ? std::string() : " on " + o.occurrence) << '\n';
    return 0;
}

void ForumsFeature::forget(Context& ctx, const store::MemberRow& member) {
    store::ForumRepository repo(ctx.db);
    repo.forget_member(member.member_key);
}

void ForumsFeature::describe(Context& ctx, const store::MemberRow& member, std::vector<std::string>& lines) {
    store::ForumRepository repo(ctx.db);
    const auto n = repo.rsvp_count(member.member_key);
    const auto lang = language_or_en(member.language);
    lines.push_back(ctx.catalog.text(lang, "forums.my_data", {{"n", std::to_string(n)}}));
    if (auto zone = repo.member_zone(member.member_key)) {
        lines.push_back(ctx.catalog.text(lang, "forums.my_zone", {{"zone", *zone}}));
    }
}

std::string ForumsFeature::feed_token(std::string_view room) const {
    if (settings_.feed_key.empty()) {
        return {};
    }
    return core::hmac_sha256_hex(settings_.feed_key, "forums-feed:" + std::string(room)).substr(0, 32);
}

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

// After the forum: the follow-up job asks those who said Going or Maybe whether they came (and, if so, for a
// 1–5 rating); moderators mark attendance by alias and post a recap (text or voice note) to the room.
namespace {

/// How far back "the last forum" of a moderator's rooms is looked for (attendance marks, recaps).
constexpr std::int64_t kRecentMs = 7LL * 24 * 60 * 60 * 1000;

bool member_window_open(SQLite::Database& db, const std::string& member_key, std::int64_t now_ms) {
    store::MemberRepository members(db);
    const auto m = members.find(member_key);
    return m && core::window_open(m->last_inbound, now_ms);
}

/// The most recent occurrence that has begun (within kRecentMs) among the series of `rooms`.
struct RecentForum {
    store::ForumSeriesRow row;
    forums::Occurrence occ;
};

std::optional<RecentForum> recent_forum(store::ForumRepository& repo, const std::vector<std::string>& rooms,
                                        std::int64_t now_ms) {
    std::optional<RecentForum> best;
    for (const auto& room : rooms) {
        for (auto& row : repo.list_series(room, false)) {
            const auto series = series_of(row, repo.overrides(row.id));
            if (!series) {
                continue;
            }
            const auto found = forums::occurrences_between(*series, from_ms(now_ms - kRecentMs),
                                                           from_ms(now_ms) + std::chrono::seconds{1});
            for (const auto& occ : found) {
                if (to_ms(occ.start) <= now_ms && (!best || occ.start > best->occ.start)) {
                    best = RecentForum{row, occ};
                }
            }
        }
    }
    return best;
}

/// The word after a keyword ("attended Maria" → "Maria"); nullopt if `text` does not start with it.
std::optional<std::string> after_word(const std::string& text, const std::string& lowered, std::string_view word) {
    if (word.empty() || !lowered.starts_with(word) || lowered.size() <= word.size() || lowered[word.size()] != ' ') {
        return std::nullopt;
    }
    auto rest = trim(std::string_view(text).substr(word.size()));
    if (!rest.empty() && rest.front() == '@') {
        rest.erase(0, 1);
    }
    return rest;
}

}  // namespace

void ForumsFeature::run_followup(Context& ctx, const store::Job& job) {
    store::ForumRepository repo(ctx.db);
    const auto target = current_target(repo, job, "followup");
    if (!target) {
        return;
    }
    const auto* k = &target->key;
    const auto* row = &target->row;
    const auto* series = &target->series;
    const auto* occ = &target->occ;
    const auto token = occurrence_token(k->id, occ->original);
    const auto texts = repo.texts(k->id);
    // Keyed by occurrence only: a re-planned job (new sequence) never asks the same member twice.
    const auto key = "forums.attend:" + token;
    for (const auto& r : repo.reminder_recipients(k->id, k->occ)) {
        // No template for this question (purpose "forums.followup" has none): outside the member's 24 h
        // window they are simply not asked.
        if (!member_window_open(ctx.db, r.member_key, ctx.now_ms)) {
            continue;
        }
        const auto lang = language_or_en(r.language);
        const auto* zone = zone_or(r.tz, series->zone);
        const auto loc = localized(*row, texts, lang);
        core::ReplyButtons b;
        b.body = ctx.catalog.text(lang, "forums.attend_ask",
                                  {{"title", loc.title}, {"when", format_when(ctx.catalog, lang, occ->start, *zone)}});
        b.buttons.push_back({std::string(kAttendPrefix) + token + ":Y", clip(ctx.catalog.text(lang, "forums.attend_yes"), 20)});
        b.buttons.push_back({std::string(kAttendPrefix) + token + ":N", clip(ctx.catalog.text(lang, "forums.attend_no"), 20)});
        core::OutgoingMessage m;
        m.to = delivery::recipient_of(r.member_key);
        m.body = std::move(b);
        ctx.outbox.send(key, m, "forums.followup");
    }
}

bool ForumsFeature::on_followup_reply(Context& ctx, const store::MemberRow& member,
                                      const core::InboundMessage& message) {
    const bool attend = message.reply_id.starts_with(kAttendPrefix);
    const auto rest = std::string_view(message.reply_id).substr(attend ? kAttendPrefix.size() : kFeedbackPrefix.size());
    const auto colon = rest.rfind(':');
    if (colon == std::string_view::npos) {
        return true;  // ours, but not a reply we ever sent
    }
    const auto token = rest.substr(0, colon);
    const auto parsed = parse_occurrence_token(token);
    const auto answer = rest.substr(colon + 1);
    if (!parsed) {
        return true;
    }
    store::ForumRepository repo(ctx.db);
    const auto row = repo.find_series(parsed->first);
    if (!row) {
        return true;
    }
    const auto lang = language_or_en(member.language);
    const auto occ_name = forums::format_local_basic(parsed->second);
    const auto loc = localized(*row, repo.texts(row->id), lang);
    const auto reply_key = "forums.followup:" + core::message_ref(message.id);
    if (attend) {
        if (answer == "Y") {
            repo.mark_attendance(row->id, occ_name, member.member_key, 2, ctx.now_ms);
            core::ListMessage list;
            list.body = ctx.catalog.text(lang, "forums.feedback_ask", {{"title", loc.title}});
            list.button = clip(ctx.catalog.text(lang, "forums.feedback_button"), 20);
            core::ListSection section;
            for (int n = 1; n <= 5; ++n) {
                const auto ns = std::to_string(n);
                section.rows.push_back({std::string(kFeedbackPrefix) + std::string(token) + ":" + ns,
                                        clip(ns + " " + ctx.catalog.text(lang, "forums.feedback_" + ns), 24), {}});
            }
            list.sections.push_back(std::move(section));
            core::OutgoingMessage m;
            m.to = delivery::recipient_of(member.member_key);
            m.body = std::move(list);
            ctx.outbox.send("forums.feedback_ask:" + std::string(token), m);
        } else if (answer == "N") {
            ctx.outbox.text(reply_key, member.member_key, ctx.catalog.text(lang, "forums.attend_noted_no"));
        }
        return true;
    }
    const auto n = to_int(answer);
    if (!n || *n < 1 || *n > 5) {
        return true;
    }
    repo.save_feedback(row->id, occ_name, member.member_key, static_cast<int>(*n), "", ctx.now_ms);
    ctx.outbox.text(reply_key, member.member_key,
                    ctx.catalog.text(lang, "forums.feedback_thanks", {{"n", std::to_string(*n)}}));
    return true;
}

bool ForumsFeature::on_after(Context& ctx, const store::MemberRow& member, const core::InboundMessage& message) {
    const bool is_text = message.type == core::MessageType::kText;
    const auto lang = language_or_en(member.language);
    auto& repo = message_repo(ctx.db);

    // The message after "recap": the recap itself (a text, or a voice note / audio).
    auto draft = repo.draft(member.member_key);
    if (draft && draft->step == "recap") {
        repo.delete_draft(member.member_key);
        const bool audio = message.type == core::MessageType::kAudio && message.media && !message.media->id.empty();
        const bool text = is_text && !trim(message.text).empty();
        if (ctx.now_ms - draft->updated_ms > kDraftLifetimeMs || (!audio && !text)) {
            return false;  // lapsed, or not a recap: an ordinary post
        }
        const auto data = decode_draft(draft->data);
        const auto id = data.contains("series") ? to_int(data.at("series")) : std::nullopt;
        const auto row = id ? repo.find_series(*id) : std::nullopt;
        if (!row || !data.contains("occ")) {
            return false;
        }
        repo.add_recap(row->id, data.at("occ"), member.member_key, audio ? "audio" : "text",
                       audio ? message.media->id : message.text, ctx.now_ms);
        const auto n = relay_recap(ctx, *row, member.member_key, message);
        ctx.outbox.text("forums.recap_sent:" + core::message_ref(message.id), member.member_key,
                        ctx.catalog.text(lang, "forums.recap_sent",
                                         {{"n", std::to_string(n)}, {"room", rooms_.name(row->room, lang)}}));
        return true;
    }
    if (!is_text) {
        return false;
    }
    const auto text = trim(message.text);
    const auto word = lower_ascii(text);
    const bool recap = word == "recap" || word == lower_ascii(ctx.catalog.text(lang, "forums.recap_keyword"));
    auto alias = after_word(text, word, "attended");
    if (!alias) {
        alias = after_word(text, word, lower_ascii(ctx.catalog.text(lang, "forums.attended_keyword")));
    }
    if (alias) {
        // An alias is a word or three of letters and digits ("Mama Dhahabu"); "attended the whole forum, thanks
        // all" is a sentence: an ordinary post.
        *alias = community::tidy_alias(*alias);
        if (alias->empty() || community::alias_problem(*alias) ||
            std::count(alias->begin(), alias->end(), ' ') > 2) {
            alias.reset();
        }
    }
    if (!recap && !alias) {
        return false;
    }
    const auto rooms = moderated_rooms(ctx, member.member_key);
    if (rooms.empty()) {
        return false;  // not a moderator: the words are an ordinary post
    }
    const auto recent = recent_forum(repo, rooms, ctx.now_ms);
    if (!recent) {
        ctx.outbox.text("forums.after:" + core::message_ref(message.id), member.member_key, ctx.catalog.text(lang, "forums.no_recent"));
        return true;
    }
    const auto loc = localized(recent->row, repo.texts(recent->row.id), lang);
    const auto occ_name = forums::format_local_basic(recent->occ.original);
    if (recap) {
        repo.save_draft({member.member_key, "recap",
                         encode_draft({{"series", std::to_string(recent->row.id)}, {"occ", occ_name}}), ctx.now_ms});
        ctx.outbox.text("forums.after:" + core::message_ref(message.id), member.member_key,
                        ctx.catalog.text(lang, "forums.recap_ask", {{"title", loc.title}}));
        return true;
    }
    store::CommunityRepository community(ctx.db);
    const auto who = community.by_alias(*alias);
    if (!who) {
        ctx.outbox.text("forums.after:" + core::message_ref(message.id), member.member_key,
                        ctx.catalog.text(lang, "forums.attended_unknown", {{"alias", *alias}}));
        return true;
    }
    repo.mark_attendance(recent->row.id, occ_name, who->key, 1, ctx.now_ms);
    const auto* zone = zone_or(rooms_.zone(recent->row.room), forums::find_zone("UTC").value());
    ctx.outbox.text("forums.after:" + core::message_ref(message.id), member.member_key,
                    ctx.catalog.text(lang, "forums.attended_done",
                                     {{"alias", who->alias},
                                      {"title", loc.title},
                                      {"when", format_when(ctx.catalog, lang, recent->occ.start, *zone)}}));
    return true;
}

std::size_t ForumsFeature::relay_recap(Context& ctx, const store::ForumSeriesRow& row, const std::string& author,
                                       const core::InboundMessage& message) {
    // Members whose 24 h window is open get the recap now. The others do not get it at all: a recap is not
    // worth a paid template and the rooms' digest does not carry forum recaps (it stays in forum_recaps).
    // Its purpose "forums.recap" has no template, so a window that closes before delivery holds it.
    store::ForumRepository repo(ctx.db);
    const auto texts = repo.texts(row.id);
    const bool audio = message.type == core::MessageType::kAudio;
    const auto key = "forums.recap:" + core::message_ref(message.id);
    std::size_t sent = 0;
    for (const auto& m : rooms_.members(ctx.db, row.room)) {
        if (m.member_key == author || !member_window_open(ctx.db, m.member_key, ctx.now_ms)) {
            continue;
        }
        const auto lang = language_or_en(m.language);
        const auto label = ctx.catalog.text(lang, "forums.recap_label", {{"title", localized(row, texts, lang).title}});
        core::OutgoingMessage out;
        out.to = delivery::recipient_of(m.member_key);
        if (audio) {
            // No caption on audio: the label goes just before, as the rooms relay does.
            core::OutgoingMessage head;
            head.to = out.to;
            head.body = core::OutgoingText{label + "\n" + ctx.catalog.text(lang, "forums.recap_voice"), false};
            ctx.outbox.send("forums.recaphead:" + core::message_ref(message.id), head, "forums.recap");
            core::OutgoingMedia media;
            media.kind = core::MediaKind::kAudio;
            media.source = core::MediaSource::by_inbound(message.media->id);
            out.body = media;
        } else {
            out.body = core::OutgoingText{label + "\n" + trim(message.text), false};
        }
        ctx.outbox.send(key, out, "forums.recap");
        ++sent;
    }
    return sent;
}

}  // namespace delvex::events
