#include "bot/events/moderation_feature.hpp"

#include <spdlog/spdlog.h>

#include "bot/core/log.hpp"
#include "bot/core/message_ref.hpp"
#include "bot/core/redact.hpp"
#include "bot/delivery/codec.hpp"
#include "bot/events/rooms_util.hpp"
#include "bot/store/member_limits.hpp"

namespace delvex::events {
namespace {

using community::Command;
using moderation::Verb;

Verb verb_of(Command c) {
    switch (c) {
        case Command::kApprove:
            return Verb::kApprove;
        case Command::kReject:
            return Verb::kReject;
        case Command::kSilence:
            return Verb::kHold;
        case Command::kRemove:
            return Verb::kRemove;
        case Command::kBan:
            return Verb::kBan;
        case Command::kAnnounce:
            return Verb::kAnnounce;
        case Command::kAnnounceAll:
            return Verb::kAnnounceAll;
        case Command::kQueue:
            return Verb::kQueue;
        case Command::kTakeDown:
            return Verb::kTakeDown;
        case Command::kLift:
            return Verb::kLift;
        case Command::kLog:
            return Verb::kLog;
        case Command::kAppoint:
            return Verb::kAppoint;
        case Command::kUnappoint:
            return Verb::kUnappoint;
        default:
            return Verb::kNone;
    }
}

}  // namespace

Moderation::Moderation(const community::Regions& regions, const core::Catalog& catalog, ModerationSettings settings)
    : regions_(regions),
      catalog_(catalog),
      settings_(settings),
      commands_(community::CommandTable::from(catalog)),
      decider_(regions, catalog, settings),
      log_(core::logger("moderation")) {}

Moderation::~Moderation() = default;

store::ModerationRepository& Moderation::repo(Context& ctx) {
    if (repo_ == nullptr || repo_db_ != &ctx.db) {
        repo_ = std::make_unique<store::ModerationRepository>(ctx.db);
        repo_db_ = &ctx.db;
    }
    return *repo_;
}

bool Moderation::on_message(Context& ctx, const store::MemberRow& member, const core::InboundMessage& message) {
    if (regions_.is_admin(member.member_key)) {
        // `admins:` in regions.yaml: marked admin in the database too, so that alerts reach them from the
        // first message of theirs this feature sees.
        auto& store = repo(ctx);
        if (const auto me = store.person_by_key(member.member_key); me && !me->admin) {
            store.set_admin(me->id);
        }
    }
    moderation::Request request;
    bool report = false;
    if (!message.reply_id.empty()) {
        request.button = moderation::parse(message.reply_id);
        if (!request.button) {
            return false;
        }
    } else if (message.type == core::MessageType::kText) {
        const auto parsed = commands_.parse(message.text, member.language.empty() ? "en" : member.language);
        if (parsed.command == Command::kReport) {
            report = true;
        } else {
            request.verb = verb_of(parsed.command);
            request.argument = parsed.argument;
            if (request.verb == Verb::kNone) {
                return false;
            }
        }
    } else {
        return false;
    }
    auto& store = repo(ctx);
    const auto me = store.person_by_key(member.member_key);
    if (!me) {
        return false;
    }
    const std::string ref = core::message_ref(message.id);
    if (report) {
        // A flood of REPORTs is cut per member (security review L-2): each one alerts every moderator of the
        // room. The first one over the limit is answered, the rest of the window gets no answer.
        const community::RateLimit limit{settings_.report_limit, settings_.report_window_ms};
        const auto counted = store::MemberLimits(ctx.db).count(me->id, "report", limit, ctx.now_ms);
        if (counted.refused) {
            if (counted.warn) {
                const auto minutes = community::minutes_left(counted.window, ctx.now_ms, limit);
                ctx.outbox.text("rooms.report_flood:" + ref, me->key,
                                catalog_.text(me->language, "rooms.report_flood", {{"minutes", std::to_string(minutes)}}));
            }
            return true;
        }
    }
    auto unit = store.unit();
    const auto fx = report ? decider_.report(store, *me, message.context ? message.context->id : std::string(), ref,
                                             ctx.now_ms)
                           : decider_.command(store, *me, request, ref, ctx.now_ms);
    if (!fx.handled) {
        return false;  // the unit is undone: nothing was written
    }
    apply(ctx, store, fx);
    unit.commit();
    if (!report) {
        log_->info("moderation verb={} member={}", moderation::verb_name(request.button ? request.button->verb : request.verb),
                   core::redact(me->key));
    }
    return true;
}

void Moderation::menu(Context& ctx, const store::MemberRow& member, std::vector<core::ListRow>& rows) {
    auto& store = repo(ctx);
    if (const auto me = store.person_by_key(member.member_key)) {
        if (auto row = decider_.menu_row(store, *me)) {
            rows.push_back(std::move(*row));
        }
    }
}

void Moderation::held(Context& ctx, std::int64_t post_id) {
    auto& store = repo(ctx);
    auto unit = store.unit();
    const auto fx = decider_.held(store, post_id);
    apply(ctx, store, fx);
    unit.commit();
}

std::string Moderation::decide_from_console(Context& ctx, moderation::Verb verb, std::int64_t post_id,
                                            const std::string& language, const std::string& ref) {
    auto& store = repo(ctx);
    auto unit = store.unit();
    const auto fx = decider_.console_decision(store, verb, post_id, language, ref, ctx.now_ms);
    apply(ctx, store, fx);
    unit.commit();
    log_->info("moderation verb={} from=console", moderation::verb_name(verb));
    return fx.outcome;
}

std::string Moderation::member_from_console(Context& ctx, moderation::Verb verb, std::int64_t member_id,
                                            const std::string& room, const std::string& language, const std::string& ref) {
    auto& store = repo(ctx);
    auto unit = store.unit();
    const auto fx = decider_.console_member(store, verb, member_id, room, language, ref, ctx.now_ms);
    apply(ctx, store, fx);
    unit.commit();
    log_->info("moderation verb={} from=console", moderation::verb_name(verb));
    return fx.outcome;
}

void Moderation::apply(Context& ctx, store::ModerationRepository& store, const moderation::Effects& fx) {
    for (const auto& step : fx.steps) {
        switch (step.kind) {
            case moderation::Step::Kind::kMessage:
                ctx.outbox.send(step.logical, rooms_detail::to(step.to, step.body), step.purpose);
                break;
            case moderation::Step::Kind::kMedia:
                show_to_moderator(ctx, store, step);
                break;
            case moderation::Step::Kind::kRelay:
                if (rooms_.relay) {
                    rooms_.relay(ctx, step.post);
                }
                break;
        }
    }
}

void Moderation::show_to_moderator(Context& ctx, store::ModerationRepository& store, const moderation::Step& step) {
    const auto post = store.community().post(step.post);
    if (!post || !rooms_detail::carries_media(post->kind) || !rooms_.copy) {
        return;  // text and contact cards: the words about the post already show it all
    }
    const auto* room = regions_.find(post->room);
    const std::string header =
        catalog_.text(step.language, "rooms.header",
                      {{"alias", post->author_alias}, {"room", room != nullptr ? room->name(step.language) : post->room}});
    rooms_.copy(ctx, *post, step.to, step.language, header, step.logical, step.logical + ":head");
}

}  // namespace delvex::events
