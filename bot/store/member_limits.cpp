#include "bot/store/member_limits.hpp"

#include <SQLiteCpp/Statement.h>

#include <string>

namespace delvex::store {

community::RateCount MemberLimits::count(std::int64_t member_id, std::string_view kind,
                                         const community::RateLimit& limit, std::int64_t now_ms) {
    if (limit.max <= 0 || limit.window_ms <= 0) {
        return {};  // no limit: nothing to keep
    }
    community::RateWindow before;
    {
        SQLite::Statement q(db_, "SELECT start_ms, count FROM member_limits WHERE member_id = :id AND kind = :kind");
        q.bind(":id", member_id);
        q.bind(":kind", std::string(kind));
        if (q.executeStep()) {
            before.start_ms = q.getColumn(0).getInt64();
            before.count = q.getColumn(1).getInt();
        }
    }
    const auto out = community::count_action(before, now_ms, limit);
    SQLite::Statement w(db_,
                        "INSERT INTO member_limits (member_id, kind, start_ms, count) VALUES (:id, :kind, :start, "
                        ":count) ON CONFLICT (member_id, kind) DO UPDATE SET start_ms = excluded.start_ms, "
                        "count = excluded.count");
    w.bind(":id", member_id);
    w.bind(":kind", std::string(kind));
    w.bind(":start", out.window.start_ms);
    w.bind(":count", out.window.count);
    w.exec();
    return out;
}

void MemberLimits::forget(std::int64_t member_id) {
    SQLite::Statement q(db_, "DELETE FROM member_limits WHERE member_id = :id");
    q.bind(":id", member_id);
    q.exec();
}

}  // namespace delvex::store
