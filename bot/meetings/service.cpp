#include "bot/meetings/service.hpp"

#include <algorithm>
#include <set>

#include "forums/recurrence.hpp"
#include "forums/zone.hpp"

namespace delvex::meetings {
namespace {

using forums::Instant;
using forums::LocalTime;

std::int64_t to_ms(Instant t) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

Instant from_ms(std::int64_t ms) {
    return Instant{std::chrono::seconds{ms / 1000}};
}

std::string local_iso(LocalTime t) {
    return date::format("%Y-%m-%dT%H:%M:%S", t);
}

std::int64_t minutes_ms(std::chrono::minutes m) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(m).count();
}

}  // namespace

std::string problem_key(Problem problem) {
    static constexpr std::pair<Problem, const char*> kKeys[] = {
        {Problem::kOther, "other"},
        {Problem::kUnknownRoom, "unknown_room"},
        {Problem::kTitle, "title"},
        {Problem::kAgenda, "agenda"},
        {Problem::kJoinKind, "join_kind"},
        {Problem::kJoinInfo, "join_info"},
        {Problem::kDuration, "duration"},
        {Problem::kCapacity, "capacity"},
        {Problem::kRule, "rule"},
        {Problem::kZone, "zone"},
        {Problem::kStart, "start"},
        {Problem::kNoOccurrenceAhead, "no_occurrence_ahead"},
        {Problem::kNoSeries, "no_series"},
        {Problem::kSeriesCancelled, "series_cancelled"},
        {Problem::kNotAnOccurrence, "not_an_occurrence"},
        {Problem::kPast, "past"},
    };
    for (const auto& [p, key] : kKeys) {
        if (p == problem) {
            return std::string("forums.errors.") + key;
        }
    }
    return "forums.errors.other";
}

ForumResult<forums::Series> series_of(const ForumSeriesRow& row, const std::vector<ForumOverrideRow>& overrides) {
    auto series = forums::make_series(row.rrule, row.tz, row.dtstart_local);
    if (!series) {
        return ForumError{series.error(), Problem::kRule};
    }
    for (const auto& o : overrides) {
        auto original = forums::parse_local_basic(o.original_local);
        if (!original) {
            return ForumError{original.error()};
        }
        if (o.kind == ForumOverrideKind::kCancel) {
            series->exdates.push_back(*original);
        } else {
            auto moved = forums::parse_local_basic(o.moved_to_local);
            if (!moved) {
                return ForumError{moved.error()};
            }
            series->overrides.push_back({*original, *moved});
        }
    }
    return std::move(*series);
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

std::optional<PatternStart> first_start(std::string_view ordinal, std::string_view weekday, int minutes,
                                        const date::time_zone& zone, Instant now) {
    const auto day_index = weekday_index(weekday);
    int n = 0;
    if (ordinal == "-1") {
        n = -1;
    } else if (ordinal.size() == 1 && ordinal[0] >= '0' && ordinal[0] <= '4') {
        n = ordinal[0] - '0';
    } else {
        return std::nullopt;
    }
    if (day_index > 6 || minutes < 0 || minutes >= 24 * 60) {
        return std::nullopt;
    }
    PatternStart out;
    out.rrule = n == 0 ? "FREQ=WEEKLY;BYDAY=" + std::string(weekday)
                       : "FREQ=MONTHLY;BYDAY=" + std::string(ordinal) + std::string(weekday);
    const auto today = date::floor<date::days>(forums::zone_info(zone, now).offset + now.time_since_epoch());
    for (int i = 0; i < 400; ++i) {
        const date::local_days d{today + date::days{i}};
        if (date::weekday{d}.c_encoding() != day_index) {
            continue;
        }
        const date::year_month_day ymd{d};
        const auto dom = static_cast<int>(static_cast<unsigned>(ymd.day()));
        const auto last = static_cast<int>(static_cast<unsigned>((ymd.year() / ymd.month() / date::last).day()));
        const bool matches = n == 0 || (n > 0 && (dom - 1) / 7 + 1 == n) || (n < 0 && dom + 7 > last);
        const LocalTime candidate{d + std::chrono::minutes(minutes)};
        if (matches && forums::to_utc(candidate, zone) > now) {
            out.start = candidate;
            return out;
        }
    }
    return std::nullopt;
}

ForumResult<bool> ForumsService::normalise(ForumSeriesRow& row) const {
    if (!rooms_.has_room(row.room)) {
        return ForumError{"unknown room '" + row.room + "'", Problem::kUnknownRoom};
    }
    if (row.tz.empty()) {
        row.tz = rooms_.zone(row.room);
    }
    auto rule = forums::parse_rrule(row.rrule);
    if (!rule) {
        return ForumError{"rrule: " + rule.error().message, Problem::kRule};
    }
    row.rrule = forums::format_rrule(*rule);
    auto zone = forums::find_zone(row.tz);
    if (!zone) {
        return ForumError{"tz: " + zone.error().message, Problem::kZone};
    }
    auto start = forums::parse_local_iso(row.dtstart_local);
    if (!start) {
        return ForumError{"start: " + start.error().message, Problem::kStart};
    }
    row.dtstart_local = local_iso(*start);
    return true;
}

ForumResult<forums::Series> ForumsService::check(const ForumSeriesRow& row, std::int64_t now_ms) const {
    if (!rooms_.has_room(row.room)) {
        return ForumError{"unknown room '" + row.room + "'", Problem::kUnknownRoom};
    }
    if (row.title.empty() || row.title.size() > 200) {
        return ForumError{"title must be 1 to 200 bytes", Problem::kTitle};
    }
    if (row.agenda.size() > 2000) {
        return ForumError{"agenda must be at most 2000 bytes", Problem::kAgenda};
    }
    if (row.join_kind != "link" && row.join_kind != "place" && row.join_kind != "call") {
        return ForumError{"join kind must be link, place or call (got '" + row.join_kind + "')", Problem::kJoinKind};
    }
    if (row.join_info.size() > 500) {
        return ForumError{"join info must be at most 500 bytes", Problem::kJoinInfo};
    }
    if (row.duration_min < 1 || row.duration_min > 24 * 60) {
        return ForumError{"duration must be 1 to 1440 minutes", Problem::kDuration};
    }
    if (row.capacity < 0 || row.capacity > 1'000'000) {
        return ForumError{"capacity must be 0 (no limit) to 1000000", Problem::kCapacity};
    }
    auto series = series_of(row, {});
    if (!series) {
        return series.error();
    }
    if (forums::next_occurrences(*series, from_ms(now_ms), 1).empty()) {
        return ForumError{"the rule has no occurrence after now", Problem::kNoOccurrenceAhead};
    }
    return series;
}

ForumResult<std::int64_t> ForumsService::create_series(ForumStore& store, JobPlanner& jobs, std::int64_t now_ms,
                                                       ForumSeriesRow row, const std::vector<ForumText>& texts) const {
    if (auto ok = normalise(row); !ok) {
        return ok.error();
    }
    auto series = check(row, now_ms);
    if (!series) {
        return series.error();
    }
    const auto id = store.insert_series(row, now_ms);
    for (const auto& t : texts) {
        store.set_text(id, t);
    }
    const auto first = forums::next_occurrences(*series, from_ms(now_ms), 1);
    JobKey key;
    key.kind = JobKind::kScheduled;
    key.series_id = id;
    jobs.schedule(key.encode(), job_kind_name(JobKind::kScheduled), now_ms,
                  first.empty() ? 0 : to_ms(first.front().start), {}, now_ms);
    plan(store, jobs, now_ms, id);
    ensure_plan_job(jobs, now_ms);
    return id;
}

ForumResult<bool> ForumsService::update_series(ForumStore& store, JobPlanner& jobs, std::int64_t now_ms,
                                               ForumSeriesRow row, const std::vector<ForumText>& texts) const {
    const auto old = store.find_series(row.id);
    if (!old) {
        return ForumError{"no forum series " + std::to_string(row.id), Problem::kNoSeries};
    }
    if (old->cancelled) {
        return ForumError{"forum series " + std::to_string(row.id) + " is cancelled", Problem::kSeriesCancelled};
    }
    if (auto ok = normalise(row); !ok) {
        return ok.error();
    }
    if (auto series = check(row, now_ms); !series) {
        return series.error();
    }
    store.update_series(row, now_ms);
    for (const auto& t : texts) {
        store.set_text(row.id, t);
    }
    plan(store, jobs, now_ms, row.id);
    return true;
}

namespace {

void schedule_notice(JobPlanner& jobs, std::int64_t id, int sequence, NoticePayload payload, std::int64_t now_ms) {
    JobKey key;
    key.kind = JobKind::kNotice;
    key.series_id = id;
    key.sequence = sequence;
    key.notice = payload.what;
    jobs.schedule(key.encode(), job_kind_name(JobKind::kNotice), now_ms, 0, payload.encode(), now_ms);
}

}  // namespace

ForumResult<bool> ForumsService::cancel_series(ForumStore& store, JobPlanner& jobs, std::int64_t now_ms,
                                               std::int64_t id) const {
    if (!store.cancel_series(id, now_ms)) {
        return ForumError{"no active forum series " + std::to_string(id), Problem::kNoSeries};
    }
    const auto row = store.find_series(id);
    plan(store, jobs, now_ms, id);
    schedule_notice(jobs, id, row->sequence, {NoticeWhat::kSeries, {}}, now_ms);
    return true;
}

ForumResult<bool> ForumsService::cancel_occurrence(ForumStore& store, JobPlanner& jobs, std::int64_t now_ms,
                                                   std::int64_t id, LocalTime original) const {
    const auto row = store.find_series(id);
    if (!row || row->cancelled) {
        return ForumError{"no active forum series " + std::to_string(id), Problem::kNoSeries};
    }
    auto series = series_of(*row, store.overrides(id));
    if (!series) {
        return series.error();
    }
    if (!resolve_occurrence(*series, original)) {
        return ForumError{"the series has no occurrence at " + local_iso(original), Problem::kNotAnOccurrence};
    }
    const auto occ = forums::format_local_basic(original);
    store.set_override(id, {occ, ForumOverrideKind::kCancel, {}}, now_ms);
    store.touch_series(id, now_ms);
    plan(store, jobs, now_ms, id);
    schedule_notice(jobs, id, row->sequence + 1, {NoticeWhat::kCancel, occ}, now_ms);
    return true;
}

ForumResult<bool> ForumsService::move_occurrence(ForumStore& store, JobPlanner& jobs, std::int64_t now_ms,
                                                 std::int64_t id, LocalTime original, LocalTime to) const {
    const auto row = store.find_series(id);
    if (!row || row->cancelled) {
        return ForumError{"no active forum series " + std::to_string(id), Problem::kNoSeries};
    }
    auto series = series_of(*row, store.overrides(id));
    if (!series) {
        return series.error();
    }
    if (!resolve_occurrence(*series, original)) {
        return ForumError{"the series has no occurrence at " + local_iso(original), Problem::kNotAnOccurrence};
    }
    if (forums::to_utc(to, *series->zone) <= from_ms(now_ms)) {
        return ForumError{"the new time " + local_iso(to) + " is in the past", Problem::kPast};
    }
    const auto occ = forums::format_local_basic(original);
    store.set_override(id, {occ, ForumOverrideKind::kMove, forums::format_local_basic(to)}, now_ms);
    store.touch_series(id, now_ms);
    plan(store, jobs, now_ms, id);
    schedule_notice(jobs, id, row->sequence + 1, {NoticeWhat::kMove, occ}, now_ms);
    return true;
}

void ForumsService::plan(ForumStore& store, JobPlanner& jobs, std::int64_t now_ms, std::int64_t id) const {
    const auto row = store.find_series(id);
    // What is waiting now, by slot (kind, occurrence, offset) regardless of the sequence in its key: a slot
    // whose time has just passed but was still waiting is kept (due now) rather than lost to an edit.
    std::vector<PlannedJob> waiting;
    for (const auto kind : {JobKind::kReminder, JobKind::kAnnounce, JobKind::kFollowup}) {
        auto some = jobs.waiting(JobKey::series_prefix(kind, id));
        waiting.insert(waiting.end(), some.begin(), some.end());
    }
    const auto slot = [](JobKind kind, const std::string& occ, std::int64_t offset) {
        return std::string(job_kind_name(kind)) + "|" + occ + "|" + std::to_string(offset);
    };
    std::set<std::string> waiting_slots;
    for (const auto& job : waiting) {
        if (const auto k = JobKey::parse(job.key)) {
            waiting_slots.insert(slot(k->kind, k->occurrence, k->offset_min));
        }
    }

    std::set<std::string> desired;
    if (row && !row->cancelled) {
        if (auto series = series_of(*row, store.overrides(id))) {
            const auto now = from_ms(now_ms);
            const auto until = now + std::chrono::duration_cast<std::chrono::seconds>(schedule_.horizon);
            const auto want = [&](const JobKey& key, std::int64_t due_ms, std::int64_t start_ms,
                                  std::int64_t expires_ms) {
                if (due_ms < now_ms) {
                    if (!waiting_slots.contains(slot(key.kind, key.occurrence, key.offset_min))) {
                        return;
                    }
                    due_ms = now_ms;
                }
                const auto encoded = key.encode();
                jobs.schedule(encoded, job_kind_name(key.kind), due_ms, expires_ms, std::to_string(start_ms / 1000),
                              now_ms);
                desired.insert(encoded);
            };
            JobKey key;
            key.series_id = id;
            key.sequence = row->sequence;
            for (const auto& occ : forums::occurrences_between(*series, now, until)) {
                key.occurrence = forums::format_local_basic(occ.original);
                const auto start_ms = to_ms(occ.start);
                key.kind = JobKind::kReminder;
                for (const auto offset : schedule_.reminder_offsets) {
                    key.offset_min = offset.count();
                    want(key, start_ms - minutes_ms(offset), start_ms, start_ms);
                }
                key.kind = JobKind::kAnnounce;
                key.offset_min = 0;
                want(key, start_ms - minutes_ms(schedule_.announce_before), start_ms, start_ms);
            }
            // The follow-up (did you attend? feedback) is due when an occurrence ends, so occurrences under
            // way now are still planned; it stays useful for kFollowupUsefulMs after the end.
            const auto duration = std::chrono::minutes(std::max(row->duration_min, 0));
            key.kind = JobKind::kFollowup;
            key.offset_min = 0;
            for (const auto& occ : forums::occurrences_between(*series, now - duration, until)) {
                key.occurrence = forums::format_local_basic(occ.original);
                const auto start_ms = to_ms(occ.start);
                const auto end_ms = start_ms + minutes_ms(duration);
                want(key, end_ms, start_ms, end_ms + kFollowupUsefulMs);
            }
        }
    }
    // Jobs already due are left to the scheduler, which runs them (a stale one finds its sequence outdated and
    // does nothing) or drops and counts them when their occurrence has begun.
    for (const auto& job : waiting) {
        if (job.due_ms > now_ms && !desired.contains(job.key)) {
            jobs.drop(job.id, now_ms);
        }
    }
}

void ForumsService::ensure_plan_job(JobPlanner& jobs, std::int64_t now_ms) const {
    const auto tomorrow = date::floor<date::days>(from_ms(now_ms)) + date::days{1};
    JobKey key;
    key.kind = JobKind::kPlan;
    key.day = date::format("%Y-%m-%d", tomorrow);
    jobs.schedule(key.encode(), job_kind_name(JobKind::kPlan), to_ms(Instant{tomorrow}), 0, {}, now_ms);
}

void ForumsService::plan_all(ForumStore& store, JobPlanner& jobs, std::int64_t now_ms) const {
    for (const auto& row : store.list_series({}, false)) {
        plan(store, jobs, now_ms, row.id);
    }
    ensure_plan_job(jobs, now_ms);
}

std::vector<SeriesView> ForumsService::list(ForumStore& store, std::string_view room, bool include_cancelled,
                                            std::int64_t now_ms) const {
    std::vector<SeriesView> out;
    for (auto& row : store.list_series(room, include_cancelled)) {
        SeriesView view;
        if (auto series = series_of(row, store.overrides(row.id))) {
            view.zone = series->zone;
            if (!row.cancelled) {
                const auto next = forums::next_occurrences(*series, from_ms(now_ms), 1);
                if (!next.empty()) {
                    view.next = next.front();
                }
            }
        }
        view.row = std::move(row);
        out.push_back(std::move(view));
    }
    return out;
}

RsvpOutcome ForumsService::rsvp(ForumStore& store, std::int64_t now_ms, std::string_view member_key,
                                const RsvpButton& answer, const InRoom& in_room) const {
    RsvpOutcome out;
    const auto row = store.find_series(answer.occurrence.series_id);
    std::optional<forums::Series> series;
    if (row && !row->cancelled) {
        if (auto s = series_of(*row, store.overrides(row->id))) {
            series = std::move(*s);
        }
    }
    const auto occ = series ? resolve_occurrence(*series, answer.occurrence.original) : std::nullopt;
    if (!occ || to_ms(occ->start) <= now_ms) {
        out.closed = true;
        return out;
    }
    out.series = *row;
    out.occurrence = *occ;
    out.zone = series->zone;
    const auto occ_name = answer.occurrence.name();
    const auto status = answer.answer;
    const auto prev = store.rsvp(row->id, occ_name, member_key);
    RsvpRow rsvp{row->id, occ_name, std::string(member_key), status, false, now_ms, now_ms};
    if (status == RsvpStatus::kAccepted) {
        if (prev && prev->status == RsvpStatus::kAccepted) {
            rsvp.waitlisted = prev->waitlisted;
            rsvp.since_ms = prev->since_ms;
        } else {
            rsvp.waitlisted = row->capacity > 0 && store.seated(row->id, occ_name) >= row->capacity;
        }
    }
    store.save_rsvp(rsvp);
    out.saved = rsvp;
    const bool freed =
        prev && prev->status == RsvpStatus::kAccepted && !prev->waitlisted && status != RsvpStatus::kAccepted;
    if (freed && row->capacity > 0) {
        for (auto& next : store.waitlist(row->id, occ_name)) {
            if (store.seated(row->id, occ_name) >= row->capacity) {
                break;
            }
            if (in_room && !in_room(row->room, next.member_key)) {
                continue;  // left, removed or banned since (security review L-2): the seat goes to the next
            }
            next.waitlisted = false;
            next.updated_ms = now_ms;
            store.save_rsvp(next);
            out.promoted.push_back(std::move(next));
        }
    }
    return out;
}

namespace {

/// The series exists and `occurrence` is one of its rule's instances (cancelled or moved ones included: a
/// moved forum still took place).
ForumResult<ForumSeriesRow> known_occurrence(ForumStore& store, const OccurrenceRef& occurrence) {
    auto row = store.find_series(occurrence.series_id);
    if (!row) {
        return ForumError{"no forum series " + std::to_string(occurrence.series_id), Problem::kNoSeries};
    }
    auto series = series_of(*row, {});
    if (!series || !forums::is_instance(*series, occurrence.original)) {
        return ForumError{"the series has no occurrence at " + local_iso(occurrence.original),
                          Problem::kNotAnOccurrence};
    }
    return std::move(*row);
}

}  // namespace

ForumResult<bool> ForumsService::record_attendance(ForumStore& store, std::int64_t now_ms,
                                                   const OccurrenceRef& occurrence, std::string_view member_key,
                                                   Attendance source) const {
    if (auto row = known_occurrence(store, occurrence); !row) {
        return row.error();
    }
    store.mark_attendance(occurrence.series_id, occurrence.name(), member_key, static_cast<int>(source), now_ms);
    return true;
}

ForumResult<bool> ForumsService::record_feedback(ForumStore& store, std::int64_t now_ms,
                                                 const OccurrenceRef& occurrence, std::string_view member_key,
                                                 int rating) const {
    if (rating < 1 || rating > 5) {
        return ForumError{"a rating is 1 to 5"};
    }
    if (auto row = known_occurrence(store, occurrence); !row) {
        return row.error();
    }
    store.save_feedback(occurrence.series_id, occurrence.name(), member_key, rating, {}, now_ms);
    return true;
}

ForumResult<bool> ForumsService::set_member_zone(ForumStore& store, std::string_view member_key,
                                                 std::string_view tz) const {
    if (!forums::find_zone(tz)) {
        return ForumError{"unknown time zone '" + std::string(tz) + "'", Problem::kZone};
    }
    store.set_member_zone(member_key, tz);
    return true;
}

}  // namespace delvex::meetings
