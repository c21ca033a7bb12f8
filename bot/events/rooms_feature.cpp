#include "bot/events/rooms_feature.hpp"

#include <date/date.h>
#include <date/tz.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>

#include "bot/community/alias.hpp"
#include "bot/community/welcome.hpp"
#include "bot/core/log.hpp"
#include "bot/core/message_ref.hpp"
#include "bot/core/redact.hpp"
#include "bot/core/window.hpp"
#include "bot/delivery/codec.hpp"
#include "bot/store/media_repository.hpp"
#include "bot/events/chat_hold.hpp"
#include "bot/events/rooms_util.hpp"

namespace delvex::events {
namespace {

using community::Command;
using store::DeliveryMode;
using store::MembershipState;
using store::PostState;
using store::Stage;

struct Language {
    std::string_view code;
    std::string_view name;  // in itself
    std::string_view english;
};
constexpr std::array<Language, 5> kLanguages = {{
    {"en", "English", "english"},
    {"fr", "Français", "french"},
    {"es", "Español", "spanish"},
    {"pt", "Português", "portuguese"},
    {"sw", "Kiswahili", "swahili"},
}};

using rooms_detail::clip;
using rooms_detail::to;

const char* kind_of(core::MessageType type) {
    switch (type) {
        case core::MessageType::kText:
            return "text";
        case core::MessageType::kImage:
            return "image";
        case core::MessageType::kAudio:
            return "audio";
        case core::MessageType::kVideo:
            return "video";
        case core::MessageType::kDocument:
            return "document";
        case core::MessageType::kSticker:
            return "sticker";
        case core::MessageType::kLocation:
            return "location";
        case core::MessageType::kContacts:
            return "contacts";
        default:
            return nullptr;
    }
}

/// "YYYY-MM-DD" in the zone.
std::string local_day(const std::string& zone, std::int64_t now_ms) {
    const auto* tz = date::locate_zone(zone);
    const auto local = tz->to_local(date::sys_time<std::chrono::milliseconds>{std::chrono::milliseconds{now_ms}});
    return date::format("%F", date::floor<date::days>(local));
}

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

Feature& Rooms::gate() {
    return *gate_;
}

std::string Rooms::text(std::string_view lang, std::string_view key,
                        const std::vector<std::pair<std::string, std::string>>& vars) const {
    return catalog_.text(lang, key, vars);
}

// ---- the gate ---------------------------------------------------------------------------------------------

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
            repo.set_stopped(t.me.id, true);
            // The only message a stopped member still gets (the outbox lets "rooms.stop:" through).
            ctx.outbox.text("rooms.stop:" + core::message_ref(message.id), t.me.key, text(t.lang(), "rooms.stopped"));
            log_->info("member stopped member={}", core::redact(t.me.key));
        }
        return true;
    }
    if (t.me.stopped) {
        if (parsed.command == Command::kStart) {
            repo.set_stopped(t.me.id, false);
            t.me.stopped = false;
            t.say("rooms.start", text(t.lang(), "rooms.started"));
            if (t.me.stage != Stage::kActive) {
                onboard(t, true);
            }
        }
        return true;  // nothing else reaches anyone while stopped
    }
    if (parsed.command == Command::kForget || parsed.command == Command::kMyData ||
        message.reply_id.starts_with("rooms:forget:")) {
        if (message.reply_id == "rooms:forget:yes") {
            erase(t);
        } else if (message.reply_id == "rooms:forget:no") {
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
    const std::string typed = msg.type == core::MessageType::kText ? msg.text : std::string();
    switch (t.me.stage) {
        case Stage::kLanguage: {
            std::string chosen;
            if (msg.reply_id.starts_with("rooms:lang:")) {
                chosen = msg.reply_id.substr(11);
            } else if (!typed.empty()) {
                const auto folded = community::fold(typed);
                for (const auto& l : kLanguages) {
                    if (folded == l.code || folded == community::fold(l.name) || folded == l.english) {
                        chosen = l.code;
                    }
                }
            }
            const bool known = std::any_of(kLanguages.begin(), kLanguages.end(),
                                           [&](const Language& l) { return l.code == chosen; });
            if (!known) {
                // The very first message gets the welcome; a later one the question again, unless it was
                // just asked ("Hello" "I am Juma" "from Geita" get one answer, not three).
                if (!asked_recently(t)) {
                    send_languages(t, "welcome");
                }
                return;
            }
            repo.set_language(t.me.id, chosen);
            t.me.language = chosen;
            if (!t.me.current_room.empty()) {
                t.me.stage = t.me.alias.empty() ? Stage::kAlias : Stage::kConsent;
                repo.set_stage(t.me.id, t.me.stage);
                if (t.me.stage == Stage::kAlias) {
                    t.say("rooms.alias_prompt", text(t.lang(), "rooms.alias_prompt"));
                } else {
                    send_consent(t);
                }
                return;
            }
            repo.set_stage(t.me.id, Stage::kRoom);
            t.me.stage = Stage::kRoom;
            send_rooms(t, "rooms.room_prompt");
            return;
        }
        case Stage::kRoom: {
            const community::Room* room = nullptr;
            if (msg.reply_id.starts_with("rooms:room:")) {
                room = regions_.find(std::string_view(msg.reply_id).substr(11));
            } else if (!typed.empty()) {
                room = find_room(typed, t.lang());
            }
            if (room == nullptr) {
                if (!asked_recently(t)) {
                    send_rooms(t, "rooms.room_prompt");
                }
                return;
            }
            if (!repo.join(room->id, t.me.id, t.ctx.now_ms, repo.last_post_id(room->id))) {
                t.say("rooms.banned", text(t.lang(), "rooms.banned", {{"room", room->name(t.lang())}}));
                return;
            }
            if (regions_.is_configured_moderator(room->id, t.me.key)) {
                repo.set_role(room->id, t.me.id, store::RoomRole::kModerator);
            }
            repo.set_current_room(t.me.id, room->id);
            t.me.current_room = room->id;
            t.me.stage = t.me.alias.empty() ? Stage::kAlias : Stage::kConsent;
            repo.set_stage(t.me.id, t.me.stage);
            if (t.me.stage == Stage::kAlias) {
                t.say("rooms.alias_prompt", text(t.lang(), "rooms.alias_prompt"));
            } else {
                send_consent(t);
            }
            return;
        }
        case Stage::kAlias: {
            if (typed.empty()) {
                t.say("rooms.alias_prompt", text(t.lang(), "rooms.alias_prompt"));
                return;
            }
            const auto alias = community::tidy_alias(typed);
            if (auto problem = community::alias_problem(alias)) {
                t.say("rooms.alias_problem", text(t.lang(), *problem));
                return;
            }
            if (!repo.set_alias(t.me.id, alias)) {
                t.say("rooms.alias_taken", text(t.lang(), "rooms.alias_taken", {{"alias", alias}}));
                return;
            }
            t.me.alias = alias;
            t.me.stage = Stage::kConsent;
            repo.set_stage(t.me.id, Stage::kConsent);
            send_consent(t);
            return;
        }
        case Stage::kConsent: {
            const auto parsed = typed.empty() ? community::ParsedCommand{} : commands_.parse(typed, t.lang());
            if (msg.reply_id == "rooms:consent:yes" || parsed.command == Command::kYes) {
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
            if (msg.reply_id == "rooms:consent:no" || parsed.command == Command::kNo) {
                t.say("rooms.declined", text(t.lang(), "rooms.declined"));
                return;
            }
            if (!asked_recently(t)) {
                send_consent(t);
            }
            return;
        }
        case Stage::kActive:
            return;
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
        section.rows.push_back(core::ListRow{"rooms:lang:" + std::string(l.code), std::string(l.name), {}});
    }
    list.sections.push_back(std::move(section));
    const std::string prompt = text(t.lang(), "rooms.language_prompt");
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
            core::ListRow{"rooms:room:" + room.id, clip(room.name(t.lang()), 24), clip(description, 72)});
    }
    if (suggested != nullptr) {
        std::stable_partition(section.rows.begin(), section.rows.end(),
                              [&](const core::ListRow& r) { return r.id == "rooms:room:" + suggested->id; });
    }
    list.sections.push_back(std::move(section));
    t.send("rooms.rooms", list);
}

void Rooms::send_consent(Turn& t) {
    core::ReplyButtons b;
    b.body = text(t.lang(), "rooms.consent", {{"alias", t.me.alias}});
    if (t.me.imported) {
        // Brought in from the old WhatsApp groups: this is the first they hear from the bot.
        b.body = clip(community::welcome_message(catalog_, t.lang(), t.msg.sender.profile_name) + "\n\n" + b.body, 1024);
    }
    b.buttons.push_back({"rooms:consent:yes", clip(text(t.lang(), "rooms.agree"), 20)});
    b.buttons.push_back({"rooms:consent:no", clip(text(t.lang(), "rooms.decline"), 20)});
    t.send("rooms.consent", b);
}

void Rooms::send_delivery(Turn& t) {
    core::ReplyButtons b;
    b.body = text(t.lang(), "rooms.delivery_prompt");
    b.buttons.push_back({"rooms:mode:live", clip(text(t.lang(), "rooms.live_button"), 20)});
    b.buttons.push_back({"rooms:mode:digest", clip(text(t.lang(), "rooms.digest_button"), 20)});
    b.buttons.push_back({"rooms:mode:mute", clip(text(t.lang(), "rooms.mute_button"), 20)});
    t.send("rooms.delivery", b);
}

const community::Room* Rooms::find_room(std::string_view typed, std::string_view language) const {
    const auto folded = community::fold(typed);
    if (folded.empty()) {
        return nullptr;
    }
    // A number from the list as we showed it (1-based).
    if (std::all_of(folded.begin(), folded.end(), [](char c) { return c >= '0' && c <= '9'; }) && folded.size() < 3) {
        const auto n = static_cast<std::size_t>(std::stoi(folded));
        return n >= 1 && n <= regions_.rooms().size() ? &regions_.rooms()[n - 1] : nullptr;
    }
    for (const auto& room : regions_.rooms()) {
        if (folded == room.id || folded == community::fold(room.name(language))) {
            return &room;
        }
        for (const auto& [lang, name] : room.names) {
            if (folded == community::fold(name)) {
                return &room;
            }
        }
    }
    return nullptr;
}

namespace {

/// The number a file or place has in a catch-up ("1️⃣" … "🔟"): a member taps the button with the same number.
std::string keycap(std::size_t n) {
    return n == 10 ? std::string("🔟") : std::to_string(n) + "\xEF\xB8\x8F\xE2\x83\xA3";
}

/// "*Alias*: text" lines, newest first, within `max_chars`. A file or place gets a number (up to 10) and is
/// added to `offered`, so that the member can ask for it: "3️⃣ *Amina*: 🎤 voice message". Meta's webhook
/// gives neither the length of a voice note nor the size of a file, so the line says who and what only.
std::string missed_lines(const core::Catalog& catalog, const std::string& lang,
                         const std::vector<store::Post>& posts, std::int64_t total, std::size_t max_chars,
                         std::vector<store::Post>& offered) {
    std::string out;
    std::int64_t shown = 0;
    for (const auto& p : posts) {
        std::string body = p.body;
        std::string number;
        if (p.state == PostState::kDeleted) {
            body = catalog.text(lang, "rooms.deleted");
        } else if (p.kind != "text" && p.kind != "contacts") {  // a card's text starts with its own 👤
            const std::string label = catalog.text(lang, "rooms.kind_" + p.kind);
            body = body.empty() ? label : label + ": " + body;
            if (rooms_detail::carries_media(p.kind) && offered.size() < 10) {
                number = keycap(offered.size() + 1) + " ";
            }
        }
        const std::string alias = p.author_alias.empty() ? catalog.text(lang, "rooms.deleted") : p.author_alias;
        std::string line = number + "*" + alias + "*: " + body + "\n";
        if (out.size() + line.size() > max_chars) {
            break;
        }
        out += line;
        if (!number.empty()) {
            offered.push_back(p);
        }
        ++shown;
    }
    if (shown < total) {
        out += catalog.text(lang, "rooms.more", {{"count", std::to_string(total - shown)}});
    }
    return out;
}

}  // namespace

void Rooms::catch_up(Turn& t) {
    if (t.me.mode == DeliveryMode::kMuted) {
        return;
    }
    const bool owed = t.me.digest_owed;
    for (const auto& m : t.repo.memberships(t.me.id)) {
        if (m.state != MembershipState::kActive && m.state != MembershipState::kSilenced) {
            continue;
        }
        if (t.me.mode == DeliveryMode::kDigest && !owed) {
            continue;
        }
        const auto total = t.repo.count_after(m.room, m.seen_post, t.me.id);
        if (total == 0) {
            continue;
        }
        const community::Room* room = regions_.find(m.room);
        if (room == nullptr) {
            continue;
        }
        const auto posts = t.repo.posts_after(m.room, m.seen_post, t.me.id, 50);
        const std::string head = text(t.lang(), "rooms.catchup",
                                      {{"count", std::to_string(total)}, {"room", room->name(t.lang())}});
        std::vector<store::Post> offered;
        const std::string body =
            head + "\n\n" + missed_lines(catalog_, t.lang(), posts, total, settings_.max_text, offered);
        const std::string logical = "rooms.catchup:" + m.room + ":" + std::to_string(posts.front().id);
        t.ctx.outbox.text(logical, t.me.key, body);
        send_offer(t.ctx, t.me.key, t.lang(), "rooms.offer:" + m.room + ":" + std::to_string(posts.front().id),
                   offered);
        t.repo.set_seen(m.room, t.me.id, posts.front().id);
    }
    if (owed) {
        t.repo.set_digest(t.me.id, t.me.digest_day, false);
    }
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
            return true;  // the relayed copies cannot be edited or taken back; nothing to do
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
    if (id.starts_with("rooms:cmd:")) {
        const auto name = id.substr(10);
        if (name == "delivery") {
            send_delivery(t);
            return true;
        }
        for (const auto& [n, c] : community::CommandTable::names()) {
            if (n == name) {
                return command(t, community::ParsedCommand{c, {}});
            }
        }
        return true;
    }
    if (id.starts_with("rooms:mode:")) {
        const auto mode = id.substr(11);
        const Command c = mode == "live" ? Command::kLive : mode == "digest" ? Command::kDigest : Command::kMute;
        return command(t, community::ParsedCommand{c, {}});
    }
    if (id.starts_with("rooms:room:")) {
        if (const auto* room = regions_.find(id.substr(11))) {
            switch_room(t, *room);
        }
        return true;
    }
    if (id.starts_with("rooms:lang:")) {
        const std::string code(id.substr(11));
        if (std::any_of(kLanguages.begin(), kLanguages.end(), [&](const Language& l) { return l.code == code; })) {
            t.repo.set_language(t.me.id, code);
            t.me.language = code;
            t.say("rooms.language_set", text(code, "rooms.language_set"));
        }
        return true;
    }
    if (id.starts_with("rooms:get:")) {
        get_item(t, id.substr(10));
        return true;
    }
    if (id.starts_with("rooms:contacts:")) {
        answer_contacts(t, id.substr(15));
        return true;
    }
    return true;
}

bool Rooms::command(Turn& t, const community::ParsedCommand& parsed) {
    auto& repo = t.repo;
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
                repo.set_membership_state(room->id, t.me.id, MembershipState::kLeft);
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
            repo.set_mode(t.me.id, mode);
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
            b.buttons.push_back({"rooms:forget:yes", clip(text(t.lang(), "rooms.forget_yes"), 20)});
            b.buttons.push_back({"rooms:forget:no", clip(text(t.lang(), "rooms.forget_no"), 20)});
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
        section.rows.push_back(core::ListRow{std::string("rooms:cmd:") + std::string(id),
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

// ---- posts ------------------------------------------------------------------------------------------------

void Rooms::post(Turn& t) {
    auto& repo = t.repo;
    const auto& msg = t.msg;
    const char* kind = kind_of(msg.type);
    if (kind == nullptr) {
        t.say("rooms.unsupported", text(t.lang(), "rooms.unsupported"));
        return;
    }
    store::Post post;
    // A reply to a relayed post goes to that post's room (if the member is still in it).
    if (msg.context) {
        if (auto quoted = repo.post_by_wamid(msg.context->id)) {
            const auto m = repo.membership(quoted->room, t.me.id);
            if (m && (m->state == MembershipState::kActive || m->state == MembershipState::kSilenced)) {
                post.room = quoted->room;
                post.reply_to = quoted->id;
            }
        }
    }
    if (post.room.empty()) {
        post.room = t.me.current_room;
    }
    const community::Room* room = regions_.find(post.room);
    if (room == nullptr) {
        t.say("rooms.no_room", text(t.lang(), "rooms.no_room"));
        return;
    }
    const auto membership = repo.membership(room->id, t.me.id);
    if (!membership || membership->state == MembershipState::kLeft) {
        t.say("rooms.no_room", text(t.lang(), "rooms.no_room"));
        return;
    }
    if (membership->state == MembershipState::kRemoved || membership->state == MembershipState::kBanned) {
        t.say("rooms.cannot_post", text(t.lang(), "rooms.cannot_post", {{"room", room->name(t.lang())}}));
        return;
    }
    // Flood limit: a fixed window per member; the refusal is said once per window.
    const auto now = t.ctx.now_ms;
    if (now - t.me.flood_start_ms < settings_.flood_window_ms) {
        repo.set_flood(t.me.id, t.me.flood_start_ms, t.me.flood_count + 1);
        if (t.me.flood_count >= settings_.flood_posts) {
            if (t.me.flood_count == settings_.flood_posts) {
                t.say("rooms.flood", text(t.lang(), "rooms.flood",
                                          {{"count", std::to_string(settings_.flood_posts)},
                                           {"minutes", std::to_string(settings_.flood_window_ms / 60000)}}));
            }
            return;
        }
    } else {
        repo.set_flood(t.me.id, now, 1);
    }
    post.author_id = t.me.id;
    post.wamid = msg.id;
    post.kind = kind;
    post.created_ms = now;
    if (msg.type == core::MessageType::kText) {
        post.body = msg.text;
    } else if (msg.type == core::MessageType::kLocation && msg.location) {
        post.latitude = msg.location->latitude;
        post.longitude = msg.location->longitude;
        post.body = msg.location->name;
        if (!msg.location->address.empty()) {
            post.body += (post.body.empty() ? "" : ", ") + msg.location->address;
        }
    } else if (msg.type == core::MessageType::kContacts) {
        // The cards as the room will read them: "👤 Name: +254 7…". They wait for the author's yes.
        for (const auto& card : msg.contacts) {
            std::string numbers;
            for (const auto& phone : card.phones) {
                numbers += (numbers.empty() ? "" : ", ") + phone;
            }
            post.body += std::string(post.body.empty() ? "" : "\n") + "👤 " + card.formatted_name +
                         (numbers.empty() ? "" : ": " + numbers);
        }
    } else if (msg.media) {
        post.media_id = msg.media->id;
        post.mime_type = msg.media->mime_type;
        post.filename = msg.media->filename;
        post.body = msg.media->caption;
        post.voice = msg.media->voice;
    }
    const bool hold = membership->state == MembershipState::kSilenced ||
                      (room->hold_first_posts > 0 && repo.count_shared_posts(t.me.id) < room->hold_first_posts);
    const bool pending = post.kind == "contacts";
    post.state = pending ? PostState::kPending : hold ? PostState::kHeld : PostState::kRelayed;
    const auto id = repo.add_post(post);
    if (!id) {
        return;  // this message was already posted (a webhook delivered twice)
    }
    post.id = *id;
    if (msg.media) {
        store::note_member_media(t.ctx.db, post.media_id, t.me.id, t.lang(), post.kind, msg.media->sha256,
                                 post.mime_type, now);
    }
    post.author_alias = t.me.alias;
    if (pending) {
        confirm_contacts(t, post, *room);
        return;
    }
    repo.count_post(t.me.id);
    publish(t, post, *room, hold);
}

void Rooms::publish(Turn& t, const store::Post& post, const community::Room& room_ref, bool hold) {
    auto& repo = t.repo;
    const community::Room* room = &room_ref;
    if (hold) {
        if (on_held_) {
            on_held_(t.ctx, post.id);  // the room's moderators are asked (bot/events/moderation_feature)
        }
        t.say("rooms.held", text(t.lang(), "rooms.held", {{"room", room->name(t.lang())}}));
        return;
    }
    relay(t.ctx, repo, post);
}

void Rooms::relay(Context& ctx, store::CommunityRepository& repo, const store::Post& post) {
    const community::Room* room = regions_.find(post.room);
    if (room == nullptr) {
        return;
    }
    std::optional<store::Post> quoted;
    if (post.reply_to) {
        quoted = repo.post(*post.reply_to);
    }
    const std::string logical = "rooms.relay:" + std::to_string(post.id);
    const auto members = repo.room_members(room->id, post.author_id);
    std::size_t live = 0;
    for (const auto& m : members) {
        // Live members with an open window get it now; the others through their digest or catch-up.
        if (m.mode != DeliveryMode::kLive || !core::window_open(m.last_inbound, ctx.now_ms)) {
            continue;
        }
        const auto& lang = m.language;
        std::string header;
        if (quoted) {
            const std::string to_alias =
                quoted->author_alias.empty() ? text(lang, "rooms.deleted") : quoted->author_alias;
            header = text(lang, "rooms.reply_header",
                          {{"alias", post.author_alias}, {"room", room->name(lang)}, {"to", to_alias}});
        } else {
            header = text(lang, "rooms.header", {{"alias", post.author_alias}, {"room", room->name(lang)}});
        }
        std::string context;
        if (quoted) {
            context = m.id == quoted->author_id ? quoted->wamid : repo.copy_wamid(quoted->id, m.key);
        }
        send_copy(ctx, post, m.key, lang, header, logical, "rooms.relayhead:" + std::to_string(post.id), context);
        repo.set_seen(room->id, m.id, post.id);
        ++live;
    }
    plan_digest(ctx, room->id);
    log_->info("post relayed room={} post={} live={} members={}", room->id, post.id, live, members.size());
}

void Rooms::react(Turn& t) {
    auto target = t.repo.post_by_wamid(t.msg.reaction_message_id);
    if (!target || target->author_id == t.me.id || target->state != PostState::kRelayed) {
        return;
    }
    const auto author = t.repo.profile(target->author_id);
    if (!author || author->stopped || author->forgotten || !core::window_open(author->last_inbound, t.ctx.now_ms)) {
        return;  // a reaction is not worth a paid template
    }
    core::OutgoingReaction r{target->wamid, t.msg.reaction_emoji};
    t.ctx.outbox.send("rooms.react:" + core::message_ref(t.msg.id), to(author->key, r));
}

// ---- digests ----------------------------------------------------------------------------------------------

void Rooms::plan_digest(Context& ctx, const std::string& room_id) {
    const auto* room = regions_.find(room_id);
    if (room == nullptr) {
        return;
    }
    using namespace std::chrono;
    const auto* tz = date::locate_zone(room->time_zone);
    const auto local = tz->to_local(date::sys_time<milliseconds>{milliseconds{ctx.now_ms}});
    auto day = date::floor<date::days>(local);
    auto target = date::local_time<milliseconds>{day} + hours{settings_.digest_hour};
    if (target <= local) {
        day += date::days{1};
        target = date::local_time<milliseconds>{day} + hours{settings_.digest_hour};
    }
    const auto due = tz->to_sys(target, date::choose::earliest);
    const std::int64_t due_ms = due.time_since_epoch().count();
    ctx.jobs.schedule("rooms.digest:" + room->id + ":" + date::format("%F", day), "rooms.digest", due_ms,
                      due_ms + 6 * 3600 * 1000, room->id, ctx.now_ms);
}

void Rooms::on_job(Context& ctx, const store::Job& job) {
    if (job.kind == "rooms.digest") {
        digest(ctx, job.payload);
    }
}

void Rooms::digest(Context& ctx, const std::string& room_id) {
    const auto* room = regions_.find(room_id);
    if (room == nullptr) {
        return;
    }
    auto& repo = repository(ctx);
    const std::string day = local_day(room->time_zone, ctx.now_ms);
    std::size_t templates = 0;
    std::size_t texts = 0;
    for (const auto& m : repo.room_members(room->id, 0)) {
        if (m.mode == DeliveryMode::kMuted || m.digest_day == day) {
            continue;
        }
        const auto total = repo.count_after(room->id, m.seen_post, m.id);
        if (total == 0) {
            continue;
        }
        const std::string logical = "rooms.digest:" + room->id + ":" + day;
        if (core::window_open(m.last_inbound, ctx.now_ms)) {
            const auto posts = repo.posts_after(room->id, m.seen_post, m.id, 50);
            std::vector<store::Post> offered;
            const std::string body =
                text(m.language, "rooms.catchup", {{"count", std::to_string(total)}, {"room", room->name(m.language)}}) +
                "\n\n" + missed_lines(catalog_, m.language, posts, total, settings_.max_text, offered);
            ctx.outbox.text(logical, m.key, body);
            send_offer(ctx, m.key, m.language, "rooms.offer:" + room->id + ":" + std::to_string(posts.front().id),
                       offered);
            repo.set_seen(room->id, m.id, posts.front().id);
            repo.set_digest(m.id, day, false);
            ++texts;
        } else {
            // Outside the window: one short template a day; the reply brings the posts (catch_up).
            ctx.outbox.text(logical, m.key,
                            text(m.language, "rooms.digest", {{"count", std::to_string(total)}, {"room", room->name(m.language)}}),
                            "rooms.digest");
            repo.set_digest(m.id, day, true);
            ++templates;
        }
    }
    log_->info("digest room={} day={} texts={} templates={}", room->id, day, texts, templates);
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
    t.repo.forget(t.me, t.ctx.now_ms);
    store::forget_member_media(t.ctx.db, t.me.id);
    t.repo.log_action(t.me.id, "forget", {}, t.me.id, {}, t.ctx.now_ms);
    // Sent to the number one last time; the outbox empties the row once it is sent.
    t.ctx.outbox.text("rooms.forgotten:" + std::to_string(t.me.id), key, goodbye, "erasure");
    log_->info("member erased their data id={}", t.me.id);
}

}  // namespace delvex::events
