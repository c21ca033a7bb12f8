#pragma once

// What the web console shows, read with aggregate SQL (one query per kind of number, grouped in the database,
// never one query per member): the overview per room and month, the Academy's funnel, delivery health, the
// funders' monthly report and the member search. Plain structs; the console (bot/console) renders them.
// Numbers come from the tables their features write, plus what migration 20 records for the console:
// room_events (joins, leaves, STOP, mode changes), message_costs (pricing categories) and delivery_halts.
//
// Months are "YYYY-MM" in UTC, except forums, whose occurrences are counted in the month of their local
// start (the RSVP's occurrence name). Academy numbers and message costs are counted under the member's
// current room ("" for members without one).

#include <SQLiteCpp/Database.h>

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "bot/store/account_repository.hpp"

namespace delvex::store::console {

// ---- Overview (issue 16, item 2) ----

/// Active members of a room (active or silenced memberships of members not forgotten) by delivery mode now.
/// A stopped member counts under `stopped` only.
struct ModeCounts {
    std::int64_t live = 0;
    std::int64_t digest = 0;
    std::int64_t muted = 0;
    std::int64_t stopped = 0;
    std::int64_t total() const { return live + digest + muted + stopped; }
};

struct RoomNow {
    std::string room;
    ModeCounts members = {};
    std::int64_t moderators = 0;
};

/// Messages Meta priced in one category (status webhooks' pricing.category), counted once per message.
struct PricingCount {
    std::string category;  ///< marketing, utility, authentication, service, referral_conversion, …
    std::int64_t count = 0;
    std::int64_t billable = 0;  ///< of which Meta said it bills
};

struct RoomMonth {
    std::string room;
    std::string month;  ///< "YYYY-MM"
    /// Active members at the end of the month (or now, for the current month), from the joins and exits noted
    /// in room_events (members who joined before migration 20 count from their first join).
    std::int64_t members_end = 0;
    std::int64_t joins = 0;
    std::int64_t leaves = 0;   ///< LEAVE
    std::int64_t removed = 0;  ///< removed or banned by a moderator
    std::int64_t stops = 0;    ///< STOP, once per room the member was in
    std::int64_t to_digest = 0;  ///< switches to the daily digest
    std::int64_t to_muted = 0;   ///< switches to muted
    std::int64_t posts = 0;      ///< every post written in the room (relayed, held, rejected, taken down…)
    std::int64_t reports = 0;
    std::int64_t rsvp_yes = 0;    ///< forum RSVPs, by the occurrence's month
    std::int64_t rsvp_maybe = 0;
    std::int64_t rsvp_no = 0;
    std::int64_t attended = 0;
    std::int64_t ratings = 0;     ///< feedback ratings (1–5)
    double rating_average = 0;    ///< 0 when there are none
    std::int64_t academy_starts = 0;
    std::int64_t academy_passes = 0;
    std::int64_t certificates = 0;
    std::vector<PricingCount> messages;  ///< by category, most first
    std::int64_t messages_total() const;
};

struct Overview {
    std::vector<RoomNow> now;        ///< per room, by room id
    std::vector<RoomMonth> months;   ///< per room and month, by room then month (rooms with no activity omitted)
};

/// The overview for the months from `from_month` to `to_month` inclusive ("YYYY-MM"). Throws
/// std::invalid_argument for a malformed month.
Overview overview(SQLite::Database& db, std::string_view from_month, std::string_view to_month);

// ---- Academy funnel (item 6) ----

struct StepReach {
    std::string step_id;
    std::int64_t reached = 0;  ///< learners whose run got to this step (or past it)
};

struct QuestionStats {
    std::string step_id;
    std::int64_t attempts = 0;        ///< answers given, retries included
    std::int64_t learners = 0;        ///< learners who answered at least once
    std::int64_t first_try_right = 0; ///< learners whose first answer was right
    double first_try_rate() const { return learners > 0 ? static_cast<double>(first_try_right) / static_cast<double>(learners) : 0; }
};

struct ModuleFunnel {
    std::string module_id;
    std::int64_t started = 0;     ///< learners with a run of this module (one per learner profile)
    std::int64_t in_progress = 0;
    std::int64_t passed = 0;
    std::int64_t failed = 0;
    std::vector<StepReach> steps;          ///< in the order of the plan most learners follow
    std::vector<QuestionStats> questions;  ///< quiz steps, in the same order
};

std::vector<ModuleFunnel> academy_funnel(SQLite::Database& db);

// ---- Delivery health (item 7) ----

struct ReasonCount {
    std::string reason;  ///< outbox.last_error as recorded ("131026 Message undeliverable", "window closed …")
    std::int64_t code = 0;  ///< the Graph error code the reason starts with, 0 when it names none
    std::int64_t count = 0;
};

struct HaltEvent {
    std::int64_t at_ms = 0;
    std::string event;  ///< "halt" or "resume"
    std::string reason;
};

struct DeliveryHealth {
    std::int64_t queued = 0;           ///< waiting to be sent (not yet taken by the dispatcher)
    std::int64_t queued_due = 0;       ///< of which due now
    std::int64_t oldest_queued_ms = 0; ///< creation time of the oldest waiting message, 0 when none
    std::int64_t held = 0;             ///< waiting for the member's window (their digest or next message)
    std::vector<ReasonCount> held_by_reason;
    std::int64_t failed = 0;           ///< failed within the window (see delivery_health)
    std::vector<ReasonCount> failed_by_reason;  ///< most first, at most 50
    std::vector<TemplateState> templates;       ///< Meta's review state of each template
    std::int64_t messaging_limit = 0;  ///< unique members per moving 24 h Meta allows; 0 when Meta has not said
    std::int64_t reached_24h = 0;      ///< unique members sent a template in the last 24 h (what the limit counts)
    std::string restriction;           ///< the account's last restricting event, "" when none
    bool halted = false;               ///< the last halt has no resume after it
    std::vector<HaltEvent> halts;      ///< newest first, at most 20
};

/// Delivery health at `now_ms`; failures are those of the last `failed_window_ms` (default 7 days).
DeliveryHealth delivery_health(SQLite::Database& db, std::int64_t now_ms,
                               std::int64_t failed_window_ms = 7LL * 24 * 3600 * 1000);

// ---- Funders' report (item 9) ----

/// A count as a funder sees it: 1 to 4 are suppressed (shown "<5") so that no small group can be picked out.
struct FunderCount {
    std::int64_t value = 0;
    bool suppressed = false;
    std::string text() const;  ///< "<5" when suppressed, else the number
};

FunderCount funder_count(std::int64_t value);

struct FunderRow {
    std::string room;
    std::string month;
    FunderCount members;  ///< active at the month's end
    FunderCount joins;
    FunderCount leaves;   ///< left, removed or banned
    FunderCount posts;
    FunderCount forum_rsvps;  ///< yes and maybe
    FunderCount attended;
    FunderCount ratings;
    std::string rating_average;  ///< one decimal, "" when there are fewer than 5 ratings
    FunderCount academy_starts;
    FunderCount academy_passes;
    FunderCount certificates;
    FunderCount messages;        ///< all categories
    FunderCount messages_marketing;
    FunderCount messages_utility;
    FunderCount messages_authentication;
    FunderCount messages_service;
    FunderCount messages_other;
};

/// One row per room for `month` ("YYYY-MM"), from the overview's numbers. No names, numbers or aliases.
std::vector<FunderRow> funder_report(SQLite::Database& db, std::string_view month);

/// The report as CSV (RFC 4180, header first, CRLF line ends).
std::string funder_csv(const std::vector<FunderRow>& rows);

// ---- Members (item 3: search and export) ----

enum class RoleFilter : int { kAny = -1, kMember = 0, kModerator = 1, kAdmin = 2 };

struct MemberQuery {
    std::string text;      ///< part of the alias (any case); for an admin viewer also digits of the number
    std::string room;      ///< "" = any; else members active in this room
    std::string language;  ///< "" = any
    RoleFilter role = RoleFilter::kAny;  ///< moderator/member: in `room` when given, else in any room
    std::int64_t offset = 0;
    int limit = 50;
    bool admin_viewer = false;  ///< admins see whole numbers; everyone else a masked one
};

struct MemberSummary {
    std::int64_t id = 0;
    std::string alias;
    std::string number;  ///< masked (core::mask_number) unless the viewer is an admin
    std::string language;
    std::string room;    ///< current room
    bool moderator = false;  ///< moderates `room` of the query (any room when none)
    bool admin = false;
    int mode = 0;        ///< 0 live, 1 digest, 2 muted
    bool stopped = false;
    int stage = 0;       ///< onboarding stage (4 = active)
    std::int64_t posts = 0;
    std::int64_t last_inbound = 0;  ///< Unix seconds, 0 when never
};

struct MemberPage {
    std::vector<MemberSummary> rows;
    std::int64_t total = 0;  ///< members matching, over all pages
};

MemberPage search_members(SQLite::Database& db, const MemberQuery& query);

/// Every member matching `query` (offset and limit ignored), in alias order, handed to `row` one at a time
/// without holding them all.
void export_members(SQLite::Database& db, const MemberQuery& query, const std::function<void(const MemberSummary&)>& row);

/// The CSV header and one record of an export (aliases neutralised against spreadsheet formulas).
std::string member_csv_header();
std::string member_csv_record(const MemberSummary& m);

}  // namespace delvex::store::console
