#include "bot/http/forums_routes.hpp"

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include <cctype>
#include <charconv>
#include <set>
#include <functional>

#include "bot/core/crypto.hpp"
#include "bot/core/log.hpp"
#include "bot/http/forums_body.hpp"
#include "bot/http/routes.hpp"
#include "bot/store/audit_repository.hpp"
#include "bot/store/console_accounts.hpp"
#include "bot/store/forum_work.hpp"
#include "forums/zone.hpp"

namespace delvex::http {
namespace {

namespace bhttp = boost::beast::http;
using nlohmann::json;

struct Outcome {
    int status = 200;
    std::string body;
};

Outcome json_error(int status, const std::string& message) {
    return {status, json{{"error", message}}.dump() + "\n"};
}

Response render(const Outcome& o) {
    auto res = text_response(static_cast<bhttp::status>(o.status), o.body, "application/json");
    return res;
}

std::optional<std::int64_t> to_id(std::string_view s) {
    std::int64_t v = 0;
    const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || p != s.data() + s.size() || s.empty() || v <= 0) {
        return std::nullopt;
    }
    return v;
}

bool valid_room_id(std::string_view room) {
    if (room.empty() || room.size() > 64) {
        return false;
    }
    for (char c : room) {
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_')) {
            return false;
        }
    }
    return true;
}

std::string local_iso(forums::LocalTime t) {
    return date::format("%Y-%m-%dT%H:%M:%S", t);
}

json series_json(const store::ForumSeriesRow& row, store::ForumRepository& repo, std::int64_t now_ms) {
    json j{{"id", row.id},
           {"room", row.room},
           {"title", row.title},
           {"agenda", row.agenda},
           {"rrule", row.rrule},
           {"tz", row.tz},
           {"start", row.dtstart_local},
           {"duration_minutes", row.duration_min},
           {"capacity", row.capacity},
           {"join_kind", row.join_kind},
           {"join_info", row.join_info},
           {"hosts", row.hosts},
           {"cancelled", row.cancelled},
           {"sequence", row.sequence}};
    const auto overrides = repo.overrides(row.id);
    json ov = json::array();
    for (const auto& o : overrides) {
        json item{{"occurrence", o.original_local},
                  {"kind", o.kind == store::ForumOverrideKind::kCancel ? "cancel" : "move"}};
        if (o.kind == store::ForumOverrideKind::kMove) {
            item["moved_to"] = o.moved_to_local;
        }
        ov.push_back(item);
    }
    j["overrides"] = ov;
    json texts = json::object();
    for (const auto& t : repo.texts(row.id)) {
        texts[t.language] = {{"title", t.title}, {"agenda", t.agenda}};
    }
    j["texts"] = texts;
    json next = json::array();
    if (!row.cancelled) {
        if (auto series = events::series_of(row, overrides)) {
            for (const auto& occ :
                 forums::next_occurrences(*series, forums::Instant{std::chrono::seconds{now_ms / 1000}}, 5)) {
                next.push_back({{"start", forums::format_utc_iso(occ.start)},
                                {"local", local_iso(occ.local)},
                                {"occurrence", local_iso(occ.original)},
                                {"rsvp", events::occurrence_token(row.id, occ.original)}});
            }
        }
    }
    j["next"] = next;
    return j;
}

/// Who made an admin API write with the shared DELVEX_ADMIN_TOKEN; a named token's writes carry
/// "token:<account>".
constexpr std::string_view kAdminActor = "admin-token";

/// Records an admin API write in the audit log, in the caller's transaction.
void audit(store::Database& db, const std::string& actor, std::int64_t now_ms, std::string_view action,
           std::int64_t series, const std::string& detail) {
    store::AuditRepository(db.sql()).record(now_ms, actor, action, "forum:" + std::to_string(series), detail);
}

/// The bearer token of an Authorization header ("" when there is none).
std::string bearer_of(std::string_view header) {
    constexpr std::string_view kScheme = "bearer ";
    if (header.size() <= kScheme.size()) {
        return {};
    }
    for (std::size_t i = 0; i < kScheme.size(); ++i) {
        if (std::tolower(static_cast<unsigned char>(header[i])) != kScheme[i]) {
            return {};
        }
    }
    return std::string(header.substr(kScheme.size()));
}

/// The names of the fields a body set ("title,rrule"): what changed, without the values (join links).
std::string field_names(const json& body) {
    std::string names;
    if (!body.is_object()) {
        return names;
    }
    for (const auto& [key, value] : body.items()) {
        (void)value;
        names += (names.empty() ? "" : ",") + key;
    }
    return names;
}

}  // namespace

bool bearer_matches(std::string_view header, const core::Secret& token) {
    constexpr std::string_view kScheme = "Bearer ";
    if (token.empty() || header.size() <= kScheme.size()) {
        return false;
    }
    // The scheme is case-insensitive (RFC 7235); the token is compared in constant time.
    for (std::size_t i = 0; i < kScheme.size(); ++i) {
        if (std::tolower(static_cast<unsigned char>(header[i])) != std::tolower(static_cast<unsigned char>(kScheme[i]))) {
            return false;
        }
    }
    return core::constant_time_equal(header.substr(kScheme.size()), token.reveal());
}

ForumsFeedHandler::ForumsFeedHandler(store::DbReader& reader, events::ForumsFeature& forums)
    : reader_(reader), forums_(forums) {}

boost::asio::awaitable<Response> ForumsFeedHandler::handle(Request request, SteadyTime /*started*/) {
    const std::string target(request.target());
    const std::string_view path = std::string_view(target).substr(0, target.find('?'));
    constexpr std::string_view kPrefix = "/forums/";
    constexpr std::string_view kSuffix = ".ics";
    if (request.method() != bhttp::verb::get && request.method() != bhttp::verb::head) {
        auto res = text_response(bhttp::status::method_not_allowed, "use GET\n");
        res.set(bhttp::field::allow, "GET, HEAD");
        co_return res;
    }
    if (!path.starts_with(kPrefix) || !path.ends_with(kSuffix) || path.size() <= kPrefix.size() + kSuffix.size()) {
        co_return text_response(bhttp::status::not_found, "not found: use /forums/{room}.ics\n");
    }
    const std::string room(path.substr(kPrefix.size(), path.size() - kPrefix.size() - kSuffix.size()));
    if (!valid_room_id(room)) {
        co_return text_response(bhttp::status::not_found, "unknown room\n");
    }
    std::int64_t only = 0;
    if (const auto s = query_param(target, "series"); !s.empty()) {
        const auto id = to_id(s);
        if (!id) {
            co_return text_response(bhttp::status::bad_request, "series must be a positive integer\n");
        }
        only = *id;
    }
    // The join links and meeting places only with the room's key (the link members got); times and titles
    // for anyone.
    const auto key = query_param(target, "k");
    const auto expected = forums_.feed_token(room);
    const bool with_join = !expected.empty() && core::constant_time_equal(key, expected);
    std::function<std::optional<std::string>(store::Database&)> work = [this, room, only,
                                                                      with_join](store::Database& db) {
        return forums_.calendar(db.sql(), room, only, with_join);
    };
    const auto looked_up = co_await reader_.try_run<std::optional<std::string>>(std::move(work));
    if (!looked_up) {
        auto busy = text_response(bhttp::status::service_unavailable, "busy, retry\n");
        busy.set(bhttp::field::retry_after, "1");
        co_return busy;
    }
    const auto& feed = *looked_up;
    if (!feed) {
        co_return text_response(bhttp::status::not_found, "unknown room\n");
    }
    auto res = text_response(bhttp::status::ok, *feed, "text/calendar; charset=utf-8");
    res.set(bhttp::field::content_disposition, "inline; filename=\"" + room + ".ics\"");
    co_return res;
}

ForumsAdminHandler::ForumsAdminHandler(store::DbWriter& writer, events::ForumsFeature& forums,
                                       const core::Clock& clock, core::Secret admin_token)
    : writer_(writer),
      forums_(forums),
      clock_(clock),
      admin_token_(std::move(admin_token)),
      failures_(clock, kMaxAuthFailures) {}

std::optional<Response> ForumsAdminHandler::locked_out(const Request& request) {
    const auto wait = failures_.blocked_for(std::string(request[kPeerAddressField]));
    if (wait.count() == 0) {
        return std::nullopt;
    }
    auto res = render(json_error(429, "too many failed bearer tokens from this address; wait and retry"));
    res.set(bhttp::field::retry_after, std::to_string(wait.count()));
    return res;
}

std::optional<Response> ForumsAdminHandler::admit(const Request& header) {
    return locked_out(header);
}

boost::asio::awaitable<Response> ForumsAdminHandler::handle(Request request, SteadyTime /*started*/) {
    if (auto refused = locked_out(request)) {
        co_return std::move(*refused);
    }
    // The shared DELVEX_ADMIN_TOKEN, or a person's named token (made in the console, revocable there): only
    // its SHA-256 is stored, and only admins' and staff's tokens open the API.
    std::string actor(kAdminActor);
    if (!bearer_matches(request[bhttp::field::authorization], admin_token_)) {
        const auto token = bearer_of(request[bhttp::field::authorization]);
        std::optional<std::string> named;
        if (token.size() >= 32 && token.size() <= 128) {
            std::function<std::optional<std::string>(store::Database&)> lookup =
                [hash = core::sha256_hex(token)](store::Database& db) -> std::optional<std::string> {
                const auto user = store::ConsoleAccounts(db.sql()).token_user(hash);
                if (!user || (user->role != "admin" && user->role != "staff")) {
                    return std::nullopt;
                }
                return "token:" + user->name;
            };
            named = co_await writer_.run<std::optional<std::string>>(std::move(lookup));
        }
        if (!named) {
            failures_.failed(std::string(request[kPeerAddressField]));
            auto res = render(json_error(401, "missing or wrong bearer token"));
            res.set(bhttp::field::www_authenticate, "Bearer");
            co_return res;
        }
        actor = *named;
    }
    const std::string target(request.target());
    const std::string path = target.substr(0, target.find('?'));
    constexpr std::string_view kBase = "/api/v1/forums";
    std::optional<std::int64_t> id;
    if (path != kBase && path != std::string(kBase) + "/") {
        if (!path.starts_with(std::string(kBase) + "/")) {
            co_return render(json_error(404, "not found"));
        }
        id = to_id(std::string_view(path).substr(kBase.size() + 1));
        if (!id) {
            co_return render(json_error(404, "not found: use /api/v1/forums/{id}"));
        }
    }
    const auto method = request.method();
    json body;
    if (method == bhttp::verb::post || method == bhttp::verb::patch) {
        body = json::parse(request.body(), nullptr, false);
        if (body.is_discarded()) {
            co_return render(json_error(400, "the body is not valid JSON"));
        }
    }
    const std::int64_t now_ms = core::to_unix_ms(clock_.now());
    const std::string room = query_param(target, "room");
    const std::string occurrence = query_param(target, "occurrence");

    std::function<Outcome(store::Database&)> work;
    if (method == bhttp::verb::get) {
        work = [this, id, room, now_ms](store::Database& db) -> Outcome {
            store::ForumRepository repo(db.sql());
            if (id) {
                const auto row = repo.find_series(*id);
                if (!row) {
                    return json_error(404, "no forum series " + std::to_string(*id));
                }
                return {200, series_json(*row, repo, now_ms).dump() + "\n"};
            }
            json list = json::array();
            for (const auto& row : repo.list_series(room, false)) {
                list.push_back(series_json(row, repo, now_ms));
            }
            return {200, json{{"forums", list}}.dump() + "\n"};
        };
    } else if (method == bhttp::verb::post && !id) {
        work = [this, body, now_ms, actor](store::Database& db) -> Outcome {
            store::ForumSeriesRow row;
            std::vector<store::ForumText> texts;
            if (auto e = apply_series_fields(body, row, texts, true); !e.empty()) {
                return json_error(400, e);
            }
            if (body.contains("cancel_occurrence") || body.contains("move_occurrence")) {
                return json_error(400, "cancel_occurrence and move_occurrence belong in a PATCH");
            }
            store::ForumWork unit(db.sql());
            auto created = forums_.service().create_series(unit.store(), unit.jobs(), now_ms, row, texts);
            if (!created) {
                return json_error(400, created.error().message);
            }
            store::ForumRepository repo(db.sql());
            auto out = series_json(*repo.find_series(*created), repo, now_ms);
            audit(db, actor, now_ms, "forums.create", *created, "room=" + row.room + " fields=" + field_names(body));
            unit.commit();
            return {201, out.dump() + "\n"};
        };
    } else if (method == bhttp::verb::patch && id) {
        work = [this, body, id, now_ms, actor](store::Database& db) -> Outcome {
            store::ForumWork unit(db.sql());
            auto& repo = unit.store();
            auto row = repo.find_series(*id);
            if (!row) {
                return json_error(404, "no forum series " + std::to_string(*id));
            }
            std::vector<store::ForumText> texts;
            if (auto e = apply_series_fields(body, *row, texts, false); !e.empty()) {
                return json_error(400, e);
            }
            if (body.contains("cancel_occurrence")) {
                auto local = cancel_occurrence_of(body["cancel_occurrence"]);
                if (!local) {
                    return json_error(400, local.error().message);
                }
                if (auto r = forums_.service().cancel_occurrence(unit.store(), unit.jobs(), now_ms, *id, *local); !r) {
                    return json_error(400, r.error().message);
                }
                audit(db, actor, now_ms, "forums.cancel_occurrence", *id, "occurrence=" + local_iso(*local));
            } else if (body.contains("move_occurrence")) {
                auto move = move_occurrence_of(body["move_occurrence"]);
                if (!move) {
                    return json_error(400, move.error().message);
                }
                if (auto r = forums_.service().move_occurrence(unit.store(), unit.jobs(), now_ms, *id, move->first, move->second); !r) {
                    return json_error(400, r.error().message);
                }
                audit(db, actor, now_ms, "forums.move_occurrence", *id,
                      "occurrence=" + local_iso(move->first) + " to=" + local_iso(move->second));
            } else {
                if (auto r = forums_.service().update_series(unit.store(), unit.jobs(), now_ms, *row, texts); !r) {
                    return json_error(400, r.error().message);
                }
                audit(db, actor, now_ms, "forums.update", *id, "fields=" + field_names(body));
            }
            auto out = series_json(*repo.find_series(*id), repo, now_ms);
            unit.commit();
            return {200, out.dump() + "\n"};
        };
    } else if (method == bhttp::verb::delete_ && id) {
        work = [this, id, occurrence, now_ms, actor](store::Database& db) -> Outcome {
            store::ForumWork unit(db.sql());
            if (!occurrence.empty()) {
                auto local = forums::parse_local_iso(occurrence);
                if (!local) {
                    return json_error(400, "occurrence: " + local.error().message);
                }
                if (auto r = forums_.service().cancel_occurrence(unit.store(), unit.jobs(), now_ms, *id, *local); !r) {
                    return json_error(404, r.error().message);
                }
                audit(db, actor, now_ms, "forums.cancel_occurrence", *id, "occurrence=" + local_iso(*local));
            } else if (auto r = forums_.service().cancel_series(unit.store(), unit.jobs(), now_ms, *id); !r) {
                return json_error(404, r.error().message);
            } else {
                audit(db, actor, now_ms, "forums.cancel_series", *id, "");
            }
            unit.commit();
            return {200, json{{"cancelled", *id}}.dump() + "\n"};
        };
    } else {
        auto res = render(json_error(405, id ? "use GET, PATCH or DELETE on /api/v1/forums/{id}"
                                             : "use GET or POST on /api/v1/forums"));
        res.set(bhttp::field::allow, id ? "GET, PATCH, DELETE" : "GET, POST");
        co_return res;
    }
    // Errors are caught on the writer thread: no try block around a co_await (GCC 12 coroutine bug).
    std::function<Outcome(store::Database&)> guarded = [work = std::move(work)](store::Database& db) -> Outcome {
        try {
            return work(db);
        } catch (const std::exception& e) {
            core::logger("http")->error("forums admin failed error={}", e.what());
            return json_error(500, "internal error");
        }
    };
    const Outcome outcome = co_await writer_.run<Outcome>(std::move(guarded));
    co_return render(outcome);
}

}  // namespace delvex::http
