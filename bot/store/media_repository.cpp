#include "bot/store/media_repository.hpp"

#include <SQLiteCpp/Statement.h>

#include <filesystem>
#include <set>

namespace delvex::store {
namespace {

constexpr const char* kFileColumns =
    "media_id, member_id, language, kind, expected_sha256, mime_type, sha256, path, size, created_ms, stored_ms, "
    "failed_ms";

MediaFile file_of(SQLite::Statement& q) {
    MediaFile f;
    f.media_id = q.getColumn(0).getString();
    f.member_id = q.getColumn(1).getInt64();
    f.language = q.getColumn(2).getString();
    f.kind = q.getColumn(3).getString();
    f.expected_sha256 = q.getColumn(4).getString();
    f.mime_type = q.getColumn(5).getString();
    f.sha256 = q.getColumn(6).getString();
    f.path = q.getColumn(7).getString();
    f.size = q.getColumn(8).getInt64();
    f.created_ms = q.getColumn(9).getInt64();
    f.stored_ms = q.getColumn(10).getInt64();
    f.failed_ms = q.getColumn(11).getInt64();
    return f;
}

}  // namespace

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

void MediaRepository::note(const MediaFile& f) {
    SQLite::Statement q(db_,
                        "INSERT INTO media_files (media_id, member_id, language, kind, expected_sha256, mime_type, "
                        "created_ms) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (media_id) DO NOTHING");
    q.bind(1, f.media_id);
    q.bind(2, f.member_id);
    q.bind(3, f.language);
    q.bind(4, f.kind);
    q.bind(5, f.expected_sha256);
    q.bind(6, f.mime_type);
    q.bind(7, f.created_ms);
    q.exec();
}

std::optional<MediaFile> MediaRepository::file(std::string_view media_id) {
    SQLite::Statement q(db_, std::string("SELECT ") + kFileColumns + " FROM media_files WHERE media_id = ?");
    q.bind(1, std::string(media_id));
    if (!q.executeStep()) {
        return std::nullopt;
    }
    return file_of(q);
}

void MediaRepository::stored(const MediaFile& f) {
    SQLite::Statement q(db_,
                        "INSERT INTO media_files (media_id, member_id, language, kind, mime_type, sha256, path, size, "
                        "created_ms, stored_ms) VALUES (?, 0, '', ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (media_id) DO "
                        "UPDATE SET sha256 = excluded.sha256, path = excluded.path, size = excluded.size, "
                        "mime_type = excluded.mime_type, stored_ms = excluded.stored_ms");
    q.bind(1, f.media_id);
    q.bind(2, f.kind);
    q.bind(3, f.mime_type);
    q.bind(4, f.sha256);
    q.bind(5, f.path);
    q.bind(6, f.size);
    q.bind(7, f.created_ms);
    q.bind(8, f.stored_ms);
    q.exec();
}

bool MediaRepository::mark_failed(std::string_view media_id, std::int64_t now_ms) {
    SQLite::Statement q(db_, "UPDATE media_files SET failed_ms = ? WHERE media_id = ? AND failed_ms = 0");
    q.bind(1, now_ms);
    q.bind(2, std::string(media_id));
    return q.exec() > 0;
}

std::vector<std::string> MediaRepository::unused(const std::vector<std::string>& paths) {
    std::vector<std::string> out;
    std::set<std::string> seen;
    for (const auto& path : paths) {
        if (path.empty() || !seen.insert(path).second) {
            continue;
        }
        // The same content may be kept for another post (a forward): the file stays while a row uses it.
        SQLite::Statement q(db_, "SELECT 1 FROM media_files WHERE path = ? LIMIT 1");
        q.bind(1, path);
        if (!q.executeStep()) {
            out.push_back(path);
        }
    }
    return out;
}

std::vector<std::string> MediaRepository::forget_member(std::int64_t member_id) {
    std::vector<std::string> paths;
    {
        SQLite::Statement q(db_, "SELECT path FROM media_files WHERE member_id = ?");
        q.bind(1, member_id);
        while (q.executeStep()) {
            paths.push_back(q.getColumn(0).getString());
        }
    }
    SQLite::Statement uploads(db_,
                              "DELETE FROM media_uploads WHERE inbound_id IN (SELECT media_id FROM media_files WHERE "
                              "member_id = ?)");
    uploads.bind(1, member_id);
    uploads.exec();
    SQLite::Statement rows(db_, "DELETE FROM media_files WHERE member_id = ?");
    rows.bind(1, member_id);
    rows.exec();
    return unused(paths);
}

std::vector<std::string> MediaRepository::purge(std::int64_t before_ms) {
    std::vector<std::string> paths;
    {
        SQLite::Statement q(db_, "SELECT path FROM media_files WHERE created_ms < ?");
        q.bind(1, before_ms);
        while (q.executeStep()) {
            paths.push_back(q.getColumn(0).getString());
        }
    }
    SQLite::Statement rows(db_, "DELETE FROM media_files WHERE created_ms < ?");
    rows.bind(1, before_ms);
    rows.exec();
    return unused(paths);
}

std::vector<std::string> MediaRepository::paths() {
    std::vector<std::string> out;
    SQLite::Statement q(db_, "SELECT DISTINCT path FROM media_files WHERE path <> ''");
    while (q.executeStep()) {
        out.push_back(q.getColumn(0).getString());
    }
    return out;
}

void note_member_media(SQLite::Database& db, std::string_view media_id, std::int64_t member_id,
                       std::string_view language, std::string_view kind, std::string_view sha256,
                       std::string_view mime, std::int64_t now_ms) {
    if (media_id.empty()) {
        return;
    }
    MediaFile f;
    f.media_id = std::string(media_id);
    f.member_id = member_id;
    f.language = std::string(language);
    f.kind = std::string(kind);
    f.expected_sha256 = std::string(sha256);
    f.mime_type = std::string(mime);
    f.created_ms = now_ms;
    MediaRepository(db).note(f);
}

std::size_t forget_member_media(SQLite::Database& db, std::int64_t member_id) {
    std::size_t removed = 0;
    for (const auto& path : MediaRepository(db).forget_member(member_id)) {
        std::error_code ec;
        removed += std::filesystem::remove(path, ec) ? 1 : 0;
    }
    return removed;
}

}  // namespace delvex::store
