// "When is the next forum?" in chat: a member types the forum word of any language (forum, foro, fórum,
// jukwaa, …: forums.next_words) and gets the next forum of their current room, in their own zone (or the
// series') and language, with the Going / Maybe / Can't buttons while it has not started.

#include <chrono>
#include <optional>

#include "bot/community/commands.hpp"
#include "bot/core/message_ref.hpp"
#include "bot/delivery/codec.hpp"
#include "bot/events/forums_feature.hpp"
#include "bot/store/community_repository.hpp"
#include "bot/store/forum_repository.hpp"
#include "forums/series.hpp"
#include "forums/zone.hpp"

namespace delvex::events {
namespace {

bool is_next_word(const core::Catalog& catalog, std::string_view text) {
    const std::string folded = community::fold(text);
    if (folded.empty() || folded.size() > 40) {
        return false;
    }
    for (const auto& lang : core::Catalog::supported_languages()) {
        if (!catalog.has(lang, "forums.next_words")) {
            continue;
        }
        const std::string words = catalog.text(lang, "forums.next_words");
        std::size_t start = 0;
        while (start <= words.size()) {
            const auto bar = words.find('|', start);
            const auto word = std::string_view(words).substr(start, bar == std::string::npos ? std::string::npos
                                                                                              : bar - start);
            if (!word.empty() && community::fold(word) == folded) {
                return true;
            }
            if (bar == std::string::npos) {
                break;
            }
            start = bar + 1;
        }
    }
    return false;
}

}  // namespace

bool ForumsFeature::on_next_forum(Context& ctx, const store::MemberRow& member, const core::InboundMessage& message) {
    if (message.type != core::MessageType::kText || !is_next_word(ctx.catalog, message.text)) {
        return false;
    }
    const std::string lang = member.language.empty() ? std::string("en") : member.language;
    const std::string key = "forums.next:" + core::message_ref(message.id);
    const auto me = store::CommunityRepository(ctx.db).profile(member.member_key);
    const std::string room = me ? me->current_room : std::string();
    if (room.empty() || !rooms_.has_room(room)) {
        ctx.outbox.text(key, member.member_key, ctx.catalog.text(lang, "forums.next_no_room"));
        return true;
    }
    store::ForumRepository repo(ctx.db);
    std::optional<meetings::SeriesView> best;
    for (auto& view : service_.list(repo, room, false, ctx.now_ms)) {
        if (view.next && (!best || view.next->start < best->next->start)) {
            best = std::move(view);
        }
    }
    const std::string room_name = rooms_.name(room, lang);
    if (!best) {
        ctx.outbox.text(key, member.member_key, ctx.catalog.text(lang, "forums.next_none", {{"room", room_name}}));
        return true;
    }
    const auto* best_zone = best->zone;
    const auto& best_row = best->row;
    // The member's own zone when they have one, else the series'.
    if (const auto own = repo.member_zone(member.member_key)) {
        if (const auto zone = forums::find_zone(*own)) {
            best_zone = *zone;
        }
    }
    const auto texts = repo.texts(best_row.id);
    std::string body = ctx.catalog.text(lang, "forums.next",
                                        {{"room", room_name},
                                         {"title", forum_title(best_row, texts, lang)},
                                         {"when", format_when(ctx.catalog, lang, best->next->start, *best_zone)},
                                         {"join", forum_join_line(ctx.catalog, lang, best_row)}});
    for (auto at = body.find("\n\n"); at != std::string::npos; at = body.find("\n\n")) {
        body.erase(at, 1);  // no join line: no empty line
    }
    core::OutgoingMessage out;
    out.to = delivery::recipient_of(member.member_key);
    // Not started yet (next_occurrences starts from now): answers are open.
    out.body = forum_rsvp_buttons(ctx.catalog, lang, occurrence_token(best_row.id, best->next->original), std::move(body));
    ctx.outbox.send(key, out);
    return true;
}

}  // namespace delvex::events
