// Academy benchmark (disabled in the normal run; bench/academy_run.sh runs it, bench/README.md records the
// numbers): 10,000 learners, each in the middle of a quiz, answer at once through signed webhooks into the
// real service. Measured: answers applied per second with the learner's state and the next step committed
// (seen by a second connection polling the outbox), and the latency from sending the webhook to that commit.
// Same-run reference: 10,000 status webhooks through the same path (ingest, consumer, commit) with no
// feature work, so the Academy's own share is visible.
//   DELVEX_BENCH_LEARNERS (10000), DELVEX_BENCH_ROUNDS (3), DELVEX_BENCH_CLIENTS (32)

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Transaction.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <map>
#include <thread>

#include "bot/app/features.hpp"
#include "bot/core/message_ref.hpp"
#include "bot/events/academy_feature.hpp"
#include "bot/store/academy_repository.hpp"
#include "bot/store/community_repository.hpp"
#include "bot/store/database.hpp"
#include "bot/store/repositories.hpp"
#include "bot/whatsapp/signature.hpp"
#include "bot/whatsapp/wire/inbound.hpp"
#include "tests/support/harness.hpp"

namespace delvex {
namespace {

using namespace std::chrono_literals;
using SteadyClock = std::chrono::steady_clock;

int env_int(const char* name, int fallback) {
    const char* v = std::getenv(name);
    return v != nullptr ? std::atoi(v) : fallback;
}

std::string member_key(int i) {
    return "2557" + std::to_string(40000000 + i);
}

/// `n` onboarded members, each a consenting learner whose session is at the first quiz question (ld-q1).
void seed(const std::string& path, int n) {
    store::Database db(store::DatabaseOptions{path, false});
    SQLite::Transaction tx(db.sql(), SQLite::TransactionBehavior::IMMEDIATE);
    store::CommunityRepository community(db.sql());
    store::MemberRepository members(db.sql());
    store::AcademyRepository academy(db.sql());
    const auto now_s = core::to_unix(std::chrono::system_clock::now());
    const std::vector<std::string> plan = {"ld-intro", "ld-picture", "ld-practice", "ld-q1", "ld-q2", "ld-q3", "ld-q4"};
    for (int i = 0; i < n; ++i) {
        const auto key = member_key(i);
        const auto id = community.import_member(key, "en", "Learner " + std::to_string(i), now_s);
        community.join("east-africa", id, now_s * 1000, 0);
        community.set_current_room(id, "east-africa");
        community.set_stage(id, store::Stage::kActive);
        members.touch_inbound(key, now_s);
        academy::Profile p;
        p.member_key = key;
        p.name = "Learner " + std::to_string(i);
        p.consent_ms = now_s * 1000;
        p.created_ms = now_s * 1000;
        const auto profile_id = academy.add_profile(p);
        academy::Session s;
        s.member_key = key;
        s.profile_id = profile_id;
        s.mode = academy::Mode::kLesson;
        s.module_id = "learner-demo";
        s.updated_ms = now_s * 1000;
        academy.save_session(s);
        academy::Progress g;
        g.profile_id = profile_id;
        g.module_id = "learner-demo";
        g.module_version = 1;
        g.plan = plan;
        g.position = 3;
        g.pass_mark = 60;
        g.started_ms = now_s * 1000;
        g.updated_ms = now_s * 1000;
        academy.save_progress(g);
    }
    tx.commit();
}

struct Load {
    double per_second = 0;
    double p50_ms = 0;
    double p99_ms = 0;
};

double percentile(std::vector<double> v, double q) {
    std::sort(v.begin(), v.end());
    return v[std::min(v.size() - 1, static_cast<std::size_t>(q * static_cast<double>(v.size())))];
}

/// Posts every body from `clients` threads at once; a poller on its own connection notes when each one's
/// effect is committed (`poll` returns row ids and the index of the body that caused them, or a text that
/// `index_of` maps to that index).
Load run_load(testing::ServiceHarness& h, const std::vector<std::string>& bodies, int clients,
              const std::string& db_path, const std::string& poll_sql,
              const std::map<std::string, std::int64_t>* index_of = nullptr) {
    const std::size_t n = bodies.size();
    whatsapp::SignatureVerifier signer(testing::ServiceHarness::kAppSecret);
    std::vector<std::string> signatures(n);
    for (std::size_t i = 0; i < n; ++i) {
        signatures[i] = signer.sign(bodies[i]);
    }
    for (const auto& body : bodies) {
        h.note_members_of(body);  // Meta sees each member write: their windows are open for the answers
    }
    std::vector<SteadyClock::time_point> sent(n), seen(n);
    std::vector<char> done(n, 0);
    std::atomic<bool> failed{false};
    const auto start = SteadyClock::now();
    std::vector<std::thread> threads;
    for (int c = 0; c < clients; ++c) {
        threads.emplace_back([&, c] {
            for (std::size_t i = static_cast<std::size_t>(c); i < n; i += static_cast<std::size_t>(clients)) {
                sent[i] = SteadyClock::now();
                const auto r = testing::http_request(h.port(), "POST", "/webhook", bodies[i],
                                                     {{"Content-Type", "application/json"},
                                                      {"X-Hub-Signature-256", signatures[i]}});
                if (r.status != 200) {
                    failed = true;
                }
            }
        });
    }
    SQLite::Database reader(db_path, SQLite::OPEN_READONLY);
    SQLite::Statement poll(reader, poll_sql);
    std::int64_t after = 0;
    std::size_t count = 0;
    SteadyClock::time_point last = start;
    const auto deadline = start + 300s;
    while (count < n && SteadyClock::now() < deadline && !failed) {
        poll.reset();
        poll.bind(1, after);
        while (poll.executeStep()) {
            after = poll.getColumn(0).getInt64();
            std::int64_t idx = -1;
            if (index_of == nullptr) {
                idx = poll.getColumn(1).getInt64();
            } else if (const auto it = index_of->find(poll.getColumn(1).getString()); it != index_of->end()) {
                idx = it->second;
            }
            if (idx >= 0 && static_cast<std::size_t>(idx) < n && !done[static_cast<std::size_t>(idx)]) {
                done[static_cast<std::size_t>(idx)] = 1;
                seen[static_cast<std::size_t>(idx)] = last = SteadyClock::now();
                ++count;
            }
        }
        std::this_thread::sleep_for(500us);
    }
    for (auto& t : threads) {
        t.join();
    }
    EXPECT_FALSE(failed.load());
    EXPECT_EQ(count, n);
    Load load;
    std::vector<double> lat;
    for (std::size_t i = 0; i < n; ++i) {
        if (done[i]) {
            lat.push_back(std::chrono::duration<double, std::milli>(seen[i] - sent[i]).count());
        }
    }
    load.per_second = static_cast<double>(count) / std::chrono::duration<double>(last - start).count();
    load.p50_ms = percentile(lat, 0.50);
    load.p99_ms = percentile(lat, 0.99);
    return load;
}

TEST(AcademyBench, DISABLED_TenThousandLearnersAnswerAtOnce) {
    const int n = env_int("DELVEX_BENCH_LEARNERS", 10000);
    const int rounds = env_int("DELVEX_BENCH_ROUNDS", 3);
    const int clients = env_int("DELVEX_BENCH_CLIENTS", 32);
    // The dispatcher would send the queued steps at once; a number capped at 1 message/s keeps it out of
    // the way (delivery has its own benchmarks).
    ::setenv("DELVEX_SEND_RATE", "1", 1);
    testing::TempDir dir;
    testing::TempDir home;
    namespace fs = std::filesystem;
    fs::create_symlink(fs::path(DELVEX_SOURCE_DIR) / "config", fs::path(home.path()) / "config");
    fs::create_symlink(fs::path(DELVEX_SOURCE_DIR) / "tests/fixtures/academy/learner",
                       fs::path(home.path()) / "academy-content");
    const auto seed_path = dir.file("seed.db");
    seed(seed_path, n);

    std::vector<double> answers_s, p50, p99, ref_s, ref_p50, ref_p99;
    for (int round = 0; round < rounds; ++round) {
        const auto path = dir.file("round" + std::to_string(round) + ".db");
        fs::copy_file(seed_path, path);
        testing::ServiceHarness h(path);
        h.stop_service();
        h.config().home = home.path();
        h.start_service();

        const auto now_s = core::to_unix(std::chrono::system_clock::now());
        std::vector<std::string> answers(static_cast<std::size_t>(n)), statuses(static_cast<std::size_t>(n));
        for (int i = 0; i < n; ++i) {
            core::InboundMessage m;
            m.id = "wamid.bench" + std::to_string(round) + "x" + std::to_string(i);
            m.sender.wa_id = member_key(i);
            m.sender.profile_name = "Learner";
            m.timestamp = now_s;
            m.type = core::MessageType::kInteractive;
            m.type_name = "interactive";
            m.interactive = core::InteractiveType::kButtonReply;
            m.reply_id = "academy:ans:ld-q1:wet";
            m.text = "Wet drilling";
            answers[static_cast<std::size_t>(i)] = h.webhook_for(m);
            core::StatusUpdate u;
            u.id = "wamid.ref" + std::to_string(round) + "x" + std::to_string(i);
            u.status = core::DeliveryStatus::kDelivered;
            u.status_name = "delivered";
            u.timestamp = now_s;
            u.recipient_id = member_key(i);
            statuses[static_cast<std::size_t>(i)] =
                whatsapp::wire::make_status_webhook("100000000000009", h.config().phone_number_id, "15550000000", u);
        }
        // The next step's outbox row is "academy:<ref of the answer's wamid>:0"; the ref names the learner.
        std::map<std::string, std::int64_t> answer_of;
        for (int i = 0; i < n; ++i) {
            answer_of["academy:" + core::message_ref("wamid.bench" + std::to_string(round) + "x" + std::to_string(i)) +
                      ":0"] = i;
        }
        const auto a = run_load(h, answers, clients, path,
                                "SELECT id, logical_key FROM outbox WHERE id > ? AND logical_key LIKE 'academy:m.%:0' "
                                "ORDER BY id",
                                &answer_of);
        const auto ref_prefix = "wamid.ref" + std::to_string(round) + "x";
        const auto r = run_load(h, statuses, clients, path,
                                "SELECT rowid, CAST(substr(wamid, " + std::to_string(ref_prefix.size() + 1) +
                                    ") AS INTEGER) FROM outbox_status_parked WHERE rowid > ? ORDER BY rowid");
        {
            store::Database db(store::DatabaseOptions{path, false, 5000, false});
            store::AcademyRepository repo(db.sql());
            EXPECT_EQ(repo.answer_count(), n);
        }
        answers_s.push_back(a.per_second);
        p50.push_back(a.p50_ms);
        p99.push_back(a.p99_ms);
        ref_s.push_back(r.per_second);
        ref_p50.push_back(r.p50_ms);
        ref_p99.push_back(r.p99_ms);
        std::cout << "[ bench academy ] round " << round << ": answers " << a.per_second << "/s p50 " << a.p50_ms
                  << " ms p99 " << a.p99_ms << " ms | reference statuses " << r.per_second << "/s p50 " << r.p50_ms
                  << " ms p99 " << r.p99_ms << " ms" << std::endl;
    }
    auto median = [](std::vector<double> v) {
        std::sort(v.begin(), v.end());
        return v[v.size() / 2];
    };
    std::cout << "[ bench academy ] learners=" << n << " clients=" << clients << " rounds=" << rounds
              << " answers applied=" << median(answers_s) << "/s p50=" << median(p50) << " ms p99=" << median(p99)
              << " ms (webhook sent → state + next step committed) | reference, status webhooks through the same "
                 "path: "
              << median(ref_s) << "/s p50=" << median(ref_p50) << " ms p99=" << median(ref_p99)
              << " ms | ratio " << median(answers_s) / median(ref_s) << std::endl;
}

// The Academy's own share: the same 10,000 answers applied straight through the feature on the writer's kind
// of connection, 64 to a transaction as the inbox consumer does, without HTTP, the inbox or other features.
TEST(AcademyBench, DISABLED_FeatureAloneAppliesTenThousandAnswers) {
    const int n = env_int("DELVEX_BENCH_LEARNERS", 10000);
    const int rounds = env_int("DELVEX_BENCH_ROUNDS", 3);
    testing::TempDir dir;
    const auto seed_path = dir.file("seed.db");
    seed(seed_path, n);
    const auto catalog = core::Catalog::load(std::string(DELVEX_SOURCE_DIR) + "/config/locales");
    std::vector<double> per_second;
    for (int round = 0; round < rounds; ++round) {
        const auto path = dir.file("round" + std::to_string(round) + ".db");
        std::filesystem::copy_file(seed_path, path);
        store::Database db(store::DatabaseOptions{path, false});
        events::Academy feature(events::load_academy(
            std::string(DELVEX_SOURCE_DIR) + "/tests/fixtures/academy/learner", catalog));
        store::MemberRepository members(db.sql());
        store::OutboxRepository outbox_repo(db.sql());
        store::JobRepository jobs(db.sql());
        std::vector<store::MemberRow> rows;
        for (int i = 0; i < n; ++i) {
            rows.push_back(*members.find(member_key(i)));
        }
        const auto start = SteadyClock::now();
        for (int i = 0; i < n;) {
            SQLite::Transaction tx(db.sql(), SQLite::TransactionBehavior::IMMEDIATE);
            for (int k = 0; k < 64 && i < n; ++k, ++i) {
                const auto now_ms = core::to_unix_ms(std::chrono::system_clock::now());
                events::Outbox outbox(outbox_repo, now_ms);
                events::Context ctx{db.sql(), catalog, now_ms, outbox, jobs};
                core::InboundMessage m;
                m.id = "wamid.alone" + std::to_string(i);
                m.type = core::MessageType::kInteractive;
                m.interactive = core::InteractiveType::kButtonReply;
                m.reply_id = "academy:ans:ld-q1:wet";
                ASSERT_TRUE(feature.on_message(ctx, rows[static_cast<std::size_t>(i)], m));
            }
            tx.commit();
        }
        const double took = std::chrono::duration<double>(SteadyClock::now() - start).count();
        per_second.push_back(n / took);
        std::cout << "[ bench academy alone ] round " << round << ": " << n / took << " answers/s, "
                  << took * 1e6 / n << " us per answer" << std::endl;
    }
    std::sort(per_second.begin(), per_second.end());
    std::cout << "[ bench academy alone ] learners=" << n << " median " << per_second[per_second.size() / 2]
              << " answers/s (state, answer, nudge job and next step committed, 64 per transaction)" << std::endl;
}

// Where the rest of an answer's time goes: the same answers through every feature in the service's order
// (rooms gate, forums, academy, …), as the inbox consumer asks them, still without HTTP or the inbox.
TEST(AcademyBench, DISABLED_AllFeaturesApplyTenThousandAnswers) {
    const int n = env_int("DELVEX_BENCH_LEARNERS", 10000);
    const int rounds = env_int("DELVEX_BENCH_ROUNDS", 3);
    testing::TempDir dir;
    testing::TempDir home;
    namespace fs = std::filesystem;
    fs::create_symlink(fs::path(DELVEX_SOURCE_DIR) / "config", fs::path(home.path()) / "config");
    fs::create_symlink(fs::path(DELVEX_SOURCE_DIR) / "tests/fixtures/academy/learner",
                       fs::path(home.path()) / "academy-content");
    const auto seed_path = dir.file("seed.db");
    seed(seed_path, n);
    const auto catalog = core::Catalog::load(std::string(DELVEX_SOURCE_DIR) + "/config/locales");
    app::Config config;
    config.home = home.path();
    core::SystemClock clock;
    store::DbWriter writer(store::DatabaseOptions{dir.file("writer.db"), false});
    store::DbReader reader(store::DbReaderOptions{dir.file("writer.db")});
    std::vector<double> per_second;
    for (int round = 0; round < rounds; ++round) {
        const auto path = dir.file("round" + std::to_string(round) + ".db");
        fs::copy_file(seed_path, path);
        store::Database db(store::DatabaseOptions{path, false});
        auto set = app::make_features(app::FeatureDeps{config, catalog, clock, writer, reader, {}});
        const auto features = set.pointers();
        store::MemberRepository members(db.sql());
        store::OutboxRepository outbox_repo(db.sql());
        store::JobRepository jobs(db.sql());
        std::vector<store::MemberRow> rows;
        for (int i = 0; i < n; ++i) {
            rows.push_back(*members.find(member_key(i)));
        }
        int handled = 0;
        const auto start = SteadyClock::now();
        for (int i = 0; i < n;) {
            SQLite::Transaction tx(db.sql(), SQLite::TransactionBehavior::IMMEDIATE);
            for (int k = 0; k < 64 && i < n; ++k, ++i) {
                const auto now_ms = core::to_unix_ms(std::chrono::system_clock::now());
                events::Outbox outbox(outbox_repo, now_ms);
                events::Context ctx{db.sql(), catalog, now_ms, outbox, jobs};
                core::InboundMessage m;
                m.id = "wamid.all" + std::to_string(i);
                m.sender.wa_id = member_key(i);
                m.type = core::MessageType::kInteractive;
                m.interactive = core::InteractiveType::kButtonReply;
                m.reply_id = "academy:ans:ld-q1:wet";
                for (auto* f : features) {
                    if (f->on_message(ctx, rows[static_cast<std::size_t>(i)], m)) {
                        handled += f->name() == "academy" ? 1 : 0;
                        break;
                    }
                }
            }
            tx.commit();
        }
        const double took = std::chrono::duration<double>(SteadyClock::now() - start).count();
        EXPECT_EQ(handled, n);
        per_second.push_back(n / took);
        std::cout << "[ bench academy all features ] round " << round << ": " << n / took << " answers/s, "
                  << took * 1e6 / n << " us per answer" << std::endl;
    }
    std::sort(per_second.begin(), per_second.end());
    std::cout << "[ bench academy all features ] learners=" << n << " median " << per_second[per_second.size() / 2]
              << " answers/s (every feature in the service's order, 64 per transaction)" << std::endl;
}

}  // namespace
}  // namespace delvex
