#pragma once

// Media the dispatcher uploads (migration 9: key → the id our upload got, with its expiry) and members' files
// kept on disk (migration 11: who sent each, what Meta said it is, where it is stored).

#include <SQLiteCpp/Database.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace delvex::store {

struct MediaUpload {
    std::string inbound_id;  ///< a member's inbound media id, or "sha256:<hex>" for a file of our own
    std::string uploaded_id;
    std::string mime_type;
    std::int64_t uploaded_ms = 0;
    std::int64_t expires_ms = 0;
};

/// A member's file: recorded when their post is made, completed when the dispatcher has downloaded it.
struct MediaFile {
    std::string media_id{};         ///< Meta's inbound id
    std::int64_t member_id = 0;   ///< the author (0 = not known)
    std::string language{};         ///< the author's language, to tell them when it cannot be shared
    std::string kind{};             ///< "image", "audio", "video", "document", "sticker"
    std::string expected_sha256{};  ///< from the webhook; "" when Meta gave none
    std::string mime_type{};
    std::string sha256{};         ///< of the stored content; "" until downloaded
    std::string path{};           ///< where it is stored; "" until downloaded (or not kept)
    std::int64_t size = 0;
    std::int64_t created_ms = 0;
    std::int64_t stored_ms = 0;
    std::int64_t failed_ms = 0;   ///< when the author was told it could not be shared (0 = never)
};

class MediaRepository {
public:
    explicit MediaRepository(SQLite::Database& db) : db_(db) {}

    /// Records (or replaces, after a re-upload) an upload.
    void save(const MediaUpload& upload);
    /// Uploads still valid at `now_ms`.
    std::vector<MediaUpload> valid(std::int64_t now_ms);

    /// A member's file as their post names it; a second note of the same id changes nothing.
    void note(const MediaFile& file);
    std::optional<MediaFile> file(std::string_view media_id);
    /// The file is downloaded and kept at `path` (a row is made when none was noted: author unknown).
    void stored(const MediaFile& file);
    /// Marks that the author was told their file cannot be shared; false when they already were.
    bool mark_failed(std::string_view media_id, std::int64_t now_ms);
    /// FORGET ME: deletes the member's rows and uploads; returns the stored paths no other row uses.
    std::vector<std::string> forget_member(std::int64_t member_id);
    /// Retention: deletes rows made before `before_ms`; returns the stored paths no other row uses.
    std::vector<std::string> purge(std::int64_t before_ms);
    /// Every stored path (a scan for tests and `delvex backup`).
    std::vector<std::string> paths();

private:
    std::vector<std::string> unused(const std::vector<std::string>& paths);
    SQLite::Database& db_;
};

/// A member posted a file: who, in which language, and what the webhook said of it (`sha256`, `mime`), so
/// that the dispatcher checks the download, tells the author when it cannot be shared, and FORGET ME finds it.
void note_member_media(SQLite::Database& db, std::string_view media_id, std::int64_t member_id,
                       std::string_view language, std::string_view kind, std::string_view sha256,
                       std::string_view mime, std::int64_t now_ms);

/// FORGET ME: deletes every stored file of the member and its rows (inside the caller's transaction).
/// Returns how many files were deleted from disk.
std::size_t forget_member_media(SQLite::Database& db, std::int64_t member_id);

}  // namespace delvex::store
