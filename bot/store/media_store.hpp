#pragma once

// Members' files on disk, content-addressed: <dir>/<first two hex digits>/<sha256>. The folder and its
// subfolders are 0700 and every file 0600 (the service's user alone); a file is written to a temporary name
// and renamed, so a crash never leaves half a file under a content name. Which member a file belongs to is
// in the media_files table (MediaRepository), not here.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace delvex::store {

class MediaStore {
public:
    explicit MediaStore(std::string dir);

    const std::string& dir() const { return dir_; }
    /// Where content with this hash is kept.
    std::string path_of(std::string_view sha256_hex) const;
    /// Keeps `bytes` (whose hash is `sha256_hex`) and returns its path; a file already there is kept as it
    /// is. Throws std::runtime_error when the file cannot be written.
    std::string put(std::string_view sha256_hex, std::string_view bytes) const;
    /// The whole file, or nullopt when it is missing, unreadable or larger than `max_bytes`.
    static std::optional<std::string> read(const std::string& path, std::size_t max_bytes);

private:
    std::string dir_;
};

}  // namespace delvex::store
