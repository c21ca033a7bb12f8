#include "bot/store/moderation_repository.hpp"

#include <SQLiteCpp/Statement.h>

#include <algorithm>
#include <charconv>

#include "bot/store/audit_repository.hpp"
#include "bot/store/identity_repository.hpp"

namespace delvex::store {
namespace {

// Moderation's view of a post's state is cast to and from the rooms' (both are posts.state): same numbers.
template <typename A, typename B>
constexpr bool same_number(A a, B b) {
    return static_cast<int>(a) == static_cast<int>(b);
}
static_assert(same_number(moderation::PostStatus::kRelayed, PostState::kRelayed));
static_assert(same_number(moderation::PostStatus::kHeld, PostState::kHeld));
static_assert(same_number(moderation::PostStatus::kRejected, PostState::kRejected));
static_assert(same_number(moderation::PostStatus::kDeleted, PostState::kDeleted));
static_assert(same_number(moderation::PostStatus::kPending, PostState::kPending));
static_assert(same_number(moderation::PostStatus::kTakenDown, PostState::kTakenDown));
static_assert(same_number(moderation::PostStatus::kHeldForReports, PostState::kHeldForReports));
static_assert(same_number(moderation::PostStatus::kRevoked, PostState::kRevoked));

moderation::Person person_of(const Profile& p) {
    moderation::Person out;
    out.id = p.id;
    out.key = p.key;
    out.language = p.language.empty() ? "en" : p.language;
    out.alias = p.alias;
    out.current_room = p.current_room;
    out.admin = p.admin;
    out.stopped = p.stopped || p.forgotten;
    out.last_inbound = p.last_inbound;
    return out;
}

/// "member:12" → 12; 0 when it is not a member.
std::int64_t member_of(std::string_view actor) {
    if (!actor.starts_with("member:")) {
        return 0;
    }
    std::int64_t id = 0;
    const auto rest = actor.substr(7);
    std::from_chars(rest.data(), rest.data() + rest.size(), id);
    return id;
}

constexpr std::string_view kPrefix = "moderation.";

}  // namespace

ModerationRepository::UnitOfWork::UnitOfWork(SQLite::Database& db) : savepoint_(db, "moderation") {
    savepoint_.begin();
}

ModerationRepository::UnitOfWork::~UnitOfWork() {
    if (!done_) {
        try {
            savepoint_.rollback();
        } catch (...) {  // NOLINT(bugprone-empty-catch): the event's own rollback undoes it all anyway
        }
    }
}

void ModerationRepository::UnitOfWork::commit() {
    savepoint_.release();
    done_ = true;
}

ModerationRepository::ModerationRepository(SQLite::Database& db) : db_(db), community_(db) {}

std::optional<moderation::Person> ModerationRepository::person_by_key(std::string_view member_key) {
    const auto p = community_.profile(member_key);
    return p ? std::optional(person_of(*p)) : std::nullopt;
}

std::optional<moderation::Person> ModerationRepository::person(std::int64_t id) {
    const auto p = community_.profile(id);
    return p ? std::optional(person_of(*p)) : std::nullopt;
}

std::optional<moderation::Person> ModerationRepository::by_alias(std::string_view alias) {
    const auto p = community_.by_alias(alias);
    return p && !p->forgotten ? std::optional(person_of(*p)) : std::nullopt;
}

std::vector<moderation::Seat> ModerationRepository::seats(std::int64_t member_id) {
    SQLite::Statement q(db_, "SELECT room, role, state, held FROM room_members WHERE member_id = :id ORDER BY room");
    q.bind(":id", member_id);
    std::vector<moderation::Seat> out;
    while (q.executeStep()) {
        moderation::Seat s;
        s.room = q.getColumn(0).getString();
        s.moderator = q.getColumn(1).getInt() == static_cast<int>(RoomRole::kModerator);
        s.standing = static_cast<moderation::Standing>(q.getColumn(2).getInt());
        s.held = q.getColumn(3).getInt() != 0;
        out.push_back(std::move(s));
    }
    return out;
}

std::optional<moderation::PostInfo> ModerationRepository::info(const std::optional<Post>& post) {
    if (!post) {
        return std::nullopt;
    }
    moderation::PostInfo p;
    p.id = post->id;
    p.room = post->room;
    p.author_id = post->author_id;
    p.author_alias = post->author_alias;
    p.kind = post->kind;
    p.body = post->body;
    p.status = static_cast<moderation::PostStatus>(static_cast<int>(post->state));
    p.created_ms = post->created_ms;
    SQLite::Statement q(db_, "SELECT count(*) FROM post_reports WHERE post_id = :id AND closed_ms = 0");
    q.bind(":id", post->id);
    q.executeStep();
    p.open_reports = q.getColumn(0).getInt();
    return p;
}

std::optional<moderation::PostInfo> ModerationRepository::post(std::int64_t id) {
    return info(community_.post(id));
}

std::optional<moderation::PostInfo> ModerationRepository::post_by_message(std::string_view wamid) {
    return info(community_.post_by_wamid(wamid));
}

std::vector<moderation::PostInfo> ModerationRepository::queue(const std::vector<std::string>& rooms,
                                                              std::size_t limit) {
    // Held posts (on arrival, or after reports) and relayed posts with open reports, oldest first.
    SQLite::Statement q(db_,
                        "SELECT p.id FROM posts p WHERE p.room = :room AND (p.state IN (1, 6) OR (p.state = 0 AND "
                        "EXISTS (SELECT 1 FROM post_reports r WHERE r.post_id = p.id AND r.closed_ms = 0))) "
                        "ORDER BY p.id LIMIT :limit");
    std::vector<std::int64_t> ids;
    for (const auto& room : rooms) {
        q.bind(":room", room);
        q.bind(":limit", static_cast<std::int64_t>(limit));
        while (q.executeStep()) {
            ids.push_back(q.getColumn(0).getInt64());
        }
        q.reset();
    }
    std::sort(ids.begin(), ids.end());
    if (ids.size() > limit) {
        ids.resize(limit);
    }
    std::vector<moderation::PostInfo> out;
    for (const auto id : ids) {
        if (auto p = post(id)) {
            out.push_back(std::move(*p));
        }
    }
    return out;
}

std::vector<moderation::Person> ModerationRepository::moderators(std::string_view room) {
    std::vector<moderation::Person> out;
    for (const auto& m : community_.moderators(room)) {
        moderation::Person p;
        p.id = m.id;
        p.key = m.key;
        p.language = m.language.empty() ? "en" : m.language;
        p.alias = m.alias;
        p.last_inbound = m.last_inbound;
        out.push_back(std::move(p));
    }
    return out;
}

std::vector<moderation::Reader> ModerationRepository::readers(std::string_view room) {
    std::vector<moderation::Reader> out;
    for (const auto& m : community_.room_members(room, 0)) {
        out.push_back(moderation::Reader{m.id, m.key, m.language.empty() ? "en" : m.language,
                                         m.mode == DeliveryMode::kMuted});
    }
    return out;
}

bool ModerationRepository::add_report(std::int64_t post, std::int64_t reporter, std::int64_t at_ms) {
    return community_.report(post, reporter, at_ms);
}

void ModerationRepository::set_post_status(std::int64_t post, moderation::PostStatus status) {
    community_.set_post_state(post, static_cast<PostState>(static_cast<int>(status)));
}

void ModerationRepository::close_reports(std::int64_t post, std::int64_t at_ms) {
    SQLite::Statement q(db_, "UPDATE post_reports SET closed_ms = :at WHERE post_id = :id AND closed_ms = 0");
    q.bind(":at", at_ms);
    q.bind(":id", post);
    q.exec();
}

void ModerationRepository::cancel_copies(std::int64_t post) {
    // Copies still queued (new or waiting for a window) are not sent: emptied and marked failed, as FORGET ME does.
    SQLite::Statement q(db_,
                        "UPDATE outbox SET payload = '', last_error = 'taken down by a moderator', status = 4 "
                        "WHERE status IN (0, 5) AND logical_key IN ('rooms.relay:' || :id, 'rooms.relayhead:' || :id)");
    q.bind(":id", post);
    q.exec();
}

void ModerationRepository::set_standing(std::string_view room, std::int64_t member, moderation::Standing standing) {
    community_.set_membership_state(room, member, static_cast<MembershipState>(static_cast<int>(standing)));
}

void ModerationRepository::lift(std::string_view room, std::int64_t member) {
    community_.lift_hold(room, member);
    SQLite::Statement q(db_, "UPDATE room_members SET state = 0 WHERE room = :room AND member_id = :id AND state IN (2, 3)");
    q.bind(":room", std::string(room));
    q.bind(":id", member);
    q.exec();
    // A decision kept for their names from before a FORGET ME would bar them again on their next JOIN.
    if (const auto p = community_.profile(member)) {
        IdentityRepository(db_).clear_bar(room, p->wa_id, p->user_id);
    }
}

void ModerationRepository::set_moderator(std::string_view room, std::int64_t member, bool moderator) {
    community_.set_role(room, member, moderator ? RoomRole::kModerator : RoomRole::kMember);
}

void ModerationRepository::set_admin(std::int64_t member) {
    community_.set_admin(member, true);
}

void ModerationRepository::record(const moderation::Record& r) {
    // audit_log: the actor as "member:<id>" (or "system"), the room and what was acted on in the target.
    std::string target = "room:" + r.room;
    if (r.post) {
        target += "/post:" + std::to_string(*r.post);
    } else if (r.member) {
        target += "/member:" + std::to_string(*r.member);
    }
    const std::string actor = r.actor_id > 0 ? "member:" + std::to_string(r.actor_id) : "system";
    AuditRepository(db_).record(r.at_ms, actor, std::string(kPrefix) + r.action, target, r.detail);
    community_.log_action(r.actor_id, r.action, r.room, r.post ? r.post : r.member, r.detail, r.at_ms);
}

std::string ModerationRepository::alias_of(std::int64_t member_id) {
    SQLite::Statement q(db_, "SELECT coalesce(alias, '') FROM members WHERE id = :id");
    q.bind(":id", member_id);
    return q.executeStep() ? q.getColumn(0).getString() : std::string();
}

std::vector<moderation::LogLine> ModerationRepository::recent(const std::vector<std::string>& rooms,
                                                              std::size_t limit) {
    // The newest moderation entries, filtered to the rooms here (a few hundred rows at most are read).
    SQLite::Statement q(db_,
                        "SELECT at, actor, action, target FROM audit_log WHERE action LIKE 'moderation.%' "
                        "ORDER BY id DESC LIMIT 500");
    std::vector<moderation::LogLine> out;
    while (out.size() < limit && q.executeStep()) {
        const std::string target = q.getColumn(3).getString();
        if (!target.starts_with("room:")) {
            continue;
        }
        const auto slash = target.find('/');
        const std::string room = target.substr(5, slash == std::string::npos ? std::string::npos : slash - 5);
        if (std::find(rooms.begin(), rooms.end(), room) == rooms.end()) {
            continue;
        }
        moderation::LogLine line;
        line.at_ms = q.getColumn(0).getInt64();
        const std::string actor = q.getColumn(1).getString();
        if (const auto id = member_of(actor); id > 0) {
            line.actor = alias_of(id);
        }
        line.action = q.getColumn(2).getString().substr(kPrefix.size());
        line.room = room;
        if (slash != std::string::npos) {
            const std::string what = target.substr(slash + 1);
            if (what.starts_with("post:")) {
                line.target = "#" + what.substr(5);
            } else if (what.starts_with("member:")) {
                const auto alias = alias_of(member_of(what));
                line.target = alias.empty() ? "[deleted]" : "*" + alias + "*";
            }
        }
        out.push_back(std::move(line));
    }
    return out;
}

}  // namespace delvex::store
