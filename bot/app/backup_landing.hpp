#pragma once

// `delvex backup`, its second half: webhooks the service has landed (answered 200, durable in its landing
// folder) but not yet imported into the inbox. They are in no database snapshot, so the backup takes them
// into its copy, with the importer's own code (store::import_landed) and never a write to the live side.

#include <cstdint>
#include <string>
#include <vector>

#include <SQLiteCpp/Database.h>

namespace delvex::app {

/// The landing folder's segment files, opened read-only before the database snapshot is taken. An open file
/// stays readable after the service imports and deletes it, so every record landed before this moment is
/// either in the snapshot (imported before it) or in these files. No lock is taken: the service keeps its own.
class HeldLanding {
public:
    HeldLanding() = default;
    ~HeldLanding();
    HeldLanding(HeldLanding&& other) noexcept : segments_(std::move(other.segments_)) { other.segments_.clear(); }
    HeldLanding& operator=(HeldLanding&&) = delete;
    HeldLanding(const HeldLanding&) = delete;
    HeldLanding& operator=(const HeldLanding&) = delete;

    struct Segment {
        std::uint64_t id = 0;
        int fd = -1;
    };
    const std::vector<Segment>& segments() const { return segments_; }

    /// Opens every segment in `dir`, oldest first; none when the folder does not exist (a service that never
    /// ran). A segment whose owner is not the folder's, or that others may write, is refused (it would be
    /// imported as though Meta had sent it; the service refuses it the same way). Throws std::runtime_error.
    static HeldLanding open(const std::string& dir);

private:
    std::vector<Segment> segments_;
};

/// What the copy took in from the landing folder.
struct LandedIntoCopy {
    std::size_t segments = 0;     ///< segment files read
    std::size_t stored = 0;       ///< updates the copy did not have: taken in
    std::size_t duplicates = 0;   ///< updates the copy had already (imported before the snapshot)
    std::size_t quarantined = 0;  ///< bodies kept for an operator
    std::size_t damaged = 0;      ///< segments with a record that failed its checks: the rest of it left out
};

/// Imports into `copy` (one transaction) every record of the held segments past the copy's own import progress
/// for that segment, and moves that progress on: a service restored from the copy next to the same landing
/// folder imports nothing twice; one restored elsewhere forgets the progress rows of segments it lacks. A
/// record cut short at a segment's current end (the service writing it now) is left out: it was not answered.
LandedIntoCopy import_held_landing(SQLite::Database& copy, const HeldLanding& held);

}  // namespace delvex::app
