#include "bot/store/database.hpp"

#include <SQLiteCpp/Transaction.h>

#include <array>
#include <stdexcept>
#include <string>
#include <string_view>

// The schema as numbered migrations, applied in order when a database is opened (Database calls migrate()).

namespace delvex::store {
namespace {

// Numbered migrations: index + 1 is the user_version after applying it. Append only; never edit a
// migration that has shipped.
constexpr std::array<std::string_view, 21> kMigrations = {
    // 1: inbox (every webhook update, deduped), quarantine, members, outbox.
    R"sql(
CREATE TABLE inbox (
    id              INTEGER PRIMARY KEY,
    dedupe_key      TEXT    NOT NULL UNIQUE,
    kind            INTEGER NOT NULL,
    member_key      TEXT    NOT NULL DEFAULT '',
    phone_number_id TEXT    NOT NULL DEFAULT '',
    event_ts        INTEGER NOT NULL DEFAULT 0,
    received_ms     INTEGER NOT NULL,
    payload         TEXT    NOT NULL,
    state           INTEGER NOT NULL DEFAULT 0,
    attempts        INTEGER NOT NULL DEFAULT 0,
    last_error      TEXT,
    done_ms         INTEGER
);
CREATE INDEX inbox_pending ON inbox(id) WHERE state = 0;

CREATE TABLE quarantine (
    id          INTEGER PRIMARY KEY,
    received_ms INTEGER NOT NULL,
    reason      TEXT    NOT NULL,
    body        BLOB    NOT NULL
);

CREATE TABLE members (
    id           INTEGER PRIMARY KEY,
    member_key   TEXT    NOT NULL UNIQUE,
    wa_id        TEXT    NOT NULL DEFAULT '',
    user_id      TEXT    NOT NULL DEFAULT '',
    language     TEXT    NOT NULL,
    first_seen   INTEGER NOT NULL,
    last_inbound INTEGER NOT NULL
);

CREATE TABLE outbox (
    id              INTEGER PRIMARY KEY,
    logical_key     TEXT    NOT NULL,
    recipient       TEXT    NOT NULL,
    kind            TEXT    NOT NULL,
    payload         TEXT    NOT NULL,
    status          INTEGER NOT NULL DEFAULT 0,
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_ms INTEGER NOT NULL,
    wamid           TEXT UNIQUE,
    last_error      TEXT,
    created_ms      INTEGER NOT NULL,
    updated_ms      INTEGER NOT NULL,
    UNIQUE (logical_key, recipient)
);
CREATE INDEX outbox_due ON outbox(next_attempt_ms) WHERE status = 0;
)sql",
    // 2: delivery. The outbox is rebuilt because coalesced rows share one wamid (migration 1 made it
    // UNIQUE). New columns: purpose (picks the template when the 24 h window is closed), encoding (0 = the
    // payload is plain text, 1 = a whole OutgoingMessage in the delivery codec), claimed (held in the
    // dispatcher's memory; cleared at start), sent_ms. Status 5 = held for the member's digest.
    // outbox_status_parked keeps status webhooks that beat our own commit of their wamid.
    R"sql(
CREATE TABLE outbox_v2 (
    id              INTEGER PRIMARY KEY,
    logical_key     TEXT    NOT NULL,
    recipient       TEXT    NOT NULL,
    kind            TEXT    NOT NULL,
    payload         TEXT    NOT NULL,
    encoding        INTEGER NOT NULL DEFAULT 0,
    purpose         TEXT    NOT NULL DEFAULT '',
    status          INTEGER NOT NULL DEFAULT 0,
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_ms INTEGER NOT NULL,
    claimed         INTEGER NOT NULL DEFAULT 0,
    wamid           TEXT,
    last_error      TEXT,
    created_ms      INTEGER NOT NULL,
    updated_ms      INTEGER NOT NULL,
    sent_ms         INTEGER,
    UNIQUE (logical_key, recipient)
);
INSERT INTO outbox_v2 (id, logical_key, recipient, kind, payload, status, attempts, next_attempt_ms, wamid,
                       last_error, created_ms, updated_ms)
    SELECT id, logical_key, recipient, kind, payload, status, attempts, next_attempt_ms, wamid, last_error,
           created_ms, updated_ms FROM outbox;
DROP TABLE outbox;
ALTER TABLE outbox_v2 RENAME TO outbox;
CREATE INDEX outbox_due ON outbox(next_attempt_ms, id) WHERE status = 0 AND claimed = 0;
CREATE INDEX outbox_wamid ON outbox(wamid) WHERE wamid IS NOT NULL;
CREATE INDEX outbox_recipient ON outbox(recipient, status);
CREATE INDEX outbox_failed ON outbox(updated_ms) WHERE status = 4;

CREATE TABLE outbox_status_parked (
    wamid       TEXT    NOT NULL,
    status      INTEGER NOT NULL,
    error       TEXT    NOT NULL DEFAULT '',
    received_ms INTEGER NOT NULL,
    PRIMARY KEY (wamid, status)
);
)sql",
    // 3: jobs — the scheduler's durable timers (forum reminders, room digests, lesson nudges). A job is
    // unique by key, so scheduling the same reminder twice keeps one; state 0 = waiting, 1 = done,
    // 2 = dropped (missed while down and no longer useful), 3 = failed (the handler threw; kept).
    R"sql(
CREATE TABLE jobs (
    id          INTEGER PRIMARY KEY,
    job_key     TEXT    NOT NULL UNIQUE,
    kind        TEXT    NOT NULL,
    due_ms      INTEGER NOT NULL,
    expires_ms  INTEGER NOT NULL,
    payload     TEXT    NOT NULL DEFAULT '',
    state       INTEGER NOT NULL DEFAULT 0,
    last_error  TEXT,
    created_ms  INTEGER NOT NULL,
    done_ms     INTEGER
);
CREATE INDEX jobs_due ON jobs(due_ms, id) WHERE state = 0;
)sql",
    // 4: forums. A series keeps its rule as text (RRULE, IANA zone, local DTSTART) and a sequence bumped on
    // every change calendar apps should see. An occurrence is named by its rule-generated local start
    // (iCalendar's RECURRENCE-ID, 'YYYYMMDDTHHMMSS'); overrides cancel (kind 1) or move (kind 2) one.
    // RSVP status 1 = ACCEPTED, 2 = TENTATIVE, 3 = DECLINED; waitlisted rows are ACCEPTED beyond capacity,
    // ordered by since_ms then rowid. Attendance source 1 = moderator, 2 = the member. forum_drafts holds a
    // moderator's guided chat flow; forum_member_zones a member's own zone (else the room's).
    R"sql(
CREATE TABLE forum_series (
    id            INTEGER PRIMARY KEY,
    room          TEXT    NOT NULL,
    title         TEXT    NOT NULL,
    agenda        TEXT    NOT NULL DEFAULT '',
    join_kind     TEXT    NOT NULL DEFAULT 'link',
    join_info     TEXT    NOT NULL DEFAULT '',
    rrule         TEXT    NOT NULL,
    tz            TEXT    NOT NULL,
    dtstart_local TEXT    NOT NULL,
    duration_min  INTEGER NOT NULL DEFAULT 60,
    capacity      INTEGER NOT NULL DEFAULT 0,
    hosts         TEXT    NOT NULL DEFAULT '',
    created_by    TEXT    NOT NULL DEFAULT '',
    cancelled     INTEGER NOT NULL DEFAULT 0,
    sequence      INTEGER NOT NULL DEFAULT 0,
    created_ms    INTEGER NOT NULL,
    updated_ms    INTEGER NOT NULL
);
CREATE INDEX forum_series_room ON forum_series(room);

CREATE TABLE forum_texts (
    series_id INTEGER NOT NULL REFERENCES forum_series(id) ON DELETE CASCADE,
    language  TEXT    NOT NULL,
    title     TEXT    NOT NULL,
    agenda    TEXT    NOT NULL DEFAULT '',
    PRIMARY KEY (series_id, language)
);

CREATE TABLE forum_overrides (
    series_id      INTEGER NOT NULL REFERENCES forum_series(id) ON DELETE CASCADE,
    original_local TEXT    NOT NULL,
    kind           INTEGER NOT NULL,
    moved_to_local TEXT,
    updated_ms     INTEGER NOT NULL,
    PRIMARY KEY (series_id, original_local)
);

CREATE TABLE forum_rsvps (
    series_id   INTEGER NOT NULL REFERENCES forum_series(id) ON DELETE CASCADE,
    occurrence  TEXT    NOT NULL,
    member_key  TEXT    NOT NULL,
    status      INTEGER NOT NULL,
    waitlisted  INTEGER NOT NULL DEFAULT 0,
    since_ms    INTEGER NOT NULL,
    updated_ms  INTEGER NOT NULL,
    PRIMARY KEY (series_id, occurrence, member_key)
);
CREATE INDEX forum_rsvps_member ON forum_rsvps(member_key);

CREATE TABLE forum_attendance (
    series_id   INTEGER NOT NULL REFERENCES forum_series(id) ON DELETE CASCADE,
    occurrence  TEXT    NOT NULL,
    member_key  TEXT    NOT NULL,
    source      INTEGER NOT NULL,
    recorded_ms INTEGER NOT NULL,
    PRIMARY KEY (series_id, occurrence, member_key)
);

CREATE TABLE forum_feedback (
    series_id   INTEGER NOT NULL REFERENCES forum_series(id) ON DELETE CASCADE,
    occurrence  TEXT    NOT NULL,
    member_key  TEXT    NOT NULL,
    rating      INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 5),
    comment     TEXT    NOT NULL DEFAULT '',
    recorded_ms INTEGER NOT NULL,
    PRIMARY KEY (series_id, occurrence, member_key)
);

CREATE TABLE forum_recaps (
    id          INTEGER PRIMARY KEY,
    series_id   INTEGER NOT NULL REFERENCES forum_series(id) ON DELETE CASCADE,
    occurrence  TEXT    NOT NULL,
    member_key  TEXT    NOT NULL,
    kind        TEXT    NOT NULL,
    body        TEXT    NOT NULL,
    posted_ms   INTEGER NOT NULL
);

CREATE TABLE forum_drafts (
    member_key TEXT    PRIMARY KEY,
    step       TEXT    NOT NULL,
    data       TEXT    NOT NULL DEFAULT '{}',
    updated_ms INTEGER NOT NULL
);

CREATE TABLE forum_member_zones (
    member_key TEXT PRIMARY KEY,
    tz         TEXT NOT NULL
);
)sql",
    // 5: academy. Learner profiles (several per shared phone, each with its own consent), the member's
    // academy session (who is learning, what the next plain text means), progress per profile and module
    // (plan = the step ids of the module version started, so content edits never break a learner midway),
    // every answer, and certificates (verifiable by code; never a phone number).
    R"sql(
CREATE TABLE academy_profiles (
    id          INTEGER PRIMARY KEY,
    member_key  TEXT    NOT NULL,
    name        TEXT    NOT NULL,
    consent_ms  INTEGER,
    created_ms  INTEGER NOT NULL,
    UNIQUE (member_key, name)
);

CREATE TABLE academy_sessions (
    member_key  TEXT    PRIMARY KEY,
    profile_id  INTEGER,
    mode        INTEGER NOT NULL DEFAULT 0,
    module_id   TEXT    NOT NULL DEFAULT '',
    low_data    INTEGER NOT NULL DEFAULT 1,
    nudges      INTEGER NOT NULL DEFAULT 0,
    updated_ms  INTEGER NOT NULL
);

CREATE TABLE academy_progress (
    profile_id     INTEGER NOT NULL REFERENCES academy_profiles(id) ON DELETE CASCADE,
    module_id      TEXT    NOT NULL,
    module_version INTEGER NOT NULL,
    plan           TEXT    NOT NULL,
    position       INTEGER NOT NULL DEFAULT 0,
    tries_used     INTEGER NOT NULL DEFAULT 0,
    quiz_total     INTEGER NOT NULL DEFAULT 0,
    quiz_right     INTEGER NOT NULL DEFAULT 0,
    pass_mark      INTEGER NOT NULL,
    status         INTEGER NOT NULL DEFAULT 0,
    score          INTEGER,
    attempts       INTEGER NOT NULL DEFAULT 1,
    started_ms     INTEGER NOT NULL,
    updated_ms     INTEGER NOT NULL,
    completed_ms   INTEGER,
    PRIMARY KEY (profile_id, module_id)
);

CREATE TABLE academy_answers (
    id          INTEGER PRIMARY KEY,
    profile_id  INTEGER NOT NULL REFERENCES academy_profiles(id) ON DELETE CASCADE,
    module_id   TEXT    NOT NULL,
    step_id     TEXT    NOT NULL,
    answer      TEXT    NOT NULL,
    correct     INTEGER NOT NULL,
    at_ms       INTEGER NOT NULL
);
CREATE INDEX academy_answers_profile ON academy_answers(profile_id, module_id);

CREATE TABLE academy_certificates (
    code           TEXT    PRIMARY KEY,
    profile_id     INTEGER REFERENCES academy_profiles(id) ON DELETE SET NULL,
    module_id      TEXT    NOT NULL,
    module_version INTEGER NOT NULL,
    learner_name   TEXT    NOT NULL,
    module_title   TEXT    NOT NULL,
    score          INTEGER NOT NULL,
    issued_ms      INTEGER NOT NULL
);
CREATE INDEX academy_certificates_profile ON academy_certificates(profile_id);
)sql",
    // 6: rooms: members gain their onboarding stage (0 language, 1 room, 2 alias, 3 consent, 4 active), alias
    // (alias_key = its case-folded form, unique), current room, delivery mode (0 live, 1 digest, 2 muted),
    // STOP flag, consent version and time, admin flag, digest and flood bookkeeping. room_members: role
    // 0 member / 1 moderator, state 0 active / 1 left / 2 removed / 3 banned; seen_post is the last post of
    // the room this member has received or been counted for (the digest cursor). posts: state 0 relayed,
    // 1 held for approval, 2 rejected, 3 deleted (author forgotten). The map from each relayed copy to its
    // post is the outbox itself (logical key "rooms.relay:<post>", wamid).
    R"sql(
ALTER TABLE members ADD COLUMN stage INTEGER NOT NULL DEFAULT 0;
ALTER TABLE members ADD COLUMN alias TEXT;
ALTER TABLE members ADD COLUMN alias_key TEXT;
ALTER TABLE members ADD COLUMN current_room TEXT NOT NULL DEFAULT '';
ALTER TABLE members ADD COLUMN mode INTEGER NOT NULL DEFAULT 0;
ALTER TABLE members ADD COLUMN stopped INTEGER NOT NULL DEFAULT 0;
ALTER TABLE members ADD COLUMN consent_version TEXT NOT NULL DEFAULT '';
ALTER TABLE members ADD COLUMN consent_ms INTEGER NOT NULL DEFAULT 0;
ALTER TABLE members ADD COLUMN admin INTEGER NOT NULL DEFAULT 0;
ALTER TABLE members ADD COLUMN imported INTEGER NOT NULL DEFAULT 0;
ALTER TABLE members ADD COLUMN forgotten INTEGER NOT NULL DEFAULT 0;
ALTER TABLE members ADD COLUMN digest_day TEXT NOT NULL DEFAULT '';
ALTER TABLE members ADD COLUMN digest_owed INTEGER NOT NULL DEFAULT 0;
ALTER TABLE members ADD COLUMN flood_start_ms INTEGER NOT NULL DEFAULT 0;
ALTER TABLE members ADD COLUMN flood_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE members ADD COLUMN posts INTEGER NOT NULL DEFAULT 0;
CREATE UNIQUE INDEX members_alias ON members(alias_key) WHERE alias_key IS NOT NULL;

CREATE TABLE room_members (
    room       TEXT    NOT NULL,
    member_id  INTEGER NOT NULL REFERENCES members(id),
    role       INTEGER NOT NULL DEFAULT 0,
    state      INTEGER NOT NULL DEFAULT 0,
    joined_ms  INTEGER NOT NULL,
    seen_post  INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (room, member_id)
) WITHOUT ROWID;
CREATE INDEX room_members_member ON room_members(member_id);

CREATE TABLE posts (
    id          INTEGER PRIMARY KEY,
    room        TEXT    NOT NULL,
    author_id   INTEGER NOT NULL REFERENCES members(id),
    wamid       TEXT    NOT NULL UNIQUE,
    kind        TEXT    NOT NULL,
    body        TEXT    NOT NULL DEFAULT '',
    media_id    TEXT    NOT NULL DEFAULT '',
    mime_type   TEXT    NOT NULL DEFAULT '',
    filename    TEXT    NOT NULL DEFAULT '',
    voice       INTEGER NOT NULL DEFAULT 0,
    latitude    REAL,
    longitude   REAL,
    reply_to    INTEGER,
    state       INTEGER NOT NULL DEFAULT 0,
    created_ms  INTEGER NOT NULL
);
CREATE INDEX posts_room ON posts(room, id);
CREATE INDEX posts_author ON posts(author_id);

CREATE TABLE post_reports (
    id          INTEGER PRIMARY KEY,
    post_id     INTEGER NOT NULL REFERENCES posts(id),
    reporter_id INTEGER NOT NULL REFERENCES members(id),
    at_ms       INTEGER NOT NULL,
    UNIQUE (post_id, reporter_id)
);

CREATE TABLE moderation_log (
    id         INTEGER PRIMARY KEY,
    at_ms      INTEGER NOT NULL,
    actor_id   INTEGER NOT NULL,
    action     TEXT    NOT NULL,
    room       TEXT    NOT NULL DEFAULT '',
    target_id  INTEGER,
    detail     TEXT    NOT NULL DEFAULT ''
);
)sql",
    // 7: how far the importer has taken each landing log segment into the inbox (LandingLog). Written in the
    // same transaction as the inbox rows, so a record is imported exactly once across crashes.
    R"sql(
CREATE TABLE landing_progress (
    segment INTEGER PRIMARY KEY,
    offset  INTEGER NOT NULL
);
)sql",
    // 8: delivery that loses nothing at the window's edge. priority 0 = an answer to the member's own action
    // (claimed before fan-out), 1 = everything else; window_closed = Meta said the window is closed (a 131047),
    // so the row goes by the window policy whatever our records say. wa_templates keeps Meta's review state of
    // each template (status webhooks, `delvex templates status`); wa_account the account's standing
    // (restrictions, messaging limit) from account webhooks.
    R"sql(
ALTER TABLE outbox ADD COLUMN priority INTEGER NOT NULL DEFAULT 1;
ALTER TABLE outbox ADD COLUMN window_closed INTEGER NOT NULL DEFAULT 0;
DROP INDEX outbox_due;
CREATE INDEX outbox_due ON outbox(priority, next_attempt_ms, id) WHERE status = 0 AND claimed = 0;
CREATE INDEX outbox_held ON outbox(recipient, id) WHERE status = 5;
CREATE INDEX outbox_templates_sent ON outbox(sent_ms) WHERE kind = 'template';

CREATE TABLE wa_templates (
    name       TEXT    NOT NULL,
    language   TEXT    NOT NULL,
    status     TEXT    NOT NULL,
    reason     TEXT    NOT NULL DEFAULT '',
    updated_ms INTEGER NOT NULL,
    PRIMARY KEY (name, language)
);

CREATE TABLE wa_account (
    key        TEXT    PRIMARY KEY,
    value      TEXT    NOT NULL,
    updated_ms INTEGER NOT NULL
);
)sql",
    // 9: members' media uploaded for relaying. Meta lets a business download a member's file by the inbound id
    // (7 days) but sends only ids the business uploaded (valid 30 days): each inbound file is downloaded and
    // uploaded once, and every copy of the post goes with the uploaded id.
    R"sql(
CREATE TABLE media_uploads (
    inbound_id  TEXT    PRIMARY KEY,
    uploaded_id TEXT    NOT NULL,
    mime_type   TEXT    NOT NULL,
    uploaded_ms INTEGER NOT NULL,
    expires_ms  INTEGER NOT NULL
);
)sql",
    // 10 (ops: readiness): one row the service rewrites when /readyz asks, to show the database takes writes
    // and the writer thread runs its jobs (store::write_heartbeat).
    R"sql(
CREATE TABLE ops_heartbeat (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    written_ms INTEGER NOT NULL
);
)sql",
    // 11 (media store): members' files kept on disk. A row is made when a member posts a file (author, their
    // language, what the webhook said) and completed when the dispatcher has downloaded it (content hash and
    // where it is stored), so that FORGET ME deletes the member's files and the retention purge old ones.
    R"sql(
CREATE TABLE media_files (
    media_id        TEXT    PRIMARY KEY,
    member_id       INTEGER NOT NULL DEFAULT 0,
    language        TEXT    NOT NULL DEFAULT '',
    kind            TEXT    NOT NULL DEFAULT '',
    expected_sha256 TEXT    NOT NULL DEFAULT '',
    mime_type       TEXT    NOT NULL DEFAULT '',
    sha256          TEXT    NOT NULL DEFAULT '',
    path            TEXT    NOT NULL DEFAULT '',
    size            INTEGER NOT NULL DEFAULT 0,
    created_ms      INTEGER NOT NULL,
    stored_ms       INTEGER NOT NULL DEFAULT 0,
    failed_ms       INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX media_files_member ON media_files (member_id);
CREATE INDEX media_files_created ON media_files (created_ms);
CREATE INDEX media_files_path ON media_files (path);
)sql",
    // 12 (academy): a certificate keeps the language it was issued in (its verification page and image speak
    // it). Miners' tips (TIP): the author (members id; the alias is read at publication), the room whose
    // moderators decide, the tip's language, its text and an optional photo or voice note (the inbound media
    // id); state 0 waiting for a moderator, 1 published, 2 rejected. tip_views: which members saw a published
    // tip, counted once each. tip_drafts: a member who sent TIP and whose next message is the tip (kind 0), or
    // a moderator whose next text is the edited tip (kind 1).
    R"sql(
ALTER TABLE academy_certificates ADD COLUMN lang TEXT NOT NULL DEFAULT 'en';

CREATE TABLE academy_tips (
    id          INTEGER PRIMARY KEY,
    author_id   INTEGER NOT NULL,
    room        TEXT    NOT NULL,
    lang        TEXT    NOT NULL,
    text        TEXT    NOT NULL,
    media_kind  TEXT    NOT NULL DEFAULT '',
    media_id    TEXT    NOT NULL DEFAULT '',
    state       INTEGER NOT NULL DEFAULT 0,
    created_ms  INTEGER NOT NULL,
    decided_ms  INTEGER NOT NULL DEFAULT 0,
    decided_by  INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX academy_tips_lang ON academy_tips(state, lang);

CREATE TABLE academy_tip_views (
    tip_id     INTEGER NOT NULL REFERENCES academy_tips(id) ON DELETE CASCADE,
    member_id  INTEGER NOT NULL,
    at_ms      INTEGER NOT NULL,
    PRIMARY KEY (tip_id, member_id)
);

CREATE TABLE academy_tip_drafts (
    member_id  INTEGER PRIMARY KEY,
    kind       INTEGER NOT NULL,
    tip_id     INTEGER NOT NULL DEFAULT 0,
    at_ms      INTEGER NOT NULL
);
)sql",
    // 13 (one person, one member): members are found by number or BSUID (indexes); a hold is a lasting mark
    // on the membership (held = 1 until a moderator lifts it, through LEAVE and JOIN); identity_bars keeps a
    // ban (3), removal (2) or hold (1) in a room after FORGET ME, under HMAC-SHA256 of each of the member's
    // names with identity_salt, a random key made once per database (never the number itself).
    R"sql(
CREATE INDEX members_wa_id ON members (wa_id);
CREATE INDEX members_user_id ON members (user_id);
ALTER TABLE room_members ADD COLUMN held INTEGER NOT NULL DEFAULT 0;
UPDATE room_members SET held = 1 WHERE state = 4;
CREATE TABLE identity_salt (salt BLOB NOT NULL);
INSERT INTO identity_salt (salt) VALUES (randomblob(32));
CREATE TABLE identity_bars (
    room       TEXT    NOT NULL,
    name_hash  TEXT    NOT NULL,
    bar        INTEGER NOT NULL,
    at_ms      INTEGER NOT NULL,
    PRIMARY KEY (room, name_hash)
);
)sql",
    // 14 (aliases: look-alikes, security review M-6): the alias's confusable skeleton (community::alias_skeleton,
    // computed in C++ by ICU), compared when an alias is chosen so that "Аѕһа" (Cyrillic) cannot copy "Asha".
    // Not unique: two aliases chosen before this migration may share one. Rows from before it have none until
    // CommunityRepository::set_alias fills the missing ones (members_alias_unfolded finds them). An alias that
    // is erased (FORGET ME sets it NULL) takes its skeleton with it.
    R"sql(
ALTER TABLE members ADD COLUMN alias_skeleton TEXT;
CREATE INDEX members_alias_skeleton ON members(alias_skeleton) WHERE alias_skeleton IS NOT NULL;
CREATE INDEX members_alias_unfolded ON members(id) WHERE alias IS NOT NULL AND alias_skeleton IS NULL;
CREATE TRIGGER members_alias_skeleton_erased AFTER UPDATE OF alias ON members
WHEN NEW.alias IS NULL AND NEW.alias_skeleton IS NOT NULL
BEGIN
    UPDATE members SET alias_skeleton = NULL WHERE id = NEW.id;
END;
)sql",
    // 15 (audit log, security review L-14): every write made by a person through an operator surface, generic
    // so that the admin API (actor "admin-token"), moderators' chat actions and a web console can share it
    // (store::AuditRepository). at = Unix milliseconds.
    R"sql(
CREATE TABLE audit_log (
    id      INTEGER PRIMARY KEY,
    at      INTEGER NOT NULL,
    actor   TEXT    NOT NULL,
    action  TEXT    NOT NULL,
    target  TEXT    NOT NULL DEFAULT '',
    detail  TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX audit_log_actor ON audit_log(actor, id);
)sql",
    // 16 (chat): a member's text that could be a room post or an answer to a pending prompt waits here until
    // the member taps where it goes (bot/events/chat_hold). member_id is members.id; wamid the member's own
    // message (it becomes the post's); context_wamid the message it quoted, if any.
    R"sql(
CREATE TABLE chat_held (
    id             INTEGER PRIMARY KEY,
    member_id      INTEGER NOT NULL,
    wamid          TEXT    NOT NULL UNIQUE,
    body           TEXT    NOT NULL,
    context_wamid  TEXT    NOT NULL DEFAULT '',
    created_ms     INTEGER NOT NULL
);
CREATE INDEX chat_held_member ON chat_held (member_id);
)sql",
    // 17 (moderation, bot/moderation): a report is open until a moderator decides on its post (closed_ms = when);
    // only open reports count toward the automatic hold and put a post in the QUEUE. posts.state gains 5 (taken
    // down by a moderator) and 6 (held after reports): neither is read by digests or catch-up.
    R"sql(
ALTER TABLE post_reports ADD COLUMN closed_ms INTEGER NOT NULL DEFAULT 0;
CREATE INDEX post_reports_open ON post_reports (post_id) WHERE closed_ms = 0;
)sql",
    // 18 (rooms: edits, deletions, reactions): a post its author edited in WhatsApp says so in digests; one
    // reaction per member and post, counted for digests and catch-up; shown_reaction is the emoji the bot put on
    // the author's own message (WhatsApp keeps one reaction per sender, so it shows the most given one).
    // posts.state gains 7 (revoked: its author deleted it in WhatsApp), read by neither digests nor catch-up.
    R"sql(
ALTER TABLE posts ADD COLUMN edited INTEGER NOT NULL DEFAULT 0;
ALTER TABLE posts ADD COLUMN shown_reaction TEXT NOT NULL DEFAULT '';
CREATE TABLE post_reactions (
    post_id    INTEGER NOT NULL,
    member_id  INTEGER NOT NULL,
    emoji      TEXT    NOT NULL,
    at_ms      INTEGER NOT NULL,
    PRIMARY KEY (post_id, member_id)
);
CREATE INDEX post_reactions_member ON post_reactions (member_id);
)sql",
    // 19 (web console): named accounts (admin, staff, moderator of given rooms) with argon2id password hashes;
    // sessions keyed by the SHA-256 of their cookie token (the token itself is never stored), each with its
    // CSRF token; named API tokens per account, stored the same way and revocable.
    R"sql(
CREATE TABLE console_users (
    id            INTEGER PRIMARY KEY,
    name          TEXT    NOT NULL UNIQUE COLLATE NOCASE,
    password_hash TEXT    NOT NULL,
    role          TEXT    NOT NULL CHECK (role IN ('admin', 'staff', 'moderator')),
    rooms         TEXT    NOT NULL DEFAULT '',
    language      TEXT    NOT NULL DEFAULT 'en',
    created_ms    INTEGER NOT NULL,
    disabled_ms   INTEGER
);
CREATE TABLE console_sessions (
    token_hash  TEXT    PRIMARY KEY,
    user_id     INTEGER NOT NULL REFERENCES console_users (id) ON DELETE CASCADE,
    csrf        TEXT    NOT NULL,
    created_ms  INTEGER NOT NULL,
    expires_ms  INTEGER NOT NULL
);
CREATE INDEX console_sessions_user ON console_sessions (user_id);
CREATE TABLE console_tokens (
    token_hash  TEXT    PRIMARY KEY,
    user_id     INTEGER NOT NULL REFERENCES console_users (id) ON DELETE CASCADE,
    label       TEXT    NOT NULL,
    created_ms  INTEGER NOT NULL,
    revoked_ms  INTEGER
);
)sql",
    // 20 (console statistics): what the console's overview, Academy funnel, delivery health and funders' report
    // read, kept as counters so that a page reads a few hundred rows however large the programme.
    // room_events: one anonymous row per change of a membership or of a member's delivery (no member id, so FORGET
    // ME leaves nothing here): kind 'join', 'leave', 'removed', 'banned', 'forgotten' for the room; 'stop',
    // 'resume', 'live', 'digest', 'muted' once per room the member is active in. Joins of the active members
    // before this migration are taken from room_members.joined_ms.
    // console_counts: per UTC month ("YYYY-MM"; forums: the month of the occurrence's local start), room and
    // metric, kept by the triggers below in the writer's own transaction: every room_events kind, 'posts',
    // 'reports', 'rsvp_1' / 'rsvp_2' / 'rsvp_3' (RSVP status now), 'attended', 'rating_count', 'rating_sum',
    // 'academy_start', 'academy_pass', 'certificate' (Academy numbers under the learner's current room then).
    // room_mode_counts: active memberships (state 0 or 4) of members not forgotten by bucket (0 live, 1 digest,
    // 2 muted, 3 stopped), kept by triggers. academy_question_counts: per quiz step, answers, learners who
    // answered, and learners whose first answer was right.
    // outbox.pricing: the pricing category of the first status webhook of a message that carried one, so that
    // sent, delivered and read count the message once; message_costs counts it per UTC day, the recipient's
    // current room and category (billable = how many of them Meta bills). delivery_halts: each halt of all
    // sending and each resume, with the reason.
    R"sql(
CREATE TABLE console_counts (
    month   TEXT    NOT NULL,
    room    TEXT    NOT NULL,
    metric  TEXT    NOT NULL,
    n       INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (month, room, metric)
) WITHOUT ROWID;

CREATE TABLE room_events (
    room   TEXT    NOT NULL,
    kind   TEXT    NOT NULL,
    at_ms  INTEGER NOT NULL
);
CREATE TRIGGER room_events_counted AFTER INSERT ON room_events BEGIN
    INSERT INTO console_counts (month, room, metric, n)
    VALUES (strftime('%Y-%m', NEW.at_ms / 1000, 'unixepoch'), NEW.room, NEW.kind, 1)
    ON CONFLICT (month, room, metric) DO UPDATE SET n = n + 1;
END;
INSERT INTO room_events (room, kind, at_ms) SELECT room, 'join', joined_ms FROM room_members WHERE state IN (0, 4);
-- A membership erased with its member (FORGET ME) leaves the room too.
CREATE TRIGGER room_members_erased AFTER DELETE ON room_members WHEN OLD.state IN (0, 4) BEGIN
    INSERT INTO room_events (room, kind, at_ms)
    VALUES (OLD.room, 'forgotten', CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
END;

CREATE TRIGGER posts_counted AFTER INSERT ON posts BEGIN
    INSERT INTO console_counts (month, room, metric, n)
    VALUES (strftime('%Y-%m', NEW.created_ms / 1000, 'unixepoch'), NEW.room, 'posts', 1)
    ON CONFLICT (month, room, metric) DO UPDATE SET n = n + 1;
END;
INSERT INTO console_counts (month, room, metric, n)
    SELECT strftime('%Y-%m', created_ms / 1000, 'unixepoch'), room, 'posts', count(*) FROM posts GROUP BY 1, 2;

CREATE TRIGGER post_reports_counted AFTER INSERT ON post_reports BEGIN
    INSERT INTO console_counts (month, room, metric, n)
    SELECT strftime('%Y-%m', NEW.at_ms / 1000, 'unixepoch'), p.room, 'reports', 1 FROM posts p WHERE p.id = NEW.post_id
    ON CONFLICT (month, room, metric) DO UPDATE SET n = n + 1;
END;
INSERT INTO console_counts (month, room, metric, n)
    SELECT strftime('%Y-%m', r.at_ms / 1000, 'unixepoch'), p.room, 'reports', count(*)
    FROM post_reports r JOIN posts p ON p.id = r.post_id GROUP BY 1, 2;

CREATE TRIGGER forum_rsvps_counted AFTER INSERT ON forum_rsvps BEGIN
    INSERT INTO console_counts (month, room, metric, n)
    SELECT substr(NEW.occurrence, 1, 4) || '-' || substr(NEW.occurrence, 5, 2), s.room, 'rsvp_' || NEW.status, 1
    FROM forum_series s WHERE s.id = NEW.series_id
    ON CONFLICT (month, room, metric) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER forum_rsvps_changed AFTER UPDATE OF status ON forum_rsvps WHEN OLD.status <> NEW.status BEGIN
    UPDATE console_counts SET n = n - 1
    WHERE month = substr(OLD.occurrence, 1, 4) || '-' || substr(OLD.occurrence, 5, 2)
      AND room = (SELECT room FROM forum_series WHERE id = OLD.series_id) AND metric = 'rsvp_' || OLD.status;
    INSERT INTO console_counts (month, room, metric, n)
    SELECT substr(NEW.occurrence, 1, 4) || '-' || substr(NEW.occurrence, 5, 2), s.room, 'rsvp_' || NEW.status, 1
    FROM forum_series s WHERE s.id = NEW.series_id
    ON CONFLICT (month, room, metric) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER forum_rsvps_removed AFTER DELETE ON forum_rsvps BEGIN
    UPDATE console_counts SET n = n - 1
    WHERE month = substr(OLD.occurrence, 1, 4) || '-' || substr(OLD.occurrence, 5, 2)
      AND room = (SELECT room FROM forum_series WHERE id = OLD.series_id) AND metric = 'rsvp_' || OLD.status;
END;
INSERT INTO console_counts (month, room, metric, n)
    SELECT substr(x.occurrence, 1, 4) || '-' || substr(x.occurrence, 5, 2), s.room, 'rsvp_' || x.status, count(*)
    FROM forum_rsvps x JOIN forum_series s ON s.id = x.series_id GROUP BY 1, 2, 3;

CREATE TRIGGER forum_attendance_counted AFTER INSERT ON forum_attendance BEGIN
    INSERT INTO console_counts (month, room, metric, n)
    SELECT substr(NEW.occurrence, 1, 4) || '-' || substr(NEW.occurrence, 5, 2), s.room, 'attended', 1
    FROM forum_series s WHERE s.id = NEW.series_id
    ON CONFLICT (month, room, metric) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER forum_attendance_removed AFTER DELETE ON forum_attendance BEGIN
    UPDATE console_counts SET n = n - 1
    WHERE month = substr(OLD.occurrence, 1, 4) || '-' || substr(OLD.occurrence, 5, 2)
      AND room = (SELECT room FROM forum_series WHERE id = OLD.series_id) AND metric = 'attended';
END;
INSERT INTO console_counts (month, room, metric, n)
    SELECT substr(x.occurrence, 1, 4) || '-' || substr(x.occurrence, 5, 2), s.room, 'attended', count(*)
    FROM forum_attendance x JOIN forum_series s ON s.id = x.series_id GROUP BY 1, 2;

CREATE TRIGGER forum_feedback_counted AFTER INSERT ON forum_feedback BEGIN
    INSERT INTO console_counts (month, room, metric, n)
    SELECT substr(NEW.occurrence, 1, 4) || '-' || substr(NEW.occurrence, 5, 2), s.room, m.metric, m.n
    FROM forum_series s, (SELECT 'rating_count' AS metric, 1 AS n UNION ALL SELECT 'rating_sum', NEW.rating) m
    WHERE s.id = NEW.series_id
    ON CONFLICT (month, room, metric) DO UPDATE SET n = n + excluded.n;
END;
CREATE TRIGGER forum_feedback_changed AFTER UPDATE OF rating ON forum_feedback WHEN OLD.rating <> NEW.rating BEGIN
    UPDATE console_counts SET n = n + NEW.rating - OLD.rating
    WHERE month = substr(NEW.occurrence, 1, 4) || '-' || substr(NEW.occurrence, 5, 2)
      AND room = (SELECT room FROM forum_series WHERE id = NEW.series_id) AND metric = 'rating_sum';
END;
CREATE TRIGGER forum_feedback_removed AFTER DELETE ON forum_feedback BEGIN
    UPDATE console_counts SET n = n - CASE metric WHEN 'rating_sum' THEN OLD.rating ELSE 1 END
    WHERE month = substr(OLD.occurrence, 1, 4) || '-' || substr(OLD.occurrence, 5, 2)
      AND room = (SELECT room FROM forum_series WHERE id = OLD.series_id) AND metric IN ('rating_count', 'rating_sum');
END;
INSERT INTO console_counts (month, room, metric, n)
    SELECT substr(x.occurrence, 1, 4) || '-' || substr(x.occurrence, 5, 2), s.room, 'rating_count', count(*)
    FROM forum_feedback x JOIN forum_series s ON s.id = x.series_id GROUP BY 1, 2;
INSERT INTO console_counts (month, room, metric, n)
    SELECT substr(x.occurrence, 1, 4) || '-' || substr(x.occurrence, 5, 2), s.room, 'rating_sum', sum(x.rating)
    FROM forum_feedback x JOIN forum_series s ON s.id = x.series_id GROUP BY 1, 2;

CREATE TRIGGER academy_start_counted AFTER INSERT ON academy_progress BEGIN
    INSERT INTO console_counts (month, room, metric, n)
    VALUES (strftime('%Y-%m', NEW.started_ms / 1000, 'unixepoch'),
            coalesce((SELECT m.current_room FROM academy_profiles p JOIN members m ON m.member_key = p.member_key
                      WHERE p.id = NEW.profile_id), ''), 'academy_start', 1)
    ON CONFLICT (month, room, metric) DO UPDATE SET n = n + 1;
    INSERT INTO console_counts (month, room, metric, n)
    SELECT strftime('%Y-%m', coalesce(NEW.completed_ms, NEW.updated_ms) / 1000, 'unixepoch'),
           coalesce((SELECT m.current_room FROM academy_profiles p JOIN members m ON m.member_key = p.member_key
                     WHERE p.id = NEW.profile_id), ''), 'academy_pass', 1
    WHERE NEW.status = 1
    ON CONFLICT (month, room, metric) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER academy_restart_counted AFTER UPDATE OF started_ms ON academy_progress
WHEN NEW.started_ms <> OLD.started_ms BEGIN
    INSERT INTO console_counts (month, room, metric, n)
    VALUES (strftime('%Y-%m', NEW.started_ms / 1000, 'unixepoch'),
            coalesce((SELECT m.current_room FROM academy_profiles p JOIN members m ON m.member_key = p.member_key
                      WHERE p.id = NEW.profile_id), ''), 'academy_start', 1)
    ON CONFLICT (month, room, metric) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER academy_pass_counted AFTER UPDATE OF status ON academy_progress
WHEN NEW.status = 1 AND OLD.status <> 1 BEGIN
    INSERT INTO console_counts (month, room, metric, n)
    VALUES (strftime('%Y-%m', coalesce(NEW.completed_ms, NEW.updated_ms) / 1000, 'unixepoch'),
            coalesce((SELECT m.current_room FROM academy_profiles p JOIN members m ON m.member_key = p.member_key
                      WHERE p.id = NEW.profile_id), ''), 'academy_pass', 1)
    ON CONFLICT (month, room, metric) DO UPDATE SET n = n + 1;
END;
INSERT INTO console_counts (month, room, metric, n)
    SELECT strftime('%Y-%m', g.started_ms / 1000, 'unixepoch'), coalesce(m.current_room, ''), 'academy_start', count(*)
    FROM academy_progress g JOIN academy_profiles p ON p.id = g.profile_id
    LEFT JOIN members m ON m.member_key = p.member_key GROUP BY 1, 2;
INSERT INTO console_counts (month, room, metric, n)
    SELECT strftime('%Y-%m', coalesce(g.completed_ms, g.updated_ms) / 1000, 'unixepoch'), coalesce(m.current_room, ''),
           'academy_pass', count(*)
    FROM academy_progress g JOIN academy_profiles p ON p.id = g.profile_id
    LEFT JOIN members m ON m.member_key = p.member_key WHERE g.status = 1 GROUP BY 1, 2;

CREATE TRIGGER academy_certificate_counted AFTER INSERT ON academy_certificates BEGIN
    INSERT INTO console_counts (month, room, metric, n)
    VALUES (strftime('%Y-%m', NEW.issued_ms / 1000, 'unixepoch'),
            coalesce((SELECT m.current_room FROM academy_profiles p JOIN members m ON m.member_key = p.member_key
                      WHERE p.id = NEW.profile_id), ''), 'certificate', 1)
    ON CONFLICT (month, room, metric) DO UPDATE SET n = n + 1;
END;
INSERT INTO console_counts (month, room, metric, n)
    SELECT strftime('%Y-%m', c.issued_ms / 1000, 'unixepoch'), coalesce(m.current_room, ''), 'certificate', count(*)
    FROM academy_certificates c LEFT JOIN academy_profiles p ON p.id = c.profile_id
    LEFT JOIN members m ON m.member_key = p.member_key GROUP BY 1, 2;

CREATE TABLE room_mode_counts (
    room    TEXT    NOT NULL,
    bucket  INTEGER NOT NULL,
    n       INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (room, bucket)
) WITHOUT ROWID;
INSERT INTO room_mode_counts (room, bucket, n)
    SELECT r.room, CASE WHEN m.stopped <> 0 THEN 3 ELSE m.mode END, count(*)
    FROM room_members r JOIN members m ON m.id = r.member_id
    WHERE r.state IN (0, 4) AND m.forgotten = 0 GROUP BY 1, 2;
CREATE TRIGGER room_mode_joined AFTER INSERT ON room_members WHEN NEW.state IN (0, 4) BEGIN
    INSERT INTO room_mode_counts (room, bucket, n)
    SELECT NEW.room, CASE WHEN m.stopped <> 0 THEN 3 ELSE m.mode END, 1 FROM members m
    WHERE m.id = NEW.member_id AND m.forgotten = 0
    ON CONFLICT (room, bucket) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER room_mode_state AFTER UPDATE OF state ON room_members
WHEN (OLD.state IN (0, 4)) <> (NEW.state IN (0, 4)) BEGIN
    INSERT INTO room_mode_counts (room, bucket, n)
    SELECT NEW.room, CASE WHEN m.stopped <> 0 THEN 3 ELSE m.mode END, CASE WHEN NEW.state IN (0, 4) THEN 1 ELSE -1 END
    FROM members m WHERE m.id = NEW.member_id AND m.forgotten = 0
    ON CONFLICT (room, bucket) DO UPDATE SET n = n + excluded.n;
END;
CREATE TRIGGER room_mode_left AFTER DELETE ON room_members WHEN OLD.state IN (0, 4) BEGIN
    UPDATE room_mode_counts SET n = n - 1 WHERE room = OLD.room
      AND bucket = (SELECT CASE WHEN stopped <> 0 THEN 3 ELSE mode END FROM members WHERE id = OLD.member_id AND forgotten = 0);
END;
CREATE TRIGGER room_mode_member AFTER UPDATE OF mode, stopped, forgotten ON members
WHEN (CASE WHEN OLD.forgotten <> 0 THEN -1 WHEN OLD.stopped <> 0 THEN 3 ELSE OLD.mode END)
  <> (CASE WHEN NEW.forgotten <> 0 THEN -1 WHEN NEW.stopped <> 0 THEN 3 ELSE NEW.mode END) BEGIN
    UPDATE room_mode_counts SET n = n - 1
    WHERE OLD.forgotten = 0 AND bucket = (CASE WHEN OLD.stopped <> 0 THEN 3 ELSE OLD.mode END)
      AND room IN (SELECT room FROM room_members WHERE member_id = NEW.id AND state IN (0, 4));
    INSERT INTO room_mode_counts (room, bucket, n)
    SELECT room, CASE WHEN NEW.stopped <> 0 THEN 3 ELSE NEW.mode END, 1 FROM room_members
    WHERE member_id = NEW.id AND state IN (0, 4) AND NEW.forgotten = 0
    ON CONFLICT (room, bucket) DO UPDATE SET n = n + 1;
END;
CREATE INDEX room_members_moderators ON room_members (room) WHERE role = 1;

CREATE TABLE academy_question_counts (
    module_id    TEXT    NOT NULL,
    step_id      TEXT    NOT NULL,
    attempts     INTEGER NOT NULL DEFAULT 0,
    learners     INTEGER NOT NULL DEFAULT 0,
    first_right  INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (module_id, step_id)
) WITHOUT ROWID;
INSERT INTO academy_question_counts (module_id, step_id, attempts, learners, first_right)
    SELECT module_id, step_id, sum(tries), count(*), sum(first_right) FROM (
        SELECT module_id, step_id, count(*) AS tries, correct AS first_right, min(id)
        FROM academy_answers GROUP BY module_id, step_id, profile_id)
    GROUP BY module_id, step_id;
CREATE TRIGGER academy_answer_counted AFTER INSERT ON academy_answers BEGIN
    INSERT INTO academy_question_counts (module_id, step_id, attempts, learners, first_right)
    SELECT NEW.module_id, NEW.step_id, 1, f, f * (NEW.correct <> 0) FROM (
        SELECT NOT EXISTS (SELECT 1 FROM academy_answers a WHERE a.profile_id = NEW.profile_id
                           AND a.module_id = NEW.module_id AND a.step_id = NEW.step_id AND a.id < NEW.id) AS f)
    WHERE true
    ON CONFLICT (module_id, step_id) DO UPDATE SET attempts = attempts + 1, learners = learners + excluded.learners,
        first_right = first_right + excluded.first_right;
END;
CREATE INDEX academy_progress_funnel ON academy_progress (module_id, plan, position, status);
-- The console's member search reads aliases (and, for admins, numbers) from this narrow index, not the table
-- (forgotten is in it so that counting the matches never reads a member's row).
CREATE INDEX members_search ON members (alias, wa_id, forgotten) WHERE forgotten = 0;

ALTER TABLE outbox ADD COLUMN pricing TEXT;
CREATE TABLE message_costs (
    day       TEXT    NOT NULL,
    room      TEXT    NOT NULL,
    category  TEXT    NOT NULL,
    count     INTEGER NOT NULL DEFAULT 0,
    billable  INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (day, room, category)
) WITHOUT ROWID;

CREATE TABLE delivery_halts (
    id      INTEGER PRIMARY KEY,
    at_ms   INTEGER NOT NULL,
    event   TEXT    NOT NULL,
    reason  TEXT    NOT NULL DEFAULT ''
);
)sql",
    // 21 (security review L-2: per-member rate limits): each member's fixed window for reactions, reports and
    // chat commands (kind "react", "report", "command"): when it started and how many it counted. Kept here
    // so that a restart does not reset a flood's window; FORGET ME deletes the member's rows.
    R"sql(
CREATE TABLE member_limits (
    member_id  INTEGER NOT NULL,
    kind       TEXT    NOT NULL,
    start_ms   INTEGER NOT NULL,
    count      INTEGER NOT NULL,
    PRIMARY KEY (member_id, kind)
) WITHOUT ROWID;
)sql",
};

}  // namespace

int latest_schema_version() {
    return static_cast<int>(kMigrations.size());
}

int migrate(SQLite::Database& db) {
    int version = db.execAndGet("PRAGMA user_version").getInt();
    if (version > latest_schema_version()) {
        throw std::runtime_error("database schema version " + std::to_string(version) +
                                 " is newer than this build knows (" +
                                 std::to_string(latest_schema_version()) + ")");
    }
    while (version < latest_schema_version()) {
        SQLite::Transaction tx(db, SQLite::TransactionBehavior::IMMEDIATE);
        // Re-read inside the write lock: another process may have migrated meanwhile.
        version = db.execAndGet("PRAGMA user_version").getInt();
        if (version >= latest_schema_version()) {
            break;
        }
        db.exec(std::string(kMigrations[static_cast<std::size_t>(version)]));
        ++version;
        db.exec("PRAGMA user_version = " + std::to_string(version));
        tx.commit();
    }
    return version;
}

}  // namespace delvex::store
