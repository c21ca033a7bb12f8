#pragma once

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "bot/store/repositories.hpp"

namespace delvex::store {

/// The largest webhook body the service can be configured to take (the maximum of http.body_limit_bytes).
inline constexpr std::size_t kMaxWebhookBody = 100U << 20;
/// The longest landing record one such POST can make: its updates' JSON (at most the body again), the raw body
/// once more when it is quarantined, keys and framing. The reader takes a longer length for damage, so this
/// must cover the largest body the config allows (security review L-7).
inline constexpr auto kMaxLandingRecord = static_cast<std::uint32_t>(2 * kMaxWebhookBody + (16U << 20));
static_assert(kMaxLandingRecord >= 2 * kMaxWebhookBody + (1U << 20));

/// One webhook POST as it lands: what the inbox will keep of it.
struct LandedBatch {
    std::int64_t received_ms = 0;
    std::vector<InboxRecord> records;
    /// Set when (part of) the body could not be understood: the raw body is kept with this reason.
    std::optional<std::string> quarantine_reason;
    std::string raw_body;  ///< only kept with quarantine_reason
};

/// Append-only files where webhooks land before the inbox takes them in.
///
/// Answering Meta needs only that a POST is durable, not that it is deduplicated and indexed; SQLite's
/// per-commit work (B-tree pages, the dedupe index, WAL frames, locks) cost more than the whole HTTP
/// exchange and allowed one writer at a time. So each thread that receives webhooks appends them to a
/// segment file of its own (one write per group, plus fdatasync when durable) and answers; the importer
/// (one thread) moves them into the inbox and records how far it got in the same SQLite transaction, so
/// each record is imported exactly once, across crashes too.
///
/// A record is [u32 length][u32 crc32 of the payload][payload]. A record cut short by a crash, or one
/// whose checksum fails (a torn or zeroed tail after a power cut), ends its segment: it was never
/// acknowledged. Segments are named by a number that grows across restarts; a segment is sealed when its
/// writer moves on (it grew past `segment_bytes`, or the process that wrote it is gone), and deleted once
/// imported.
class LandingLog {
public:
    struct Options {
        std::string dir;
        /// Sync the directory when a segment is created. Appends are synced by their writer, through
        /// File::sync (off the thread that appended, if it must not wait for the disk).
        bool durable = true;
        std::uint64_t segment_bytes = 64ULL << 20;
    };

    struct Segment;

    /// An open segment file, shared by the lane writing it and whoever syncs it; closed when both let go.
    class File {
    public:
        explicit File(int fd) : fd_(fd) {}
        ~File();
        File(const File&) = delete;
        File& operator=(const File&) = delete;

        /// fdatasync: everything written to the file so far is on disk. Throws; after a failure the file
        /// takes no more appends (the kernel may have dropped pages it could not write).
        void sync();
        bool failed() const { return failed_.load(std::memory_order_acquire); }
        int fd() const { return fd_; }

    private:
        const int fd_;
        std::atomic<bool> failed_{false};
    };

    /// One writer's current segment. Not thread-safe: one thread appends through a lane at a time.
    class Lane {
    public:
        ~Lane();
        Lane(const Lane&) = delete;
        Lane& operator=(const Lane&) = delete;

        /// Appends the batches with one write (to the OS, not yet synced) and returns the bytes written.
        /// Throws on failure, and then none of them has landed (the segment is cut back, or sealed if that
        /// fails too).
        std::uint64_t append(std::span<const LandedBatch* const> batches);

        /// The file the last append went to (to sync it).
        std::shared_ptr<File> file() const { return file_; }

    private:
        friend class LandingLog;
        explicit Lane(LandingLog& log) : log_(log) {}
        void open_segment();
        void seal();
        /// The segment this append goes to, held against roll() until the write is done.
        std::unique_lock<std::mutex> take_segment();

        LandingLog& log_;
        std::shared_ptr<Segment> segment_;
        std::shared_ptr<File> file_;
        std::uint64_t size_ = 0;
        std::string buffer_;
    };

    /// What the importer sees of a segment.
    struct SegmentView {
        std::uint64_t id = 0;
        std::uint64_t readable_end = 0;  ///< bytes of whole, acknowledged records (all of the file when sealed)
        bool sealed = false;
        /// Left by an earlier process: a bad record at its tail is a write cut short, not damage.
        bool recovered = false;
    };

    struct ReadResult {
        std::vector<LandedBatch> batches;
        std::uint64_t next_offset = 0;
        /// No whole record follows next_offset (below the readable end).
        bool at_end = false;
        /// Set when a record inside the acknowledged part failed its checks.
        std::string damage;
    };

    explicit LandingLog(Options options);
    ~LandingLog();
    LandingLog(const LandingLog&) = delete;
    LandingLog& operator=(const LandingLog&) = delete;

    /// A new writer with a segment of its own (created on its first append).
    std::unique_ptr<Lane> lane();

    // The importer's side: one thread.

    /// Every segment not yet removed, oldest first.
    std::vector<SegmentView> segments() const;
    /// Whole records of segment `id` from `offset`, at most `max_batches` of them and none past `limit`.
    ReadResult read(std::uint64_t id, std::uint64_t offset, std::uint64_t limit, std::size_t max_batches) const;
    /// The same from a segment file opened by someone else (read-only: `delvex backup` reads a live
    /// service's segments this way, without the folder's lock). A record cut short at `limit` ends the read
    /// (at_end); one that fails its checks is reported in `damage`.
    static ReadResult read_file(int fd, std::uint64_t offset, std::uint64_t limit, std::size_t max_batches);
    /// The segment number a file in the folder stands for ("00000000000000000042.log" -> 42); nullopt for
    /// any other name.
    static std::optional<std::uint64_t> segment_id(std::string_view file_name);
    /// The importer has committed everything before `offset` of segment `id`.
    void imported(std::uint64_t id, std::uint64_t offset);
    /// Deletes a sealed segment the importer is done with.
    void remove(std::uint64_t id);
    /// Leaves a damaged segment on disk for an operator, but out of the backlog.
    void set_aside(std::uint64_t id);
    /// Deletes the segments set aside whose file was last written before `cutoff` (retention: they hold raw
    /// webhooks, numbers included). Returns how many. Any thread.
    std::size_t purge_set_aside(std::filesystem::file_time_type cutoff);
    /// FORGET ME: overwrites, in every segment set aside, each occurrence of any of `forms` (a member's number
    /// in its plain and encoded forms, core::number_forms, or their BSUID) with '*' of the same length, and
    /// syncs the file. Only set-aside segments: their records are imported up to the damage and never read
    /// again, so no checksum an import relies on changes; a live segment's records are imported within
    /// moments and erased with the rest. Returns how many files were changed. Any thread; throws when a file
    /// cannot be rewritten.
    std::size_t redact_set_aside(const std::vector<std::string>& forms);

    /// Closes every segment being written: each writer moves to a new one at its next append, and the importer
    /// deletes the closed ones once it has read them to their end. Imported webhooks stay in a segment's file
    /// until then, which at a quiet time can be long; FORGET ME and the daily retention run roll, so that raw
    /// webhooks are not kept longer than the inbox keeps them. Returns how many were closed. Any thread; the
    /// importer must be kicked afterwards.
    std::size_t roll();

    /// Whether some landed record is not imported yet. Any thread.
    bool backlog() const;
    /// Bytes landed and not yet imported. Any thread.
    std::uint64_t backlog_bytes() const;

    const std::string& dir() const { return options_.dir; }
    bool durable() const { return options_.durable; }

    /// The encoding, exposed for tests and the fuzzer.
    static void encode(const LandedBatch& batch, std::string& out);
    /// Decodes one record's payload; nullopt when it is malformed.
    static std::optional<LandedBatch> decode(std::string_view payload);

private:
    std::string path_of(std::uint64_t id) const;

    Options options_;
    mutable std::mutex mutex_;
    std::map<std::uint64_t, std::shared_ptr<Segment>> segments_;
    std::uint64_t next_id_ = 1;
    int dir_fd_ = -1;
};

}  // namespace delvex::store
