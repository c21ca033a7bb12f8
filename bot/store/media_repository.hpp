#pragma once

// Members' media uploaded for relaying: inbound id → the id our own upload got (see migration 9).

#include <SQLiteCpp/Database.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace delvex::store {

struct MediaUpload {
    std::string inbound_id;
    std::string uploaded_id;
    std::string mime_type;
    std::int64_t uploaded_ms = 0;
    std::int64_t expires_ms = 0;
};

class MediaRepository {
public:
    explicit MediaRepository(SQLite::Database& db) : db_(db) {}

    /// Records (or replaces, after a re-upload) an upload.
    void save(const MediaUpload& upload);
    /// Uploads still valid at `now_ms`.
    std::vector<MediaUpload> valid(std::int64_t now_ms);

private:
    SQLite::Database& db_;
};

}  // namespace delvex::store
