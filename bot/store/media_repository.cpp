#include "bot/store/media_repository.hpp"

#include <SQLiteCpp/Statement.h>

namespace delvex::store {

void MediaRepository::save(const MediaUpload& upload) {
    SQLite::Statement q(db_,
                        "INSERT INTO media_uploads (inbound_id, uploaded_id, mime_type, uploaded_ms, expires_ms) "
                        "VALUES (:inbound, :uploaded, :mime, :at, :expires) ON CONFLICT (inbound_id) DO UPDATE SET "
                        "uploaded_id = excluded.uploaded_id, mime_type = excluded.mime_type, "
                        "uploaded_ms = excluded.uploaded_ms, expires_ms = excluded.expires_ms");
    q.bind(":inbound", upload.inbound_id);
    q.bind(":uploaded", upload.uploaded_id);
    q.bind(":mime", upload.mime_type);
    q.bind(":at", upload.uploaded_ms);
    q.bind(":expires", upload.expires_ms);
    q.exec();
}

std::vector<MediaUpload> MediaRepository::valid(std::int64_t now_ms) {
    SQLite::Statement q(db_,
                        "SELECT inbound_id, uploaded_id, mime_type, uploaded_ms, expires_ms FROM media_uploads "
                        "WHERE expires_ms > :now");
    q.bind(":now", now_ms);
    std::vector<MediaUpload> out;
    while (q.executeStep()) {
        out.push_back({q.getColumn(0).getString(), q.getColumn(1).getString(), q.getColumn(2).getString(),
                       q.getColumn(3).getInt64(), q.getColumn(4).getInt64()});
    }
    return out;
}

}  // namespace delvex::store
