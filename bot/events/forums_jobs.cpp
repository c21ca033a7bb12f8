// The forums' scheduled work: the daily re-plan, the "scheduled" and "soon" announcements to the room (with
// RSVP buttons), reminders to those going or maybe, and notices when a series or one occurrence is cancelled
// or moved. Each job's key is a meetings::JobKey; the text goes out in each member's language and zone.

#include <set>
#include <unordered_map>

#include "bot/delivery/codec.hpp"
#include "bot/events/forums_feature.hpp"
#include "bot/events/forums_text.hpp"
#include "bot/store/forum_work.hpp"
#include "forums/recurrence.hpp"

namespace delvex::events {

using namespace forums_text;

namespace {

/// What a reminder or follow-up job is about, as it stands now.
struct JobTarget {
    store::ForumSeriesRow row;
    forums::Series series;
    forums::Occurrence occ;
};

/// The series and occurrence of a job; nullopt when the job is stale: the series was cancelled or edited since
/// it was planned (the re-plan made its own jobs), or the occurrence was cancelled. Throws on a stored series
/// that cannot be read.
std::optional<JobTarget> current_target(store::ForumRepository& repo, const meetings::JobKey& k) {
    auto row = repo.find_series(k.series_id);
    if (!row || row->cancelled || row->sequence != k.sequence) {
        return std::nullopt;
    }
    auto series = series_of(*row, repo.overrides(k.series_id));
    const auto original = forums::parse_local_basic(k.occurrence);
    if (!series || !original) {
        throw std::runtime_error("forums: series " + std::to_string(k.series_id) + " no longer parses");
    }
    auto occ = resolve_occurrence(*series, *original);
    if (!occ) {
        return std::nullopt;
    }
    return JobTarget{std::move(*row), std::move(*series), std::move(*occ)};
}

}  // namespace

void ForumsFeature::on_job(Context& ctx, const store::Job& job) {
    const auto key = meetings::JobKey::parse(job.key);
    if (!key || meetings::job_kind_name(key->kind) != job.kind) {
        throw std::runtime_error("forums: bad job " + job.kind + " key " + job.key);
    }
    switch (key->kind) {
        case meetings::JobKind::kPlan:
            plan_all(ctx.db, ctx.jobs, ctx.now_ms);
            break;
        case meetings::JobKind::kReminder:
            run_reminder(ctx, job, *key);
            break;
        case meetings::JobKind::kAnnounce:
        case meetings::JobKind::kScheduled:
            run_announce(ctx, job, *key);
            break;
        case meetings::JobKind::kNotice:
            run_notice(ctx, job, *key);
            break;
        case meetings::JobKind::kFollowup:
            run_followup(ctx, job, *key);
            break;
    }
}

void ForumsFeature::run_reminder(Context& ctx, const store::Job& /*job*/, const meetings::JobKey& k) {
    store::ForumRepository repo(ctx.db);
    const auto target = current_target(repo, k);
    if (!target) {
        return;
    }
    const auto& row = target->row;
    const auto& occ = target->occ;
    // After downtime a "1 day before" found due together with the "1 hour before" is redundant: only the
    // nearest reminder still due goes out.
    for (const auto offset : settings_.reminder_offsets) {
        const auto due_ms = to_ms(occ.start) - std::chrono::duration_cast<std::chrono::milliseconds>(offset).count();
        if (offset.count() < k.offset_min && due_ms <= ctx.now_ms) {
            return;
        }
    }
    const auto texts = repo.texts(k.series_id);
    const auto key = "forums.reminder:" + std::to_string(k.series_id) + ":" + k.occurrence + ":" +
                     std::to_string(k.offset_min) + "m:" + std::to_string(occ.start.time_since_epoch().count());
    std::unordered_map<std::string, std::string> bodies;  // by language and zone
    for (const auto& r : repo.reminder_recipients(k.series_id, k.occurrence)) {
        if (!rooms_.is_member(ctx.db, row.room, r.member_key)) {
            continue;  // left, removed or banned since they answered (security review L-2)
        }
        const auto lang = language_or_en(r.language);
        const auto* zone = zone_or(r.tz, target->series.zone);
        auto& body = bodies[lang + "|" + zone->name()];
        if (body.empty()) {
            const auto loc = localized(row, texts, lang);
            body = ctx.catalog.text(lang, "forums.reminder",
                                    {{"title", loc.title},
                                     {"left", time_left(ctx.catalog, lang, std::chrono::minutes(k.offset_min))},
                                     {"when", format_when(ctx.catalog, lang, occ.start, *zone)},
                                     {"join", join_line(ctx.catalog, lang, row)}});
        }
        ctx.outbox.text(key, r.member_key, body, std::string(kPurpose));
    }
}

void ForumsFeature::run_announce(Context& ctx, const store::Job& /*job*/, const meetings::JobKey& k) {
    const bool scheduled = k.kind == meetings::JobKind::kScheduled;
    store::ForumRepository repo(ctx.db);
    const auto row = repo.find_series(k.series_id);
    if (!row || row->cancelled || (!scheduled && row->sequence != k.sequence)) {
        return;
    }
    auto series = series_of(*row, repo.overrides(k.series_id));
    if (!series) {
        throw std::runtime_error("forums: series " + std::to_string(k.series_id) + " no longer parses");
    }
    std::optional<forums::Occurrence> occ;
    if (scheduled) {
        const auto next = forums::next_occurrences(*series, from_ms(ctx.now_ms), 1);
        if (!next.empty()) {
            occ = next.front();
        }
    } else if (auto original = forums::parse_local_basic(k.occurrence)) {
        occ = resolve_occurrence(*series, *original);
    }
    if (!occ || to_ms(occ->start) <= ctx.now_ms) {
        return;
    }
    const auto token = occurrence_token(k.series_id, occ->original);
    const auto key = scheduled ? "forums.scheduled:" + std::to_string(k.series_id)
                               : "forums.announce:" + token + ":" + std::to_string(occ->start.time_since_epoch().count());
    const auto texts = repo.texts(k.series_id);
    std::unordered_map<std::string, core::OutgoingMessage> messages;  // by language and zone
    const auto own_zones = repo.member_zones();
    for (const auto& m : rooms_.members(ctx.db, row->room)) {
        const auto lang = language_or_en(m.language);
        const auto* zone = member_zone_or(own_zones, m.member_key, series->zone);
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

// Who hears of a cancellation or a move: everyone who answered Going (seated or waitlisted) or Maybe, and
// every member of the room when the room was told of that forum (its "soon" announcement has gone out, or it
// was the first date of the "new forum" announcement; for a whole series, always). Those who said Can't to
// that one date are not bothered; the end of a whole series reaches them too.
void ForumsFeature::run_notice(Context& ctx, const store::Job& job, const meetings::JobKey& k) {
    const auto payload = meetings::NoticePayload::parse(job.payload);
    if (!payload) {
        throw std::runtime_error("forums: bad notice payload for " + job.key);
    }
    store::ForumRepository repo(ctx.db);
    const auto row = repo.find_series(k.series_id);
    if (!row) {
        return;
    }
    auto series = series_of(*row, repo.overrides(k.series_id));
    if (!series) {
        throw std::runtime_error("forums: series " + std::to_string(k.series_id) + " no longer parses");
    }
    auto unchanged = *series;  // the rule as announced: no cancels, no moves
    unchanged.exdates.clear();
    unchanged.overrides.clear();
    const auto now = from_ms(ctx.now_ms);
    const auto texts = repo.texts(k.series_id);
    const auto own_zones = repo.member_zones();
    const char* text_key = payload->what == meetings::NoticeWhat::kSeries ? "forums.series_cancelled"
                           : payload->what == meetings::NoticeWhat::kMove ? "forums.occurrence_moved"
                                                                          : "forums.occurrence_cancelled";

    struct Recipient {
        std::string language;
        std::string tz;
    };
    std::map<std::string, Recipient> recipients;  // by member key
    std::set<std::string> declined;                // said Can't to the one occurrence of a cancel or a move
    const auto add_answers = [&](const std::string& occ_name) {
        for (const auto& r : repo.answered(k.series_id, occ_name)) {
            if (!rooms_.is_member(ctx.db, row->room, r.member_key)) {
                continue;  // left, removed or banned since they answered (security review L-2)
            }
            if (r.status != store::RsvpStatus::kDeclined) {
                recipients.try_emplace(r.member_key, Recipient{r.language, r.tz});
            } else if (payload->what != meetings::NoticeWhat::kSeries) {
                declined.insert(r.member_key);
            }
        }
    };
    std::optional<forums::Occurrence> occ;  // the one occurrence of a cancel or a move (its new time for a move)
    bool room_told = payload->what == meetings::NoticeWhat::kSeries;
    if (payload->what == meetings::NoticeWhat::kSeries) {
        const auto until = now + std::chrono::duration_cast<std::chrono::seconds>(settings_.horizon);
        for (const auto& o : forums::occurrences_between(unchanged, now, until)) {
            add_answers(forums::format_local_basic(o.original));
        }
    } else {
        const auto original = forums::parse_local_basic(payload->occurrence);
        if (!original) {
            return;
        }
        add_answers(payload->occurrence);
        const auto planned = forums::to_utc(*original, *series->zone);
        occ = payload->what == meetings::NoticeWhat::kMove
                  ? resolve_occurrence(*series, *original)
                  : std::optional<forums::Occurrence>(forums::Occurrence{planned, *original, *original, false});
        const auto announce_at =
            planned - std::chrono::duration_cast<std::chrono::seconds>(settings_.announce_before);
        const auto first = forums::next_occurrences(unchanged, from_ms(row->created_ms), 1);
        room_told = announce_at <= now || (!first.empty() && first.front().original == *original);
    }
    if (room_told) {
        for (const auto& m : rooms_.members(ctx.db, row->room)) {
            if (declined.contains(m.member_key)) {
                continue;
            }
            const auto own = own_zones.find(m.member_key);
            recipients.try_emplace(m.member_key, Recipient{m.language, own == own_zones.end() ? "" : own->second});
        }
    }
    for (const auto& [member_key, r] : recipients) {
        const auto lang = language_or_en(r.language);
        const auto* zone = zone_or(r.tz, series->zone);
        const auto when = occ ? format_when(ctx.catalog, lang, occ->start, *zone) : std::string();
        ctx.outbox.text(job.key + ":" + payload->occurrence, member_key,
                        ctx.catalog.text(lang, text_key, {{"title", localized(*row, texts, lang).title}, {"when", when}}),
                        std::string(kPurpose));
    }
}

}  // namespace delvex::events
