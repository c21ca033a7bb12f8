// Benchmark (disabled in the normal run; bench/README.md has the command and the results): one member's
// voice note relayed to a room of 10,000. The copies are queued durably at once (before any download); the
// dispatcher downloads the file once, uploads it once, and sends every copy with the uploaded id. Measured
// against a reference in the same run: the same 10,000 copies of a file that is already uploaded.
//   DELVEX_BENCH_RECIPIENTS (10000), DELVEX_BENCH_ROUNDS (5), DELVEX_BENCH_VOICE_KB (1024)

#include <gtest/gtest.h>

#include <SQLiteCpp/Transaction.h>

#include <algorithm>
#include <atomic>
#include <fstream>
#include <iostream>
#include <thread>

#include "tests/integration/delivery_rig.hpp"

namespace delvex {
namespace {

using namespace std::chrono_literals;
using SteadyClock = std::chrono::steady_clock;

double env_number(const char* name, double fallback) {
    const char* v = std::getenv(name);
    return v != nullptr ? std::stod(v) : fallback;
}

/// Resident memory of this process, in KiB (VmRSS).
long rss_kib() {
    std::ifstream in("/proc/self/status");
    std::string line;
    while (std::getline(in, line)) {
        if (line.rfind("VmRSS:", 0) == 0) {
            return std::stol(line.substr(6));
        }
    }
    return 0;
}

struct Round {
    double queue_ms = 0;          ///< the 10,000 copies committed to the outbox (one transaction)
    double upload_at_ms = 0;      ///< from start to the upload accepted (download + checks + store + upload)
    double first_after_ms = 0;    ///< from the upload to the first copy accepted
    double last_after_ms = 0;     ///< from the upload (reference: from start) to the last copy accepted
    double parked_after_ms = 0;   ///< from the upload to the last of the copies that waited for it accepted
    double rss_growth_mib = 0;    ///< peak resident memory during the run, over the level before it
    std::uint64_t downloads = 0;
    std::uint64_t uploads = 0;
    std::uint64_t parked = 0;     ///< copies that waited for the upload
};

double ms_between(SteadyClock::time_point a, SteadyClock::time_point b) {
    return std::chrono::duration<double, std::milli>(b - a).count();
}

/// One round: `n` copies of a voice note, by its inbound id (`relay`) or by an id uploaded already.
Round voice_note_round(int n, const std::string& voice, bool relay) {
    testing::TempDir media;
    delivery::DeliverySettings s;
    s.governor.rate_per_second = 0;  // no cap: what is measured is the media path, not Meta's rate
    s.governor.inbound_share = 0;
    s.concurrency = 64;
    s.media_dir = media.file("store");
    testing::DeliveryRig rig({}, s, 5000ms, true, true);
    std::atomic<std::size_t> accepted{0};
    std::vector<SteadyClock::time_point> times(static_cast<std::size_t>(n));
    rig.graph.fake.on_message([&](const whatsapp::RecordedMessage&) {
        const auto k = accepted.fetch_add(1);
        if (k < times.size()) {
            times[k] = SteadyClock::now();
        }
    });
    const std::string id = relay ? rig.graph.fake.add_inbound_media(voice, "audio/ogg")
                                 : rig.graph.fake.add_media(voice, "audio/ogg");
    std::vector<store::OutboxEntry> entries;
    entries.reserve(static_cast<std::size_t>(n));
    for (int i = 0; i < n; ++i) {
        core::OutgoingMessage m;
        m.to = core::Recipient::phone("2547" + std::to_string(60000000 + i));
        rig.graph.fake.note_inbound(m.to.id, rig.time.now());
        m.body = core::OutgoingMedia{core::MediaKind::kAudio,
                                     relay ? core::MediaSource::by_inbound(id) : core::MediaSource::by_id(id), "", ""};
        entries.push_back(delivery::entry_for("rooms.relay:voice", m, {}));
    }
    Round r;
    const auto queue_start = SteadyClock::now();
    const auto now_ms = core::to_unix_ms(rig.time.now());
    rig.writer.post([&](store::Database& db) {
        SQLite::Transaction tx(db.sql(), SQLite::TransactionBehavior::IMMEDIATE);
        store::OutboxRepository repo(db.sql());
        for (const auto& e : entries) {
            repo.enqueue(e, now_ms);
        }
        tx.commit();
    });
    rig.with_outbox([](store::OutboxRepository& repo) { return repo.count(store::OutboxStatus::kQueued); });
    r.queue_ms = ms_between(queue_start, SteadyClock::now());
    entries.clear();
    entries.shrink_to_fit();

    const long rss_before = rss_kib();
    std::atomic<long> rss_peak{rss_before};
    std::atomic<bool> sampling{true};
    std::thread sampler([&] {
        while (sampling.load()) {
            rss_peak.store(std::max(rss_peak.load(), rss_kib()));
            std::this_thread::sleep_for(5ms);
        }
    });
    const auto start = SteadyClock::now();
    SteadyClock::time_point upload_at = start;
    rig.start();
    const auto deadline = start + 120s;
    bool uploaded = !relay;
    while (accepted.load() < static_cast<std::size_t>(n) && SteadyClock::now() < deadline) {
        if (!uploaded && rig.graph.fake.stats().media_uploads > 0) {
            uploaded = true;
            upload_at = SteadyClock::now();
        }
        std::this_thread::sleep_for(200us);
    }
    sampling.store(false);
    sampler.join();
    EXPECT_TRUE(rig.settled());  // every answer written: every acceptance time recorded
    r.parked = rig.stats().media_waits;
    r.upload_at_ms = ms_between(start, upload_at);
    r.first_after_ms = ms_between(upload_at, times.front());
    r.last_after_ms = ms_between(upload_at, times.back());
    if (r.parked > 0) {
        r.parked_after_ms = ms_between(upload_at, times[std::min<std::size_t>(r.parked, times.size()) - 1]);
    }
    r.rss_growth_mib = static_cast<double>(rss_peak.load() - rss_before) / 1024.0;
    const auto fake = rig.graph.fake.stats();
    r.downloads = fake.media_downloads;
    r.uploads = fake.media_uploads;
    EXPECT_EQ(accepted.load(), static_cast<std::size_t>(n)) << "not every copy was sent";
    return r;
}

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

TEST(DeliveryBench, DISABLED_VoiceNoteToTenThousandOneDownloadOneUploadEveryCopyAtOnce) {
    const int n = static_cast<int>(env_number("DELVEX_BENCH_RECIPIENTS", 10000));
    const int rounds = static_cast<int>(env_number("DELVEX_BENCH_ROUNDS", 5));
    const std::string voice(static_cast<std::size_t>(env_number("DELVEX_BENCH_VOICE_KB", 1024) * 1024), 'o');
    std::vector<double> queue, upload_at, first_after, parked_after, last_after, rss, ref_last, ref_rss;
    for (int i = 0; i < rounds; ++i) {
        // Alternate which goes first: the first run of a pair grows the allocator's heap for both.
        Round ref;
        Round r;
        if (i % 2 == 0) {
            ref = voice_note_round(n, voice, false);
            r = voice_note_round(n, voice, true);
        } else {
            r = voice_note_round(n, voice, true);
            ref = voice_note_round(n, voice, false);
        }
        EXPECT_EQ(r.downloads, 1u);
        EXPECT_EQ(r.uploads, 1u);
        EXPECT_EQ(ref.uploads, 0u);
        queue.push_back(r.queue_ms);
        upload_at.push_back(r.upload_at_ms);
        first_after.push_back(r.first_after_ms);
        parked_after.push_back(r.parked_after_ms);
        last_after.push_back(r.last_after_ms);
        rss.push_back(r.rss_growth_mib);
        ref_last.push_back(ref.last_after_ms);
        ref_rss.push_back(ref.rss_growth_mib);
        std::cout << "[ bench voice-note ] round=" << i + 1 << " recipients=" << n << " voice_kib=" << voice.size() / 1024
                  << " queued_ms=" << r.queue_ms << " upload_done_ms=" << r.upload_at_ms
                  << " first_copy_after_upload_ms=" << r.first_after_ms
                  << " parked_copies_sent_after_upload_ms=" << r.parked_after_ms << " all_copies_after_upload_ms=" << r.last_after_ms << " parked=" << r.parked
                  << " downloads=" << r.downloads << " uploads=" << r.uploads << " rss_growth_mib=" << r.rss_growth_mib
                  << " | reference (already uploaded) all_copies_ms=" << ref.last_after_ms
                  << " rss_growth_mib=" << ref.rss_growth_mib << '\n';
    }
    std::cout << "[ bench voice-note ] median recipients=" << n << " queued_ms=" << median(queue)
              << " upload_done_ms=" << median(upload_at) << " first_copy_after_upload_ms=" << median(first_after)
              << " parked_copies_sent_after_upload_ms=" << median(parked_after)
              << " all_copies_after_upload_ms=" << median(last_after) << " rss_growth_mib=" << median(rss)
              << " | reference all_copies_ms=" << median(ref_last) << " rss_growth_mib=" << median(ref_rss) << '\n';
}

}  // namespace
}  // namespace delvex
