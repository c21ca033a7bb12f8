#include "bot/events/rooms_feature.hpp"

#include <date/date.h>
#include <date/tz.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <variant>

#include "bot/community/alias.hpp"
#include "bot/community/welcome.hpp"
#include "bot/core/log.hpp"
#include "bot/core/message_ref.hpp"
#include "bot/core/number_forms.hpp"
#include "bot/core/redact.hpp"
#include "bot/core/window.hpp"
#include "bot/delivery/codec.hpp"
#include "bot/store/media_repository.hpp"
#include "bot/store/member_limits.hpp"
#include "bot/events/chat_hold.hpp"
#include "bot/events/rooms_util.hpp"
#include "bot/rooms/protocol.hpp"

namespace delvex::events {
namespace {

using community::Command;
using store::DeliveryMode;
using store::MembershipState;
using store::PostState;
using store::Stage;

using rooms_detail::kLanguages;
using rooms_detail::Language;
using rooms_detail::clip;
using rooms_detail::to;

}  // namespace

class RoomsGate final : public Feature {
public:
    explicit RoomsGate(Rooms& rooms) : rooms_(rooms) {}
    std::string_view name() const override { return "gate"; }
    bool on_message(Context& ctx, const store::MemberRow& member, const core::InboundMessage& message) override {
        return rooms_.gate_message(ctx, member, message);
    }

private:
    Rooms& rooms_;
};

Rooms::Rooms(community::Regions regions, const core::Catalog& catalog, RoomsSettings settings)
    : regions_(std::move(regions)),
      catalog_(catalog),
      settings_(settings),
      commands_(community::CommandTable::from(catalog)),
      gate_(std::make_unique<RoomsGate>(*this)),
      log_(core::logger("rooms")) {}

Rooms::~Rooms() = default;

store::CommunityRepository& Rooms::repository(Context& ctx) {
    // Prepared once per connection: the consumer and the scheduler share the writer thread's connection.
    if (repo_ == nullptr || repo_db_ != &ctx.db) {
        repo_ = std::make_unique<store::CommunityRepository>(ctx.db);
        repo_db_ = &ctx.db;
    }
    return *repo_;
}

store::RoomStoreSql& Rooms::room_store(Context& ctx) {
    auto& repo = repository(ctx);
    if (store_ == nullptr || &store_->community() != &repo) {
        store_ = std::make_unique<store::RoomStoreSql>(ctx.db, repo);
    }
    return *store_;
}

rooms::Limits Rooms::limits() const {
    rooms::Limits l;
    l.flood_posts = settings_.flood_posts;
    l.flood_window_ms = settings_.flood_window_ms;
    l.max_text = settings_.max_text;
    return l;
}

Feature& Rooms::gate() {
    return *gate_;
}

std::string Rooms::text(std::string_view lang, std::string_view key,
                        const std::vector<std::pair<std::string, std::string>>& vars) const {
    return catalog_.text(lang, key, vars);
}

// ---- the rooms --------------------------------------------------------------------------------------------

bool Rooms::on_message(Context& ctx, const store::MemberRow& member, const core::InboundMessage& message) {
    auto& repo = repository(ctx);
    auto me = repo.profile(member.member_key);
    if (!me || me->stopped || me->stage != Stage::kActive) {
        return true;
    }
    Turn t{ctx, repo, member, *me, message};
    if (!message.reply_id.empty()) {
        if (message.reply_id.starts_with("rooms:")) {
            interactive(t);
            return true;
        }
        return false;  // another feature's button that nobody took (an old message): ignore quietly
    }
    switch (message.type) {
        case core::MessageType::kReaction:
            react(t);
            return true;
        case core::MessageType::kText: {
            const auto parsed = commands_.parse(message.text, t.lang());
            if (parsed.command != Command::kNone && command(t, parsed)) {
                return true;
            }
            if (!message.context &&
                looks_like_answer(message.text, parsed.command == Command::kYes || parsed.command == Command::kNo)) {
                // "3" or "yes" with no question waiting was meant for one: never relayed without asking (a
                // reply that quotes a post is a post).
                hold_and_ask(ctx, member, message, false);
                return true;
            }
            post(t);
            return true;
        }
        case core::MessageType::kImage:
        case core::MessageType::kAudio:
        case core::MessageType::kVideo:
        case core::MessageType::kDocument:
        case core::MessageType::kSticker:
        case core::MessageType::kLocation:
        case core::MessageType::kContacts:
            post(t);
            return true;
        case core::MessageType::kRequestWelcome:
            send_menu(t);
            return true;
        case core::MessageType::kEdit:
        case core::MessageType::kRevoke:
            change(t);  // the stored post follows; copies already sent stay as they are (no unsend in the API)
            return true;
        default:
            t.say("rooms.unsupported", text(t.lang(), "rooms.unsupported"));
            return true;
    }
}

bool Rooms::interactive(Turn& t) {
    const std::string_view id = t.msg.reply_id;
    if (id.starts_with(kHeldPostPrefix) || id.starts_with(kHeldMenuPrefix)) {
        const bool to_room = id.starts_with(kHeldPostPrefix);
        const auto held = take_held(t.ctx, t.row, id.substr(to_room ? kHeldPostPrefix.size() : kHeldMenuPrefix.size()));
        if (!to_room) {
            send_menu(t);  // the kept text is dropped
        } else if (held) {
            const auto message = held_message(*held, t.msg);
            Turn kept{t.ctx, t.repo, t.row, t.me, message};
            post(kept);
        }
        return true;
    }
    const auto button = rooms::parse_button(id);
    if (!button) {
        return true;  // an old or unknown id: ignored quietly
    }
    if (const auto* cmd = std::get_if<rooms::CommandButton>(&*button)) {
        if (cmd->name == "delivery") {
            send_delivery(t);
            return true;
        }
        for (const auto& [n, c] : community::CommandTable::names()) {
            if (n == cmd->name) {
                return command(t, community::ParsedCommand{c, {}});
            }
        }
        return true;
    }
    if (const auto* mode = std::get_if<rooms::ModeButton>(&*button)) {
        const Command c = mode->mode == rooms::ModeButton::Mode::kLive     ? Command::kLive
                          : mode->mode == rooms::ModeButton::Mode::kDigest ? Command::kDigest
                                                                           : Command::kMute;
        return command(t, community::ParsedCommand{c, {}});
    }
    if (const auto* room_button = std::get_if<rooms::RoomButton>(&*button)) {
        if (const auto* room = regions_.find(room_button->room)) {
            switch_room(t, *room);
        }
        return true;
    }
    if (const auto* lang = std::get_if<rooms::LanguageButton>(&*button)) {
        const std::string code = lang->code;
        if (std::any_of(kLanguages.begin(), kLanguages.end(), [&](const Language& l) { return l.code == code; })) {
            t.repo.set_language(t.me.id, code);
            t.me.language = code;
            t.say("rooms.language_set", text(code, "rooms.language_set"));
        }
        return true;
    }
    if (const auto* get = std::get_if<rooms::GetButton>(&*button)) {
        get_item(t, get->post);
        return true;
    }
    if (const auto* contacts = std::get_if<rooms::ContactsButton>(&*button)) {
        answer_contacts(t, contacts->yes, contacts->post);
        return true;
    }
    return true;
}

bool Rooms::command(Turn& t, const community::ParsedCommand& parsed) {
    auto& repo = t.repo;
    // Every command is answered, so a flood of them is cut per member (security review L-2), with one answer.
    if (answers(parsed, t.lang()) &&
        !within_limit(t, "command", settings_.command_limit, settings_.command_window_ms, "rooms.command_flood")) {
        return true;
    }
    switch (parsed.command) {
        case Command::kMenu:
            send_menu(t);
            return true;
        case Command::kHelp:
            t.say("rooms.help", text(t.lang(), "rooms.help"));
            return true;
        case Command::kRooms:
            send_rooms(t, "rooms.rooms_body");
            return true;
        case Command::kJoin: {
            if (parsed.argument.empty()) {
                send_rooms(t, "rooms.rooms_body");
                return true;
            }
            const auto* room = find_room(parsed.argument, t.lang());
            if (room == nullptr) {
                return false;  // "join us at the market" is a post, not a command
            }
            switch_room(t, *room);
            return true;
        }
        case Command::kLeave: {
            const community::Room* room =
                parsed.argument.empty() ? regions_.find(t.me.current_room) : find_room(parsed.argument, t.lang());
            if (room == nullptr) {
                if (!parsed.argument.empty()) {
                    return false;
                }
                t.say("rooms.no_room", text(t.lang(), "rooms.no_room"));
                return true;
            }
            const auto m = repo.membership(room->id, t.me.id);
            if (m && (m->state == MembershipState::kActive || m->state == MembershipState::kSilenced)) {
                repo.set_membership_state(room->id, t.me.id, MembershipState::kLeft, t.ctx.now_ms);
            }
            if (t.me.current_room == room->id) {
                std::string next;
                for (const auto& other : repo.memberships(t.me.id)) {
                    if (other.room != room->id && other.state == MembershipState::kActive) {
                        next = other.room;
                        break;
                    }
                }
                repo.set_current_room(t.me.id, next);
                if (next.empty()) {
                    t.say("rooms.left", text(t.lang(), "rooms.left_last", {{"room", room->name(t.lang())}}));
                    return true;
                }
                const auto* next_room = regions_.find(next);
                t.say("rooms.left", text(t.lang(), "rooms.left", {{"room", room->name(t.lang())}}) + "\n" +
                                        text(t.lang(), "rooms.switched",
                                             {{"room", next_room != nullptr ? next_room->name(t.lang()) : next}}));
                return true;
            }
            t.say("rooms.left", text(t.lang(), "rooms.left", {{"room", room->name(t.lang())}}));
            return true;
        }
        case Command::kLive:
        case Command::kDigest:
        case Command::kMute: {
            const auto mode = parsed.command == Command::kLive     ? DeliveryMode::kLive
                              : parsed.command == Command::kDigest ? DeliveryMode::kDigest
                                                                   : DeliveryMode::kMuted;
            repo.set_mode(t.me.id, mode, t.ctx.now_ms);
            if (mode == DeliveryMode::kLive) {
                // From now on posts come as they are written; what was missed comes now, once.
                for (const auto& m : repo.memberships(t.me.id)) {
                    repo.set_seen(m.room, t.me.id, repo.last_post_id(m.room));
                }
            }
            const char* key = mode == DeliveryMode::kLive     ? "rooms.mode_live"
                              : mode == DeliveryMode::kDigest ? "rooms.mode_digest"
                                                              : "rooms.mode_muted";
            t.say("rooms.mode", text(t.lang(), key));
            return true;
        }
        case Command::kLanguage: {
            send_languages(t, {});
            return true;
        }
        case Command::kAlias: {
            if (parsed.argument.empty()) {
                t.say("rooms.alias_how", text(t.lang(), "rooms.alias_how", {{"alias", t.me.alias}}));
                return true;
            }
            if (std::count(parsed.argument.begin(), parsed.argument.end(), ' ') > 2) {
                return false;  // "name of the river is …" is a post; a new name is a word or three
            }
            const auto alias = community::tidy_alias(parsed.argument);
            if (auto problem = community::alias_problem(alias)) {
                t.say("rooms.alias_problem", text(t.lang(), *problem));
                return true;
            }
            if (!repo.set_alias(t.me.id, alias)) {
                t.say("rooms.alias_taken", text(t.lang(), "rooms.alias_taken", {{"alias", alias}}));
                return true;
            }
            t.say("rooms.alias_set", text(t.lang(), "rooms.alias_set", {{"alias", alias}}));
            return true;
        }
        case Command::kMyData: {
            std::vector<std::string> lines;
            describe(t.ctx, t.row, lines);
            for (auto* f : features_) {
                if (f != this && f != gate_.get()) {
                    f->describe(t.ctx, t.row, lines);
                }
            }
            std::string body = text(t.lang(), "rooms.mydata_head");
            for (const auto& l : lines) {
                body += "\n" + l;
            }
            t.say("rooms.mydata", clip(body, 4000));
            return true;
        }
        case Command::kForget: {
            core::ReplyButtons b;
            b.body = text(t.lang(), "rooms.forget_confirm");
            b.buttons.push_back({rooms::ForgetButton{true}.encode(), clip(text(t.lang(), "rooms.forget_yes"), 20)});
            b.buttons.push_back({rooms::ForgetButton{false}.encode(), clip(text(t.lang(), "rooms.forget_no"), 20)});
            t.send("rooms.forget", b);
            return true;
        }
        case Command::kStart:
            // Not stopped (the gate answers those): "start" is a way in, so the menu, not "on again".
            send_menu(t);
            return true;
        default:
            return false;
    }
}

void Rooms::describe(Context& ctx, const store::MemberRow& member, std::vector<std::string>& lines) {
    auto& repo = repository(ctx);
    const auto me = repo.profile(member.member_key);
    if (!me) {
        return;
    }
    const auto& lang = me->language;
    std::string rooms;
    for (const auto& m : repo.memberships(me->id)) {
        if (m.state == MembershipState::kLeft) {
            continue;
        }
        const auto* room = regions_.find(m.room);
        rooms += (rooms.empty() ? "" : ", ") + (room != nullptr ? room->name(lang) : m.room);
    }
    const char* mode = me->mode == DeliveryMode::kLive     ? "rooms.mode_name_live"
                       : me->mode == DeliveryMode::kDigest ? "rooms.mode_name_digest"
                                                           : "rooms.mode_name_muted";
    const auto since = date::format("%F", date::sys_seconds{std::chrono::seconds{me->first_seen}});
    const auto consent_at =
        me->consent_ms > 0 ? date::format("%F", date::sys_seconds{std::chrono::seconds{me->consent_ms / 1000}})
                           : std::string("-");
    const std::string number = me->wa_id.empty() ? me->user_id : "+" + me->wa_id;
    lines.push_back(text(lang, "rooms.mydata",
                         {{"number", number},
                          {"alias", me->alias.empty() ? "-" : me->alias},
                          {"language", std::string(std::find_if(kLanguages.begin(), kLanguages.end(),
                                                                [&](const Language& l) { return l.code == lang; })
                                                       ->name)},
                          {"rooms", rooms.empty() ? "-" : rooms},
                          {"mode", text(lang, mode)},
                          {"posts", std::to_string(me->posts)},
                          {"reactions", std::to_string(room_store(ctx).count_reactions_by(me->id))},
                          {"consent", me->consent_version.empty() ? "-" : me->consent_version + " " + consent_at},
                          {"since", since}}));
}

void Rooms::switch_room(Turn& t, const community::Room& room) {
    const auto m = t.repo.membership(room.id, t.me.id);
    const bool was_member = m && (m->state == MembershipState::kActive || m->state == MembershipState::kSilenced);
    if (!was_member) {
        if (m && (m->state == MembershipState::kBanned || m->state == MembershipState::kRemoved)) {
            t.say("rooms.banned", text(t.lang(), "rooms.banned", {{"room", room.name(t.lang())}}));
            return;
        }
        if (!t.repo.join(room.id, t.me.id, t.ctx.now_ms, t.repo.last_post_id(room.id))) {
            t.say("rooms.banned", text(t.lang(), "rooms.banned", {{"room", room.name(t.lang())}}));
            return;
        }
        if (regions_.is_configured_moderator(room.id, t.me.key)) {
            t.repo.set_role(room.id, t.me.id, store::RoomRole::kModerator);
        }
    }
    t.repo.set_current_room(t.me.id, room.id);
    t.say("rooms.switched", text(t.lang(), was_member ? "rooms.switched" : "rooms.joined",
                                 {{"room", room.name(t.lang())}}));
}

void Rooms::send_menu(Turn& t) {
    core::ListMessage list;
    list.body = text(t.lang(), "rooms.menu_body");
    list.button = clip(text(t.lang(), "rooms.menu_button"), 20);
    core::ListSection section;
    const auto* room = regions_.find(t.me.current_room);
    auto row = [&](std::string_view id, std::string_view key, std::string description) {
        section.rows.push_back(core::ListRow{rooms::CommandButton{std::string(id)}.encode(),
                                             clip(text(t.lang(), std::string("rooms.menu_") + std::string(key)), 24),
                                             clip(description, 72)});
    };
    row("rooms", "rooms", room != nullptr ? room->name(t.lang()) : std::string());
    row("delivery", "delivery", text(t.lang(), t.me.mode == DeliveryMode::kLive     ? "rooms.mode_name_live"
                                               : t.me.mode == DeliveryMode::kDigest ? "rooms.mode_name_digest"
                                                                                    : "rooms.mode_name_muted"));
    std::vector<core::ListRow> others;
    for (auto* f : features_) {
        if (f != this && f != gate_.get()) {
            f->menu(t.ctx, t.row, others);
        }
    }
    for (auto& r : others) {
        if (section.rows.size() < 6) {
            r.title = clip(r.title, 24);
            r.description = clip(r.description, 72);
            section.rows.push_back(std::move(r));
        }
    }
    row("language", "language", {});
    row("alias", "alias", t.me.alias);
    row("mydata", "mydata", {});
    row("help", "help", {});
    row("forget", "forget", {});
    if (section.rows.size() > 10) {
        section.rows.resize(10);
    }
    list.sections.push_back(std::move(section));
    t.send("rooms.menu", list);
}

// ---- forget me --------------------------------------------------------------------------------------------

void Rooms::erase(Turn& t) {
    for (auto* f : features_) {
        if (f != this && f != gate_.get()) {
            f->forget(t.ctx, t.row);
        }
    }
    const std::string key = t.me.key;
    const std::string goodbye = text(t.lang(), "rooms.forgotten");
    // Every form of their number and ids, taken before the rows that hold them are erased.
    auto forms = core::number_forms(t.me.wa_id);
    for (const std::string& id : {t.me.key, t.me.user_id}) {
        if (!id.empty() && std::find(forms.begin(), forms.end(), id) == forms.end()) {
            forms.push_back(id);
        }
    }
    room_store(t.ctx).forget_reactions(t.me.id);
    store::MemberLimits(t.ctx.db).forget(t.me.id);
    t.repo.forget(t.me, t.ctx.now_ms);
    store::forget_member_media(t.ctx.db, t.me.id);
    t.repo.log_action(t.me.id, "forget", {}, t.me.id, {}, t.ctx.now_ms);
    if (forget_files_) {
        try {
            forget_files_(forms);
        } catch (const std::exception& e) {
            // The database is erased all the same; the operator is told which file still names them.
            log_->error("member id={} erased, but a kept webhook file could not be masked: {}; delete it by hand",
                        t.me.id, e.what());
        }
    }
    // Sent to the number one last time; the outbox empties the row once it is sent.
    t.ctx.outbox.text("rooms.forgotten:" + std::to_string(t.me.id), key, goodbye, "erasure");
    log_->info("member erased their data id={}", t.me.id);
}

}  // namespace delvex::events
