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
    Month next() const { return month == 12 ? Month{year + 1, 1} : Month{year, month + 1}; }
    bool operator<(const Month& o) const { return std::tie(year, month) < std::tie(o.year, o.month); }
    bool operator<=(const Month& o) const { return !(o < *this); }

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
    Overview out;
    std::map<std::string, RoomNow> now;
    {
        SQLite::Statement q(db, "SELECT room, bucket, n FROM room_mode_counts WHERE n <> 0");
        while (q.executeStep()) {
            auto& r = now[q.getColumn(0).getString()];
            r.room = q.getColumn(0).getString();
            const auto n = q.getColumn(2).getInt64();
            switch (q.getColumn(1).getInt()) {
                case 0: r.members.live += n; break;
                case 1: r.members.digest += n; break;
                case 2: r.members.muted += n; break;
                default: r.members.stopped += n; break;
            }
        }
    }
    {
        SQLite::Statement q(db, "SELECT room, count(*) FROM room_members WHERE role = 1 AND state IN (0, 4) GROUP BY room");
        while (q.executeStep()) {
            auto& r = now[q.getColumn(0).getString()];
            r.room = q.getColumn(0).getString();
            r.moderators = q.getColumn(1).getInt64();
        }
    }

    std::set<std::string> rooms;
    for (const auto& [room, r] : now) {
        rooms.insert(room);
    }
    std::map<std::pair<std::string, std::string>, RoomMonth> cells;
    const auto cell = [&](const std::string& room, const std::string& month) -> RoomMonth& {
        rooms.insert(room);
        auto& c = cells[{room, month}];
        c.room = room;
        c.month = month;
        return c;
    };
    // Members before the first month: every join less every exit, from the counters of the months before.
    std::map<std::string, std::int64_t> before;
    {
        SQLite::Statement q(db,
                            "SELECT room, sum(CASE WHEN metric = 'join' THEN n ELSE -n END) FROM console_counts "
                            "WHERE month < :from AND metric IN ('join', 'leave', 'removed', 'banned', 'forgotten') "
                            "GROUP BY room");
        q.bind(":from", from.key());
        while (q.executeStep()) {
            before[q.getColumn(0).getString()] = q.getColumn(1).getInt64();
            rooms.insert(q.getColumn(0).getString());
        }
    }
    {
        SQLite::Statement q(db, "SELECT month, room, metric, n FROM console_counts WHERE month >= :from AND month <= :to");
        q.bind(":from", from.key());
        q.bind(":to", to.key());
        std::map<std::pair<std::string, std::string>, std::int64_t> rating_sums;
        while (q.executeStep()) {
            auto& c = cell(q.getColumn(1).getString(), q.getColumn(0).getString());
            const std::string metric = q.getColumn(2).getString();
            const std::int64_t n = q.getColumn(3).getInt64();
            if (metric == "join") c.joins += n;
            else if (metric == "leave") c.leaves += n;
            else if (metric == "removed" || metric == "banned" || metric == "forgotten") c.removed += n;
            else if (metric == "stop") c.stops += n;
            else if (metric == "digest") c.to_digest += n;
            else if (metric == "muted") c.to_muted += n;
            else if (metric == "posts") c.posts += n;
            else if (metric == "reports") c.reports += n;
            else if (metric == "rsvp_1") c.rsvp_yes += n;
            else if (metric == "rsvp_2") c.rsvp_maybe += n;
            else if (metric == "rsvp_3") c.rsvp_no += n;
            else if (metric == "attended") c.attended += n;
            else if (metric == "rating_count") c.ratings += n;
            else if (metric == "rating_sum") rating_sums[{c.room, c.month}] += n;
            else if (metric == "academy_start") c.academy_starts += n;
            else if (metric == "academy_pass") c.academy_passes += n;
            else if (metric == "certificate") c.certificates += n;
        }
        for (const auto& [key, sum] : rating_sums) {
            auto& c = cells[key];
            c.rating_average = c.ratings > 0 ? static_cast<double>(sum) / static_cast<double>(c.ratings) : 0;
        }
    }
    {
        SQLite::Statement q(db,
                            "SELECT room, substr(day, 1, 7) AS month, category, sum(count), sum(billable) FROM message_costs "
                            "WHERE day >= :from AND day < :to GROUP BY room, month, category");
        q.bind(":from", from.key() + "-01");
        q.bind(":to", to.next().key() + "-01");
        while (q.executeStep()) {
            cell(q.getColumn(0).getString(), q.getColumn(1).getString())
                .messages.push_back({q.getColumn(2).getString(), q.getColumn(3).getInt64(), q.getColumn(4).getInt64()});
        }
    }

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
    // Questions: kept by a trigger on every answer (academy_question_counts).
    std::map<std::pair<std::string, std::string>, QuestionStats> questions;
    {
        SQLite::Statement q(db, "SELECT module_id, step_id, attempts, learners, first_right FROM academy_question_counts");
        while (q.executeStep()) {
            QuestionStats s;
            s.step_id = q.getColumn(1).getString();
            s.attempts = q.getColumn(2).getInt64();
            s.learners = q.getColumn(3).getInt64();
            s.first_try_right = q.getColumn(4).getInt64();
            questions[{q.getColumn(0).getString(), s.step_id}] = s;
        }
    }
    for (auto& [key, s] : questions) {
        auto& f = modules[key.first];
        f.module_id = key.first;
        // A named copy, not the structured binding: Clang 14 (the fuzz build) cannot capture a binding.
        const std::string& step_id = key.second;
        const auto at =
            std::find_if(f.steps.begin(), f.steps.end(), [&](const StepReach& r) { return r.step_id == step_id; });
        if (at == f.steps.end()) {
            f.steps.push_back({step_id, 0});
        }
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

// The member search is put together from these constant fragments (never from the query's text, which is
// bound), so that SQLite gets a plain WHERE it can drive from an index: the room's memberships, the moderators'
// partial index, or the members table in id order.
constexpr const char* kMemberColumns =
    "SELECT m.id, coalesce(m.alias, '') AS alias, m.member_key, m.language, m.current_room, m.admin, m.mode, "
    "m.stopped, m.stage, m.posts, m.last_inbound, m.alias_key FROM members m WHERE m.forgotten = 0";
constexpr const char* kMemberCount = "SELECT count(*) FROM members m WHERE m.forgotten = 0";
constexpr const char* kByAlias = " AND m.alias LIKE :pattern ESCAPE '\\'";
constexpr const char* kByAliasOrNumber = " AND (m.alias LIKE :pattern ESCAPE '\\' OR m.wa_id LIKE :pattern ESCAPE '\\')";
constexpr const char* kByLanguage = " AND m.language = :lang";
constexpr const char* kInRoom = " AND m.id IN (SELECT member_id FROM room_members WHERE room = :room AND state IN (0, 4))";
constexpr const char* kModeratorOfRoom =
    " AND m.id IN (SELECT member_id FROM room_members WHERE room = :room AND role = 1 AND state IN (0, 4))";
constexpr const char* kModeratorAnywhere =
    " AND m.id IN (SELECT member_id FROM room_members WHERE role = 1 AND state IN (0, 4))";
constexpr const char* kMemberOfRoom =
    " AND m.id IN (SELECT member_id FROM room_members WHERE room = :room AND role = 0 AND state IN (0, 4))";
constexpr const char* kMemberAnywhere =
    " AND m.id IN (SELECT member_id FROM room_members WHERE role = 0 AND state IN (0, 4))";
constexpr const char* kAdmin = " AND m.admin = 1";
// The page, then whether each of its members moderates (the query's room, or any room): computed for 50 rows,
// not for every match.
constexpr const char* kPageHead = "SELECT p.*, EXISTS (SELECT 1 FROM room_members r WHERE r.member_id = p.id AND r.role = 1 "
                                  "AND r.state IN (0, 4) AND (:room = '' OR r.room = :room)) FROM (";
constexpr const char* kByMatch =
    " ORDER BY (m.alias NOT LIKE substr(:pattern, 2) ESCAPE '\\'), m.alias_key, m.id LIMIT :limit OFFSET :offset) p";
constexpr const char* kByNewest = " ORDER BY m.id DESC LIMIT :limit OFFSET :offset) p";
constexpr const char* kExportTail = ") p ORDER BY p.id";

std::string member_where(const MemberQuery& query) {
    std::string where;
    if (!query.text.empty()) where += query.admin_viewer ? kByAliasOrNumber : kByAlias;
    if (!query.language.empty()) where += kByLanguage;
    switch (query.role) {
        case RoleFilter::kModerator: where += query.room.empty() ? kModeratorAnywhere : kModeratorOfRoom; break;
        case RoleFilter::kMember: where += query.room.empty() ? kMemberAnywhere : kMemberOfRoom; break;
        case RoleFilter::kAdmin:
            where += kAdmin;
            if (!query.room.empty()) where += kInRoom;
            break;
        case RoleFilter::kAny:
            if (!query.room.empty()) where += kInRoom;
            break;
    }
    return where;
}

void bind_if(SQLite::Statement& q, const char* name, const std::string& value) {
    if (q.getIndex(name) > 0) q.bind(name, value);
}

void bind_member_query(SQLite::Statement& q, const MemberQuery& query) {
    std::string pattern = "%";
    for (const char c : query.text) {
        if (c == '%' || c == '_' || c == '\\') pattern += '\\';
        pattern += c;
    }
    pattern += '%';
    bind_if(q, ":pattern", pattern);
    bind_if(q, ":lang", query.language);
    bind_if(q, ":room", query.room);
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
    s.moderator = q.getColumn(12).getInt() != 0;
    return s;
}

}  // namespace

MemberPage search_members(SQLite::Database& db, const MemberQuery& query) {
    MemberPage page;
    const std::string where = member_where(query);
    {
        std::string sql = kMemberCount;
        sql += where;
        SQLite::Statement q(db, sql);
        bind_member_query(q, query);
        q.executeStep();
        page.total = q.getColumn(0).getInt64();
    }
    // With a text: aliases that start with it first, then those that hold it, by alias. Without: newest first.
    std::string sql = kPageHead;
    sql += kMemberColumns;
    sql += where;
    sql += query.text.empty() ? kByNewest : kByMatch;
    SQLite::Statement q(db, sql);
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
    std::string sql = kPageHead;
    sql += kMemberColumns;
    sql += member_where(query);
    sql += kExportTail;
    SQLite::Statement q(db, sql);
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
