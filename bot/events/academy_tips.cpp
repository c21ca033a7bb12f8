#include "bot/events/academy_tips.hpp"

#include <algorithm>
#include <cctype>
#include <vector>

#include "bot/academy/answers.hpp"
#include "bot/core/message_ref.hpp"
#include "bot/delivery/codec.hpp"
#include "bot/store/community_repository.hpp"
#include "bot/store/tip_repository.hpp"
#include "bot/core/text.hpp"

namespace delvex::events {
namespace {

using Vars = std::vector<std::pair<std::string, std::string>>;
constexpr std::int64_t kDayMs = 24LL * 3600 * 1000;
constexpr std::size_t kMaxTipBytes = 900;  // the tip is shown inside an interactive body (≤ 1024) with its credit
constexpr int kReportRetries = 6;          // days to try again when the author's window is closed
constexpr std::int64_t kDraftMs = 30LL * 60 * 1000;  // TIP, then the tip within half an hour

std::string lang_of(const store::MemberRow& m) {
    return m.language.empty() ? std::string("en") : m.language;
}

std::string tr(const Context& ctx, std::string_view lang, std::string_view key, const Vars& vars = {}) {
    return ctx.catalog.text(lang, std::string("academy.") + std::string(key), vars);
}

/// Cuts to at most `n` bytes without splitting a UTF-8 character.
std::string cut_bytes(std::string s, std::size_t n) {
    if (s.size() <= n) {
        return s;
    }
    std::size_t at = n;
    while (at > 0 && (static_cast<unsigned char>(s[at]) & 0xC0) == 0x80) {
        --at;
    }
    s.resize(at);
    return s + "…";
}

using core::trim;

bool is_tip_word(const Context& ctx, std::string_view lang, std::string_view word) {
    const std::string norm = academy::normalize_answer(word);
    for (const std::string& l : {std::string(lang), std::string("en")}) {
        const std::string list = ctx.catalog.text(l, "academy.words.tip");
        std::size_t i = 0;
        while (i <= list.size()) {
            const auto bar = std::min(list.find('|', i), list.size());
            if (academy::normalize_answer(list.substr(i, bar - i)) == norm) {
                return true;
            }
            i = bar + 1;
        }
    }
    return false;
}

std::int64_t to_int(std::string_view s) {
    std::int64_t v = 0;
    if (s.empty() || s.size() > 18) {
        return -1;
    }
    for (char c : s) {
        if (!std::isdigit(static_cast<unsigned char>(c))) {
            return -1;
        }
        v = v * 10 + (c - '0');
    }
    return v;
}

std::int64_t payload_field(std::string_view payload, char tag) {
    std::size_t i = 0;
    while (i < payload.size()) {
        const auto nl = std::min(payload.find('\n', i), payload.size());
        if (nl > i && payload[i] == tag) {
            return to_int(payload.substr(i + 1, nl - i - 1));
        }
        i = nl + 1;
    }
    return -1;
}

void send(Context& ctx, const std::string& key, const std::string& member_key, core::OutgoingBody body) {
    core::OutgoingMessage m;
    m.to = delivery::recipient_of(member_key);
    m.body = std::move(body);
    ctx.outbox.send(key, m, "academy");
}

/// The tip's photo or voice note as it was sent (relayed through our own upload, docs/DELIVERY.md).
std::optional<core::OutgoingMedia> media_of(const store::Tip& tip, const std::string& caption) {
    if (tip.media_id.empty()) {
        return std::nullopt;
    }
    core::OutgoingMedia media;
    media.kind = tip.media_kind == "audio" ? core::MediaKind::kAudio : core::MediaKind::kImage;
    media.source = core::MediaSource::by_inbound(tip.media_id);
    if (media.kind == core::MediaKind::kImage) {
        media.caption = caption;
    }
    return media;
}

std::string alias_of(store::CommunityRepository& community, std::int64_t member_id) {
    const auto p = community.profile(member_id);
    return p && !p->forgotten ? p->alias : std::string();
}

bool may_moderate(store::CommunityRepository& community, const std::string& room, std::int64_t member_id) {
    const auto p = community.profile(member_id);
    if (p && p->admin) {
        return true;
    }
    const auto m = community.membership(room, member_id);
    return m && m->role == store::RoomRole::kModerator && m->state == store::MembershipState::kActive;
}

}  // namespace

std::string AcademyTips::room_name(std::string_view room, std::string_view lang) const {
    return room_names_ ? room_names_(room, lang) : std::string(room);
}

bool AcademyTips::on_message(Context& ctx, const store::MemberRow& member, const core::InboundMessage& message) const {
    const bool reply = message.type == core::MessageType::kInteractive || message.type == core::MessageType::kButton;
    if (reply && (message.reply_id.starts_with("academy:tip:") || message.reply_id.starts_with("academy:net"))) {
        tap(ctx, member, message);
        return true;
    }
    store::TipRepository tips(ctx.db);
    auto draft = tips.draft(member.id);
    if (draft && ctx.now_ms - draft->at_ms > kDraftMs) {
        // An old "send your tip now" (or a moderator's edit) does not swallow a message hours later.
        tips.clear_draft(member.id);
        draft.reset();
    }
    if (draft && draft->kind == store::TipDraftKind::kAwaitTip && !reply) {
        take_tip(ctx, member, message);
        return true;
    }
    if (draft && draft->kind == store::TipDraftKind::kAwaitEdit && message.type == core::MessageType::kText) {
        tips.clear_draft(member.id);
        const auto tip = tips.tip(draft->tip_id);
        const std::string text = cut_bytes(trim(message.text), kMaxTipBytes);
        if (tip && tip->state == store::TipState::kWaiting && !text.empty()) {
            tips.set_text(tip->id, text);
            ask_moderator(ctx, tip->id, member.id, "edited:" + core::message_ref(message.id));
        }
        return true;
    }
    if (message.type == core::MessageType::kText) {
        const std::string text = trim(message.text);
        const auto space = text.find_first_of(" \n");
        if (is_tip_word(ctx, lang_of(member), text.substr(0, space))) {
            return start_tip(ctx, member, space == std::string::npos ? std::string_view() : std::string_view(text).substr(space + 1));
        }
    }
    return false;
}

bool AcademyTips::start_tip(Context& ctx, const store::MemberRow& member, std::string_view inline_text) const {
    store::CommunityRepository community(ctx.db);
    const auto profile = community.profile(member.id);
    const std::string lang = lang_of(member);
    if (!profile || profile->current_room.empty() || profile->alias.empty()) {
        ctx.outbox.text("academy:tip-noroom:" + std::to_string(ctx.now_ms), member.member_key,
                        tr(ctx, lang, "tip.no_room"), "academy");
        return true;
    }
    store::TipRepository tips(ctx.db);
    if (!trim(inline_text).empty()) {
        core::InboundMessage m;
        m.id = "inline:" + std::to_string(ctx.now_ms);
        m.type = core::MessageType::kText;
        m.text = std::string(inline_text);
        take_tip(ctx, member, m);
        return true;
    }
    tips.set_draft(member.id, {store::TipDraftKind::kAwaitTip, 0, ctx.now_ms});
    ctx.outbox.text("academy:tip-ask:" + std::to_string(ctx.now_ms), member.member_key,
                    tr(ctx, lang, "tip.ask", {{"room", room_name(profile->current_room, lang)}}), "academy");
    return true;
}

void AcademyTips::take_tip(Context& ctx, const store::MemberRow& member, const core::InboundMessage& message) const {
    store::TipRepository tips(ctx.db);
    store::CommunityRepository community(ctx.db);
    tips.clear_draft(member.id);
    const std::string lang = lang_of(member);
    const std::string key = "academy:" + core::message_ref(message.id) + ":tip";
    store::Tip tip;
    tip.author_id = member.id;
    tip.lang = lang;
    tip.created_ms = ctx.now_ms;
    if (message.type == core::MessageType::kText) {
        tip.text = trim(message.text);
    } else if ((message.type == core::MessageType::kImage || message.type == core::MessageType::kAudio) && message.media) {
        tip.media_kind = message.type == core::MessageType::kImage ? "image" : "audio";
        tip.media_id = message.media->id;
        tip.text = trim(message.media->caption);
    }
    tip.text = cut_bytes(tip.text, kMaxTipBytes);
    const auto profile = community.profile(member.id);
    if ((tip.text.empty() && tip.media_id.empty()) || !profile || profile->current_room.empty()) {
        ctx.outbox.text(key, member.member_key, tr(ctx, lang, "tip.bad"), "academy");
        return;
    }
    tip.room = profile->current_room;
    tip.id = tips.add(tip);
    ctx.outbox.text(key, member.member_key, tr(ctx, lang, "tip.thanks", {{"room", room_name(tip.room, lang)}}), "academy");
    to_moderators(ctx, tip.id, "new");
}

void AcademyTips::to_moderators(Context& ctx, std::int64_t tip_id, const std::string& key_suffix) const {
    store::CommunityRepository community(ctx.db);
    store::TipRepository tips(ctx.db);
    const auto tip = tips.tip(tip_id);
    if (!tip) {
        return;
    }
    for (const auto& mod : community.moderators(tip->room)) {
        if (mod.id != tip->author_id) {
            ask_moderator(ctx, tip_id, mod.id, key_suffix);
        }
    }
}

void AcademyTips::ask_moderator(Context& ctx, std::int64_t tip_id, std::int64_t moderator_id,
                                const std::string& key_suffix) const {
    store::CommunityRepository community(ctx.db);
    store::TipRepository tips(ctx.db);
    const auto tip = tips.tip(tip_id);
    const auto mod = community.profile(moderator_id);
    if (!tip || !mod || mod->forgotten) {
        return;
    }
    const std::string lang = mod->language.empty() ? std::string("en") : mod->language;
    const std::string key = "academy.tip:" + std::to_string(tip_id) + ":" + key_suffix + ":m" + std::to_string(mod->id);
    const std::string body = tr(ctx, lang, "tip.mod_body",
                                {{"alias", alias_of(community, tip->author_id)},
                                 {"room", room_name(tip->room, lang)},
                                 {"lang", tip->lang},
                                 {"text", tip->text.empty() ? tr(ctx, lang, "tip.voice_only") : tip->text}});
    if (auto media = media_of(*tip, tip->text)) {
        send(ctx, key + ":media", mod->key, std::move(*media));
    }
    core::ReplyButtons b;
    b.body = cut_bytes(body, 1000);
    const std::string id = std::to_string(tip_id);
    b.buttons.push_back({"academy:tip:ok:" + id, tr(ctx, lang, "tip.approve")});
    b.buttons.push_back({"academy:tip:edit:" + id, tr(ctx, lang, "tip.edit")});
    b.buttons.push_back({"academy:tip:no:" + id, tr(ctx, lang, "tip.reject")});
    send(ctx, key + ":ask", mod->key, std::move(b));
}

void AcademyTips::tap(Context& ctx, const store::MemberRow& member, const core::InboundMessage& message) const {
    const std::string lang = lang_of(member);
    const std::string key = "academy:" + core::message_ref(message.id);
    const std::string_view id = message.reply_id;
    if (id.starts_with("academy:net")) {
        const auto colon = id.find(':', 8);
        const std::int64_t index = colon == std::string_view::npos ? 0 : to_int(id.substr(colon + 1));
        show_network(ctx, member, static_cast<std::size_t>(std::max<std::int64_t>(0, index)), key);
        return;
    }
    // academy:tip:<verb>:<id>
    const std::string_view rest = id.substr(12);
    const auto colon = rest.find(':');
    const std::string_view verb = rest.substr(0, colon);
    const std::int64_t tip_id = colon == std::string_view::npos ? -1 : to_int(rest.substr(colon + 1));
    store::TipRepository tips(ctx.db);
    store::CommunityRepository community(ctx.db);
    const auto tip = tip_id > 0 ? tips.tip(tip_id) : std::nullopt;
    if (!tip || !may_moderate(community, tip->room, member.id)) {
        ctx.outbox.text(key, member.member_key, tr(ctx, lang, "tip.not_yours"), "academy");
        return;
    }
    if (tip->state != store::TipState::kWaiting) {
        ctx.outbox.text(key, member.member_key, tr(ctx, lang, "tip.already"), "academy");
        return;
    }
    const auto author = community.profile(tip->author_id);
    const std::string author_lang = author && !author->language.empty() ? author->language : std::string("en");
    if (verb == "edit") {
        tips.set_draft(member.id, {store::TipDraftKind::kAwaitEdit, tip->id, ctx.now_ms});
        ctx.outbox.text(key, member.member_key,
                        tr(ctx, lang, "tip.edit_ask", {{"alias", alias_of(community, tip->author_id)}}), "academy");
    } else if (verb == "ok") {
        tips.decide(tip->id, store::TipState::kPublished, member.id, ctx.now_ms);
        ctx.outbox.text(key, member.member_key, tr(ctx, lang, "tip.approved"), "academy");
        if (author && !author->forgotten) {
            ctx.outbox.text("academy.tip:" + std::to_string(tip->id) + ":published", author->key,
                            tr(ctx, author_lang, "tip.published", {{"alias", author->alias}}), "academy");
            const std::string payload = "m" + std::to_string(author->id) + "\nt" + std::to_string(tip->id) + "\nr0";
            const std::int64_t due = ctx.now_ms + kReportAfterDays * kDayMs;
            ctx.jobs.schedule("academy.tip_report:" + std::to_string(tip->id) + ":0", kReportKind, due,
                              due + (kReportRetries + 1) * kDayMs, payload, ctx.now_ms);
        }
    } else if (verb == "no") {
        tips.decide(tip->id, store::TipState::kRejected, member.id, ctx.now_ms);
        ctx.outbox.text(key, member.member_key, tr(ctx, lang, "tip.rejected_mod"), "academy");
        if (author && !author->forgotten) {
            ctx.outbox.text("academy.tip:" + std::to_string(tip->id) + ":rejected", author->key,
                            tr(ctx, author_lang, "tip.rejected"), "academy");
        }
    }
}

void AcademyTips::show_network(Context& ctx, const store::MemberRow& member, std::size_t index,
                               const std::string& key) const {
    const std::string lang = lang_of(member);
    store::TipRepository tips(ctx.db);
    store::CommunityRepository community(ctx.db);
    const auto all = tips.published(lang);
    if (all.empty() || index >= all.size()) {
        core::ReplyButtons b;
        b.body = tr(ctx, lang, all.empty() ? "network.none" : "network.end");
        b.buttons.push_back({"academy:lessons", tr(ctx, lang, "button.lessons")});
        send(ctx, key, member.member_key, std::move(b));
        return;
    }
    const store::Tip& tip = all[index];
    std::string alias = alias_of(community, tip.author_id);
    const std::string credit = tr(ctx, lang, "network.tip",
                                  {{"n", std::to_string(index + 1)},
                                   {"total", std::to_string(all.size())},
                                   {"alias", alias}});
    const std::string text = tip.text.empty() ? credit : credit + "\n" + tip.text;
    tips.seen(tip.id, member.id, ctx.now_ms);
    core::ReplyButtons b;
    if (auto media = media_of(tip, cut_bytes(text, 1000))) {
        if (media->kind == core::MediaKind::kAudio) {
            // A voice note has no caption: its words go first, as a text.
            ctx.outbox.text(key + ":0", member.member_key, text, "academy");
        }
        send(ctx, key + ":1", member.member_key, std::move(*media));
        b.body = tr(ctx, lang, "network.more");
    } else {
        b.body = cut_bytes(text, 1000);
    }
    b.buttons.push_back({"academy:net:" + std::to_string(index + 1), tr(ctx, lang, "button.next")});
    b.buttons.push_back({"academy:lessons", tr(ctx, lang, "button.lessons")});
    send(ctx, key + ":2", member.member_key, std::move(b));
}

void AcademyTips::on_job(Context& ctx, const store::MemberRow& author, const store::Job& job) const {
    store::TipRepository tips(ctx.db);
    const std::int64_t tip_id = payload_field(job.payload, 't');
    const std::int64_t retry = std::max<std::int64_t>(0, payload_field(job.payload, 'r'));
    const auto tip = tips.tip(tip_id);
    if (!tip || tip->state != store::TipState::kPublished || tip->author_id != author.id) {
        return;
    }
    // Inside the 24 h window only: no paid template for a count. Closed: try again tomorrow, a few times.
    if (author.last_inbound * 1000 + kDayMs <= ctx.now_ms) {
        if (retry < kReportRetries) {
            const std::string payload =
                "m" + std::to_string(author.id) + "\nt" + std::to_string(tip_id) + "\nr" + std::to_string(retry + 1);
            ctx.jobs.schedule("academy.tip_report:" + std::to_string(tip_id) + ":" + std::to_string(retry + 1),
                              kReportKind, ctx.now_ms + kDayMs, ctx.now_ms + 2 * kDayMs, payload, ctx.now_ms);
        }
        return;
    }
    const std::string lang = lang_of(author);
    ctx.outbox.text(job.key, author.member_key,
                    tr(ctx, lang, "tip.report", {{"count", std::to_string(tips.views(tip_id))}}), "academy");
}

void AcademyTips::describe(Context& ctx, const store::MemberRow& member, std::vector<std::string>& lines) const {
    const std::int64_t count = store::TipRepository(ctx.db).count_by_author(member.id);
    if (count > 0) {
        lines.push_back(tr(ctx, lang_of(member), "tip.describe", {{"count", std::to_string(count)}}));
    }
}

void AcademyTips::forget(Context& ctx, const store::MemberRow& member) const {
    store::TipRepository(ctx.db).forget(member.id);
}

}  // namespace delvex::events
