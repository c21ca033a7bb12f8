#include "bot/store/console_queries.hpp"

#include <SQLiteCpp/Statement.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <set>
#include <stdexcept>
#include <tuple>

#include "bot/core/csv_writer.hpp"
#include "bot/core/mask.hpp"

namespace delvex::store::console {
namespace {

struct Month {
    int year = 0;
    int month = 0;  // 1–12

    std::string key() const {  // "YYYY-MM"
        char buf[16];
        std::snprintf(buf, sizeof buf, "%04d-%02d", year, month);
        return buf;
    }
    std::string compact() const {  // "YYYYMM", the start of a forum occurrence's name
        char buf[16];
        std::snprintf(buf, sizeof buf, "%04d%02d", year, month);
        return buf;
    }
    Month next() const { return month == 12 ? Month{year + 1, 1} : Month{year, month + 1}; }
    bool operator<(const Month& o) const { return std::tie(year, month) < std::tie(o.year, o.month); }
    bool operator<=(const Month& o) const { return !(o < *this); }

    // Unix milliseconds of the month's first instant (UTC). Days from the civil date (H. Hinnant's algorithm).
    std::int64_t start_ms() const {
        const int y = month <= 2 ? year - 1 : year;
        const int era = (y >= 0 ? y : y - 399) / 400;
        const int yoe = y - era * 400;
        const int mp = (month + 9) % 12;
        const int doy = (153 * mp + 2) / 5;  // day 1 of the month
        const int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        const std::int64_t days = static_cast<std::int64_t>(era) * 146097 + doe - 719468;
        return days * 86400000LL;
    }
};

Month parse_month(std::string_view s) {
    const auto digit = [&](std::size_t i) { return s[i] >= '0' && s[i] <= '9'; };
    if (s.size() != 7 || s[4] != '-' || !digit(0) || !digit(1) || !digit(2) || !digit(3) || !digit(5) || !digit(6)) {
        throw std::invalid_argument("a month is YYYY-MM");
    }
    Month m{std::stoi(std::string(s.substr(0, 4))), std::stoi(std::string(s.substr(5, 2)))};
    if (m.month < 1 || m.month > 12) {
        throw std::invalid_argument("a month is YYYY-MM");
    }
    return m;
}

// Binds the range parameters a query names (SQLiteCpp throws on an unknown name, so each is bound only if used).
struct Range {
    Month from;
    Month end;  // the month after the last one
    void bind(SQLite::Statement& q) const {
        const auto has = [&](const char* name) { return q.getIndex(name) > 0; };
        if (has(":from")) q.bind(":from", from.start_ms());
        if (has(":to")) q.bind(":to", end.start_ms());
        if (has(":from_occ")) q.bind(":from_occ", from.compact());
        if (has(":to_occ")) q.bind(":to_occ", end.compact());
        if (has(":from_day")) q.bind(":from_day", from.key() + "-01");
        if (has(":to_day")) q.bind(":to_day", end.key() + "-01");
    }
};

constexpr const char* kMonthOfMs = "strftime('%Y-%m', {} / 1000, 'unixepoch')";

std::string month_of(const char* column) {
    std::string s = kMonthOfMs;
    s.replace(s.find("{}"), 2, column);
    return s;
}

std::int64_t leading_code(const std::string& reason) {
    std::int64_t code = 0;
    std::size_t i = 0;
    while (i < reason.size() && reason[i] >= '0' && reason[i] <= '9' && i < 9) {
        code = code * 10 + (reason[i] - '0');
        ++i;
    }
    return i > 0 && (i == reason.size() || reason[i] == ' ' || reason[i] == ':') ? code : 0;
}

}  // namespace

std::int64_t RoomMonth::messages_total() const {
    std::int64_t n = 0;
    for (const auto& p : messages) {
        n += p.count;
    }
    return n;
}

Overview overview(SQLite::Database& db, std::string_view from_month, std::string_view to_month) {
    const Month from = parse_month(from_month);
    const Month to = parse_month(to_month);
    if (to < from) {
        throw std::invalid_argument("the overview's last month is before its first");
    }
    const Range range{from, to.next()};
    Overview out;

    std::map<std::string, RoomNow> now;
    {
        SQLite::Statement q(db,
                            "SELECT r.room, "
                            "sum(m.stopped = 0 AND m.mode = 0), sum(m.stopped = 0 AND m.mode = 1), "
                            "sum(m.stopped = 0 AND m.mode = 2), sum(m.stopped = 1), sum(r.role = 1) "
                            "FROM room_members r JOIN members m ON m.id = r.member_id "
                            "WHERE r.state IN (0, 4) AND m.forgotten = 0 GROUP BY r.room");
        while (q.executeStep()) {
            RoomNow r;
            r.room = q.getColumn(0).getString();
            r.members = {q.getColumn(1).getInt64(), q.getColumn(2).getInt64(), q.getColumn(3).getInt64(),
                         q.getColumn(4).getInt64()};
            r.moderators = q.getColumn(5).getInt64();
            now[r.room] = r;
        }
    }

    std::map<std::pair<std::string, std::string>, RoomMonth> cells;
    std::set<std::string> rooms;
    for (const auto& [room, r] : now) {
        rooms.insert(room);
    }
    const auto cell = [&](const std::string& room, const std::string& month) -> RoomMonth& {
        rooms.insert(room);
        auto& c = cells[{room, month}];
        c.room = room;
        c.month = month;
        return c;
    };
    const auto each = [&](const std::string& sql, const std::function<void(SQLite::Statement&, RoomMonth&)>& f) {
        SQLite::Statement q(db, sql);
        range.bind(q);
        while (q.executeStep()) {
            f(q, cell(q.getColumn(0).getString(), q.getColumn(1).getString()));
        }
    };

    // Members before the range, then the month's joins and exits (room_events).
    std::map<std::string, std::int64_t> before;
    {
        SQLite::Statement q(db,
                            "SELECT room, sum(kind = 'join') - sum(kind IN ('leave', 'removed', 'banned')) "
                            "FROM room_events WHERE at_ms < :from GROUP BY room");
        range.bind(q);
        while (q.executeStep()) {
            before[q.getColumn(0).getString()] = q.getColumn(1).getInt64();
            rooms.insert(q.getColumn(0).getString());
        }
    }
    each("SELECT room, " + month_of("at_ms") +
             " AS month, sum(kind = 'join'), sum(kind = 'leave'), sum(kind IN ('removed', 'banned')), "
             "sum(kind = 'stop'), sum(kind = 'digest'), sum(kind = 'muted') "
             "FROM room_events WHERE at_ms >= :from AND at_ms < :to GROUP BY room, month",
         [](SQLite::Statement& q, RoomMonth& c) {
             c.joins = q.getColumn(2).getInt64();
             c.leaves = q.getColumn(3).getInt64();
             c.removed = q.getColumn(4).getInt64();
             c.stops = q.getColumn(5).getInt64();
             c.to_digest = q.getColumn(6).getInt64();
             c.to_muted = q.getColumn(7).getInt64();
         });
    each("SELECT room, " + month_of("created_ms") +
             " AS month, count(*) FROM posts WHERE created_ms >= :from AND created_ms < :to GROUP BY room, month",
         [](SQLite::Statement& q, RoomMonth& c) { c.posts = q.getColumn(2).getInt64(); });
    each("SELECT p.room, " + month_of("r.at_ms") +
             " AS month, count(*) FROM post_reports r JOIN posts p ON p.id = r.post_id "
             "WHERE r.at_ms >= :from AND r.at_ms < :to GROUP BY p.room, month",
         [](SQLite::Statement& q, RoomMonth& c) { c.reports = q.getColumn(2).getInt64(); });
    const std::string occ_month = "substr(x.occurrence, 1, 4) || '-' || substr(x.occurrence, 5, 2)";
    each("SELECT s.room, " + occ_month +
             " AS month, sum(x.status = 1), sum(x.status = 2), sum(x.status = 3) FROM forum_rsvps x "
             "JOIN forum_series s ON s.id = x.series_id WHERE x.occurrence >= :from_occ AND x.occurrence < :to_occ "
             "GROUP BY s.room, month",
         [](SQLite::Statement& q, RoomMonth& c) {
             c.rsvp_yes = q.getColumn(2).getInt64();
             c.rsvp_maybe = q.getColumn(3).getInt64();
             c.rsvp_no = q.getColumn(4).getInt64();
         });
    each("SELECT s.room, " + occ_month +
             " AS month, count(*) FROM forum_attendance x JOIN forum_series s ON s.id = x.series_id "
             "WHERE x.occurrence >= :from_occ AND x.occurrence < :to_occ GROUP BY s.room, month",
         [](SQLite::Statement& q, RoomMonth& c) { c.attended = q.getColumn(2).getInt64(); });
    each("SELECT s.room, " + occ_month +
             " AS month, count(*), avg(x.rating) FROM forum_feedback x JOIN forum_series s ON s.id = x.series_id "
             "WHERE x.occurrence >= :from_occ AND x.occurrence < :to_occ GROUP BY s.room, month",
         [](SQLite::Statement& q, RoomMonth& c) {
             c.ratings = q.getColumn(2).getInt64();
             c.rating_average = q.getColumn(3).getDouble();
         });
    const std::string learner_room =
        "coalesce((SELECT m.current_room FROM members m WHERE m.member_key = p.member_key), '')";
    each("SELECT " + learner_room + " AS room, " + month_of("g.started_ms") +
             " AS month, count(*) FROM academy_progress g JOIN academy_profiles p ON p.id = g.profile_id "
             "WHERE g.started_ms >= :from AND g.started_ms < :to GROUP BY room, month",
         [](SQLite::Statement& q, RoomMonth& c) { c.academy_starts = q.getColumn(2).getInt64(); });
    each("SELECT " + learner_room + " AS room, " + month_of("g.completed_ms") +
             " AS month, count(*) FROM academy_progress g JOIN academy_profiles p ON p.id = g.profile_id "
             "WHERE g.status = 1 AND g.completed_ms >= :from AND g.completed_ms < :to GROUP BY room, month",
         [](SQLite::Statement& q, RoomMonth& c) { c.academy_passes = q.getColumn(2).getInt64(); });
    each("SELECT " + learner_room + " AS room, " + month_of("c.issued_ms") +
             " AS month, count(*) FROM academy_certificates c LEFT JOIN academy_profiles p ON p.id = c.profile_id "
             "WHERE c.issued_ms >= :from AND c.issued_ms < :to GROUP BY room, month",
         [](SQLite::Statement& q, RoomMonth& c) { c.certificates = q.getColumn(2).getInt64(); });
    each("SELECT room, substr(day, 1, 7) AS month, category, sum(count), sum(billable) FROM message_costs "
         "WHERE day >= :from_day AND day < :to_day GROUP BY room, month, category",
         [](SQLite::Statement& q, RoomMonth& c) {
             c.messages.push_back({q.getColumn(2).getString(), q.getColumn(3).getInt64(), q.getColumn(4).getInt64()});
         });

    for (const auto& room : rooms) {
        std::int64_t members = before.count(room) ? before[room] : 0;
        for (Month m = from; m <= to; m = m.next()) {
            auto& c = cell(room, m.key());
            members += c.joins - c.leaves - c.removed;
            c.members_end = members;
            std::sort(c.messages.begin(), c.messages.end(), [](const PricingCount& a, const PricingCount& b) {
                return a.count != b.count ? a.count > b.count : a.category < b.category;
            });
        }
        auto it = now.find(room);
        out.now.push_back(it != now.end() ? it->second : RoomNow{room, {}, 0});
    }
    out.months.reserve(cells.size());
    for (auto& [key, c] : cells) {
        out.months.push_back(std::move(c));
    }
    return out;
}

std::vector<ModuleFunnel> academy_funnel(SQLite::Database& db) {
    std::map<std::string, ModuleFunnel> modules;
    // Per module, how far each group of runs got: (plan, position, status) → learners.
    struct Group {
        std::vector<std::string> plan;
        int position = 0;
        int status = 0;
        std::int64_t n = 0;
    };
    std::map<std::string, std::vector<Group>> groups;
    {
        SQLite::Statement q(db,
                            "SELECT module_id, plan, position, status, count(*) FROM academy_progress "
                            "GROUP BY module_id, plan, position, status");
        while (q.executeStep()) {
            Group g;
            const std::string plan = q.getColumn(1).getString();
            for (std::size_t at = 0; at < plan.size();) {
                const auto sp = plan.find(' ', at);
                const auto end = sp == std::string::npos ? plan.size() : sp;
                if (end > at) g.plan.push_back(plan.substr(at, end - at));
                at = end + 1;
            }
            g.position = q.getColumn(2).getInt();
            g.status = q.getColumn(3).getInt();
            g.n = q.getColumn(4).getInt64();
            groups[q.getColumn(0).getString()].push_back(std::move(g));
        }
    }
    for (auto& [module, gs] : groups) {
        auto& f = modules[module];
        f.module_id = module;
        // The step order: the plan most learners follow, then steps only other versions have.
        std::map<std::vector<std::string>, std::int64_t> by_plan;
        for (const auto& g : gs) by_plan[g.plan] += g.n;
        std::vector<std::pair<std::vector<std::string>, std::int64_t>> plans(by_plan.begin(), by_plan.end());
        std::stable_sort(plans.begin(), plans.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
        std::map<std::string, std::size_t> index;
        for (const auto& [plan, n] : plans) {
            for (const auto& step : plan) {
                if (index.emplace(step, f.steps.size()).second) f.steps.push_back({step, 0});
            }
        }
        for (const auto& g : gs) {
            f.started += g.n;
            if (g.status == 1) f.passed += g.n;
            else if (g.status == 2) f.failed += g.n;
            else f.in_progress += g.n;
            // A finished run went through every step; one under way reached its current step.
            const std::size_t last = g.status != 0 ? g.plan.size()
                                                   : std::min<std::size_t>(g.plan.size(), static_cast<std::size_t>(g.position) + 1);
            for (std::size_t i = 0; i < last; ++i) f.steps[index[g.plan[i]]].reached += g.n;
        }
    }
    // Questions: every answer, and each learner's first answer (the lowest id) per question.
    std::map<std::pair<std::string, std::string>, QuestionStats> questions;
    {
        SQLite::Statement q(db,
                            "SELECT module_id, step_id, count(*), sum(tries), sum(first_right) FROM ("
                            "  SELECT module_id, step_id, count(*) AS tries, correct AS first_right, min(id) "
                            "  FROM academy_answers GROUP BY module_id, step_id, profile_id"
                            ") GROUP BY module_id, step_id");
        while (q.executeStep()) {
            QuestionStats s;
            s.step_id = q.getColumn(1).getString();
            s.learners = q.getColumn(2).getInt64();
            s.attempts = q.getColumn(3).getInt64();
            s.first_try_right = q.getColumn(4).getInt64();
            questions[{q.getColumn(0).getString(), s.step_id}] = s;
        }
    }
    for (auto& [key, s] : questions) {
        auto& f = modules[key.first];
        f.module_id = key.first;
        const auto at = std::find_if(f.steps.begin(), f.steps.end(), [&](const StepReach& r) { return r.step_id == key.second; });
        if (at == f.steps.end()) f.steps.push_back({key.second, 0});
    }
    std::vector<ModuleFunnel> out;
    for (auto& [module, f] : modules) {
        for (const auto& step : f.steps) {
            if (auto it = questions.find({module, step.step_id}); it != questions.end()) f.questions.push_back(it->second);
        }
        out.push_back(std::move(f));
    }
    return out;
}

DeliveryHealth delivery_health(SQLite::Database& db, std::int64_t now_ms, std::int64_t failed_window_ms) {
    DeliveryHealth h;
    {
        SQLite::Statement q(db,
                            "SELECT count(*), coalesce(sum(next_attempt_ms <= :now), 0), coalesce(min(created_ms), 0) "
                            "FROM outbox WHERE status = 0 AND claimed = 0");
        q.bind(":now", now_ms);
        q.executeStep();
        h.queued = q.getColumn(0).getInt64();
        h.queued_due = q.getColumn(1).getInt64();
        h.oldest_queued_ms = q.getColumn(2).getInt64();
    }
    const auto reasons = [&](const char* sql, std::vector<ReasonCount>& into, std::int64_t& total) {
        SQLite::Statement q(db, sql);
        if (q.getIndex(":since") > 0) q.bind(":since", now_ms - failed_window_ms);
        while (q.executeStep()) {
            ReasonCount r;
            r.reason = q.getColumn(0).getString();
            r.code = leading_code(r.reason);
            r.count = q.getColumn(1).getInt64();
            total += r.count;
            into.push_back(std::move(r));
        }
        std::sort(into.begin(), into.end(), [](const ReasonCount& a, const ReasonCount& b) {
            return a.count != b.count ? a.count > b.count : a.reason < b.reason;
        });
        if (into.size() > 50) into.resize(50);
    };
    reasons("SELECT coalesce(last_error, ''), count(*) FROM outbox WHERE status = 5 GROUP BY 1", h.held_by_reason,
            h.held);
    reasons("SELECT coalesce(last_error, ''), count(*) FROM outbox WHERE status = 4 AND updated_ms >= :since "
            "GROUP BY 1",
            h.failed_by_reason, h.failed);
    AccountRepository account(db);
    h.templates = account.template_states();
    for (const auto& [key, value] : account.all()) {
        if (key == kMessagingLimit) {
            try {
                h.messaging_limit = std::stoll(value.first);
            } catch (const std::exception&) {
                h.messaging_limit = 0;
            }
        } else if (key == kAccountRestriction) {
            h.restriction = value.first;
        }
    }
    {
        SQLite::Statement q(db,
                            "SELECT count(DISTINCT recipient) FROM outbox WHERE kind = 'template' AND sent_ms >= :since "
                            "AND status IN (1, 2, 3)");
        q.bind(":since", static_cast<std::int64_t>(now_ms - 24 * 3600 * 1000));
        q.executeStep();
        h.reached_24h = q.getColumn(0).getInt64();
    }
    {
        SQLite::Statement q(db, "SELECT at_ms, event, reason FROM delivery_halts ORDER BY id DESC LIMIT 20");
        while (q.executeStep()) {
            h.halts.push_back({q.getColumn(0).getInt64(), q.getColumn(1).getString(), q.getColumn(2).getString()});
        }
        h.halted = !h.halts.empty() && h.halts.front().event == "halt";
    }
    return h;
}

std::string FunderCount::text() const {
    return suppressed ? std::string("<5") : std::to_string(value);
}

FunderCount funder_count(std::int64_t value) {
    FunderCount c;
    c.suppressed = value > 0 && value < 5;
    c.value = c.suppressed ? 0 : value;  // the true number never leaves this function when it is small
    return c;
}

std::vector<FunderRow> funder_report(SQLite::Database& db, std::string_view month) {
    const auto ov = overview(db, month, month);
    std::vector<FunderRow> out;
    for (const auto& c : ov.months) {
        FunderRow r;
        r.room = c.room;
        r.month = c.month;
        r.members = funder_count(c.members_end);
        r.joins = funder_count(c.joins);
        r.leaves = funder_count(c.leaves + c.removed);
        r.posts = funder_count(c.posts);
        r.forum_rsvps = funder_count(c.rsvp_yes + c.rsvp_maybe);
        r.attended = funder_count(c.attended);
        r.ratings = funder_count(c.ratings);
        if (c.ratings >= 5) {
            char buf[16];
            std::snprintf(buf, sizeof buf, "%.1f", c.rating_average);
            r.rating_average = buf;
        }
        r.academy_starts = funder_count(c.academy_starts);
        r.academy_passes = funder_count(c.academy_passes);
        r.certificates = funder_count(c.certificates);
        std::int64_t marketing = 0, utility = 0, authentication = 0, service = 0, other = 0;
        for (const auto& p : c.messages) {
            auto& slot = p.category == "marketing"        ? marketing
                         : p.category == "utility"        ? utility
                         : p.category == "authentication" ? authentication
                         : p.category == "service"        ? service
                                                          : other;
            slot += p.count;
        }
        r.messages = funder_count(c.messages_total());
        r.messages_marketing = funder_count(marketing);
        r.messages_utility = funder_count(utility);
        r.messages_authentication = funder_count(authentication);
        r.messages_service = funder_count(service);
        r.messages_other = funder_count(other);
        out.push_back(std::move(r));
    }
    return out;
}

std::string funder_csv(const std::vector<FunderRow>& rows) {
    std::string out;
    core::csv_record(out, {"room", "month", "members", "joins", "leaves", "posts", "forum_rsvps", "attended",
                           "ratings", "rating_average", "academy_starts", "academy_passes", "certificates",
                           "messages", "messages_marketing", "messages_utility", "messages_authentication",
                           "messages_service", "messages_other"});
    for (const auto& r : rows) {
        core::csv_record(out, {r.room, r.month, r.members.text(), r.joins.text(), r.leaves.text(), r.posts.text(),
                               r.forum_rsvps.text(), r.attended.text(), r.ratings.text(), r.rating_average,
                               r.academy_starts.text(), r.academy_passes.text(), r.certificates.text(),
                               r.messages.text(), r.messages_marketing.text(), r.messages_utility.text(),
                               r.messages_authentication.text(), r.messages_service.text(), r.messages_other.text()});
    }
    return out;
}

namespace {

// The members matching a query. The LIKE pattern escapes the user's % and _ so they match themselves.
constexpr const char* kMemberWhere =
    "m.forgotten = 0 "
    "AND (:text = '' OR m.alias LIKE :pattern ESCAPE '\\' OR (:admin = 1 AND m.wa_id LIKE :pattern ESCAPE '\\')) "
    "AND (:lang = '' OR m.language = :lang) "
    "AND (:room = '' OR EXISTS (SELECT 1 FROM room_members r WHERE r.member_id = m.id AND r.room = :room "
    "     AND r.state IN (0, 4))) "
    "AND (:role < 0 OR (:role = 2 AND m.admin = 1) OR (:role IN (0, 1) AND EXISTS (SELECT 1 FROM room_members r "
    "     WHERE r.member_id = m.id AND r.state IN (0, 4) AND r.role = :role AND (:room = '' OR r.room = :room))))";

void bind_member_query(SQLite::Statement& q, const MemberQuery& query) {
    std::string pattern = "%";
    for (const char c : query.text) {
        if (c == '%' || c == '_' || c == '\\') pattern += '\\';
        pattern += c;
    }
    pattern += '%';
    q.bind(":text", query.text);
    q.bind(":pattern", pattern);
    q.bind(":admin", query.admin_viewer ? 1 : 0);
    q.bind(":lang", query.language);
    q.bind(":room", query.room);
    q.bind(":role", static_cast<int>(query.role));
}

std::string member_select() {
    return std::string(
               "SELECT m.id, coalesce(m.alias, ''), m.member_key, m.language, m.current_room, m.admin, m.mode, "
               "m.stopped, m.stage, m.posts, m.last_inbound, EXISTS (SELECT 1 FROM room_members r WHERE "
               "r.member_id = m.id AND r.role = 1 AND r.state IN (0, 4) AND (:room = '' OR r.room = :room)) "
               "FROM members m WHERE ") +
           kMemberWhere;
}

MemberSummary read_member(SQLite::Statement& q, bool admin_viewer) {
    MemberSummary s;
    s.id = q.getColumn(0).getInt64();
    s.alias = q.getColumn(1).getString();
    const std::string key = q.getColumn(2).getString();
    s.number = admin_viewer ? (key.find('.') == std::string::npos ? "+" + key : key) : core::mask_number(key);
    s.language = q.getColumn(3).getString();
    s.room = q.getColumn(4).getString();
    s.admin = q.getColumn(5).getInt() != 0;
    s.mode = q.getColumn(6).getInt();
    s.stopped = q.getColumn(7).getInt() != 0;
    s.stage = q.getColumn(8).getInt();
    s.posts = q.getColumn(9).getInt64();
    s.last_inbound = q.getColumn(10).getInt64();
    s.moderator = q.getColumn(11).getInt() != 0;
    return s;
}

}  // namespace

MemberPage search_members(SQLite::Database& db, const MemberQuery& query) {
    MemberPage page;
    {
        SQLite::Statement q(db, std::string("SELECT count(*) FROM members m WHERE ") + kMemberWhere);
        bind_member_query(q, query);
        q.executeStep();
        page.total = q.getColumn(0).getInt64();
    }
    // Aliases that start with the text first, then those that hold it; members without an alias last.
    SQLite::Statement q(db, member_select() +
                                " ORDER BY (m.alias IS NULL), (m.alias NOT LIKE substr(:pattern, 2) ESCAPE '\\'), "
                                "m.alias_key, m.id LIMIT :limit OFFSET :offset");
    bind_member_query(q, query);
    q.bind(":limit", std::clamp(query.limit, 1, 1000));
    q.bind(":offset", static_cast<std::int64_t>(std::max<std::int64_t>(0, query.offset)));
    while (q.executeStep()) {
        page.rows.push_back(read_member(q, query.admin_viewer));
    }
    return page;
}

void export_members(SQLite::Database& db, const MemberQuery& query,
                    const std::function<void(const MemberSummary&)>& row) {
    SQLite::Statement q(db, member_select() + " ORDER BY (m.alias IS NULL), m.alias_key, m.id");
    bind_member_query(q, query);
    while (q.executeStep()) {
        row(read_member(q, query.admin_viewer));
    }
}

std::string member_csv_header() {
    std::string out;
    core::csv_record(out, {"alias", "number", "language", "room", "role", "mode", "stopped", "posts"});
    return out;
}

std::string member_csv_record(const MemberSummary& m) {
    static constexpr const char* kModes[] = {"live", "digest", "muted"};
    // Only the alias is the member's own text: it alone is kept from running as a spreadsheet formula (a
    // number's leading '+' is not a formula to neutralise).
    std::string out = core::csv_field(m.alias, true) + ",";
    core::csv_record(out, {m.number, m.language, m.room, m.admin ? "admin" : m.moderator ? "moderator" : "member",
                           m.mode >= 0 && m.mode < 3 ? kModes[m.mode] : "", m.stopped ? "yes" : "no",
                           std::to_string(m.posts)});
    return out;
}

}  // namespace delvex::store::console
