#include "bot/store/landing_log.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <stdexcept>
#include <system_error>

#include "bot/core/number_forms.hpp"

namespace delvex::store {
namespace {

constexpr std::size_t kHeader = 8;
/// What the largest POST the config allows can make (landing_log.hpp); a larger length is damage, not data.
constexpr std::uint32_t kMaxRecord = kMaxLandingRecord;
/// The importer reads at most this much of a segment per call (more only for one larger record).
constexpr std::size_t kReadChunk = 1U << 20;

[[noreturn]] void fail(const std::string& what) {
    throw std::system_error(errno, std::generic_category(), what);
}

std::uint32_t checksum(std::string_view bytes) {
    return static_cast<std::uint32_t>(
        ::crc32(0L, reinterpret_cast<const Bytef*>(bytes.data()), static_cast<uInt>(bytes.size())));
}

template <typename T>
void put(std::string& out, T value) {
    char raw[sizeof(T)];
    std::memcpy(raw, &value, sizeof(T));
    out.append(raw, sizeof(T));
}

void put_string(std::string& out, std::string_view s) {
    put(out, static_cast<std::uint32_t>(s.size()));
    out.append(s);
}

/// Bounds-checked reading of an encoded payload: every read fails softly past the end.
class Reader {
public:
    explicit Reader(std::string_view in) : in_(in) {}

    template <typename T>
    bool get(T& value) {
        if (in_.size() < sizeof(T)) {
            return false;
        }
        std::memcpy(&value, in_.data(), sizeof(T));
        in_.remove_prefix(sizeof(T));
        return true;
    }

    bool get_string(std::string& s) {
        std::uint32_t n = 0;
        if (!get(n) || in_.size() < n) {
            return false;
        }
        s.assign(in_.data(), n);
        in_.remove_prefix(n);
        return true;
    }

    bool empty() const { return in_.empty(); }

private:
    std::string_view in_;
};

void write_all(int fd, std::string_view bytes) {
    while (!bytes.empty()) {
        const ssize_t n = ::write(fd, bytes.data(), bytes.size());
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            fail("landing log write");
        }
        bytes.remove_prefix(static_cast<std::size_t>(n));
    }
}

bool read_at(int fd, std::uint64_t offset, std::size_t n, std::string& out) {
    out.resize(n);
    std::size_t got = 0;
    while (got < n) {
        const ssize_t r = ::pread(fd, out.data() + got, n - got, static_cast<off_t>(offset + got));
        if (r < 0 && errno == EINTR) {
            continue;
        }
        if (r < 0) {
            fail("landing log read");
        }
        if (r == 0) {
            break;
        }
        got += static_cast<std::size_t>(r);
    }
    out.resize(got);
    return got == n;
}

}  // namespace

struct LandingLog::Segment {
    explicit Segment(std::uint64_t segment_id, bool was_recovered) : id(segment_id), recovered(was_recovered) {}
    const std::uint64_t id;
    /// Left by an earlier process: its end is the file's size, and a bad record at its tail is a torn write.
    const bool recovered;
    std::atomic<std::uint64_t> end{0};
    std::atomic<std::uint64_t> imported{0};
    std::atomic<bool> sealed{false};
    /// Set aside by the importer (damaged or unreadable), or closed by roll(): its writer moves to a new
    /// segment at its next append.
    std::atomic<bool> abandoned{false};
    /// Held by the writer from its look at `abandoned` to the end of its write, and by roll(): a segment
    /// roll() seals takes no append after it.
    std::mutex append_mu;
    bool set_aside = false;  // under the log's mutex
};

namespace {

/// A segment found at start is imported only if it is a plain file of the service's user; one anyone else
/// could have written stops the start with what to do (security review L-6). A file of ours readable by
/// others (copied back by hand) is made owner-only again.
void check_segment(int dir_fd, const std::string& dir, const std::string& name) {
    const int fd = ::openat(dir_fd, name.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    struct stat st {};
    const bool read = fd >= 0 && ::fstat(fd, &st) == 0;
    std::string problem;
    if (!read) {
        problem = errno == ELOOP ? "is a symbolic link" : std::string("cannot be read: ") + std::strerror(errno);
    } else if (!S_ISREG(st.st_mode)) {
        problem = "is not a plain file";
    } else if (st.st_uid != ::geteuid()) {
        problem = "belongs to uid " + std::to_string(st.st_uid) + ", not to the service's user";
    } else if ((st.st_mode & 07777) != (S_IRUSR | S_IWUSR) && ::fchmod(fd, S_IRUSR | S_IWUSR) != 0) {
        problem = "cannot be made owner-only (0600)";
    }
    if (fd >= 0) {
        ::close(fd);
    }
    if (!problem.empty()) {
        throw std::runtime_error("landing log: " + dir + "/" + name + " " + problem +
                                 "; it would be imported as webhooks: check it, then remove or fix it");
    }
}

}  // namespace

LandingLog::LandingLog(Options options) : options_(std::move(options)) {
    namespace fs = std::filesystem;
    std::error_code ec;
    fs::create_directories(options_.dir, ec);
    if (ec) {
        throw std::runtime_error("landing log: cannot create " + options_.dir + ": " + ec.message());
    }
    // What lies here is imported as though Meta had signed it (records carry a CRC, not a MAC), so the folder
    // must be the service's alone (security review L-6): not a link, owned by this user, no one else may
    // write in it.
    dir_fd_ = ::open(options_.dir.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (dir_fd_ < 0) {
        fail("landing log: cannot open " + options_.dir + " (a link is refused)");
    }
    struct stat dir_stat {};
    if (::fstat(dir_fd_, &dir_stat) != 0) {
        const int saved = errno;
        ::close(dir_fd_);
        dir_fd_ = -1;
        errno = saved;
        fail("landing log: cannot read " + options_.dir);
    }
    if (dir_stat.st_uid != ::geteuid()) {
        ::close(dir_fd_);
        dir_fd_ = -1;
        throw std::runtime_error("landing log: " + options_.dir + " belongs to uid " + std::to_string(dir_stat.st_uid) +
                                 ", not to the service's user (uid " + std::to_string(::geteuid()) +
                                 "); what is in it would be imported as webhooks: check it, then chown it");
    }
    if ((dir_stat.st_mode & 07777) != S_IRWXU && ::fchmod(dir_fd_, S_IRWXU) != 0) {
        const int saved = errno;
        ::close(dir_fd_);
        dir_fd_ = -1;
        errno = saved;
        fail("landing log: cannot make " + options_.dir + " owner-only (0700)");
    }
    // One process at a time: a second one would take the first one's live segments for a dead process's
    // and import and delete them while they are still being written. The kernel drops the lock with the
    // process, kill -9 included.
    if (::flock(dir_fd_, LOCK_EX | LOCK_NB) != 0) {
        const int saved = errno;
        ::close(dir_fd_);
        dir_fd_ = -1;
        if (saved == EWOULDBLOCK) {
            throw std::runtime_error("landing log: " + options_.dir +
                                     " is in use by another delvex process (one service per database)");
        }
        errno = saved;
        fail("landing log: cannot lock " + options_.dir);
    }
    for (const auto& entry : fs::directory_iterator(options_.dir)) {
        const std::string name = entry.path().filename().string();
        const auto parsed = segment_id(name);
        if (!parsed) {
            continue;
        }
        const std::uint64_t id = *parsed;
        try {
            check_segment(dir_fd_, options_.dir, name);
        } catch (...) {
            ::close(dir_fd_);  // a constructor that throws runs no destructor: let go of the folder's lock here
            dir_fd_ = -1;
            throw;
        }
        auto segment = std::make_shared<Segment>(id, true);
        segment->end = static_cast<std::uint64_t>(entry.file_size());
        segment->sealed = true;
        segments_.emplace(id, std::move(segment));
        next_id_ = std::max(next_id_, id + 1);
    }
    // New segments are numbered from the wall clock (in microseconds) on, not from 1: the importer's
    // progress rows name segments by number, and a database restored from a backup (or moved) must not take
    // a new segment for one it already imported.
    const auto now_us = std::chrono::duration_cast<std::chrono::microseconds>(
                            std::chrono::system_clock::now().time_since_epoch())
                            .count();
    next_id_ = std::max(next_id_, static_cast<std::uint64_t>(now_us));
}

LandingLog::~LandingLog() {
    if (dir_fd_ >= 0) {
        ::close(dir_fd_);
    }
}

std::string LandingLog::path_of(std::uint64_t id) const {
    char name[32];
    const int n = std::snprintf(name, sizeof(name), "%020llu.log", static_cast<unsigned long long>(id));
    return options_.dir + "/" + std::string(name, static_cast<std::size_t>(n));
}

LandingLog::File::~File() {
    ::close(fd_);
}

void LandingLog::File::sync() {
    if (::fdatasync(fd_) != 0) {
        failed_.store(true, std::memory_order_release);
        fail("landing log fdatasync");
    }
}

std::unique_ptr<LandingLog::Lane> LandingLog::lane() {
    return std::unique_ptr<Lane>(new Lane(*this));
}

LandingLog::Lane::~Lane() {
    seal();
}

void LandingLog::Lane::open_segment() {
    std::shared_ptr<Segment> segment;
    {
        std::lock_guard lock(log_.mutex_);
        segment = std::make_shared<Segment>(log_.next_id_++, false);
    }
    const std::string path = log_.path_of(segment->id);
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_APPEND | O_CLOEXEC, 0600);
    if (fd < 0) {
        fail("landing log: cannot create " + path);
    }
    auto file = std::make_shared<File>(fd);
    // The new name must survive a power cut too, or the records in it would be lost with it.
    if (log_.options_.durable && ::fsync(log_.dir_fd_) != 0) {
        const int saved = errno;
        ::unlink(path.c_str());
        errno = saved;
        fail("landing log: cannot sync " + log_.options_.dir);
    }
    file_ = std::move(file);
    size_ = 0;
    {
        std::lock_guard lock(log_.mutex_);
        log_.segments_.emplace(segment->id, segment);
    }
    segment_ = std::move(segment);
}

std::unique_lock<std::mutex> LandingLog::Lane::take_segment() {
    for (;;) {
        if (segment_ && (size_ >= log_.options_.segment_bytes || file_->failed())) {
            seal();
        }
        if (!segment_) {
            open_segment();
        }
        std::unique_lock hold(segment_->append_mu);
        if (!segment_->abandoned.load(std::memory_order_acquire)) {
            return hold;
        }
        hold.unlock();
        seal();
    }
}

void LandingLog::Lane::seal() {
    if (segment_) {
        segment_->sealed.store(true, std::memory_order_release);
        segment_.reset();
    }
    file_.reset();
}

std::uint64_t LandingLog::Lane::append(std::span<const LandedBatch* const> batches) {
    buffer_.clear();
    for (const LandedBatch* batch : batches) {
        const std::size_t start = buffer_.size();
        buffer_.append(kHeader, '\0');
        encode(*batch, buffer_);
        const std::string_view payload(buffer_.data() + start + kHeader, buffer_.size() - start - kHeader);
        if (payload.size() > kMaxRecord) {
            // Never written: the reader would take it for damage and stop at it. The config's body limit keeps
            // every POST under this; only a caller outside the service could get here.
            throw std::length_error("landing record of " + std::to_string(payload.size()) + " bytes is over " +
                                    std::to_string(kMaxRecord));
        }
        const auto length = static_cast<std::uint32_t>(payload.size());
        const std::uint32_t sum = checksum(payload);
        std::memcpy(buffer_.data() + start, &length, 4);
        std::memcpy(buffer_.data() + start + 4, &sum, 4);
    }
    std::unique_lock hold = take_segment();
    try {
        write_all(file_->fd(), buffer_);
    } catch (...) {
        // Nothing of this append is acknowledged: cut it off, so that the next append does not land behind
        // half a record; if even that fails, this segment takes no more.
        if (::ftruncate(file_->fd(), static_cast<off_t>(size_)) != 0) {
            hold.unlock();  // before seal() lets go of the segment, which owns the mutex
            seal();
        }
        throw;
    }
    const std::uint64_t written = buffer_.size();
    size_ += written;
    segment_->end.store(size_, std::memory_order_release);
    if (buffer_.capacity() > (4U << 20)) {
        std::string().swap(buffer_);  // one large quarantined body does not pin megabytes per lane
    }
    return written;
}

void LandingLog::encode(const LandedBatch& batch, std::string& out) {
    put(out, batch.received_ms);
    put(out, static_cast<std::uint32_t>(batch.records.size()));
    for (const auto& r : batch.records) {
        put(out, static_cast<std::int32_t>(r.kind));
        put(out, r.event_ts);
        put_string(out, r.dedupe_key);
        put_string(out, r.member_key);
        put_string(out, r.phone_number_id);
        put_string(out, r.payload);
    }
    put(out, static_cast<std::uint8_t>(batch.quarantine_reason ? 1 : 0));
    if (batch.quarantine_reason) {
        put_string(out, *batch.quarantine_reason);
        put_string(out, batch.raw_body);
    }
}

std::optional<LandedBatch> LandingLog::decode(std::string_view payload) {
    Reader in(payload);
    LandedBatch batch;
    std::uint32_t count = 0;
    // Every record takes at least its kind, time and four string lengths: a count the payload cannot hold is
    // refused before anything is allocated for it.
    constexpr std::size_t kSmallestRecord = 4 + 8 + 4 * 4;
    if (!in.get(batch.received_ms) || !in.get(count) || count > payload.size() / kSmallestRecord) {
        return std::nullopt;
    }
    batch.records.resize(count);
    for (auto& r : batch.records) {
        std::int32_t kind = 0;
        if (!in.get(kind) || !in.get(r.event_ts) || !in.get_string(r.dedupe_key) || !in.get_string(r.member_key) ||
            !in.get_string(r.phone_number_id) || !in.get_string(r.payload)) {
            return std::nullopt;
        }
        r.kind = kind;
    }
    std::uint8_t quarantined = 0;
    if (!in.get(quarantined) || quarantined > 1) {
        return std::nullopt;
    }
    if (quarantined == 1) {
        std::string reason;
        if (!in.get_string(reason) || !in.get_string(batch.raw_body)) {
            return std::nullopt;
        }
        batch.quarantine_reason = std::move(reason);
    }
    if (!in.empty()) {
        return std::nullopt;
    }
    return batch;
}

std::vector<LandingLog::SegmentView> LandingLog::segments() const {
    std::vector<SegmentView> out;
    std::lock_guard lock(mutex_);
    out.reserve(segments_.size());
    for (const auto& [id, segment] : segments_) {
        if (segment->set_aside) {
            continue;
        }
        // Sealed first, then the end: a writer stores its last end before it seals.
        const bool sealed = segment->sealed.load(std::memory_order_acquire);
        out.push_back(SegmentView{id, segment->end.load(std::memory_order_acquire), sealed, segment->recovered});
    }
    return out;
}

LandingLog::ReadResult LandingLog::read(std::uint64_t id, std::uint64_t offset, std::uint64_t limit,
                                        std::size_t max_batches) const {
    const std::string path = path_of(id);
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        fail("landing log: cannot open " + path);
    }
    struct Closer {
        int fd;
        ~Closer() { ::close(fd); }
    } closer{fd};
    return read_file(fd, offset, limit, max_batches);
}

std::optional<std::uint64_t> LandingLog::segment_id(std::string_view name) {
    std::uint64_t id = 0;
    const auto [end, err] = std::from_chars(name.data(), name.data() + name.size(), id);
    if (err != std::errc() || std::string_view(end, static_cast<std::size_t>(name.data() + name.size() - end)) != ".log" ||
        id == 0) {
        return std::nullopt;
    }
    return id;
}

LandingLog::ReadResult LandingLog::read_file(int fd, std::uint64_t offset, std::uint64_t limit,
                                             std::size_t max_batches) {
    ReadResult result;
    result.next_offset = offset;
    std::string chunk;
    const std::uint64_t want = std::min<std::uint64_t>(limit > offset ? limit - offset : 0, kReadChunk);
    // A file shorter than its readable end (cut by hand, or a recovered tail) ends where it ends.
    const bool short_read = !read_at(fd, offset, static_cast<std::size_t>(want), chunk);
    std::string big;  // one record larger than the chunk
    std::size_t pos = 0;
    while (result.batches.size() < max_batches) {
        const std::uint64_t at = offset + pos;
        if (at + kHeader > limit) {
            result.at_end = true;
            break;
        }
        if (pos + kHeader > chunk.size()) {
            result.at_end = short_read;
            break;  // otherwise the next call reads on from here
        }
        std::uint32_t length = 0;
        std::uint32_t sum = 0;
        std::memcpy(&length, chunk.data() + pos, 4);
        std::memcpy(&sum, chunk.data() + pos + 4, 4);
        if (length > kMaxRecord) {
            result.damage = "record at byte " + std::to_string(at) + " claims " + std::to_string(length) + " bytes";
            break;
        }
        if (at + kHeader + length > limit) {
            result.at_end = true;  // cut short: never acknowledged
            break;
        }
        std::string_view payload;
        if (pos + kHeader + length <= chunk.size()) {
            payload = std::string_view(chunk).substr(pos + kHeader, length);
        } else if (pos == 0) {
            if (!read_at(fd, at + kHeader, length, big)) {
                result.at_end = true;
                break;
            }
            payload = big;
        } else if (short_read) {
            result.at_end = true;
            break;
        } else {
            break;
        }
        auto batch = checksum(payload) == sum ? decode(payload) : std::nullopt;
        if (!batch) {
            result.damage = "record at byte " + std::to_string(at) + " fails its checksum or cannot be read";
            break;
        }
        result.batches.push_back(std::move(*batch));
        pos += kHeader + length;
        result.next_offset = offset + pos;
    }
    return result;
}

void LandingLog::imported(std::uint64_t id, std::uint64_t offset) {
    std::lock_guard lock(mutex_);
    if (auto it = segments_.find(id); it != segments_.end()) {
        it->second->imported.store(offset, std::memory_order_release);
    }
}

void LandingLog::remove(std::uint64_t id) {
    {
        std::lock_guard lock(mutex_);
        segments_.erase(id);
    }
    if (::unlink(path_of(id).c_str()) != 0 && errno != ENOENT) {
        fail("landing log: cannot delete " + path_of(id));
    }
}

std::size_t LandingLog::purge_set_aside(std::filesystem::file_time_type cutoff) {
    std::vector<std::uint64_t> old;
    {
        std::lock_guard lock(mutex_);
        for (const auto& [id, segment] : segments_) {
            std::error_code ec;
            const auto written = std::filesystem::last_write_time(path_of(id), ec);
            if (segment->set_aside && !ec && written < cutoff) {
                old.push_back(id);
            }
        }
    }
    for (const auto id : old) {
        remove(id);
    }
    return old.size();
}

std::size_t LandingLog::redact_set_aside(const std::vector<std::string>& forms) {
    std::size_t longest = 0;
    for (const auto& form : forms) {
        longest = std::max(longest, form.size());
    }
    if (longest == 0) {
        return 0;
    }
    std::vector<std::uint64_t> aside;
    {
        std::lock_guard lock(mutex_);
        for (const auto& [id, segment] : segments_) {
            if (segment->set_aside) {
                aside.push_back(id);
            }
        }
    }
    std::size_t changed = 0;
    std::string window;
    for (const auto id : aside) {
        const std::string path = path_of(id);
        const int fd = ::open(path.c_str(), O_RDWR | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0) {
            if (errno == ENOENT) {
                continue;  // purged meanwhile
            }
            fail("landing log: cannot open " + path + " to erase a member from it");
        }
        struct Closer {
            int fd;
            ~Closer() { ::close(fd); }
        } closer{fd};
        // In windows of kReadChunk that overlap by one form's length, so that a form across two windows is
        // seen whole in the first; masking it twice is the same as once.
        bool masked_any = false;
        for (std::uint64_t start = 0;; start += kReadChunk) {
            const bool whole = read_at(fd, start, kReadChunk + longest - 1, window);
            const std::string before = window;
            if (core::mask_forms(window, forms) > 0) {
                masked_any = true;
                for (std::size_t i = 0; i < window.size();) {
                    if (window[i] == before[i]) {
                        ++i;
                        continue;
                    }
                    std::size_t end = i;
                    while (end < window.size() && window[end] != before[end]) {
                        ++end;
                    }
                    if (::pwrite(fd, window.data() + i, end - i, static_cast<off_t>(start + i)) !=
                        static_cast<ssize_t>(end - i)) {
                        fail("landing log: cannot rewrite " + path);
                    }
                    i = end;
                }
            }
            if (!whole) {
                break;
            }
        }
        if (masked_any) {
            if (::fdatasync(fd) != 0) {
                fail("landing log: cannot sync " + path);
            }
            ++changed;
        }
    }
    return changed;
}

std::size_t LandingLog::roll() {
    std::lock_guard lock(mutex_);
    std::size_t closed = 0;
    for (const auto& [id, segment] : segments_) {
        if (segment->set_aside || segment->sealed.load(std::memory_order_acquire)) {
            continue;
        }
        std::lock_guard hold(segment->append_mu);
        segment->abandoned.store(true, std::memory_order_release);
        segment->sealed.store(true, std::memory_order_release);
        ++closed;
    }
    return closed;
}

void LandingLog::set_aside(std::uint64_t id) {
    std::lock_guard lock(mutex_);
    if (auto it = segments_.find(id); it != segments_.end()) {
        it->second->set_aside = true;
        it->second->abandoned.store(true, std::memory_order_release);
    }
}

bool LandingLog::backlog() const {
    std::lock_guard lock(mutex_);
    for (const auto& [id, segment] : segments_) {
        if (!segment->set_aside &&
            (segment->sealed.load(std::memory_order_acquire) ||
             segment->end.load(std::memory_order_acquire) > segment->imported.load(std::memory_order_acquire))) {
            return true;
        }
    }
    return false;
}

std::uint64_t LandingLog::backlog_bytes() const {
    std::uint64_t total = 0;
    std::lock_guard lock(mutex_);
    for (const auto& [id, segment] : segments_) {
        if (!segment->set_aside) {
            const auto end = segment->end.load(std::memory_order_acquire);
            const auto done = segment->imported.load(std::memory_order_acquire);
            total += end > done ? end - done : 0;
        }
    }
    return total;
}

}  // namespace delvex::store
