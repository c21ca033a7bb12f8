#include "bot/app/backup_landing.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <SQLiteCpp/Transaction.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <stdexcept>

#include "bot/events/ingest.hpp"
#include "bot/store/landing_import.hpp"
#include "bot/store/landing_log.hpp"
#include "bot/store/repositories.hpp"

namespace delvex::app {

HeldLanding::~HeldLanding() {
    for (const auto& s : segments_) {
        ::close(s.fd);
    }
}

HeldLanding HeldLanding::open(const std::string& dir) {
    HeldLanding held;
    const int dir_fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (dir_fd < 0) {
        if (errno == ENOENT) {
            return held;
        }
        throw std::runtime_error("cannot open the landing folder " + dir + ": " + std::strerror(errno));
    }
    struct Closer {
        int fd;
        ~Closer() { ::close(fd); }
    } closer{dir_fd};
    struct stat dir_stat {};
    if (::fstat(dir_fd, &dir_stat) != 0) {
        throw std::runtime_error("cannot read the landing folder " + dir + ": " + std::strerror(errno));
    }
    std::vector<std::uint64_t> ids;
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
        if (const auto id = store::LandingLog::segment_id(entry.path().filename().string())) {
            ids.push_back(*id);
        }
    }
    if (ec) {
        throw std::runtime_error("cannot list the landing folder " + dir + ": " + ec.message());
    }
    std::sort(ids.begin(), ids.end());
    for (const auto id : ids) {
        char name[32];
        std::snprintf(name, sizeof(name), "%020llu.log", static_cast<unsigned long long>(id));
        const int fd = ::openat(dir_fd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
        if (fd < 0 && errno == ENOENT) {
            continue;  // imported and deleted since the folder was listed: its records are in the snapshot
        }
        if (fd < 0) {
            throw std::runtime_error("cannot open landing segment " + dir + "/" + name + ": " + std::strerror(errno));
        }
        held.segments_.push_back(Segment{id, fd});
        struct stat st {};
        if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_uid != dir_stat.st_uid ||
            (st.st_mode & (S_IWGRP | S_IWOTH)) != 0) {
            throw std::runtime_error("landing segment " + dir + "/" + name +
                                     " is not a plain file of the folder's owner, or others may write it; it would "
                                     "be taken as webhooks: check it");
        }
    }
    return held;
}

LandedIntoCopy import_held_landing(SQLite::Database& copy, const HeldLanding& held) {
    LandedIntoCopy out;
    if (held.segments().empty()) {
        return out;
    }
    store::InboxRepository inbox(copy);
    const auto progress = inbox.landing_progress();
    store::LandedImportCounts counts;
    SQLite::Transaction tx(copy, SQLite::TransactionBehavior::IMMEDIATE);
    for (const auto& segment : held.segments()) {
        ++out.segments;
        const auto known = progress.find(segment.id);
        const std::uint64_t start = known == progress.end() ? 0 : known->second;
        // Whatever the service has written by now; a record it is still writing ends short of this and is
        // left out (it was not answered yet).
        struct stat st {};
        if (::fstat(segment.fd, &st) != 0) {
            throw std::runtime_error("cannot read landing segment " + std::to_string(segment.id) + ": " +
                                     std::strerror(errno));
        }
        const auto limit = static_cast<std::uint64_t>(st.st_size);
        std::uint64_t offset = start;
        while (offset < limit) {
            const auto read = store::LandingLog::read_file(segment.fd, offset, limit, events::Ingestor::kMaxGroup);
            for (const auto& batch : read.batches) {
                // A segment imported, deleted and forgotten between the listing and the snapshot has no
                // progress row in the copy: its updates come again here and are recognised by their dedupe
                // keys, its quarantined bodies by their content.
                store::import_landed(inbox, copy, batch, counts, store::QuarantineOnce::kYes);
            }
            const bool moved = read.next_offset > offset;
            offset = read.next_offset;
            if (!read.damage.empty()) {
                ++out.damaged;
                break;
            }
            if (read.at_end || !moved) {
                break;
            }
        }
        if (offset > start) {
            inbox.set_landing_progress(segment.id, offset);
        }
    }
    tx.commit();
    out.stored = counts.stored;
    out.duplicates = counts.duplicates;
    out.quarantined = counts.quarantined;
    return out;
}

}  // namespace delvex::app
