// A member's own time zone. One room has one zone (Lima for all of Latin America), so a member may choose
// theirs with the zone word of any language ("time zone", "fuseau", "zona", "fuso", "saa za eneo"): a list of
// the zones of their number's country (its calling code), with their room's zone, shown as cities in the
// member's language. Announcements, reminders, notices and "next forum" answers then use it.

#include <algorithm>

#include "bot/community/commands.hpp"
#include "bot/core/message_ref.hpp"
#include "bot/delivery/codec.hpp"
#include "bot/events/forums_feature.hpp"
#include "bot/events/forums_text.hpp"
#include "bot/meetings/zones.hpp"
#include "bot/store/community_repository.hpp"

namespace delvex::events {

using namespace forums_text;

namespace {

bool is_zone_word(const core::Catalog& catalog, std::string_view text) {
    const std::string folded = community::fold(text);
    if (folded.empty() || folded.size() > 40) {
        return false;
    }
    for (const auto& lang : core::Catalog::supported_languages()) {
        if (!catalog.has(lang, "forums.zone_words")) {
            continue;
        }
        for (const auto& word : words_of(catalog.text(lang, "forums.zone_words"))) {
            if (community::fold(word) == folded) {
                return true;
            }
        }
    }
    return false;
}

/// "14:05" now in `zone`.
std::string clock_now(std::int64_t now_ms, const date::time_zone& zone) {
    const auto now = from_ms(now_ms);
    const auto local = date::local_seconds{now.time_since_epoch() + forums::zone_info(zone, now).offset};
    const auto minutes = std::chrono::duration_cast<std::chrono::minutes>(local - date::floor<date::days>(local));
    return meetings::format_clock(static_cast<int>(minutes.count()));
}

}  // namespace

bool ForumsFeature::on_zone_command(Context& ctx, const store::MemberRow& member, const core::InboundMessage& message) {
    if (message.type != core::MessageType::kText || !is_zone_word(ctx.catalog, message.text)) {
        return false;
    }
    const auto lang = language_or_en(member.language);
    const auto key = "forums.zone:" + core::message_ref(message.id);
    const auto limit = std::clamp<std::size_t>(settings_.zone_choices, 1, 9);

    // The country of the number first, then the member's room, then (nothing known) every room's zone.
    auto choices = meetings::zones_for_region(meetings::region_of_number(member.wa_id), lang, limit, ctx.now_ms);
    const auto add = [&](const std::string& tz) {
        if (choices.size() > limit || tz.empty()) {
            return;
        }
        for (const auto& c : choices) {
            if (c.tz == tz) {
                return;
            }
        }
        const auto zone = forums::find_zone(tz);
        if (!zone) {
            return;
        }
        const auto offset = std::chrono::duration_cast<std::chrono::minutes>(
                                forums::zone_info(**zone, from_ms(ctx.now_ms)).offset)
                                .count();
        char text[16];
        std::snprintf(text, sizeof text, "GMT%c%02d:%02d", offset < 0 ? '-' : '+', static_cast<int>(std::abs(offset) / 60),
                      static_cast<int>(std::abs(offset) % 60));
        choices.push_back({tz, meetings::zone_city(tz, lang), text});
    };
    const auto me = store::CommunityRepository(ctx.db).profile(member.member_key);
    if (me && rooms_.has_room(me->current_room)) {
        add(rooms_.zone(me->current_room));
    }
    if (choices.empty()) {
        for (const auto& room : rooms_.rooms()) {
            add(rooms_.zone(room));
        }
    }
    std::vector<core::ListRow> rows;
    for (const auto& c : choices) {
        rows.push_back({meetings::FlowChoice{meetings::FlowAction::kZone, c.tz, {}}.encode(), clip(c.city, 24),
                        clip(c.description, 72)});
    }
    auto& repo = message_repo(ctx.db);
    const auto own = repo.member_zone(member.member_key);
    std::string body = ctx.catalog.text(lang, "forums.zone_ask");
    if (own) {
        body += "\n" + ctx.catalog.text(lang, "forums.my_zone", {{"zone", meetings::zone_city(*own, lang)}});
    }
    core::ListMessage list;
    list.body = std::move(body);
    list.button = clip(ctx.catalog.text(lang, "forums.flow.choose"), 20);
    list.sections.push_back({{}, std::move(rows)});
    core::OutgoingMessage out;
    out.to = delivery::recipient_of(member.member_key);
    out.body = std::move(list);
    ctx.outbox.send(key, out);
    return true;
}

bool ForumsFeature::on_zone_choice(Context& ctx, const store::MemberRow& member, const core::InboundMessage& message,
                                   const meetings::FlowChoice& choice) {
    const auto lang = language_or_en(member.language);
    const auto key = "forums.zone_set:" + core::message_ref(message.id);
    auto& repo = message_repo(ctx.db);
    const auto set = service_.set_member_zone(repo, member.member_key, choice.arg);
    if (!set) {
        ctx.outbox.text(key, member.member_key, error_text(ctx.catalog, lang, set.error()));
        return true;
    }
    const auto zone = forums::find_zone(choice.arg);
    ctx.outbox.text(key, member.member_key,
                    ctx.catalog.text(lang, "forums.zone_set",
                                     {{"zone", meetings::zone_city(choice.arg, lang)},
                                      {"time", clock_now(ctx.now_ms, **zone)}}));
    return true;
}

}  // namespace delvex::events
