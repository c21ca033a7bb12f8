// The forums as `delvex serve` mounts them: the admin API and the feed on the service's own port, the rooms
// of config/regions.yaml, and the scheduler running the planned jobs.

#include <gtest/gtest.h>

#include <date/date.h>
#include <nlohmann/json.hpp>

#include "bot/store/database.hpp"
#include "bot/store/job_repository.hpp"
#include "tests/support/harness.hpp"

namespace delvex::testing {
namespace {

using nlohmann::json;

TEST(ForumsService, AdminApiFeedAndJobsThroughTheRunningService) {
    TempDir dir;
    core::FakeClock clock{core::TimePoint{date::sys_days{date::year{2027} / 1 / 1}}};
    ServiceHarness h(dir.file("svc.db"), {}, &clock);
    h.stop_service();
    h.config().admin_token = core::Secret("service-admin-token-0123456789");
    h.start_service();
    const std::map<std::string, std::string> auth{{"Authorization", "Bearer service-admin-token-0123456789"},
                                                  {"Content-Type", "application/json"}};

    EXPECT_EQ(http_request(h.port(), "GET", "/api/v1/forums").status, 401);
    auto r = http_request(h.port(), "POST", "/api/v1/forums",
                          R"({"room":"east-africa","title":"Safer pits","rrule":"FREQ=MONTHLY;BYDAY=1TH",
                              "start":"2027-01-07T15:00","join_kind":"call"})",
                          auth);
    ASSERT_EQ(r.status, 201) << r.body;
    const auto created = json::parse(r.body);
    EXPECT_EQ(created["tz"], "Africa/Nairobi") << "the zone of east-africa in config/regions.yaml";
    EXPECT_EQ(created["next"][0]["start"], "2027-01-07T12:00:00Z");

    r = http_request(h.port(), "GET", "/forums/east-africa.ics");
    ASSERT_EQ(r.status, 200);
    EXPECT_NE(r.body.find("RRULE:FREQ=MONTHLY;BYDAY=1TH\r\n"), std::string::npos) << r.body;
    EXPECT_NE(r.body.find("DTSTART;TZID=Africa/Nairobi:20270107T150000\r\n"), std::string::npos) << r.body;
    EXPECT_NE(r.body.find("BEGIN:VTIMEZONE\r\nTZID:Africa/Nairobi\r\n"), std::string::npos) << r.body;
    EXPECT_EQ(http_request(h.port(), "GET", "/forums/nowhere.ics").status, 404);

    // The "scheduled" announcement job was due at once: the service's scheduler runs it.
    h.service().run_scheduler();
    const auto path = dir.file("svc.db");
    EXPECT_TRUE(eventually([&] {
        store::Database db(store::DatabaseOptions{path, false, 5000, true});
        store::JobRepository jobs(db.sql());
        const auto job = jobs.find("forums.scheduled:" + std::to_string(created["id"].get<int>()) + ":0");
        return job && job->state == store::JobState::kDone;
    }));
    {
        store::Database db(store::DatabaseOptions{path, false, 5000, true});
        store::JobRepository jobs(db.sql());
        EXPECT_EQ(jobs.waiting("forums.reminder:").size(), 4u) << "1 day and 1 hour before the next two forums";
        EXPECT_EQ(jobs.waiting("forums.plan:").size(), 1u);
    }
}

}  // namespace
}  // namespace delvex::testing
