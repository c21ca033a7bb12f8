// The moderators' guided flow in chat: "forum" → new / list / cancel. Every answer is a list or a button in
// the moderator's language (week of the month, weekday, time, how people join); a time or a pattern may also
// be typed ("14:00", "premier jeudi"). Zones are shown as cities. The draft (meetings::FlowDraft at a
// meetings::FlowStep) lives in forum_drafts between messages and lapses after kDraftLifetimeMs so that a
// moderator's later posts are not taken as answers. Changes go through ForumsService.

#include <algorithm>
#include <array>

#include "bot/core/message_ref.hpp"
#include "bot/delivery/codec.hpp"
#include "bot/events/forums_feature.hpp"
#include "bot/events/forums_text.hpp"
#include "bot/meetings/pattern.hpp"
#include "bot/meetings/zones.hpp"
#include "bot/store/forum_work.hpp"
#include "forums/recurrence.hpp"

namespace delvex::events {

using namespace forums_text;
using meetings::FlowAction;
using meetings::FlowChoice;
using meetings::FlowStep;

namespace {

constexpr std::int64_t kDraftLifetimeMs = 30 * 60 * 1000;

constexpr std::array<std::pair<std::string_view, std::string_view>, 7> kWeekdays = {{{"MO", "mon"},
                                                                                     {"TU", "tue"},
                                                                                     {"WE", "wed"},
                                                                                     {"TH", "thu"},
                                                                                     {"FR", "fri"},
                                                                                     {"SA", "sat"},
                                                                                     {"SU", "sun"}}};

/// Times offered as a list (a moderator may type any other).
constexpr std::array<std::string_view, 9> kTimes = {"08:00", "09:00", "10:00", "14:00", "15:00",
                                                    "16:00", "17:00", "18:00", "19:00"};

std::string day_name(const core::Catalog& catalog, std::string_view lang, std::string_view code) {
    for (const auto& [c, key] : kWeekdays) {
        if (code == c) {
            return catalog.text(lang, "forums.days." + std::string(key));
        }
    }
    return std::string(code);
}

/// The words a typed pattern may use: the moderator's language and English.
meetings::PatternWords pattern_words(const core::Catalog& catalog, std::string_view lang) {
    static constexpr std::pair<std::string_view, std::string_view> kOrdinals[] = {
        {"1", "first"}, {"2", "second"}, {"3", "third"}, {"4", "fourth"}, {"-1", "last"}, {"0", "weekly"}};
    static constexpr std::pair<std::string_view, std::string_view> kEnglishDays[] = {
        {"MO", "mon"}, {"TU", "tue"}, {"WE", "wed"}, {"TH", "thu"}, {"FR", "fri"}, {"SA", "sat"}, {"SU", "sun"}};
    meetings::PatternWords words;
    for (const std::string_view l : {lang, std::string_view("en")}) {
        for (const auto& [value, key] : kOrdinals) {
            const auto k = "forums.flow.words." + std::string(key);
            if (catalog.has(l, k)) {
                for (auto& w : words_of(catalog.text(l, k))) {
                    words.ordinals[std::string(value)].push_back(std::move(w));
                }
            }
        }
        for (const auto& [code, key] : kWeekdays) {
            words.weekdays[std::string(code)].push_back(catalog.text(l, "forums.days." + std::string(key)));
        }
    }
    for (const auto& [code, abbreviation] : kEnglishDays) {
        words.weekdays[std::string(code)].emplace_back(abbreviation);
    }
    return words;
}

}  // namespace

struct ForumsFeature::Flow {
    Context& ctx;
    const store::MemberRow& member;
    const core::InboundMessage& message;
    store::ForumRepository repo;
    std::string lang;
    std::vector<std::string> rooms;  ///< rooms this member moderates
    FlowStep step = FlowStep::kNone;
    meetings::FlowDraft data{};
    int sent = 0;

    std::string t(std::string_view key, const std::vector<std::pair<std::string, std::string>>& vars = {}) const {
        return ctx.catalog.text(lang, "forums.flow." + std::string(key), vars);
    }
    std::string next_key() { return "forums.flow:" + core::message_ref(message.id) + ":" + std::to_string(sent++); }
    void say(std::string body) { ctx.outbox.text(next_key(), member.member_key, std::move(body)); }
    void send(core::OutgoingBody body) {
        core::OutgoingMessage m;
        m.to = delivery::recipient_of(member.member_key);
        m.body = std::move(body);
        ctx.outbox.send(next_key(), m);
    }
    void buttons(std::string body, std::vector<std::pair<FlowChoice, std::string>> choices) {
        core::ReplyButtons b;
        b.body = std::move(body);
        for (auto& [choice, title] : choices) {
            b.buttons.push_back({choice.encode(), clip(title, 20)});
        }
        send(std::move(b));
    }
    void list(std::string body, std::vector<core::ListRow> rows) {
        core::ListMessage l;
        l.body = std::move(body);
        l.button = clip(t("choose"), 20);
        l.sections.push_back({{}, std::move(rows)});
        send(std::move(l));
    }
    bool moderates(std::string_view room) const {
        return std::find(rooms.begin(), rooms.end(), room) != rooms.end();
    }
    void save(FlowStep next) {
        step = next;
        repo.save_draft({member.member_key, std::string(meetings::step_name(step)), data.encode(), ctx.now_ms});
    }
    void clear() {
        step = FlowStep::kNone;
        data = {};
        repo.delete_draft(member.member_key);
    }
    void fail(const meetings::ForumError& error) {
        say(error_text(ctx.catalog, lang, error));
        clear();
    }
};

bool ForumsFeature::on_flow(Context& ctx, const store::MemberRow& member, const core::InboundMessage& message) {
    const auto choice = FlowChoice::parse(message.reply_id);
    const bool flow_reply = message.reply_id.starts_with(FlowChoice::kPrefix);
    const bool is_text = message.type == core::MessageType::kText;
    const auto lang = language_or_en(member.language);
    const auto word = lower_ascii(trim(message.text));
    const bool keyword = is_text && (word == "forum" || word == "forums" ||
                                     word == lower_ascii(ctx.catalog.text(lang, "forums.keyword")));
    auto& repo = message_repo(ctx.db);
    // The stored draft, read into plain locals where it is known to be there: GCC 14 (Debian 13) at -O2 reads
    // an optional that may have been reset() as "maybe uninitialized" at every later use (a false positive).
    bool draft = false;
    auto step = FlowStep::kNone;
    std::string draft_data;
    if (auto stored = repo.draft(member.member_key)) {
        if (ctx.now_ms - stored->updated_ms > kDraftLifetimeMs) {
            repo.delete_draft(member.member_key);
        } else {
            draft = true;
            step = meetings::parse_step(stored->step);
            draft_data = std::move(stored->data);
        }
    }
    if (!flow_reply && !keyword && !(draft && is_text)) {
        return false;
    }
    if (!flow_reply && !keyword && !meetings::step_takes_text(step)) {
        // Text is an answer only where the flow asked a question in words; elsewhere (menus, buttons, a
        // recap) the moderator has moved on: the draft ends and the message goes on as usual.
        if (step != FlowStep::kRecap) {
            repo.delete_draft(member.member_key);
        }
        return false;
    }
    auto rooms = moderated_rooms(ctx, member.member_key);
    if (rooms.empty()) {
        if (draft) {
            repo.delete_draft(member.member_key);
        }
        return flow_reply;  // a stale button of a former moderator is ours; a word is for others
    }
    Flow flow{ctx, member, message, store::ForumRepository(ctx.db), lang, std::move(rooms), step, {}};
    if (draft) {
        flow.data = meetings::FlowDraft::decode(draft_data);
    }
    if (keyword) {
        flow.data = {};
        flow_menu(flow);
    } else if (flow_reply) {
        if (choice) {
            flow_choice(flow, *choice);
        } else {
            flow_menu(flow);  // an id we never sent
        }
    } else {
        flow_step(flow);
    }
    return true;
}

void ForumsFeature::flow_menu(Flow& f) {
    f.buttons(f.t("menu"), {{{FlowAction::kNew, {}, {}}, f.t("new")},
                            {{FlowAction::kList, {}, {}}, f.t("list")},
                            {{FlowAction::kCancel, {}, {}}, f.t("cancel")}});
    f.save(FlowStep::kMenu);
}

void ForumsFeature::flow_ask_ordinal(Flow& f) {
    std::vector<core::ListRow> rows;
    for (const auto& [id, key] : std::vector<std::pair<std::string, std::string>>{
             {"1", "ordinal_1"}, {"2", "ordinal_2"}, {"3", "ordinal_3"}, {"4", "ordinal_4"}, {"-1", "ordinal_last"},
             {"0", "weekly"}}) {
        rows.push_back({FlowChoice{FlowAction::kOrdinal, id, {}}.encode(), clip(f.t(key), 24), {}});
    }
    f.list(f.t("ask_ordinal"), std::move(rows));
    f.save(FlowStep::kOrdinal);
}

void ForumsFeature::flow_ask_weekday(Flow& f) {
    std::vector<core::ListRow> rows;
    for (const auto& [code, key] : kWeekdays) {
        rows.push_back({FlowChoice{FlowAction::kWeekday, std::string(code), {}}.encode(),
                        clip(day_name(f.ctx.catalog, f.lang, code), 24), {}});
    }
    f.list(f.t("ask_weekday"), std::move(rows));
    f.save(FlowStep::kWeekday);
}

void ForumsFeature::flow_ask_time(Flow& f) {
    std::vector<core::ListRow> rows;
    for (const auto time : kTimes) {
        rows.push_back({FlowChoice{FlowAction::kTime, std::string(time), {}}.encode(), std::string(time), {}});
    }
    f.list(f.t("ask_time", {{"zone", meetings::zone_city(rooms_.zone(f.data.room), f.lang)}}), std::move(rows));
    f.save(FlowStep::kTime);
}

void ForumsFeature::flow_ask_join(Flow& f) {
    f.buttons(f.t("ask_join"), {{{FlowAction::kJoin, "link", {}}, f.t("join_link")},
                                {{FlowAction::kJoin, "place", {}}, f.t("join_place")},
                                {{FlowAction::kJoin, "call", {}}, f.t("join_call")}});
    f.save(FlowStep::kJoin);
}

void ForumsFeature::flow_confirm(Flow& f) {
    const auto minutes = meetings::parse_clock(f.data.time);
    const auto zone = forums::find_zone(rooms_.zone(f.data.room));
    const auto start = minutes && zone ? meetings::first_start(f.data.ordinal, f.data.weekday, *minutes, **zone,
                                                               from_ms(f.ctx.now_ms))
                                       : std::nullopt;
    if (!start) {
        f.fail(meetings::ForumError{"incomplete draft", meetings::Problem::kRule});
        return;
    }
    f.data.rrule = start->rrule;
    f.data.start = date::format("%Y-%m-%dT%H:%M:%S", start->start);
    const auto day = day_name(f.ctx.catalog, f.lang, f.data.weekday);
    const auto ordinal_label = f.data.ordinal == "-1" ? f.t("ordinal_last") : f.t("ordinal_" + f.data.ordinal);
    const auto pattern = f.data.ordinal == "0"
                             ? f.t("pattern_weekly", {{"weekday", day}})
                             : f.t("pattern_monthly", {{"ordinal", ordinal_label}, {"weekday", day}});
    store::ForumSeriesRow row;
    row.join_kind = f.data.join_kind;
    row.join_info = f.data.join_info;
    f.buttons(f.t("confirm", {{"title", f.data.title},
                              {"room", rooms_.name(f.data.room, f.lang)},
                              {"pattern", pattern},
                              {"time", f.data.time},
                              {"when", format_when(f.ctx.catalog, f.lang, forums::to_utc(start->start, **zone), **zone)},
                              {"join", join_line(f.ctx.catalog, f.lang, row)}}),
              {{{FlowAction::kYes, {}, {}}, f.t("confirm_yes")}, {{FlowAction::kNo, {}, {}}, f.t("confirm_no")}});
    f.save(FlowStep::kConfirm);
}

void ForumsFeature::flow_create(Flow& f) {
    if (f.step != FlowStep::kConfirm || !f.moderates(f.data.room)) {
        f.say(f.t("stopped"));
        f.clear();
        return;
    }
    store::ForumSeriesRow row;
    row.room = f.data.room;
    row.title = f.data.title;
    row.rrule = f.data.rrule;
    row.dtstart_local = f.data.start;
    row.join_kind = f.data.join_kind;
    row.join_info = f.data.join_info;
    row.created_by = f.member.member_key;
    store::ForumJobs jobs(f.ctx.jobs);
    auto id = service_.create_series(f.repo, jobs, f.ctx.now_ms, row, {});
    if (!id) {
        f.fail(id.error());
        return;
    }
    f.say(f.t("done", {{"id", std::to_string(*id)}}));
    f.clear();
}

void ForumsFeature::flow_list(Flow& f) {
    std::string body;
    for (const auto& room : f.rooms) {
        for (const auto& view : service_.list(f.repo, room, false, f.ctx.now_ms)) {
            const auto when = view.next ? format_when(f.ctx.catalog, f.lang, view.next->start, *view.zone)
                                        : std::string("—");
            body += f.t("list_item", {{"id", std::to_string(view.row.id)},
                                      {"title", view.row.title},
                                      {"room", rooms_.name(room, f.lang)},
                                      {"when", when}}) +
                    "\n";
        }
    }
    f.say(body.empty() ? f.t("none") : body);
    f.clear();
}

void ForumsFeature::flow_pick_cancel(Flow& f) {
    std::vector<core::ListRow> rows;
    for (const auto& room : f.rooms) {
        for (const auto& row : f.repo.list_series(room, false)) {
            if (rows.size() < 10) {
                rows.push_back({FlowChoice{FlowAction::kPick, std::to_string(row.id), {}}.encode(),
                                clip("#" + std::to_string(row.id) + " " + row.title, 24),
                                clip(rooms_.name(room, f.lang), 72)});
            }
        }
    }
    if (rows.empty()) {
        f.say(f.t("none"));
        f.clear();
        return;
    }
    f.list(f.t("ask_which"), std::move(rows));
    f.save(FlowStep::kPick);
}

void ForumsFeature::flow_pick(Flow& f, std::int64_t id) {
    const auto row = f.repo.find_series(id);
    if (row && !row->cancelled && f.moderates(row->room)) {
        if (auto series = series_of(*row, f.repo.overrides(id))) {
            const auto next = forums::next_occurrences(*series, from_ms(f.ctx.now_ms), 1);
            if (!next.empty()) {
                const auto ids = std::to_string(id);
                f.buttons(f.t("ask_scope", {{"when", format_when(f.ctx.catalog, f.lang, next.front().start,
                                                                 *series->zone)}}),
                          {{{FlowAction::kCancelOne, ids, forums::format_local_basic(next.front().original)},
                            f.t("cancel_one")},
                           {{FlowAction::kCancelAll, ids, {}}, f.t("cancel_all")},
                           {{FlowAction::kNo, {}, {}}, f.t("keep")}});
                f.save(FlowStep::kScope);
                return;
            }
        }
    }
    f.say(f.t("none"));
    f.clear();
}

void ForumsFeature::flow_cancel(Flow& f, const FlowChoice& choice) {
    const auto id = std::stoll(choice.arg);  // checked by FlowChoice::parse
    const auto row = f.repo.find_series(id);
    if (!row || !f.moderates(row->room) || f.step != FlowStep::kScope) {
        f.say(f.t("stopped"));
        f.clear();
        return;
    }
    store::ForumJobs jobs(f.ctx.jobs);
    if (choice.action == FlowAction::kCancelAll) {
        auto r = service_.cancel_series(f.repo, jobs, f.ctx.now_ms, id);
        if (!r) {
            f.fail(r.error());
            return;
        }
        f.say(f.t("cancelled_all"));
    } else {
        const auto original = forums::parse_local_basic(choice.arg2);  // checked by FlowChoice::parse
        auto r = service_.cancel_occurrence(f.repo, jobs, f.ctx.now_ms, id, *original);
        if (!r) {
            f.fail(r.error());
            return;
        }
        std::string when;
        if (auto series = series_of(*row, {})) {
            when = format_when(f.ctx.catalog, f.lang, forums::to_utc(*original, *series->zone), *series->zone);
        }
        f.say(f.t("cancelled_one", {{"when", when}}));
    }
    f.clear();
}

void ForumsFeature::flow_step(Flow& f) {
    const auto text = trim(f.message.text);
    switch (f.step) {
        case FlowStep::kTitle:
            if (text.empty()) {
                flow_menu(f);
                return;
            }
            f.data.title = clip(one_line(text), 100);
            flow_ask_ordinal(f);
            return;
        case FlowStep::kOrdinal:
        case FlowStep::kWeekday:
            if (auto p = meetings::parse_pattern(text, pattern_words(f.ctx.catalog, f.lang))) {
                f.data.ordinal = p->ordinal;
                f.data.weekday = p->weekday;
                flow_ask_time(f);
            } else {
                f.say(f.t("bad_pattern"));
                f.step == FlowStep::kOrdinal ? flow_ask_ordinal(f) : flow_ask_weekday(f);
            }
            return;
        case FlowStep::kTime:
            if (const auto m = meetings::parse_clock(text)) {
                f.data.time = meetings::format_clock(*m);
                flow_ask_join(f);
            } else {
                f.say(f.t("bad_time"));
            }
            return;
        case FlowStep::kJoinInfo:
            if (text.empty()) {
                flow_menu(f);
                return;
            }
            f.data.join_info = clip(one_line(text), 400);
            flow_confirm(f);
            return;
        default:
            flow_menu(f);
            return;
    }
}

void ForumsFeature::flow_choice(Flow& f, const FlowChoice& c) {
    switch (c.action) {
        case FlowAction::kNew:
            f.data = {};
            if (f.rooms.size() == 1) {
                f.data.room = f.rooms.front();
                f.say(f.t("ask_title"));
                f.save(FlowStep::kTitle);
            } else {
                std::vector<core::ListRow> rows;
                for (const auto& room : f.rooms) {
                    if (rows.size() < 10) {
                        rows.push_back({FlowChoice{FlowAction::kRoom, room, {}}.encode(),
                                        clip(rooms_.name(room, f.lang), 24),
                                        clip(meetings::zone_city(rooms_.zone(room), f.lang), 72)});
                    }
                }
                f.list(f.t("ask_room"), std::move(rows));
                f.save(FlowStep::kRoom);
            }
            return;
        case FlowAction::kRoom:
            if (!f.moderates(c.arg)) {
                break;
            }
            f.data.room = c.arg;
            f.say(f.t("ask_title"));
            f.save(FlowStep::kTitle);
            return;
        case FlowAction::kOrdinal:
            if (f.step != FlowStep::kOrdinal) {
                break;
            }
            f.data.ordinal = c.arg;
            flow_ask_weekday(f);
            return;
        case FlowAction::kWeekday:
            if (f.step != FlowStep::kWeekday) {
                break;
            }
            f.data.weekday = c.arg;
            flow_ask_time(f);
            return;
        case FlowAction::kTime:
            if (f.step != FlowStep::kTime) {
                break;
            }
            f.data.time = c.arg;
            flow_ask_join(f);
            return;
        case FlowAction::kJoin:
            if (f.step != FlowStep::kJoin) {
                break;
            }
            f.data.join_kind = c.arg;
            if (c.arg == "call") {
                f.data.join_info.clear();
                flow_confirm(f);
            } else {
                f.say(f.t(c.arg == "place" ? "ask_place" : "ask_link"));
                f.save(FlowStep::kJoinInfo);
            }
            return;
        case FlowAction::kYes:
            flow_create(f);
            return;
        case FlowAction::kNo:
            f.say(f.t("stopped"));
            f.clear();
            return;
        case FlowAction::kList:
            flow_list(f);
            return;
        case FlowAction::kCancel:
            flow_pick_cancel(f);
            return;
        case FlowAction::kPick:
            flow_pick(f, std::stoll(c.arg));
            return;
        case FlowAction::kCancelOne:
        case FlowAction::kCancelAll:
            flow_cancel(f, c);
            return;
        case FlowAction::kZone:
            break;  // a member's zone choice (forums_zone.cpp), never here
    }
    flow_menu(f);
}

}  // namespace delvex::events
