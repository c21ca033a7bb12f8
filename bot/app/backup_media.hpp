#pragma once

// `delvex backup`, its third part: members' stored files (bot/store/media_store.hpp) live outside the database,
// which names them by path. The backup copies the ones its database copy still names into "<FILE>.media/",
// laid out as the media folder is (<first two hex digits>/<sha256>), so that folder can be put back as the
// service's media_dir.

#include <cstdint>
#include <string>
#include <vector>

namespace delvex::app {

struct MediaCopyReport {
    std::size_t files = 0;
    std::uintmax_t bytes = 0;
    std::size_t missing = 0;  ///< named by the copy but gone from disk (deleted by FORGET ME or retention since)
};

/// Copies the files at `paths` into the new folder `partial_dir` (0700, its subfolders 0700, files 0600 and
/// synced). A leftover `partial_dir` is removed first. Throws std::runtime_error with a one-line reason.
MediaCopyReport copy_media_files(const std::vector<std::string>& paths, const std::string& partial_dir);

/// Puts the complete `partial_dir` in place of `final_dir` in one step (the folders' contents are exchanged,
/// then the old one is deleted): `final_dir` is always a whole backup's media, old or new.
void install_media_folder(const std::string& partial_dir, const std::string& final_dir);

/// fsync of a file (`flags` O_RDONLY) or a folder (O_RDONLY | O_DIRECTORY), for the backup's files and names.
/// Throws std::runtime_error naming the path.
void sync_path(const std::string& path, int flags);

}  // namespace delvex::app
