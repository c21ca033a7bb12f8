#include "bot/store/community_repository.hpp"

#include "bot/store/database.hpp"
#include "bot/store/identity_repository.hpp"
#include "bot/store/room_events.hpp"

#include "bot/community/alias.hpp"
#include "bot/community/alias_spoof.hpp"
#include "bot/core/message_ref.hpp"
#include "bot/store/statement.hpp"

namespace delvex::store {
namespace {

constexpr const char* kProfileColumns =
    "id, member_key, wa_id, user_id, language, stage, coalesce(alias, ''), current_room, mode, stopped, "
    "consent_version, consent_ms, admin, imported, forgotten, digest_day, digest_owed, flood_start_ms, "
    "flood_count, posts, first_seen, last_inbound";

constexpr const char* kPostColumns =
    "p.id, p.room, p.author_id, p.wamid, p.kind, p.body, p.media_id, p.mime_type, p.filename, p.voice, "
    "p.latitude, p.longitude, p.reply_to, p.state, p.created_ms, coalesce(m.alias, '')";

std::string select_profile(const char* where) {
    return std::string("SELECT ") + kProfileColumns + " FROM members WHERE " + where;
}

std::string select_post(const char* where) {
    return std::string("SELECT ") + kPostColumns + " FROM posts p JOIN members m ON m.id = p.author_id WHERE " + where;
}

void update_member(SQLite::Database& db, const char* assignment, std::int64_t id, const auto& value) {
    SQLite::Statement q(db, std::string("UPDATE members SET ") + assignment + " WHERE id = :id");
    q.bind(":v", value);
    q.bind(":id", id);
    q.exec();
}

}  // namespace

CommunityRepository::CommunityRepository(SQLite::Database& db)
    : db_(db),
      profile_by_key_(db, select_profile("member_key = :key")),
      room_members_(db,
                    "SELECT m.id, m.member_key, m.language, coalesce(m.alias, ''), m.last_inbound, m.mode, r.role, "
                    "r.seen_post, m.digest_day FROM room_members r JOIN members m ON m.id = r.member_id "
                    "WHERE r.room = :room AND r.state IN (0, 4) AND m.stopped = 0 AND m.stage = 4 AND m.id <> :except "
                    "ORDER BY m.id"),
      set_seen_(db, "UPDATE room_members SET seen_post = max(seen_post, :post) WHERE room = :room AND member_id = :id"),
      add_post_(db,
                "INSERT INTO posts (room, author_id, wamid, kind, body, media_id, mime_type, filename, voice, "
                "latitude, longitude, reply_to, state, created_ms) VALUES (:room, :author, :wamid, :kind, :body, "
                ":media, :mime, :filename, :voice, :lat, :lon, :reply_to, :state, :created) "
                "ON CONFLICT (wamid) DO NOTHING"),
      copy_wamid_(db, "SELECT coalesce(wamid, '') FROM outbox WHERE logical_key = :key AND recipient = :to"),
      last_queued_(db, "SELECT coalesce(max(created_ms), 0) FROM outbox WHERE recipient = :key"),
      memberships_(db,
                   "SELECT room, role, state, joined_ms, seen_post FROM room_members WHERE member_id = :id "
                   "ORDER BY joined_ms, room"),
      count_after_(db,
                   "SELECT count(*) FROM posts WHERE room = :room AND id > :after AND author_id <> :except "
                   "AND state = 0") {}

CommunityRepository::~CommunityRepository() = default;
CommunityRepository::CommunityRepository(CommunityRepository&&) noexcept = default;

SQLite::Statement& CommunityRepository::cached(const std::string& sql) {
    auto& slot = cached_[sql];
    if (!slot) {
        slot = std::make_unique<SQLite::Statement>(db_, sql);
    }
    return *slot;
}

IdentityRepository& CommunityRepository::identity() {
    if (!identity_) {
        identity_ = std::make_unique<IdentityRepository>(db_);
    }
    return *identity_;
}

Profile CommunityRepository::read_profile(SQLite::Statement& q) {
    Profile p;
    p.id = q.getColumn(0).getInt64();
    p.key = q.getColumn(1).getString();
    p.wa_id = q.getColumn(2).getString();
    p.user_id = q.getColumn(3).getString();
    p.language = q.getColumn(4).getString();
    p.stage = static_cast<Stage>(q.getColumn(5).getInt());
    p.alias = q.getColumn(6).getString();
    p.current_room = q.getColumn(7).getString();
    p.mode = static_cast<DeliveryMode>(q.getColumn(8).getInt());
    p.stopped = q.getColumn(9).getInt() != 0;
    p.consent_version = q.getColumn(10).getString();
    p.consent_ms = q.getColumn(11).getInt64();
    p.admin = q.getColumn(12).getInt() != 0;
    p.imported = q.getColumn(13).getInt() != 0;
    p.forgotten = q.getColumn(14).getInt() != 0;
    p.digest_day = q.getColumn(15).getString();
    p.digest_owed = q.getColumn(16).getInt() != 0;
    p.flood_start_ms = q.getColumn(17).getInt64();
    p.flood_count = q.getColumn(18).getInt();
    p.posts = q.getColumn(19).getInt64();
    p.first_seen = q.getColumn(20).getInt64();
    p.last_inbound = q.getColumn(21).getInt64();
    return p;
}

Post CommunityRepository::read_post(SQLite::Statement& q) {
    Post p;
    p.id = q.getColumn(0).getInt64();
    p.room = q.getColumn(1).getString();
    p.author_id = q.getColumn(2).getInt64();
    p.wamid = q.getColumn(3).getString();
    p.kind = q.getColumn(4).getString();
    p.body = q.getColumn(5).getString();
    p.media_id = q.getColumn(6).getString();
    p.mime_type = q.getColumn(7).getString();
    p.filename = q.getColumn(8).getString();
    p.voice = q.getColumn(9).getInt() != 0;
    if (!q.getColumn(10).isNull()) {
        p.latitude = q.getColumn(10).getDouble();
    }
    if (!q.getColumn(11).isNull()) {
        p.longitude = q.getColumn(11).getDouble();
    }
    if (!q.getColumn(12).isNull()) {
        p.reply_to = q.getColumn(12).getInt64();
    }
    p.state = static_cast<PostState>(q.getColumn(13).getInt());
    p.created_ms = q.getColumn(14).getInt64();
    p.author_alias = q.getColumn(15).getString();
    return p;
}

std::optional<Profile> CommunityRepository::profile(std::string_view member_key) {
    ResetOnExit guard{profile_by_key_};
    profile_by_key_.bind(":key", std::string(member_key));
    if (profile_by_key_.executeStep()) {
        return read_profile(profile_by_key_);
    }
    return std::nullopt;
}

std::optional<Profile> CommunityRepository::profile(std::int64_t id) {
    static const auto sql = select_profile("id = :id");
    auto& q = cached(sql);
    ResetOnExit guard{q};
    q.bind(":id", id);
    if (q.executeStep()) {
        return read_profile(q);
    }
    return std::nullopt;
}

std::optional<Profile> CommunityRepository::by_alias(std::string_view alias) {
    static const auto sql = select_profile("alias_key = :key");
    auto& q = cached(sql);
    ResetOnExit guard{q};
    q.bind(":key", community::alias_key(alias));
    if (q.executeStep()) {
        return read_profile(q);
    }
    return std::nullopt;
}

void CommunityRepository::set_stage(std::int64_t id, Stage stage) {
    update_member(db_, "stage = :v", id, static_cast<int>(stage));
}

void CommunityRepository::set_language(std::int64_t id, std::string_view language) {
    update_member(db_, "language = :v", id, std::string(language));
}

bool CommunityRepository::set_alias(std::int64_t id, std::string_view alias) {
    const auto key = community::alias_key(alias);
    const auto skeleton = community::alias_skeleton(alias);
    // Aliases chosen before skeletons were stored get theirs first (once: afterwards none is missing).
    std::vector<std::pair<std::int64_t, std::string>> missing;
    {
        auto& unfolded = cached("SELECT id, alias FROM members WHERE alias IS NOT NULL AND alias_skeleton IS NULL");
        ResetOnExit guard{unfolded};
        while (unfolded.executeStep()) {
            missing.emplace_back(unfolded.getColumn(0).getInt64(), unfolded.getColumn(1).getString());
        }
    }
    for (const auto& [other, other_alias] : missing) {
        SQLite::Statement fill(db_, "UPDATE members SET alias_skeleton = :skeleton WHERE id = :id");
        fill.bind(":skeleton", community::alias_skeleton(other_alias));
        fill.bind(":id", other);
        fill.exec();
    }
    {
        auto& taken =
            cached("SELECT 1 FROM members WHERE (alias_key = :key OR alias_skeleton = :skeleton) AND id <> :id");
        ResetOnExit guard{taken};
        taken.bind(":key", key);
        taken.bind(":skeleton", skeleton);
        taken.bind(":id", id);
        if (taken.executeStep()) {
            return false;
        }
    }
    auto& q = cached("UPDATE members SET alias = :alias, alias_key = :key, alias_skeleton = :skeleton WHERE id = :id");
    ResetOnExit guard{q};
    q.bind(":alias", std::string(alias));
    q.bind(":key", key);
    q.bind(":skeleton", skeleton);
    q.bind(":id", id);
    q.exec();
    return true;
}

void CommunityRepository::set_current_room(std::int64_t id, std::string_view room) {
    auto& q = cached("UPDATE members SET current_room = :v WHERE id = :id");
    ResetOnExit guard{q};
    q.bind(":v", std::string(room));
    q.bind(":id", id);
    q.exec();
}

void CommunityRepository::set_mode(std::int64_t id, DeliveryMode mode, std::int64_t at_ms) {
    static constexpr std::string_view kKinds[] = {"live", "digest", "muted"};
    const int m = static_cast<int>(mode);
    if (m >= 0 && m < 3) {
        room_events::member_rooms(db_, id, kKinds[m], "mode <> :v", m, at_ms);
    }
    update_member(db_, "mode = :v", id, m);
}

void CommunityRepository::set_stopped(std::int64_t id, bool stopped, std::int64_t at_ms) {
    room_events::member_rooms(db_, id, stopped ? "stop" : "resume", "stopped <> :v", stopped ? 1 : 0, at_ms);
    update_member(db_, "stopped = :v", id, stopped ? 1 : 0);
}

void CommunityRepository::set_consent(std::int64_t id, std::string_view version, std::int64_t at_ms) {
    SQLite::Statement q(db_, "UPDATE members SET consent_version = :v, consent_ms = :at WHERE id = :id");
    q.bind(":v", std::string(version));
    q.bind(":at", at_ms);
    q.bind(":id", id);
    q.exec();
}

void CommunityRepository::set_admin(std::int64_t id, bool admin) {
    update_member(db_, "admin = :v", id, admin ? 1 : 0);
}

void CommunityRepository::set_digest(std::int64_t id, std::string_view day, bool owed) {
    SQLite::Statement q(db_, "UPDATE members SET digest_day = :day, digest_owed = :owed WHERE id = :id");
    q.bind(":day", std::string(day));
    q.bind(":owed", owed ? 1 : 0);
    q.bind(":id", id);
    q.exec();
}

void CommunityRepository::set_flood(std::int64_t id, std::int64_t start_ms, int count) {
    SQLite::Statement q(db_, "UPDATE members SET flood_start_ms = :start, flood_count = :count WHERE id = :id");
    q.bind(":start", start_ms);
    q.bind(":count", count);
    q.bind(":id", id);
    q.exec();
}

void CommunityRepository::count_post(std::int64_t id) {
    SQLite::Statement q(db_, "UPDATE members SET posts = posts + 1 WHERE id = :id");
    q.bind(":id", id);
    q.exec();
}

std::int64_t CommunityRepository::import_member(std::string_view key, std::string_view language,
                                                std::string_view alias, std::int64_t now_s) {
    const bool bsuid = key.find('.') != std::string_view::npos;
    auto& q = cached(
                        "INSERT INTO members (member_key, wa_id, user_id, language, first_seen, last_inbound, stage, "
                        "imported) VALUES (:key, :wa, :user, :lang, :now, 0, :stage, 1) "
                        "ON CONFLICT (member_key) DO UPDATE SET language = CASE WHEN members.last_inbound = 0 "
                        "THEN excluded.language ELSE members.language END RETURNING id, last_inbound, alias");
    q.bind(":key", std::string(key));
    q.bind(":wa", bsuid ? std::string() : std::string(key));
    q.bind(":user", bsuid ? std::string(key) : std::string());
    q.bind(":lang", std::string(language));
    q.bind(":now", now_s);
    q.bind(":stage", static_cast<int>(Stage::kConsent));
    std::int64_t id = 0;
    bool chose = false;
    {
        ResetOnExit guard{q};
        q.executeStep();
        id = q.getColumn(0).getInt64();
        // Once the member has written, the language and alias are theirs: a file imported again does not undo
        // them.
        chose = q.getColumn(1).getInt64() > 0 && !q.getColumn(2).getString().empty();
    }
    if (!alias.empty() && !chose && !set_alias(id, alias)) {
        throw std::runtime_error("alias '" + std::string(alias) + "' is already taken by another member");
    }
    return id;
}

std::vector<Membership> CommunityRepository::memberships(std::int64_t member_id) {
    auto& q = memberships_;  // every message of every member asks (the gate's catch-up): prepared once
    ResetOnExit guard{q};
    q.bind(":id", member_id);
    std::vector<Membership> out;
    while (q.executeStep()) {
        out.push_back(Membership{q.getColumn(0).getString(), static_cast<RoomRole>(q.getColumn(1).getInt()),
                                 static_cast<MembershipState>(q.getColumn(2).getInt()), q.getColumn(3).getInt64(),
                                 q.getColumn(4).getInt64()});
    }
    return out;
}

std::optional<Membership> CommunityRepository::membership(std::string_view room, std::int64_t member_id) {
    for (auto& m : memberships(member_id)) {
        if (m.room == room) {
            return m;
        }
    }
    return std::nullopt;
}

bool CommunityRepository::join(std::string_view room, std::int64_t member_id, std::int64_t now_ms,
                               std::int64_t seen_post) {
    const auto m = membership(room, member_id);
    if (m && (m->state == MembershipState::kBanned || m->state == MembershipState::kRemoved)) {
        return false;
    }
    // A decision kept from before a FORGET ME (or under another of the member's names) still holds.
    Bar kept = Bar::kNone;
    {
        auto& names = cached("SELECT wa_id, user_id FROM members WHERE id = :id");
        ResetOnExit guard{names};
        names.bind(":id", member_id);
        if (names.executeStep()) {
            const auto wa_id = names.getColumn(0).getString();
            const auto user_id = names.getColumn(1).getString();
            kept = identity().kept_bar(room, wa_id, user_id);
        }
    }
    if (kept == Bar::kBanned || kept == Bar::kRemoved) {
        SQLite::Statement q(db_,
                            "INSERT INTO room_members (room, member_id, joined_ms, seen_post, state) VALUES (:room, "
                            ":id, :now, :seen, :state) ON CONFLICT (room, member_id) DO UPDATE SET state = "
                            "excluded.state");
        q.bind(":room", std::string(room));
        q.bind(":id", member_id);
        q.bind(":now", now_ms);
        q.bind(":seen", seen_post);
        q.bind(":state", static_cast<int>(kept == Bar::kBanned ? MembershipState::kBanned : MembershipState::kRemoved));
        q.exec();
        return false;
    }
    // A hold outlives LEAVE and JOIN: `held` stays set until a moderator lifts it.
    auto& q = cached(
                        "INSERT INTO room_members (room, member_id, joined_ms, seen_post, state, held) VALUES (:room, "
                        ":id, :now, :seen, CASE WHEN :held THEN 4 ELSE 0 END, :held) ON CONFLICT (room, member_id) DO "
                        "UPDATE SET held = max(held, excluded.held), state = CASE WHEN max(held, excluded.held) = 1 "
                        "THEN 4 ELSE 0 END, seen_post = max(seen_post, excluded.seen_post)");
    q.bind(":room", std::string(room));
    q.bind(":id", member_id);
    q.bind(":now", now_ms);
    q.bind(":seen", seen_post);
    q.bind(":held", kept == Bar::kHeld ? 1 : 0);
    run_once(q);
    if (!m || (m->state != MembershipState::kActive && m->state != MembershipState::kSilenced)) {
        room_events::room(db_, room, "join", now_ms);
    }
    return true;
}

void CommunityRepository::set_membership_state(std::string_view room, std::int64_t member_id, MembershipState state,
                                               std::int64_t at_ms) {
    if (const auto kind = room_events::state_kind(static_cast<int>(state)); !kind.empty()) {
        const auto was = membership(room, member_id);
        if (was && (was->state == MembershipState::kActive || was->state == MembershipState::kSilenced)) {
            room_events::room(db_, room, kind, at_ms);
        }
    }
    // HOLD sets the lasting `held` mark too; leaving keeps it (see join).
    SQLite::Statement q(db_,
                        "UPDATE room_members SET state = :state, held = CASE WHEN :state = 4 THEN 1 ELSE held END "
                        "WHERE room = :room AND member_id = :id");
    q.bind(":state", static_cast<int>(state));
    q.bind(":room", std::string(room));
    q.bind(":id", member_id);
    q.exec();
}

void CommunityRepository::lift_hold(std::string_view room, std::int64_t member_id) {
    SQLite::Statement q(db_,
                        "UPDATE room_members SET held = 0, state = CASE WHEN state = 4 THEN 0 ELSE state END WHERE "
                        "room = :room AND member_id = :id");
    q.bind(":room", std::string(room));
    q.bind(":id", member_id);
    q.exec();
}

std::int64_t CommunityRepository::count_shared_posts(std::int64_t author_id) {
    // Posts the room saw (relayed at once or approved), not those held, rejected or waiting.
    SQLite::Statement q(db_, "SELECT count(*) FROM posts WHERE author_id = :id AND state = 0");
    q.bind(":id", author_id);
    q.executeStep();
    return q.getColumn(0).getInt64();
}

void CommunityRepository::set_role(std::string_view room, std::int64_t member_id, RoomRole role) {
    SQLite::Statement q(db_, "UPDATE room_members SET role = :role WHERE room = :room AND member_id = :id");
    q.bind(":role", static_cast<int>(role));
    q.bind(":room", std::string(room));
    q.bind(":id", member_id);
    q.exec();
}

void CommunityRepository::set_seen(std::string_view room, std::int64_t member_id, std::int64_t post_id) {
    ResetOnExit guard{set_seen_};
    set_seen_.bind(":post", post_id);
    set_seen_.bind(":room", std::string(room));
    set_seen_.bind(":id", member_id);
    set_seen_.exec();
}

std::vector<RoomMember> CommunityRepository::room_members(std::string_view room, std::int64_t except) {
    ResetOnExit guard{room_members_};
    room_members_.bind(":room", std::string(room));
    room_members_.bind(":except", except);
    std::vector<RoomMember> out;
    while (room_members_.executeStep()) {
        RoomMember m;
        m.id = room_members_.getColumn(0).getInt64();
        m.key = room_members_.getColumn(1).getString();
        m.language = room_members_.getColumn(2).getString();
        m.alias = room_members_.getColumn(3).getString();
        m.last_inbound = room_members_.getColumn(4).getInt64();
        m.mode = static_cast<DeliveryMode>(room_members_.getColumn(5).getInt());
        m.role = static_cast<RoomRole>(room_members_.getColumn(6).getInt());
        m.seen_post = room_members_.getColumn(7).getInt64();
        m.digest_day = room_members_.getColumn(8).getString();
        out.push_back(std::move(m));
    }
    return out;
}

std::vector<RoomMember> CommunityRepository::moderators(std::string_view room) {
    SQLite::Statement q(db_,
                        "SELECT m.id, m.member_key, m.language, coalesce(m.alias, ''), m.last_inbound, m.mode "
                        "FROM members m WHERE m.stopped = 0 AND m.forgotten = 0 AND (m.admin = 1 OR EXISTS "
                        "(SELECT 1 FROM room_members r WHERE r.member_id = m.id AND r.room = :room AND r.role = 1 "
                        "AND r.state = 0)) ORDER BY m.id");
    q.bind(":room", std::string(room));
    std::vector<RoomMember> out;
    while (q.executeStep()) {
        RoomMember m;
        m.id = q.getColumn(0).getInt64();
        m.key = q.getColumn(1).getString();
        m.language = q.getColumn(2).getString();
        m.alias = q.getColumn(3).getString();
        m.last_inbound = q.getColumn(4).getInt64();
        m.mode = static_cast<DeliveryMode>(q.getColumn(5).getInt());
        m.role = RoomRole::kModerator;
        out.push_back(std::move(m));
    }
    return out;
}

std::int64_t CommunityRepository::count_active(std::string_view room) {
    SQLite::Statement q(db_, "SELECT count(*) FROM room_members WHERE room = :room AND state IN (0, 4)");
    q.bind(":room", std::string(room));
    q.executeStep();
    return q.getColumn(0).getInt64();
}

std::optional<std::int64_t> CommunityRepository::add_post(const Post& post) {
    ResetOnExit guard{add_post_};
    add_post_.bind(":room", post.room);
    add_post_.bind(":author", post.author_id);
    add_post_.bind(":wamid", post.wamid);
    add_post_.bind(":kind", post.kind);
    add_post_.bind(":body", post.body);
    add_post_.bind(":media", post.media_id);
    add_post_.bind(":mime", post.mime_type);
    add_post_.bind(":filename", post.filename);
    add_post_.bind(":voice", post.voice ? 1 : 0);
    if (post.latitude) {
        add_post_.bind(":lat", *post.latitude);
    }
    if (post.longitude) {
        add_post_.bind(":lon", *post.longitude);
    }
    if (post.reply_to) {
        add_post_.bind(":reply_to", *post.reply_to);
    }
    add_post_.bind(":state", static_cast<int>(post.state));
    add_post_.bind(":created", post.created_ms);
    if (add_post_.exec() != 1) {
        return std::nullopt;
    }
    return db_.getLastInsertRowid();
}

std::optional<Post> CommunityRepository::post(std::int64_t id) {
    SQLite::Statement q(db_, select_post("p.id = :id"));
    q.bind(":id", id);
    if (q.executeStep()) {
        return read_post(q);
    }
    return std::nullopt;
}

std::optional<Post> CommunityRepository::post_by_wamid(std::string_view wamid) {
    if (wamid.empty()) {
        return std::nullopt;
    }
    {
        SQLite::Statement q(db_, select_post("p.wamid = :wamid"));
        q.bind(":wamid", std::string(wamid));
        if (q.executeStep()) {
            return read_post(q);
        }
    }
    // A relayed copy: several posts coalesced into one message share its wamid; the newest is meant.
    SQLite::Statement q(db_,
                        "SELECT max(CAST(substr(logical_key, 13) AS INTEGER)) FROM outbox WHERE wamid = :wamid "
                        "AND logical_key LIKE 'rooms.relay:%'");
    q.bind(":wamid", std::string(wamid));
    if (q.executeStep() && !q.getColumn(0).isNull()) {
        return post(q.getColumn(0).getInt64());
    }
    return std::nullopt;
}

void CommunityRepository::set_post_state(std::int64_t id, PostState state) {
    SQLite::Statement q(db_, "UPDATE posts SET state = :state WHERE id = :id");
    q.bind(":state", static_cast<int>(state));
    q.bind(":id", id);
    q.exec();
}

std::int64_t CommunityRepository::last_post_id(std::string_view room) {
    auto& q = cached("SELECT coalesce(max(id), 0) FROM posts WHERE room = :room");
    ResetOnExit guard{q};
    q.bind(":room", std::string(room));
    q.executeStep();
    return q.getColumn(0).getInt64();
}

std::vector<Post> CommunityRepository::posts_after(std::string_view room, std::int64_t after, std::int64_t except,
                                                   int limit) {
    SQLite::Statement q(db_, select_post("p.room = :room AND p.id > :after AND p.author_id <> :except AND "
                                         "p.state IN (0, 3) ORDER BY p.id DESC LIMIT :limit"));
    q.bind(":room", std::string(room));
    q.bind(":after", after);
    q.bind(":except", except);
    q.bind(":limit", limit);
    std::vector<Post> out;
    while (q.executeStep()) {
        out.push_back(read_post(q));
    }
    return out;
}

std::int64_t CommunityRepository::count_after(std::string_view room, std::int64_t after, std::int64_t except) {
    auto& q = count_after_;
    ResetOnExit guard{q};
    q.bind(":room", std::string(room));
    q.bind(":after", after);
    q.bind(":except", except);
    q.executeStep();
    return q.getColumn(0).getInt64();
}

std::vector<Post> CommunityRepository::held_posts(std::string_view room) {
    SQLite::Statement q(db_, select_post("p.room = :room AND p.state = 1 ORDER BY p.id"));
    q.bind(":room", std::string(room));
    std::vector<Post> out;
    while (q.executeStep()) {
        out.push_back(read_post(q));
    }
    return out;
}

std::int64_t CommunityRepository::last_queued_ms(std::string_view member_key) {
    ResetOnExit guard{last_queued_};
    last_queued_.bind(":key", std::string(member_key));
    last_queued_.executeStep();
    return last_queued_.getColumn(0).getInt64();
}

std::string CommunityRepository::copy_wamid(std::int64_t post_id, std::string_view member_key) {
    ResetOnExit guard{copy_wamid_};
    copy_wamid_.bind(":key", "rooms.relay:" + std::to_string(post_id));
    copy_wamid_.bind(":to", std::string(member_key));
    if (copy_wamid_.executeStep()) {
        return copy_wamid_.getColumn(0).getString();
    }
    return {};
}

bool CommunityRepository::report(std::int64_t post_id, std::int64_t reporter_id, std::int64_t at_ms) {
    SQLite::Statement q(db_,
                        "INSERT INTO post_reports (post_id, reporter_id, at_ms) VALUES (:post, :who, :at) "
                        "ON CONFLICT (post_id, reporter_id) DO NOTHING");
    q.bind(":post", post_id);
    q.bind(":who", reporter_id);
    q.bind(":at", at_ms);
    return q.exec() == 1;
}

void CommunityRepository::log_action(std::int64_t actor_id, std::string_view action, std::string_view room,
                                     std::optional<std::int64_t> target_id, std::string_view detail,
                                     std::int64_t at_ms) {
    SQLite::Statement q(db_,
                        "INSERT INTO moderation_log (at_ms, actor_id, action, room, target_id, detail) "
                        "VALUES (:at, :actor, :action, :room, :target, :detail)");
    q.bind(":at", at_ms);
    q.bind(":actor", actor_id);
    q.bind(":action", std::string(action));
    q.bind(":room", std::string(room));
    if (target_id) {
        q.bind(":target", *target_id);
    }
    q.bind(":detail", std::string(detail));
    q.exec();
}

std::int64_t CommunityRepository::count_actions(std::string_view action) {
    SQLite::Statement q(db_, "SELECT count(*) FROM moderation_log WHERE action = :action");
    q.bind(":action", std::string(action));
    q.executeStep();
    return q.getColumn(0).getInt64();
}

void CommunityRepository::forget(const Profile& member, std::int64_t now_ms) {
    const std::string id = std::to_string(member.id);
    auto run = [this](const char* sql, auto&&... binds) {
        SQLite::Statement q(db_, sql);
        int i = 1;
        ((q.bind(i++, binds)), ...);
        q.exec();
    };
    // What moderators decided about them outlives their data: kept as salted hashes of their names, so that
    // writing again after FORGET ME does not undo a ban, a removal or a hold.
    {
        IdentityRepository identity(db_);
        SQLite::Statement q(db_, "SELECT room, state, held FROM room_members WHERE member_id = ?");
        q.bind(1, member.id);
        while (q.executeStep()) {
            const auto state = static_cast<MembershipState>(q.getColumn(1).getInt());
            const Bar bar = state == MembershipState::kBanned    ? Bar::kBanned
                            : state == MembershipState::kRemoved ? Bar::kRemoved
                            : q.getColumn(2).getInt() != 0       ? Bar::kHeld
                                                                 : Bar::kNone;
            identity.keep_bar(q.getColumn(0).getString(), member.wa_id, member.user_id, bar, now_ms);
        }
    }
    // Their posts: content gone; relays still queued for others are cancelled, sent ones emptied.
    run("UPDATE posts SET body = '[deleted]', media_id = '', mime_type = '', filename = '', latitude = NULL, "
        "longitude = NULL, state = 3 WHERE author_id = ?",
        member.id);
    run("UPDATE outbox SET payload = '', last_error = CASE WHEN status IN (0, 5) THEN 'author erased their data' "
        "ELSE last_error END, status = CASE WHEN status IN (0, 5) THEN 4 ELSE status END "
        "WHERE logical_key IN (SELECT 'rooms.relay:' || id FROM posts WHERE author_id = ?)",
        member.id);
    if (!member.alias.empty()) {
        // Their alias as others saw it ("*Alias*") in anything else kept: replies, digests, reports.
        const std::string bold = "*" + member.alias + "*";
        run("UPDATE outbox SET payload = replace(payload, ?1, '*[deleted]*') WHERE instr(payload, ?1) > 0", bold);
        run("UPDATE moderation_log SET detail = replace(detail, ?1, '[deleted]') WHERE instr(detail, ?1) > 0",
            member.alias);
    }
    // Messages to them, and what their own webhooks carried.
    // Anything still waiting for them is cancelled (never sent to a placeholder); the message ids of what was
    // sent (they hold the number) go too.
    run("UPDATE outbox SET recipient = 'erased:' || id, payload = '', wamid = NULL, "
        "last_error = CASE WHEN status IN (0, 5) THEN 'member erased their data' ELSE last_error END, "
        "status = CASE WHEN status IN (0, 5) THEN 4 ELSE status END WHERE recipient = ?",
        member.key);
    // Their webhooks: the payload goes, and the dedupe key (a message id, which holds the number) becomes its
    // one-way ref. Meta does not resend a webhook we acknowledged, so the ref is only ever compared by itself.
    {
        std::vector<std::pair<std::int64_t, std::string>> keys;
        SQLite::Statement q(db_, "SELECT id, dedupe_key FROM inbox WHERE member_key = ?");
        q.bind(1, member.key);
        while (q.executeStep()) {
            keys.emplace_back(q.getColumn(0).getInt64(), q.getColumn(1).getString());
        }
        for (const auto& [row, key] : keys) {
            run("UPDATE OR IGNORE inbox SET dedupe_key = ? WHERE id = ?", "erased:" + core::message_ref(key), row);
        }
    }
    run("UPDATE inbox SET member_key = '', payload = '{}' WHERE member_key = ?", member.key);
    run("DELETE FROM quarantine WHERE instr(body, ?) > 0", member.key);
    if (!member.user_id.empty() && member.user_id != member.key) {
        run("DELETE FROM quarantine WHERE instr(body, ?) > 0", member.user_id);
    }
    // Their own messages' ids (which hold their number): the posts stay, as "[deleted]", under a placeholder.
    run("UPDATE posts SET wamid = 'erased:' || id WHERE author_id = ?", member.id);
    run("DELETE FROM room_members WHERE member_id = ?", member.id);
    // The WAL still holds the pages as they were before this erasure: the checkpointer truncates it next.
    request_wal_truncate();
    run("UPDATE members SET member_key = 'forgotten:' || id, wa_id = '', user_id = '', alias = NULL, "
        "alias_key = NULL, stopped = 1, forgotten = 1, current_room = '', stage = 0, consent_version = '', "
        "digest_day = '', admin = 0 WHERE id = ?",
        member.id);
    (void)id;
}

}  // namespace delvex::store
