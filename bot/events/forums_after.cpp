// After the forum: the follow-up job asks those who said Going or Maybe whether they came (and, if so, for a
// 1–5 rating); moderators mark attendance by alias ("attended Mama Dhahabu") and post a recap (text or voice
// note) to the room.

#include <algorithm>

#include "bot/community/alias.hpp"
#include "bot/core/message_ref.hpp"
#include "bot/core/window.hpp"
#include "bot/delivery/codec.hpp"
#include "bot/events/forums_feature.hpp"
#include "bot/events/forums_text.hpp"
#include "bot/store/community_repository.hpp"
#include "bot/store/repositories.hpp"
#include "forums/recurrence.hpp"

namespace delvex::events {

using namespace forums_text;

namespace {

/// A draft older than this has lapsed: the moderator's next message is an ordinary post.
constexpr std::int64_t kDraftLifetimeMs = 30 * 60 * 1000;

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

void ForumsFeature::run_followup(Context& ctx, const store::Job& /*job*/, const meetings::JobKey& k) {
    store::ForumRepository repo(ctx.db);
    const auto row = repo.find_series(k.series_id);
    if (!row || row->cancelled || row->sequence != k.sequence) {
        return;  // stale: the re-plan made its own follow-up
    }
    const auto series_r = series_of(*row, repo.overrides(k.series_id));
    const auto original = forums::parse_local_basic(k.occurrence);
    if (!series_r || !original) {
        throw std::runtime_error("forums: series " + std::to_string(k.series_id) + " no longer parses");
    }
    const auto occ_r = resolve_occurrence(*series_r, *original);
    if (!occ_r) {
        return;
    }
    const auto* series = &*series_r;
    const auto* occ = &*occ_r;
    const meetings::OccurrenceRef ref{k.series_id, occ->original};
    const auto token = ref.encode();
    const auto texts = repo.texts(k.series_id);
    // Keyed by occurrence only: a re-planned job (new sequence) never asks the same member twice.
    const auto key = "forums.attend:" + token;
    for (const auto& r : repo.reminder_recipients(k.series_id, k.occurrence)) {
        // No template for this question (purpose "forums.followup" has none): outside the member's 24 h
        // window they are simply not asked.
        if (!member_window_open(ctx.db, r.member_key, ctx.now_ms) || !rooms_.is_member(ctx.db, row->room, r.member_key)) {
            continue;  // (nor are those who left the room, or were removed or banned: security review L-2)
        }
        const auto lang = language_or_en(r.language);
        const auto* zone = zone_or(r.tz, series->zone);
        const auto loc = localized(*row, texts, lang);
        core::ReplyButtons b;
        b.body = ctx.catalog.text(lang, "forums.attend_ask",
                                  {{"title", loc.title}, {"when", format_when(ctx.catalog, lang, occ->start, *zone)}});
        b.buttons.push_back({meetings::AttendButton{ref, true}.encode(), clip(ctx.catalog.text(lang, "forums.attend_yes"), 20)});
        b.buttons.push_back({meetings::AttendButton{ref, false}.encode(), clip(ctx.catalog.text(lang, "forums.attend_no"), 20)});
        core::OutgoingMessage m;
        m.to = delivery::recipient_of(r.member_key);
        m.body = std::move(b);
        ctx.outbox.send(key, m, "forums.followup");
    }
}

bool ForumsFeature::on_followup_reply(Context& ctx, const store::MemberRow& member,
                                      const core::InboundMessage& message) {
    const auto attend_button = meetings::AttendButton::parse(message.reply_id);
    const auto feedback = meetings::FeedbackChoice::parse(message.reply_id);
    if (!attend_button && !feedback) {
        return true;  // ours, but not a reply we ever sent
    }
    const bool attend = attend_button.has_value();
    const auto ref = attend ? attend_button->occurrence : feedback->occurrence;
    const auto token = ref.encode();
    store::ForumRepository repo(ctx.db);
    const auto row = repo.find_series(ref.series_id);
    if (!row) {
        return true;
    }
    const auto lang = language_or_en(member.language);
    const auto loc = localized(*row, repo.texts(row->id), lang);
    const auto reply_key = "forums.followup:" + core::message_ref(message.id);
    if (attend) {
        if (attend_button->attended) {
            if (!service_.record_attendance(repo, ctx.now_ms, ref, member.member_key,
                                            meetings::ForumsService::Attendance::kSelf)) {
                return true;  // not an occurrence of this series: a forged id
            }
            core::ListMessage list;
            list.body = ctx.catalog.text(lang, "forums.feedback_ask", {{"title", loc.title}});
            list.button = clip(ctx.catalog.text(lang, "forums.feedback_button"), 20);
            core::ListSection section;
            for (int n = 1; n <= 5; ++n) {
                const auto ns = std::to_string(n);
                section.rows.push_back({meetings::FeedbackChoice{ref, n}.encode(),
                                        clip(ns + " " + ctx.catalog.text(lang, "forums.feedback_" + ns), 24), {}});
            }
            list.sections.push_back(std::move(section));
            core::OutgoingMessage m;
            m.to = delivery::recipient_of(member.member_key);
            m.body = std::move(list);
            ctx.outbox.send("forums.feedback_ask:" + token, m);
        } else {
            ctx.outbox.text(reply_key, member.member_key, ctx.catalog.text(lang, "forums.attend_noted_no"));
        }
        return true;
    }
    const int n = feedback->rating;
    if (!service_.record_feedback(repo, ctx.now_ms, ref, member.member_key, n)) {
        return true;
    }
    ctx.outbox.text(reply_key, member.member_key,
                    ctx.catalog.text(lang, "forums.feedback_thanks", {{"n", std::to_string(n)}}));
    return true;
}

bool ForumsFeature::on_after(Context& ctx, const store::MemberRow& member, const core::InboundMessage& message) {
    const bool is_text = message.type == core::MessageType::kText;
    const auto lang = language_or_en(member.language);
    auto& repo = message_repo(ctx.db);

    // The message after "recap": the recap itself (a text, or a voice note / audio).
    auto draft = repo.draft(member.member_key);
    if (draft && meetings::parse_step(draft->step) == meetings::FlowStep::kRecap) {
        repo.delete_draft(member.member_key);
        const bool audio = message.type == core::MessageType::kAudio && message.media && !message.media->id.empty();
        const bool text = is_text && !trim(message.text).empty();
        if (ctx.now_ms - draft->updated_ms > kDraftLifetimeMs || (!audio && !text)) {
            return false;  // lapsed, or not a recap: an ordinary post
        }
        const auto data = meetings::FlowDraft::decode(draft->data);
        const auto row = data.series_id != 0 ? repo.find_series(data.series_id) : std::nullopt;
        if (!row || data.occurrence.empty()) {
            return false;
        }
        repo.add_recap(row->id, data.occurrence, member.member_key, audio ? "audio" : "text",
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
        meetings::FlowDraft data;
        data.series_id = recent->row.id;
        data.occurrence = occ_name;
        repo.save_draft({member.member_key, std::string(meetings::step_name(meetings::FlowStep::kRecap)), data.encode(),
                         ctx.now_ms});
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
    service_.record_attendance(repo, ctx.now_ms, meetings::OccurrenceRef{recent->row.id, recent->occ.original}, who->key,
                               meetings::ForumsService::Attendance::kByModerator)
        .value();  // the occurrence was just found in the series
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
