// `delvex academy export --csv` as programme staff run it: the real binary on a database with learners on a
// shared phone, in a room; progress per room and module, and never a phone number.

#include <gtest/gtest.h>
#include <sys/wait.h>

#include <SQLiteCpp/Transaction.h>

#include <array>
#include <cstdio>

#include "bot/events/academy_feature.hpp"
#include "bot/store/academy_repository.hpp"
#include "bot/store/community_repository.hpp"
#include "bot/store/database.hpp"
#include "tests/support/harness.hpp"
#include "tests/support/process.hpp"

namespace delvex {
namespace {

std::pair<int, std::string> run_delvex(const std::string& args) {
    auto run = testing::run_delvex(args);
    return {run.code, std::move(run.output)};
}

TEST(AcademyExport, ProgressPerRoomAndModuleWithoutPhoneNumbers) {
    testing::TempDir dir;
    const auto path = dir.file("delvex.db");
    {
        store::Database db(store::DatabaseOptions{path, false});
        SQLite::Transaction tx(db.sql());
        store::CommunityRepository community(db.sql());
        store::AcademyRepository academy(db.sql());
        const std::int64_t t0 = 1'803'000'000'000;  // 2027-02-19 01:20 UTC
        const auto id = community.import_member("254700000001", "en", "Amina Gold", t0 / 1000);
        community.join("east-africa", id, t0, 0);
        community.set_current_room(id, "east-africa");
        academy::Profile amina;
        amina.member_key = "254700000001";
        amina.name = "=Amina, \"the\" miner";  // a name typed on the phone: quoted and defused in the CSV
        amina.consent_ms = t0;
        amina.created_ms = t0;
        amina.id = academy.add_profile(amina);
        academy::Profile baraka = amina;
        baraka.name = "Baraka";
        baraka.id = academy.add_profile(baraka);
        academy::Progress p;
        p.profile_id = amina.id;
        p.module_id = "mercury-free-gold";
        p.module_version = 2;
        p.plan = {"a", "b", "c", "d"};
        p.position = 4;
        p.status = academy::Status::kPassed;
        p.score = 80;
        p.started_ms = t0;
        p.updated_ms = t0 + 3600'000;
        p.completed_ms = t0 + 3600'000;
        academy.save_progress(p);
        academy.add_certificate({"7KQ2M9XA", amina.id, "mercury-free-gold", 2, amina.name, "Gold without mercury",
                                 80, t0 + 3600'000});
        p.profile_id = baraka.id;
        p.module_id = "pit-safety";
        p.module_version = 1;
        p.position = 1;
        p.status = academy::Status::kInProgress;
        p.score = -1;
        p.completed_ms = 0;
        academy.save_progress(p);
        tx.commit();
    }
    const auto [code, out] = run_delvex("academy export --csv --db '" + path + "'");
    ASSERT_EQ(code, 0) << out;
    EXPECT_EQ(out,
              "learner,room,module,module_version,status,score,step,steps,attempts,certificate,started,updated,"
              "completed\n"
              "\"'=Amina, \"\"the\"\" miner\",east-africa,mercury-free-gold,2,passed,80,4,4,1,7KQ2M9XA,"
              "2027-02-19T01:20:00Z,2027-02-19T02:20:00Z,2027-02-19T02:20:00Z\n"
              "Baraka,east-africa,pit-safety,1,in_progress,,2,4,1,,2027-02-19T01:20:00Z,2027-02-19T02:20:00Z,\n");
    EXPECT_EQ(out.find("254700000001"), std::string::npos);

    const auto missing = run_delvex("academy export --csv --db '" + dir.file("nothing.db") + "'");
    EXPECT_EQ(missing.first, 2) << missing.second;
}

TEST(AcademyExport, CsvFieldsAreQuotedAndFormulasDefused) {
    EXPECT_EQ(events::csv_field("Amina"), "Amina");
    EXPECT_EQ(events::csv_field("a,b"), "\"a,b\"");
    EXPECT_EQ(events::csv_field("say \"hi\"\n"), "\"say \"\"hi\"\"\n\"");
    EXPECT_EQ(events::csv_field("+254"), "'+254");
    EXPECT_EQ(events::csv_field("@SUM(A1)"), "'@SUM(A1)");
}

}  // namespace
}  // namespace delvex
