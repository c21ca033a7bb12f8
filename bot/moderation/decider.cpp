#include "bot/moderation/decider.hpp"

#include <date/date.h>
#include <date/tz.h>

#include <algorithm>
#include <chrono>

#include "bot/community/alias.hpp"
#include "bot/community/commands.hpp"
#include "bot/core/text.hpp"

namespace delvex::moderation {

namespace {

bool has_digit(std::string_view s) {
    return std::any_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

/// The post number in "812", "#812" or "post 812"; nullopt when there is none or more than one number.
std::optional<std::int64_t> post_number(std::string_view s) {
    std::string digits;
    bool ended = false;
    for (char c : s) {
        if (c >= '0' && c <= '9') {
            if (ended) {
                return std::nullopt;
            }
            digits += c;
        } else if (!digits.empty()) {
            ended = true;
        }
    }
    if (digits.empty() || digits.size() > 15) {
        return std::nullopt;
    }
    return std::stoll(digits);
}

}  // namespace

/// One command being decided.
struct Decider::Turn {
    ModerationStore& store;
    const Person& me;
    std::string ref;
    std::int64_t now_ms = 0;
    Effects fx{};
    std::string room{};      ///< QUEUE and LOG: the one room asked about (empty: every room moderated)
    std::string argument{};  ///< ANNOUNCE: the text

    const std::string& lang() const { return me.language; }
    void say(std::string_view what, std::string body) {
        Step s;
        s.to = me.key;
        s.language = me.language;
        s.logical = std::string(what) + ":" + ref;
        s.body = core::OutgoingText{std::move(body), false};
        fx.steps.push_back(std::move(s));
    }
    void send(std::string_view what, core::OutgoingBody body) {
        Step s;
        s.to = me.key;
        s.language = me.language;
        s.logical = std::string(what) + ":" + ref;
        s.body = std::move(body);
        fx.steps.push_back(std::move(s));
    }
    /// A text to another member (`logical` complete), sent when their window allows.
    void tell(const std::string& key, std::string logical, std::string body, std::string purpose = {}) {
        Step s;
        s.to = key;
        s.logical = std::move(logical);
        s.body = core::OutgoingText{std::move(body), false};
        s.purpose = std::move(purpose);
        fx.steps.push_back(std::move(s));
    }
};

Decider::Decider(const community::Regions& regions, const core::Catalog& catalog, Settings settings)
    : regions_(regions), catalog_(catalog), settings_(settings) {}

std::string Decider::text(std::string_view lang, std::string_view key,
                          const std::vector<std::pair<std::string, std::string>>& vars) const {
    return catalog_.text(lang, key, vars);
}

std::string Decider::room_name(std::string_view room, std::string_view lang) const {
    const auto* r = regions_.find(room);
    return r != nullptr ? r->name(lang) : std::string(room);
}

bool Decider::moderates(ModerationStore& store, const Person& actor, std::string_view room) const {
    if (actor.admin || regions_.is_admin(actor.key) || regions_.is_configured_moderator(room, actor.key)) {
        return true;
    }
    for (const auto& s : store.seats(actor.id)) {
        if (s.room == room && s.moderator && s.standing == Standing::kActive) {
            return true;
        }
    }
    return false;
}

std::vector<std::string> Decider::moderated(ModerationStore& store, const Person& actor) const {
    std::vector<std::string> out;
    const auto seats = store.seats(actor.id);
    for (const auto& room : regions_.rooms()) {
        const bool seat = std::any_of(seats.begin(), seats.end(), [&](const Seat& s) {
            return s.room == room.id && s.moderator && s.standing == Standing::kActive;
        });
        if (actor.admin || regions_.is_admin(actor.key) || regions_.is_configured_moderator(room.id, actor.key) ||
            seat) {
            out.push_back(room.id);
        }
    }
    return out;
}

std::optional<core::ListRow> Decider::menu_row(ModerationStore& store, const Person& actor) const {
    const auto rooms = moderated(store, actor);
    if (rooms.empty()) {
        return std::nullopt;
    }
    const auto waiting = store.queue(rooms, settings_.queue_size).size();
    return core::ListRow{encode(Button{Verb::kQueue, 0, {}, 0}), clip(text(actor.language, "moderation.menu_title"), 24),
                         clip(text(actor.language, "moderation.menu_description", {{"count", std::to_string(waiting)}}),
                              72)};
}

bool Decider::moderates_any(ModerationStore& store, const Person& actor) const {
    return !moderated(store, actor).empty();
}

const community::Room* Decider::trailing_room(std::string& argument) const {
    // Words, as typed; the room is the last one to four of them ("ban Amina East Africa", "queue east-africa").
    std::vector<std::pair<std::size_t, std::size_t>> words;  // [start, end)
    std::size_t pos = 0;
    while (pos < argument.size()) {
        const auto start = argument.find_first_not_of(" \t\n\r", pos);
        if (start == std::string::npos) {
            break;
        }
        auto end = argument.find_first_of(" \t\n\r", start);
        if (end == std::string::npos) {
            end = argument.size();
        }
        words.emplace_back(start, end);
        pos = end;
    }
    for (std::size_t k = std::min<std::size_t>(4, words.size()); k >= 1; --k) {
        const auto start = words[words.size() - k].first;
        const auto folded = community::fold(std::string_view(argument).substr(start));
        for (const auto& room : regions_.rooms()) {
            bool match = folded == room.id;
            for (const auto& [lang, name] : room.names) {
                match = match || folded == community::fold(name);
            }
            if (match) {
                argument.erase(start);
                while (!argument.empty() && (argument.back() == ' ' || argument.back() == '\t')) {
                    argument.pop_back();
                }
                return &room;
            }
        }
    }
    return nullptr;
}

Effects Decider::command(ModerationStore& store, const Person& actor, const Request& request, std::string_view ref,
                         std::int64_t now_ms) const {
    Turn t{store, actor, std::string(ref), now_ms};
    const bool tapped = request.button.has_value();
    const Verb verb = tapped ? request.button->verb : request.verb;
    const bool any = moderates_any(store, actor);
    if (!any) {
        if (tapped && request.button->post > 0) {
            // An old moderator's button in a member's hands: say so, do nothing.
            const auto post = store.post(request.button->post);
            t.say("rooms.not_moderator", text(t.lang(), "rooms.not_moderator",
                                              {{"room", room_name(post ? post->room : std::string(), t.lang())}}));
            t.fx.handled = true;
        }
        return std::move(t.fx);  // typed by a member: "reject the offer" is a post
    }
    std::string argument = request.argument;
    switch (verb) {
        case Verb::kQueue: {
            if (tapped) {
                t.room = request.button->room;
            } else if (!argument.empty()) {
                std::string rest = argument;
                const auto* room = trailing_room(rest);
                if (room == nullptr || !rest.empty()) {
                    return std::move(t.fx);  // "queue at the mill" is a post
                }
                t.room = room->id;
            }
            t.fx.handled = true;
            queue(t);
            break;
        }
        case Verb::kApprove:
        case Verb::kReject:
        case Verb::kTakeDown: {
            std::optional<std::int64_t> post = tapped ? std::optional<std::int64_t>(request.button->post)
                                                      : post_number(argument);
            if (!tapped && argument.empty()) {
                t.fx.handled = true;
                queue(t);
                break;
            }
            if (!post) {
                if (has_digit(argument)) {
                    t.fx.handled = true;
                    t.say("rooms.mod_unknown_post", text(t.lang(), "rooms.mod_unknown_post"));
                }
                break;  // no number: "reject the offer" is a post
            }
            t.fx.handled = true;
            decide_post(t, verb, *post);
            break;
        }
        case Verb::kHold:
        case Verb::kRemove:
        case Verb::kBan:
        case Verb::kLift:
        case Verb::kAppoint:
        case Verb::kUnappoint:
            if (!tapped && argument.empty()) {
                t.fx.handled = true;
                help(t);
                break;
            }
            if (!tapped) {
                // A name is one to three words: "lift with your legs, not your back" is a post.
                std::string name = argument;
                trailing_room(name);
                if (std::count(name.begin(), name.end(), ' ') > 2) {
                    break;
                }
            }
            t.fx.handled = true;
            on_member(t, verb, argument, request.button);
            break;
        case Verb::kLog: {
            if (!argument.empty()) {
                std::string rest = argument;
                const auto* room = trailing_room(rest);
                if (room == nullptr || !rest.empty()) {
                    return std::move(t.fx);
                }
                t.room = room->id;
            }
            t.fx.handled = true;
            log(t);
            break;
        }
        case Verb::kAnnounce:
        case Verb::kAnnounceAll:
            if (argument.empty()) {
                return std::move(t.fx);
            }
            t.fx.handled = true;
            t.argument = argument;
            announce(t, verb);
            break;
        case Verb::kNone:
            break;
    }
    return std::move(t.fx);
}

namespace {

/// Decisions from the web console: the answer meant for the deciding person becomes `outcome` instead of a
/// message (the console person has no key).
Effects console_outcome(Effects fx) {
    std::vector<Step> kept;
    for (auto& step : fx.steps) {
        if (step.kind == Step::Kind::kMessage && step.to.empty()) {
            if (const auto* said = std::get_if<core::OutgoingText>(&step.body); said && fx.outcome.empty()) {
                fx.outcome = said->body;
            }
            continue;
        }
        kept.push_back(std::move(step));
    }
    fx.steps = std::move(kept);
    return fx;
}

}  // namespace

Effects Decider::console_decision(ModerationStore& store, Verb verb, std::int64_t post_id, std::string_view language,
                                  std::string_view ref, std::int64_t now_ms) const {
    Person console;  // not a member: no key, so nothing is said to it; an admin, so every room is open
    console.admin = true;
    console.language = std::string(language);
    Turn t{store, console, std::string(ref), now_ms};
    t.fx.handled = true;
    if (verb != Verb::kApprove && verb != Verb::kReject && verb != Verb::kTakeDown) {
        t.fx.outcome = text(t.lang(), "rooms.mod_unknown_post");
        return std::move(t.fx);
    }
    decide_post(t, verb, post_id);
    return console_outcome(std::move(t.fx));
}

Effects Decider::console_member(ModerationStore& store, Verb verb, std::int64_t member_id, std::string_view room,
                                std::string_view language, std::string_view ref, std::int64_t now_ms) const {
    Person console;
    console.admin = true;
    console.language = std::string(language);
    Turn t{store, console, std::string(ref), now_ms};
    t.fx.handled = true;
    const auto target = store.person(member_id);
    const bool known_verb = verb == Verb::kRemove || verb == Verb::kHold || verb == Verb::kBan || verb == Verb::kLift ||
                            verb == Verb::kAppoint || verb == Verb::kUnappoint;
    if (!target || !known_verb || regions_.find(room) == nullptr) {
        t.fx.outcome = text(t.lang(), "rooms.mod_unknown_alias", {{"alias", std::to_string(member_id)}});
        return std::move(t.fx);
    }
    apply_member(t, verb, *target, std::string(room));
    return console_outcome(std::move(t.fx));
}

void Decider::queue(Turn& t) const {
    auto rooms = moderated(t.store, t.me);
    if (!t.room.empty()) {
        std::erase_if(rooms, [&](const std::string& r) { return r != t.room; });
    }
    std::string names;
    for (const auto& r : rooms) {
        names += (names.empty() ? "" : ", ") + room_name(r, t.lang());
    }
    const auto items = t.store.queue(rooms, settings_.queue_size);
    if (items.empty()) {
        t.say("mod.queue", text(t.lang(), "moderation.queue_empty", {{"rooms", names.empty() ? "-" : names}}));
        return;
    }
    std::string body = text(t.lang(), "moderation.queue_head", {{"count", std::to_string(items.size())}});
    core::ListSection section;
    std::size_t n = 0;
    for (const auto& p : items) {
        ++n;
        const std::string shown =
            clip(p.body.empty() ? text(t.lang(), "rooms.kind_" + p.kind) : p.body, 60);
        const std::string alias = p.author_alias.empty() ? text(t.lang(), "rooms.deleted") : p.author_alias;
        const bool reported = p.open_reports > 0;
        body += "\n" + text(t.lang(), reported ? "moderation.queue_reported" : "moderation.queue_held",
                            {{"n", std::to_string(n)},
                             {"post", std::to_string(p.id)},
                             {"alias", alias},
                             {"room", room_name(p.room, t.lang())},
                             {"reports", std::to_string(p.open_reports)},
                             {"text", shown}});
        if (section.rows.size() + 2 <= 10) {
            const std::string id = std::to_string(p.id);
            const bool plain_hold = p.status == PostStatus::kHeld && !reported;
            section.rows.push_back({encode(Button{Verb::kApprove, p.id, {}, 0}),
                                    clip(text(t.lang(), plain_hold ? "moderation.row_approve" : "moderation.row_keep",
                                              {{"post", id}}),
                                         24),
                                    clip(alias + ": " + shown, 72)});
            section.rows.push_back({encode(Button{plain_hold ? Verb::kReject : Verb::kTakeDown, p.id, {}, 0}),
                                    clip(text(t.lang(), plain_hold ? "moderation.row_reject" : "moderation.row_down",
                                              {{"post", id}}),
                                         24),
                                    clip(alias + ": " + shown, 72)});
        }
    }
    core::ListMessage list;
    list.body = clip(body, 1024);
    list.button = clip(text(t.lang(), "moderation.queue_button"), 20);
    list.sections.push_back(std::move(section));
    t.send("mod.queue", std::move(list));
}

void Decider::decide_post(Turn& t, Verb verb, std::int64_t post_id) const {
    const auto post = t.store.post(post_id);
    const std::string digits = std::to_string(post_id);
    if (!post) {
        t.say("rooms.mod_unknown_post", text(t.lang(), "rooms.mod_unknown_post"));
        return;
    }
    if (!moderates(t.store, t.me, post->room)) {
        t.say("rooms.not_moderator", text(t.lang(), "rooms.not_moderator", {{"room", room_name(post->room, t.lang())}}));
        return;
    }
    const bool reported = post->status == PostStatus::kHeldForReports ||
                          (post->status == PostStatus::kRelayed && post->open_reports > 0);
    Record rec{t.me.id, {}, post->room, post->id, post->author_id, {}, t.now_ms};
    if (verb == Verb::kTakeDown) {
        if (post->status != PostStatus::kRelayed && post->status != PostStatus::kHeldForReports &&
            post->status != PostStatus::kHeld) {
            t.say("rooms.mod_done_already", text(t.lang(), "rooms.mod_done_already", {{"post", digits}}));
            return;
        }
        take_down(t, *post);
        return;
    }
    if (post->status == PostStatus::kHeld) {
        if (verb == Verb::kApprove) {
            t.store.set_post_status(post->id, PostStatus::kRelayed);
            t.store.close_reports(post->id, t.now_ms);
            Step relay;
            relay.kind = Step::Kind::kRelay;
            relay.post = post->id;
            t.fx.steps.push_back(std::move(relay));
            t.say("rooms.mod_approved", text(t.lang(), "rooms.approved", {{"post", digits}}));
            rec.action = "approve";
        } else {
            t.store.set_post_status(post->id, PostStatus::kRejected);
            if (const auto author = t.store.person(post->author_id); author && !author->stopped) {
                t.tell(author->key, "rooms.rejected:" + digits, text(author->language, "rooms.your_post_rejected"));
            }
            t.say("rooms.mod_rejected", text(t.lang(), "rooms.rejected", {{"post", digits}}));
            rec.action = "reject";
        }
        t.store.record(rec);
        return;
    }
    if (!reported) {
        t.say("rooms.mod_done_already", text(t.lang(), "rooms.mod_done_already", {{"post", digits}}));
        return;
    }
    if (verb == Verb::kReject) {
        take_down(t, *post);
        return;
    }
    // Kept: the reports are closed; a post hidden by reports is back in digests and catch-up.
    t.store.set_post_status(post->id, PostStatus::kRelayed);
    t.store.close_reports(post->id, t.now_ms);
    rec.action = "keep";
    t.store.record(rec);
    t.say("mod.kept", text(t.lang(), "moderation.kept", {{"post", digits}}));
}

void Decider::take_down(Turn& t, const PostInfo& post) const {
    const std::string digits = std::to_string(post.id);
    t.store.set_post_status(post.id, PostStatus::kTakenDown);
    t.store.cancel_copies(post.id);
    t.store.close_reports(post.id, t.now_ms);
    t.store.record(Record{t.me.id, "takedown", post.room, post.id, post.author_id, {}, t.now_ms});
    if (const auto author = t.store.person(post.author_id); author && !author->stopped && author->id != t.me.id) {
        const std::string shown = clip(post.body.empty() ? text(author->language, "rooms.kind_" + post.kind) : post.body, 100);
        t.tell(author->key, "mod.takendown:" + digits,
               text(author->language, "moderation.your_post_taken_down",
                    {{"room", room_name(post.room, author->language)}, {"text", shown}}));
    }
    t.say("mod.takedown", text(t.lang(), "moderation.taken_down", {{"post", digits}}));
}

void Decider::on_member(Turn& t, Verb verb, std::string_view typed, const std::optional<Button>& button) const {
    const bool admin_verb = verb == Verb::kAppoint || verb == Verb::kUnappoint;
    if (admin_verb && !(t.me.admin || regions_.is_admin(t.me.key))) {
        t.say("mod.not_admin", text(t.lang(), "moderation.not_admin"));
        return;
    }
    std::optional<Person> target;
    std::string room;
    std::string argument(typed);
    if (button) {
        target = t.store.person(button->member);
        room = button->room;
    } else {
        if (const auto* r = trailing_room(argument)) {
            room = r->id;
        }
        target = argument.empty() ? std::nullopt : t.store.by_alias(community::tidy_alias(argument));
    }
    const std::string shown_room = room_name(room.empty() ? t.me.current_room : room, t.lang());
    if (!target || target->alias.empty()) {
        t.say("rooms.mod_unknown_alias", text(t.lang(), "rooms.mod_unknown_alias",
                                              {{"alias", argument}, {"room", shown_room}}));
        return;
    }
    // The rooms this could mean: the actor may act there and the target has something there to act on.
    const auto seats = t.store.seats(target->id);
    auto fits = [&](const Seat& s) {
        switch (verb) {
            case Verb::kLift:
                return s.held || s.standing == Standing::kHeld || s.standing == Standing::kRemoved ||
                       s.standing == Standing::kBanned;
            case Verb::kAppoint:
                return !s.moderator && (s.standing == Standing::kActive || s.standing == Standing::kHeld);
            case Verb::kUnappoint:
                return s.moderator;
            default:
                return s.standing != Standing::kLeft || verb == Verb::kBan;
        }
    };
    std::vector<std::string> candidates;
    for (const auto& s : seats) {
        if ((room.empty() || s.room == room) && fits(s) &&
            (admin_verb || moderates(t.store, t.me, s.room)) && regions_.find(s.room) != nullptr) {
            candidates.push_back(s.room);
        }
    }
    if (candidates.empty()) {
        if (!room.empty() && !admin_verb && !moderates(t.store, t.me, room)) {
            t.say("rooms.not_moderator", text(t.lang(), "rooms.not_moderator", {{"room", shown_room}}));
        } else if (verb == Verb::kLift) {
            t.say("mod.nothing_to_lift", text(t.lang(), "moderation.nothing_to_lift",
                                              {{"alias", target->alias}, {"room", shown_room}}));
        } else {
            t.say("rooms.mod_unknown_alias", text(t.lang(), "rooms.mod_unknown_alias",
                                                  {{"alias", target->alias}, {"room", shown_room}}));
        }
        return;
    }
    if (candidates.size() > 1) {
        // Which room? One tap answers (the member is named by id in the button, never by number).
        core::ListMessage list;
        list.body = text(t.lang(), "moderation.which_room", {{"alias", target->alias}});
        list.button = clip(text(t.lang(), "moderation.room_button"), 20);
        core::ListSection section;
        for (const auto& r : candidates) {
            if (section.rows.size() < 10) {
                section.rows.push_back({encode(Button{verb, 0, r, target->id}), clip(room_name(r, t.lang()), 24), {}});
            }
        }
        list.sections.push_back(std::move(section));
        t.send("mod.which_room", std::move(list));
        return;
    }
    apply_member(t, verb, *target, candidates.front());
}

void Decider::apply_member(Turn& t, Verb verb, const Person& target, const std::string& room) const {
    const std::string name = std::string(verb_name(verb));
    const std::string tkey = "mod." + name + ":" + room + ":" + std::to_string(target.id) + ":" + t.ref;
    auto tell_target = [&](const std::string& key) {
        if (!target.stopped) {
            t.tell(target.key, tkey, text(target.language, key, {{"room", room_name(room, target.language)}}));
        }
    };
    const std::vector<std::pair<std::string, std::string>> vars = {{"alias", target.alias},
                                                                   {"room", room_name(room, t.lang())}};
    switch (verb) {
        case Verb::kHold:
        case Verb::kRemove:
        case Verb::kBan: {
            const auto standing = verb == Verb::kHold     ? Standing::kHeld
                                  : verb == Verb::kRemove ? Standing::kRemoved
                                                          : Standing::kBanned;
            t.store.set_standing(room, target.id, standing);
            tell_target("rooms.you_" + name);
            t.say("rooms.moderated", text(t.lang(), "rooms.mod_" + name, vars));
            break;
        }
        case Verb::kLift:
            t.store.lift(room, target.id);
            tell_target("moderation.you_lifted");
            t.say("mod.lifted", text(t.lang(), "moderation.lifted", vars));
            break;
        case Verb::kAppoint:
            t.store.set_moderator(room, target.id, true);
            tell_target("moderation.you_appointed");
            t.say("mod.appointed", text(t.lang(), "moderation.appointed", vars));
            break;
        case Verb::kUnappoint:
            t.store.set_moderator(room, target.id, false);
            tell_target("moderation.you_unappointed");
            t.say("mod.unappointed", text(t.lang(), "moderation.unappointed", vars));
            break;
        default:
            return;
    }
    t.store.record(Record{t.me.id, name, room, std::nullopt, target.id, {}, t.now_ms});
}

void Decider::log(Turn& t) const {
    auto rooms = moderated(t.store, t.me);
    if (!t.room.empty()) {
        std::erase_if(rooms, [&](const std::string& r) { return r != t.room; });
    }
    const auto lines = t.store.recent(rooms, settings_.log_size);
    std::string names;
    for (const auto& r : rooms) {
        names += (names.empty() ? "" : ", ") + room_name(r, t.lang());
    }
    if (lines.empty()) {
        t.say("mod.log", text(t.lang(), "moderation.log_empty", {{"rooms", names.empty() ? "-" : names}}));
        return;
    }
    std::string body = text(t.lang(), "moderation.log_head");
    for (const auto& l : lines) {
        const auto* room = regions_.find(l.room);
        const auto* tz = date::locate_zone(room != nullptr ? room->time_zone : std::string("UTC"));
        const auto local = tz->to_local(date::sys_time<std::chrono::milliseconds>{std::chrono::milliseconds{l.at_ms}});
        const std::string when = date::format("%d/%m %H:%M", date::floor<std::chrono::minutes>(local));
        // Reporters stay anonymous, even to moderators; automatic holds have no author.
        const std::string who = l.action == "autohold"                     ? std::string("⛔")
                                : l.action == "report" || l.actor.empty() ? text(t.lang(), "moderation.someone")
                                                                          : "*" + l.actor + "*";
        const std::string action = catalog_.has(t.lang(), "moderation.verb_" + l.action) ||
                                           catalog_.has("en", "moderation.verb_" + l.action)
                                       ? text(t.lang(), "moderation.verb_" + l.action)
                                       : l.action;
        body += "\n" + text(t.lang(), "moderation.log_line",
                            {{"when", when},
                             {"who", who},
                             {"action", action},
                             {"target", l.target},
                             {"room", room_name(l.room, t.lang())}});
    }
    t.say("mod.log", clip(body, 4000));
}

void Decider::announce(Turn& t, Verb verb) const {
    const std::string room_id = t.me.current_room;
    if (regions_.find(room_id) == nullptr) {
        t.say("rooms.no_room", text(t.lang(), "rooms.no_room"));
        return;
    }
    const bool allowed = verb == Verb::kAnnounceAll ? (t.me.admin || regions_.is_admin(t.me.key))
                                                    : moderates(t.store, t.me, room_id);
    if (!allowed) {
        t.say("rooms.not_moderator", text(t.lang(), "rooms.not_moderator", {{"room", room_name(room_id, t.lang())}}));
        return;
    }
    std::vector<std::string> targets;
    if (verb == Verb::kAnnounce) {
        targets.push_back(room_id);
    } else {
        for (const auto& r : regions_.rooms()) {
            targets.push_back(r.id);
        }
    }
    std::size_t sent = 0;
    for (const auto& r : targets) {
        for (const auto& m : t.store.readers(r)) {
            if (m.muted && m.id != t.me.id) {
                continue;
            }
            const std::string body =
                text(m.language, "rooms.announcement", {{"room", room_name(r, m.language)}}) + "\n" + t.argument;
            // An announcement also reaches members outside their window (as the configured template).
            t.tell(m.key, "rooms.announce:" + t.ref, clip(body, 4000), "rooms.announce");
            ++sent;
        }
    }
    t.store.record(Record{t.me.id, std::string(verb_name(verb)), room_id, std::nullopt, std::nullopt,
                          clip(t.argument, 200), t.now_ms});
    t.say("rooms.announced", text(t.lang(), "rooms.announced", {{"count", std::to_string(sent)}}));
}

void Decider::help(Turn& t) const {
    std::string body = text(t.lang(), "moderation.help");
    if (t.me.admin || regions_.is_admin(t.me.key)) {
        body += "\n" + text(t.lang(), "moderation.admin_help");
    }
    t.say("mod.help", std::move(body));
}

Effects Decider::report(ModerationStore& store, const Person& reporter, std::string_view quoted,
                        std::string_view ref, std::int64_t now_ms) const {
    Effects fx;
    fx.handled = true;
    const auto target = quoted.empty() ? std::nullopt : store.post_by_message(quoted);
    auto say = [&](std::string_view what, std::string body) {
        Step s;
        s.to = reporter.key;
        s.logical = std::string(what) + ":" + std::string(ref);
        s.body = core::OutgoingText{std::move(body), false};
        fx.steps.push_back(std::move(s));
    };
    if (!target) {
        say("rooms.report_how", text(reporter.language, "rooms.report_no_quote"));
        return fx;
    }
    // Only someone in the post's room now counts toward hiding it (security review L-2): a member banned,
    // removed or gone from it could otherwise hide posts of a room they are no longer part of. Silence, as for a
    // refused reaction: an answer per report would be one more message to send per flood.
    const auto seats = store.seats(reporter.id);
    const bool seated = std::any_of(seats.begin(), seats.end(), [&](const Seat& s) {
        return s.room == target->room && (s.standing == Standing::kActive || s.standing == Standing::kHeld);
    });
    if (!seated && !reporter.admin) {
        return fx;
    }
    if (store.add_report(target->id, reporter.id, now_ms)) {
        store.record(Record{reporter.id, "report", target->room, target->id, target->author_id, {}, now_ms});
        auto post = *target;
        post.open_reports += 1;
        bool hidden = false;
        if (settings_.auto_hold_reports > 0 && post.status == PostStatus::kRelayed &&
            post.open_reports >= settings_.auto_hold_reports) {
            store.set_post_status(post.id, PostStatus::kHeldForReports);
            store.cancel_copies(post.id);
            store.record(Record{0, "autohold", post.room, post.id, post.author_id, {}, now_ms});
            post.status = PostStatus::kHeldForReports;
            hidden = true;
        }
        alert(fx, store, post, hidden, std::to_string(reporter.id));
    }
    say("rooms.report_thanks", text(reporter.language, "rooms.report_thanks"));
    return fx;
}

Effects Decider::held(ModerationStore& store, std::int64_t post_id) const {
    Effects fx;
    fx.handled = true;
    const auto post = store.post(post_id);
    if (!post) {
        return fx;
    }
    const std::string id = std::to_string(post->id);
    for (const auto& mod : store.moderators(post->room)) {
        // What they judge: the photo or voice note itself, then the words and the buttons.
        Step media;
        media.kind = Step::Kind::kMedia;
        media.to = mod.key;
        media.language = mod.language;
        media.logical = "rooms.heldmedia:" + id;
        media.post = post->id;
        fx.steps.push_back(std::move(media));
        core::ReplyButtons b;
        const std::string shown = post->body.empty() ? text(mod.language, "rooms.kind_" + post->kind) : post->body;
        b.body = clip(text(mod.language, "rooms.held_to_mods",
                           {{"room", room_name(post->room, mod.language)},
                            {"alias", post->author_alias},
                            {"post", id},
                            {"text", shown}}),
                      1024);
        b.buttons.push_back({encode(Button{Verb::kApprove, post->id, {}, 0}), clip(text(mod.language, "rooms.approve"), 20)});
        b.buttons.push_back({encode(Button{Verb::kReject, post->id, {}, 0}), clip(text(mod.language, "rooms.reject"), 20)});
        Step s;
        s.to = mod.key;
        s.language = mod.language;
        s.logical = "rooms.held:" + id;  // purpose rooms.held: the moderator alert template when the window is closed
        s.body = std::move(b);
        fx.steps.push_back(std::move(s));
    }
    return fx;
}

void Decider::alert(Effects& fx, ModerationStore& store, const PostInfo& post, bool hidden,
                    const std::string& key_suffix) const {
    const std::string id = std::to_string(post.id);
    for (const auto& mod : store.moderators(post.room)) {
        Step media;
        media.kind = Step::Kind::kMedia;
        media.to = mod.key;
        media.language = mod.language;
        media.logical = "rooms.reportmedia:" + id;
        media.post = post.id;
        fx.steps.push_back(std::move(media));
        // The reporter is never named: moderators see the post and its author only.
        const std::string shown = post.body.empty() ? text(mod.language, "rooms.kind_" + post.kind) : post.body;
        core::ReplyButtons b;
        b.body = text(mod.language, "rooms.report_to_mods",
                      {{"room", room_name(post.room, mod.language)},
                       {"post", id},
                       {"alias", post.author_alias},
                       {"text", shown}});
        if (hidden) {
            b.body += "\n" + text(mod.language, "moderation.report_held", {{"count", std::to_string(post.open_reports)}});
        }
        b.body = clip(b.body, 1024);
        b.buttons.push_back({encode(Button{Verb::kApprove, post.id, {}, 0}), clip(text(mod.language, "moderation.keep"), 20)});
        b.buttons.push_back({encode(Button{Verb::kTakeDown, post.id, {}, 0}),
                             clip(text(mod.language, "moderation.take_down"), 20)});
        Step s;
        s.to = mod.key;
        s.language = mod.language;
        s.logical = "rooms.report:" + id + ":" + key_suffix;
        s.body = std::move(b);
        s.purpose = "moderation.report";  // a template when the moderator's window is closed
        fx.steps.push_back(std::move(s));
    }
}

}  // namespace delvex::moderation
