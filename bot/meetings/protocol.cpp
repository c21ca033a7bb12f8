#include "bot/meetings/protocol.hpp"

#include <array>
#include <charconv>
#include <cstdio>
#include <utility>
#include <vector>

namespace delvex::meetings {
namespace {

std::vector<std::string_view> split(std::string_view s, char sep) {
    std::vector<std::string_view> out;
    std::size_t start = 0;
    while (true) {
        const auto pos = s.find(sep, start);
        out.push_back(s.substr(start, pos == std::string_view::npos ? std::string_view::npos : pos - start));
        if (pos == std::string_view::npos) {
            return out;
        }
        start = pos + 1;
    }
}

std::optional<std::int64_t> to_int(std::string_view s) {
    std::int64_t v = 0;
    const auto* end = s.data() + s.size();
    const auto [ptr, ec] = std::from_chars(s.data(), end, v);
    if (s.empty() || ec != std::errc() || ptr != end) {
        return std::nullopt;
    }
    return v;
}

bool is_local_basic(std::string_view s) {
    return forums::parse_local_basic(s).has_value();
}

/// "<occurrence>:<last>" after a prefix: the occurrence and the last part.
std::optional<std::pair<OccurrenceRef, std::string_view>> occurrence_and_last(std::string_view id,
                                                                              std::string_view prefix) {
    if (!id.starts_with(prefix)) {
        return std::nullopt;
    }
    const auto rest = id.substr(prefix.size());
    const auto colon = rest.rfind(':');
    if (colon == std::string_view::npos) {
        return std::nullopt;
    }
    auto ref = OccurrenceRef::parse(rest.substr(0, colon));
    if (!ref) {
        return std::nullopt;
    }
    return std::make_pair(*ref, rest.substr(colon + 1));
}

constexpr std::array<std::pair<FlowAction, std::string_view>, 14> kActions = {{
    {FlowAction::kNew, "new"},
    {FlowAction::kList, "list"},
    {FlowAction::kCancel, "cancel"},
    {FlowAction::kRoom, "room"},
    {FlowAction::kOrdinal, "ord"},
    {FlowAction::kWeekday, "day"},
    {FlowAction::kTime, "time"},
    {FlowAction::kJoin, "join"},
    {FlowAction::kYes, "yes"},
    {FlowAction::kNo, "no"},
    {FlowAction::kPick, "pick"},
    {FlowAction::kCancelOne, "c1"},
    {FlowAction::kCancelAll, "ca"},
    {FlowAction::kZone, "zone"},
}};

constexpr std::array<std::pair<JobKind, std::string_view>, 6> kKinds = {{
    {JobKind::kPlan, "forums.plan"},
    {JobKind::kScheduled, "forums.scheduled"},
    {JobKind::kAnnounce, "forums.announce"},
    {JobKind::kReminder, "forums.reminder"},
    {JobKind::kFollowup, "forums.followup"},
    {JobKind::kNotice, "forums.notice"},
}};

constexpr std::array<std::pair<NoticeWhat, std::string_view>, 3> kNotices = {{
    {NoticeWhat::kSeries, "series"},
    {NoticeWhat::kCancel, "cancel"},
    {NoticeWhat::kMove, "move"},
}};

constexpr std::array<std::pair<FlowStep, std::string_view>, 14> kSteps = {{
    {FlowStep::kNone, ""},
    {FlowStep::kMenu, "menu"},
    {FlowStep::kRoom, "room"},
    {FlowStep::kTitle, "title"},
    {FlowStep::kOrdinal, "ordinal"},
    {FlowStep::kWeekday, "weekday"},
    {FlowStep::kTime, "time"},
    {FlowStep::kJoin, "join"},
    {FlowStep::kJoinInfo, "join_info"},
    {FlowStep::kConfirm, "confirm"},
    {FlowStep::kPick, "pick"},
    {FlowStep::kScope, "scope"},
    {FlowStep::kRecap, "recap"},
    {FlowStep::kZone, "zone"},
}};

bool valid_ordinal(std::string_view s) {
    return s == "1" || s == "2" || s == "3" || s == "4" || s == "-1" || s == "0";
}

bool valid_series(std::string_view s) {
    const auto id = to_int(s);
    return id && *id > 0;
}

/// A zone name as a list row id carries it: letters, digits, '/', '_', '-', '+'.
bool valid_zone_name(std::string_view s) {
    if (s.empty() || s.size() > 64) {
        return false;
    }
    for (const char c : s) {
        const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '/' ||
                        c == '_' || c == '-' || c == '+';
        if (!ok) {
            return false;
        }
    }
    return true;
}

}  // namespace

std::string OccurrenceRef::name() const {
    return forums::format_local_basic(original);
}

std::string OccurrenceRef::encode() const {
    return std::to_string(series_id) + "-" + name();
}

std::optional<OccurrenceRef> OccurrenceRef::parse(std::string_view token) {
    const auto dash = token.find('-');
    if (dash == std::string_view::npos) {
        return std::nullopt;
    }
    const auto id = to_int(token.substr(0, dash));
    auto local = forums::parse_local_basic(token.substr(dash + 1));
    if (!id || *id <= 0 || !local) {
        return std::nullopt;
    }
    return OccurrenceRef{*id, *local};
}

std::string RsvpButton::encode() const {
    const char* letter = answer == RsvpStatus::kAccepted ? "A" : answer == RsvpStatus::kTentative ? "T" : "D";
    return std::string(kPrefix) + occurrence.encode() + ":" + letter;
}

std::optional<RsvpButton> RsvpButton::parse(std::string_view id) {
    const auto parts = occurrence_and_last(id, kPrefix);
    if (!parts) {
        return std::nullopt;
    }
    const auto letter = parts->second;
    if (letter == "A") {
        return RsvpButton{parts->first, RsvpStatus::kAccepted};
    }
    if (letter == "T") {
        return RsvpButton{parts->first, RsvpStatus::kTentative};
    }
    if (letter == "D") {
        return RsvpButton{parts->first, RsvpStatus::kDeclined};
    }
    return std::nullopt;
}

std::string AttendButton::encode() const {
    return std::string(kPrefix) + occurrence.encode() + (attended ? ":Y" : ":N");
}

std::optional<AttendButton> AttendButton::parse(std::string_view id) {
    const auto parts = occurrence_and_last(id, kPrefix);
    if (!parts || (parts->second != "Y" && parts->second != "N")) {
        return std::nullopt;
    }
    return AttendButton{parts->first, parts->second == "Y"};
}

std::string FeedbackChoice::encode() const {
    return std::string(kPrefix) + occurrence.encode() + ":" + std::to_string(rating);
}

std::optional<FeedbackChoice> FeedbackChoice::parse(std::string_view id) {
    const auto parts = occurrence_and_last(id, kPrefix);
    if (!parts) {
        return std::nullopt;
    }
    const auto n = to_int(parts->second);
    if (!n || *n < 1 || *n > 5) {
        return std::nullopt;
    }
    return FeedbackChoice{parts->first, static_cast<int>(*n)};
}

std::string FlowChoice::encode() const {
    std::string out(kPrefix);
    for (const auto& [a, word] : kActions) {
        if (a == action) {
            out += word;
        }
    }
    if (!arg.empty()) {
        out += ":" + arg;
    }
    if (!arg2.empty()) {
        out += ":" + arg2;
    }
    return out;
}

std::optional<FlowChoice> FlowChoice::parse(std::string_view id) {
    if (!id.starts_with(kPrefix)) {
        return std::nullopt;
    }
    const auto rest = id.substr(kPrefix.size());
    // A zone name never holds ':' but a time does: split on the first ':' only for those two.
    const auto colon = rest.find(':');
    const auto word = rest.substr(0, colon);
    std::optional<FlowAction> action;
    for (const auto& [a, w] : kActions) {
        if (w == word) {
            action = a;
        }
    }
    if (!action) {
        return std::nullopt;
    }
    const auto tail = colon == std::string_view::npos ? std::string_view() : rest.substr(colon + 1);
    FlowChoice c{*action, {}, {}};
    switch (*action) {
        case FlowAction::kNew:
        case FlowAction::kList:
        case FlowAction::kCancel:
        case FlowAction::kYes:
        case FlowAction::kNo:
            return colon == std::string_view::npos ? std::optional<FlowChoice>(c) : std::nullopt;
        case FlowAction::kTime: {
            const auto m = parse_clock(tail);
            if (!m) {
                return std::nullopt;
            }
            c.arg = format_clock(*m);
            return c;
        }
        case FlowAction::kZone:
            if (!valid_zone_name(tail)) {
                return std::nullopt;
            }
            c.arg = std::string(tail);
            return c;
        default:
            break;
    }
    const auto parts = split(tail, ':');
    if (colon == std::string_view::npos || parts.empty()) {
        return std::nullopt;
    }
    c.arg = std::string(parts[0]);
    bool ok = false;
    switch (*action) {
        case FlowAction::kRoom:
            ok = parts.size() == 1 && !c.arg.empty() && c.arg.size() <= 64;
            break;
        case FlowAction::kOrdinal:
            ok = parts.size() == 1 && valid_ordinal(c.arg);
            break;
        case FlowAction::kWeekday:
            ok = parts.size() == 1 && weekday_index(c.arg) < 7;
            break;
        case FlowAction::kJoin:
            ok = parts.size() == 1 && (c.arg == "link" || c.arg == "place" || c.arg == "call");
            break;
        case FlowAction::kPick:
        case FlowAction::kCancelAll:
            ok = parts.size() == 1 && valid_series(c.arg);
            break;
        case FlowAction::kCancelOne:
            ok = parts.size() == 2 && valid_series(c.arg) && is_local_basic(parts[1]);
            if (ok) {
                c.arg2 = std::string(parts[1]);
            }
            break;
        default:
            break;
    }
    return ok ? std::optional<FlowChoice>(c) : std::nullopt;
}

std::string_view job_kind_name(JobKind kind) {
    for (const auto& [k, name] : kKinds) {
        if (k == kind) {
            return name;
        }
    }
    return {};
}

std::optional<JobKind> parse_job_kind(std::string_view name) {
    for (const auto& [k, n] : kKinds) {
        if (n == name) {
            return k;
        }
    }
    return std::nullopt;
}

std::string JobKey::series_prefix(JobKind kind, std::int64_t series_id) {
    return std::string(job_kind_name(kind)) + ":" + std::to_string(series_id) + ":";
}

std::string JobKey::encode() const {
    const std::string head = std::string(job_kind_name(kind)) + ":";
    switch (kind) {
        case JobKind::kPlan:
            return head + day;
        case JobKind::kScheduled:
            return head + std::to_string(series_id) + ":0";
        case JobKind::kAnnounce:
        case JobKind::kFollowup:
            return series_prefix(kind, series_id) + std::to_string(sequence) + ":" + occurrence;
        case JobKind::kReminder:
            return series_prefix(kind, series_id) + std::to_string(sequence) + ":" + occurrence + ":" +
                   std::to_string(offset_min) + "m";
        case JobKind::kNotice:
            for (const auto& [w, word] : kNotices) {
                if (w == notice) {
                    return series_prefix(kind, series_id) + std::to_string(sequence) + ":" + std::string(word);
                }
            }
            break;
    }
    return head;
}

std::optional<JobKey> JobKey::parse(std::string_view key) {
    const auto parts = split(key, ':');
    const auto kind = parse_job_kind(parts.front());
    if (!kind) {
        return std::nullopt;
    }
    JobKey k;
    k.kind = *kind;
    if (*kind == JobKind::kPlan) {
        if (parts.size() != 2 || parts[1].size() != 10) {
            return std::nullopt;
        }
        k.day = std::string(parts[1]);
        return k;
    }
    if (parts.size() < 3) {
        return std::nullopt;
    }
    const auto id = to_int(parts[1]);
    const auto seq = to_int(parts[2]);
    if (!id || !seq || *id <= 0 || *seq < 0) {
        return std::nullopt;
    }
    k.series_id = *id;
    k.sequence = static_cast<int>(*seq);
    switch (*kind) {
        case JobKind::kScheduled:
            return parts.size() == 3 ? std::optional<JobKey>(k) : std::nullopt;
        case JobKind::kAnnounce:
        case JobKind::kFollowup:
            if (parts.size() != 4 || !is_local_basic(parts[3])) {
                return std::nullopt;
            }
            k.occurrence = std::string(parts[3]);
            return k;
        case JobKind::kReminder: {
            if (parts.size() != 5 || !is_local_basic(parts[3]) || parts[4].size() < 2 || parts[4].back() != 'm') {
                return std::nullopt;
            }
            const auto off = to_int(parts[4].substr(0, parts[4].size() - 1));
            if (!off || *off < 0) {
                return std::nullopt;
            }
            k.occurrence = std::string(parts[3]);
            k.offset_min = *off;
            return k;
        }
        case JobKind::kNotice:
            if (parts.size() != 4) {
                return std::nullopt;
            }
            for (const auto& [w, word] : kNotices) {
                if (word == parts[3]) {
                    k.notice = w;
                    return k;
                }
            }
            return std::nullopt;
        case JobKind::kPlan:
            break;
    }
    return std::nullopt;
}

std::string NoticePayload::encode() const {
    for (const auto& [w, word] : kNotices) {
        if (w == what) {
            return what == NoticeWhat::kSeries ? std::string(word) : std::string(word) + " " + occurrence;
        }
    }
    return {};
}

std::optional<NoticePayload> NoticePayload::parse(std::string_view payload) {
    const auto space = payload.find(' ');
    const auto word = payload.substr(0, space);
    for (const auto& [w, name] : kNotices) {
        if (name != word) {
            continue;
        }
        if (w == NoticeWhat::kSeries) {
            return space == std::string_view::npos ? std::optional<NoticePayload>(NoticePayload{w, {}}) : std::nullopt;
        }
        if (space == std::string_view::npos || !is_local_basic(payload.substr(space + 1))) {
            return std::nullopt;
        }
        return NoticePayload{w, std::string(payload.substr(space + 1))};
    }
    return std::nullopt;
}

std::string_view step_name(FlowStep step) {
    for (const auto& [s, name] : kSteps) {
        if (s == step) {
            return name;
        }
    }
    return {};
}

FlowStep parse_step(std::string_view name) {
    for (const auto& [s, n] : kSteps) {
        if (n == name) {
            return s;
        }
    }
    return FlowStep::kNone;
}

bool step_takes_text(FlowStep step) {
    return step == FlowStep::kTitle || step == FlowStep::kOrdinal || step == FlowStep::kWeekday ||
           step == FlowStep::kTime || step == FlowStep::kJoinInfo;
}

namespace {

std::string one_line(std::string_view s) {
    std::string out(s);
    for (auto& c : out) {
        if (c == '\n' || c == '\r') {
            c = ' ';
        }
    }
    return out;
}

}  // namespace

std::string FlowDraft::encode() const {
    std::string out;
    const auto put = [&out](std::string_view key, std::string_view value) {
        if (!value.empty()) {
            out += std::string(key) + "=" + one_line(value) + "\n";
        }
    };
    put("day", weekday);
    put("join_info", join_info);
    put("join_kind", join_kind);
    put("occ", occurrence);
    put("ord", ordinal);
    put("room", room);
    put("rrule", rrule);
    put("series", series_id == 0 ? std::string() : std::to_string(series_id));
    put("start", start);
    put("time", time);
    put("title", title);
    return out;
}

FlowDraft FlowDraft::decode(std::string_view text) {
    FlowDraft d;
    for (const auto line : split(text, '\n')) {
        const auto eq = line.find('=');
        if (eq == std::string_view::npos) {
            continue;
        }
        const auto key = line.substr(0, eq);
        const std::string value(line.substr(eq + 1));
        if (key == "day") {
            d.weekday = value;
        } else if (key == "join_info") {
            d.join_info = value;
        } else if (key == "join_kind") {
            d.join_kind = value;
        } else if (key == "occ") {
            d.occurrence = value;
        } else if (key == "ord") {
            d.ordinal = value;
        } else if (key == "room") {
            d.room = value;
        } else if (key == "rrule") {
            d.rrule = value;
        } else if (key == "series") {
            d.series_id = to_int(value).value_or(0);
        } else if (key == "start") {
            d.start = value;
        } else if (key == "time") {
            d.time = value;
        } else if (key == "title") {
            d.title = value;
        }
    }
    return d;
}

std::optional<int> parse_clock(std::string_view text) {
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) {
        text.remove_prefix(1);
    }
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r' || text.back() == '\n')) {
        text.remove_suffix(1);
    }
    const auto sep = text.find_first_of(":h.H");
    if (sep == std::string_view::npos || sep == 0 || sep > 2 || text.size() - sep - 1 != 2) {
        return std::nullopt;
    }
    const auto h = to_int(text.substr(0, sep));
    const auto m = to_int(text.substr(sep + 1));
    if (!h || !m || *h < 0 || *h > 23 || *m < 0 || *m > 59) {
        return std::nullopt;
    }
    return static_cast<int>(*h * 60 + *m);
}

std::string format_clock(int minutes) {
    char buf[8];
    std::snprintf(buf, sizeof buf, "%02d:%02d", (minutes / 60) % 24, minutes % 60);
    return buf;
}

unsigned weekday_index(std::string_view code) {
    static constexpr std::string_view kCodes[] = {"SU", "MO", "TU", "WE", "TH", "FR", "SA"};
    for (unsigned i = 0; i < 7; ++i) {
        if (code == kCodes[i]) {
            return i;
        }
    }
    return 7;
}

}  // namespace delvex::meetings
