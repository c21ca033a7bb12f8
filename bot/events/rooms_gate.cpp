// The rooms' gate, asked first about every message: STOP and START win over everything, FORGET ME and MY DATA
// are answered at any stage, onboarding asks language → room → alias → consent (one question at a time, not
// again if it was just asked; the steps are bot/rooms/onboarding's), and an active member first gets what
// they missed (rooms_digest.cpp).

#include <spdlog/spdlog.h>

#include <algorithm>

#include "bot/community/alias.hpp"
#include "bot/community/welcome.hpp"
#include "bot/core/message_ref.hpp"
#include "bot/core/redact.hpp"
#include "bot/events/rooms_feature.hpp"
#include "bot/events/rooms_util.hpp"
#include "bot/rooms/onboarding.hpp"
#include "bot/rooms/protocol.hpp"

namespace delvex::events {
namespace {

using community::Command;
using rooms_detail::clip;
using rooms_detail::kLanguages;
using rooms_detail::Language;
using rooms_detail::to;
using store::MembershipState;
using store::Stage;

}  // namespace

bool Rooms::gate_message(Context& ctx, const store::MemberRow& member, const core::InboundMessage& message) {
    auto& repo = repository(ctx);
    auto me = repo.profile(member.member_key);
    if (!me) {
        return true;  // the consumer files every sender first; nothing sensible to do otherwise
    }
    Turn t{ctx, repo, member, *me, message};
    community::ParsedCommand parsed;
    if (message.type == core::MessageType::kText || message.type == core::MessageType::kButton) {
        parsed = commands_.parse(message.text, t.lang());
    }
    if (parsed.command == Command::kStop) {
        if (!t.me.stopped) {
            repo.set_stopped(t.me.id, true, ctx.now_ms);
            // The only message a stopped member still gets (the outbox lets "rooms.stop:" through).
            ctx.outbox.text("rooms.stop:" + core::message_ref(message.id), t.me.key, text(t.lang(), "rooms.stopped"));
            log_->info("member stopped member={}", core::redact(t.me.key));
        }
        return true;
    }
    if (t.me.stopped) {
        if (parsed.command == Command::kStart) {
            repo.set_stopped(t.me.id, false, ctx.now_ms);
            t.me.stopped = false;
            t.say("rooms.start", text(t.lang(), "rooms.started"));
            if (t.me.stage != Stage::kActive) {
                onboard(t, true);
            }
        }
        return true;  // nothing else reaches anyone while stopped
    }
    const auto forget = rooms::ForgetButton::parse(message.reply_id);
    if (parsed.command == Command::kForget || parsed.command == Command::kMyData || forget) {
        if (forget && forget->yes) {
            erase(t);
        } else if (forget) {
            t.say("rooms.forget_no", text(t.lang(), "rooms.forget_kept"));
        } else {
            command(t, parsed);
        }
        return true;
    }
    if (t.me.stage != Stage::kActive) {
        onboard(t);
        return true;
    }
    const bool owed = t.me.digest_owed;
    catch_up(t);
    if (message.type == core::MessageType::kText &&
        (parsed.command == Command::kMenu || parsed.command == Command::kHelp)) {
        // Global words win over any prompt that waits (a name, a lesson's question, a forum draft): the prompt
        // is dropped, so the next text is not read as its answer.
        for (auto* f : features_) {
            if (f != this && f != gate_.get()) {
                f->drop_prompt(ctx, member);
            }
        }
        command(t, parsed);
        return true;
    }
    // "ok" in answer to the digest template asked for the posts, which catch_up just sent; it is not a post.
    return owed && (parsed.command == Command::kYes || parsed.command == Command::kNo);
}

void Rooms::onboard(Turn& t, bool prompt_only) {
    if (prompt_only) {
        // Ask the question of the stage they stopped at, without reading this message as the answer.
        switch (t.me.stage) {
            case Stage::kLanguage:
                send_languages(t, {});
                return;
            case Stage::kRoom:
                send_rooms(t, "rooms.room_prompt");
                return;
            case Stage::kAlias:
                t.say("rooms.alias_prompt", text(t.lang(), "rooms.alias_prompt"));
                return;
            case Stage::kConsent:
                send_consent(t);
                return;
            case Stage::kActive:
                return;
        }
    }
    auto& repo = t.repo;
    const auto& msg = t.msg;
    rooms::OnboardingInput in;
    in.stage = t.me.stage;
    in.language = t.lang();
    in.reply_id = msg.reply_id;
    in.typed = msg.type == core::MessageType::kText ? msg.text : std::string();
    if (!in.typed.empty()) {
        const auto parsed = commands_.parse(in.typed, t.lang());
        in.yes = in.stage == Stage::kConsent && parsed.command == Command::kYes;
        in.no = in.stage == Stage::kConsent && parsed.command == Command::kNo;
        in.join = parsed.command == Command::kJoin && !parsed.argument.empty();
        in.join_argument = parsed.argument;
    }
    in.has_room = !t.me.current_room.empty();
    in.has_alias = !t.me.alias.empty();
    in.asked_recently = asked_recently(t);
    const auto step = rooms::onboarding_step(regions_, in);
    // The next question, once a stage is passed.
    const auto go_on = [&](Stage next) {
        t.me.stage = next;
        repo.set_stage(t.me.id, next);
        if (next == Stage::kRoom) {
            send_rooms(t, "rooms.room_prompt");
        } else if (next == Stage::kAlias) {
            t.say("rooms.alias_prompt", text(t.lang(), "rooms.alias_prompt"));
        } else {
            send_consent(t);
        }
    };
    using Action = rooms::OnboardingStep::Action;
    switch (step.action) {
        case Action::kNothing:
            return;
        case Action::kAskLanguage:
            send_languages(t, "welcome");
            return;
        case Action::kSetLanguage:
            repo.set_language(t.me.id, step.language);
            t.me.language = step.language;
            go_on(step.next);
            return;
        case Action::kAskRoom:
            send_rooms(t, "rooms.room_prompt");
            return;
        case Action::kJoinRoom: {
            const auto& room = *step.room;
            if (!repo.join(room.id, t.me.id, t.ctx.now_ms, repo.last_post_id(room.id))) {
                t.say("rooms.banned", text(t.lang(), "rooms.banned", {{"room", room.name(t.lang())}}));
                return;
            }
            if (regions_.is_configured_moderator(room.id, t.me.key)) {
                repo.set_role(room.id, t.me.id, store::RoomRole::kModerator);
            }
            repo.set_current_room(t.me.id, room.id);
            t.me.current_room = room.id;
            go_on(step.next);
            return;
        }
        case Action::kPickRoom: {
            // The room's link: its room is theirs (joined at consent, as for members brought in from the old
            // groups); the question they are at comes again, the room named, the room question never.
            const auto& room = *step.room;
            repo.set_current_room(t.me.id, room.id);
            t.me.current_room = room.id;
            log_->info("member came by a room's link member={} room={}", core::redact(t.me.key), room.id);
            const std::string joining = text(t.lang(), "rooms.link_room", {{"room", room.name(t.lang())}});
            switch (t.me.stage) {
                case Stage::kLanguage:
                    send_languages(t, "welcome");  // names the room itself
                    return;
                case Stage::kAlias:
                    t.say("rooms.alias_prompt", joining + "\n\n" + text(t.lang(), "rooms.alias_prompt"));
                    return;
                default:
                    send_consent(t, joining);
                    return;
            }
        }
        case Action::kAskAlias:
            t.say("rooms.alias_prompt", text(t.lang(), "rooms.alias_prompt"));
            return;
        case Action::kTryAlias:
            if (step.alias_problem) {
                t.say("rooms.alias_problem", text(t.lang(), *step.alias_problem));
                return;
            }
            if (!repo.set_alias(t.me.id, step.alias)) {
                t.say("rooms.alias_taken", text(t.lang(), "rooms.alias_taken", {{"alias", step.alias}}));
                return;
            }
            t.me.alias = step.alias;
            go_on(step.next);
            return;
        case Action::kAskConsent:
            send_consent(t);
            return;
        case Action::kDecline:
            t.say("rooms.declined", text(t.lang(), "rooms.declined"));
            return;
        case Action::kConsent: {
            const std::string version = t.lang() + ":" + text(t.lang(), "rooms.consent_version");
            repo.set_consent(t.me.id, version, t.ctx.now_ms);
            repo.set_stage(t.me.id, Stage::kActive);
            t.me.stage = Stage::kActive;
            const community::Room* room = regions_.find(t.me.current_room);
            if (room == nullptr) {
                // Imported without a known room, or the room left the config: choose one now.
                repo.set_stage(t.me.id, Stage::kRoom);
                send_rooms(t, "rooms.room_prompt");
                return;
            }
            if (!repo.join(room->id, t.me.id, t.ctx.now_ms, repo.last_post_id(room->id))) {
                // Imported into a room a moderator had banned them from: choose another.
                repo.set_current_room(t.me.id, "");
                repo.set_stage(t.me.id, Stage::kRoom);
                t.say("rooms.banned", text(t.lang(), "rooms.banned", {{"room", room->name(t.lang())}}));
                send_rooms(t, "rooms.room_prompt");
                return;
            }
            t.say("rooms.welcome_room",
                  text(t.lang(), "rooms.welcome_room", {{"room", room->name(t.lang())}, {"alias", t.me.alias}}));
            log_->info("member joined member={} room={}", core::redact(t.me.key), room->id);
            return;
        }
    }
}

bool Rooms::asked_recently(Turn& t) const {
    return t.ctx.now_ms - t.repo.last_queued_ms(t.me.key) < settings_.reask_after_ms;
}

void Rooms::send_languages(Turn& t, const std::string& logical_key) {
    core::ListMessage list;
    list.button = clip(text(t.lang(), "rooms.language_button"), 20);
    core::ListSection section;
    // The language we guessed first.
    std::vector<Language> order(kLanguages.begin(), kLanguages.end());
    std::stable_partition(order.begin(), order.end(), [&](const Language& l) { return l.code == t.lang(); });
    for (const auto& l : order) {
        section.rows.push_back(core::ListRow{rooms::LanguageButton{std::string(l.code)}.encode(), std::string(l.name), {}});
    }
    list.sections.push_back(std::move(section));
    std::string prompt = text(t.lang(), "rooms.language_prompt");
    if (const auto* room = regions_.find(t.me.current_room); room != nullptr) {
        // Came by the room's link: say which room they are joining.
        prompt = text(t.lang(), "rooms.link_room", {{"room", room->name(t.lang())}}) + "\n" + prompt;
    }
    list.body = community::welcome_message(catalog_, t.lang(), t.msg.sender.profile_name) + "\n\n" + prompt;
    if (logical_key == "welcome" && t.ctx.outbox.send("welcome", to(t.me.key, list))) {
        return;
    }
    list.body = prompt;
    t.send("rooms.language", list);
}

void Rooms::send_rooms(Turn& t, const std::string& body_key) {
    core::ListMessage list;
    list.body = text(t.lang(), body_key);
    list.button = clip(text(t.lang(), "rooms.room_button"), 20);
    core::ListSection section;
    const auto memberships = t.repo.memberships(t.me.id);
    const community::Room* suggested = regions_.suggest(t.me.wa_id);
    for (const auto& room : regions_.rooms()) {
        if (section.rows.size() == 10) {
            break;
        }
        std::string description;
        const auto m = std::find_if(memberships.begin(), memberships.end(),
                                    [&](const store::Membership& x) { return x.room == room.id; });
        if (room.id == t.me.current_room && m != memberships.end() && m->state != MembershipState::kLeft) {
            description = text(t.lang(), "rooms.room_current");
        } else if (m != memberships.end() && m->state != MembershipState::kLeft) {
            description = text(t.lang(), "rooms.room_joined");
        } else if (&room == suggested) {
            description = text(t.lang(), "rooms.room_suggested");
        }
        section.rows.push_back(
            core::ListRow{rooms::RoomButton{room.id}.encode(), clip(room.name(t.lang()), 24), clip(description, 72)});
    }
    if (suggested != nullptr) {
        std::stable_partition(section.rows.begin(), section.rows.end(),
                              [&](const core::ListRow& r) { return r.id == rooms::RoomButton{suggested->id}.encode(); });
    }
    list.sections.push_back(std::move(section));
    t.send("rooms.rooms", list);
}

void Rooms::send_consent(Turn& t, const std::string& first_line) {
    core::ReplyButtons b;
    b.body = text(t.lang(), "rooms.consent", {{"alias", t.me.alias}});
    if (!first_line.empty()) {
        b.body = first_line + "\n\n" + b.body;
    }
    if (t.me.imported) {
        // Brought in from the old WhatsApp groups: this is the first they hear from the bot.
        b.body = clip(community::welcome_message(catalog_, t.lang(), t.msg.sender.profile_name) + "\n\n" + b.body, 1024);
    }
    b.buttons.push_back({rooms::ConsentButton{true}.encode(), clip(text(t.lang(), "rooms.agree"), 20)});
    b.buttons.push_back({rooms::ConsentButton{false}.encode(), clip(text(t.lang(), "rooms.decline"), 20)});
    t.send("rooms.consent", b);
}

void Rooms::send_delivery(Turn& t) {
    core::ReplyButtons b;
    b.body = text(t.lang(), "rooms.delivery_prompt");
    b.buttons.push_back({rooms::ModeButton{rooms::ModeButton::Mode::kLive}.encode(), clip(text(t.lang(), "rooms.live_button"), 20)});
    b.buttons.push_back({rooms::ModeButton{rooms::ModeButton::Mode::kDigest}.encode(), clip(text(t.lang(), "rooms.digest_button"), 20)});
    b.buttons.push_back({rooms::ModeButton{rooms::ModeButton::Mode::kMute}.encode(), clip(text(t.lang(), "rooms.mute_button"), 20)});
    t.send("rooms.delivery", b);
}

const community::Room* Rooms::find_room(std::string_view typed, std::string_view language) const {
    return rooms::find_room(regions_, typed, language);
}

}  // namespace delvex::events
