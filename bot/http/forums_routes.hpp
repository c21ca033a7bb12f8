#pragma once

// The forums' HTTP edges: the public calendar feed GET /forums/{room}.ics and the admin API
// /api/v1/forums (bearer DELVEX_ADMIN_TOKEN). Thin: parse, run the feature's operation on the writer
// thread in one transaction, render.

#include "bot/core/clock.hpp"
#include "bot/core/redact.hpp"
#include "bot/store/db_reader.hpp"
#include "bot/store/db_writer.hpp"
#include "bot/events/forums_feature.hpp"
#include "bot/http/auth_limiter.hpp"
#include "bot/http/server.hpp"

namespace delvex::http {

/// GET /forums/{room}.ics[?series=ID]: the room's forum series as an iCalendar feed (text/calendar).
class ForumsFeedHandler final : public Handler {
public:
    /// The feed is public: it is read on the reader (never the writer's thread), within its rate.
    ForumsFeedHandler(store::DbReader& reader, events::ForumsFeature& forums);
    boost::asio::awaitable<Response> handle(Request request, SteadyTime started) override;

private:
    store::DbReader& reader_;
    events::ForumsFeature& forums_;
};

/// POST/GET/PATCH/DELETE /api/v1/forums[/{id}]: JSON in and out; 401 without the right bearer token,
/// 400 with a message naming the bad field. An address with kMaxAuthFailures failed bearer attempts within a
/// minute is answered 429 (Retry-After) until the minute is over. Every write is recorded in the audit log
/// (store::AuditRepository, actor "admin-token") in the transaction of the write.
class ForumsAdminHandler final : public Handler {
public:
    static constexpr int kMaxAuthFailures = 10;

    ForumsAdminHandler(store::DbWriter& writer, events::ForumsFeature& forums, const core::Clock& clock,
                       core::Secret admin_token);
    boost::asio::awaitable<Response> handle(Request request, SteadyTime started) override;
    /// 429 before the body is read when the caller's address is locked out.
    std::optional<Response> admit(const Request& header) override;

private:
    std::optional<Response> locked_out(const Request& request);

    store::DbWriter& writer_;
    events::ForumsFeature& forums_;
    const core::Clock& clock_;
    core::Secret admin_token_;
    AuthFailureLimiter failures_;
};

/// Whether an Authorization header value carries `token` as a bearer token (compared in constant time).
/// An empty token never matches: the admin API is closed until one is configured.
bool bearer_matches(std::string_view header, const core::Secret& token);

}  // namespace delvex::http
