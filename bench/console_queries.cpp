// Benchmark: the console's queries (bot/store/console_queries) on a year of a large programme
// (bench/console_seed.*: 100,000 members over six rooms by default). Seeds a fresh SQLite file through the real
// migrations, then runs each query `runs` times on a connection opened as the service opens one and prints the
// median and the slowest run. Target: each well under 100 ms, so that a console page stays under 200 ms.
//
//   bench_console_queries [db-path] [runs] [members]     (BENCH_REUSE=1: keep an already seeded db-path)

#include <algorithm>
#include <ctime>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "bench/console_seed.hpp"
#include "bot/store/console_queries.hpp"
#include "bot/store/database.hpp"

namespace {

using namespace delvex;
using Clock = std::chrono::steady_clock;

double ms_since(Clock::time_point t) {
    return std::chrono::duration<double, std::milli>(Clock::now() - t).count();
}

double cpu_ms() {
    timespec ts{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) / 1e6;
}

// Wall time is what a page waits; CPU time is what the query costs when the machine is shared (this one runs
// other builds beside the benchmark): both are printed.
void time_query(const char* name, int runs, const std::function<std::size_t()>& run) {
    std::vector<double> walls;
    std::vector<double> cpus;
    std::size_t size = 0;
    for (int i = 0; i < runs; ++i) {
        const auto t = Clock::now();
        const double c = cpu_ms();
        size = run();
        cpus.push_back(cpu_ms() - c);
        walls.push_back(ms_since(t));
    }
    std::sort(walls.begin(), walls.end());
    std::sort(cpus.begin(), cpus.end());
    std::printf("[ bench console ] %-42s wall median %7.2f ms max %7.2f | cpu median %7.2f ms max %7.2f  (%zu)\n",
                name, walls[walls.size() / 2], walls.back(), cpus[cpus.size() / 2], cpus.back(), size);
}

}  // namespace

int main(int argc, char** argv) {
    const std::string path = argc > 1 ? argv[1] : "/tmp/delvex-console-bench.db";
    const int runs = argc > 2 ? std::max(1, std::atoi(argv[2])) : 9;
    bench::ConsoleSeedOptions options;
    if (argc > 3) options.members = std::max(1000, std::atoi(argv[3]));
    // BENCH_REUSE=1 times the queries on a file seeded by an earlier run.
    const bool reuse = std::getenv("BENCH_REUSE") != nullptr && std::filesystem::exists(path);
    if (!reuse) {
        for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix);
    }
    if (!reuse) {
        store::Database db(store::DatabaseOptions{path});
        const auto t = Clock::now();
        const auto n = bench::seed_console(db.sql(), options);
        std::printf("[ bench console ] seeded in %.1f s: members %lld, memberships %lld, room_events %lld, posts %lld, "
                    "reports %lld, rsvps %lld, attendance %lld, feedback %lld, progress %lld, answers %lld, "
                    "certificates %lld, outbox %lld, message_costs %lld; file %.0f MB\n",
                    ms_since(t) / 1000, static_cast<long long>(n.members), static_cast<long long>(n.memberships),
                    static_cast<long long>(n.room_events), static_cast<long long>(n.posts),
                    static_cast<long long>(n.reports), static_cast<long long>(n.rsvps),
                    static_cast<long long>(n.attendance), static_cast<long long>(n.feedback),
                    static_cast<long long>(n.progress), static_cast<long long>(n.answers),
                    static_cast<long long>(n.certificates), static_cast<long long>(n.outbox),
                    static_cast<long long>(n.message_costs),
                    static_cast<double>(std::filesystem::file_size(path)) / 1e6);
    }

    // A fresh connection, as the console's reader would hold.
    store::Database db(store::DatabaseOptions{path});
    auto& sql = db.sql();
    const std::int64_t now_ms = options.now_ms;
    using namespace store::console;
    time_query("overview, 12 months (2025-12..2026-11)", runs,
               [&] { return overview(sql, "2025-12", "2026-11").months.size(); });
    time_query("overview, 1 month (2026-11)", runs, [&] { return overview(sql, "2026-11", "2026-11").months.size(); });
    time_query("academy_funnel", runs, [&] { return academy_funnel(sql).size(); });
    time_query("delivery_health", runs, [&] { return delivery_health(sql, now_ms).failed_by_reason.size(); });
    time_query("funder_report 2026-11 + CSV", runs, [&] { return funder_csv(funder_report(sql, "2026-11")).size(); });
    const auto search = [&](const char* name, MemberQuery q) {
        time_query(name, runs, [&] { return static_cast<std::size_t>(search_members(sql, q).total); });
    };
    search("search_members, no filter, page 1", MemberQuery{});
    search("search_members, alias 'amina1' (staff)", MemberQuery{"amina1", "", "", RoleFilter::kAny, 0, 50, false});
    search("search_members, alias '777' substring", MemberQuery{"777", "", "", RoleFilter::kAny, 0, 50, false});
    search("search_members, room + language", MemberQuery{"", "sahel", "fr", RoleFilter::kAny, 0, 50, false});
    search("search_members, moderators of a room", MemberQuery{"", "andes", "", RoleFilter::kModerator, 0, 50, false});
    search("search_members, page 100 (offset 4,950)", MemberQuery{"", "", "", RoleFilter::kAny, 4950, 50, false});
    search("search_members, number digits (admin)", MemberQuery{"2547000", "", "", RoleFilter::kAny, 0, 50, true});
    time_query("export_members, all, as CSV", std::min(runs, 3), [&] {
        std::size_t bytes = member_csv_header().size();
        export_members(sql, MemberQuery{}, [&](const MemberSummary& m) { bytes += member_csv_record(m).size(); });
        return bytes;
    });
    return 0;
}
