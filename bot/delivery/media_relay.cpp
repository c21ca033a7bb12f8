#include "bot/delivery/media_relay.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/http/error.hpp>

#include <fstream>
#include <iterator>

#include <SQLiteCpp/Transaction.h>

#include <csignal>
#include <cstdlib>

#include "bot/core/crypto.hpp"
#include "bot/core/i18n.hpp"
#include "bot/delivery/dispatcher.hpp"
#include "bot/delivery/media_checks.hpp"
#include "bot/store/community_repository.hpp"

namespace delvex::delivery {
namespace {

namespace asio = boost::asio;

// Meta keeps an uploaded id for 30 days (docs/WHATSAPP.md §8); re-upload a day before.
constexpr auto kUploadLife = std::chrono::hours(29 * 24);
// The largest file Meta delivers in a webhook (documents); smaller kinds are refused by Meta itself.
constexpr std::size_t kMaxMediaBytes = 100 * 1024 * 1024;
constexpr int kMediaTries = 3;

void log_exception(const std::shared_ptr<spdlog::logger>& log, const char* what, std::exception_ptr e) {
    if (!e) {
        return;
    }
    try {
        std::rethrow_exception(e);
    } catch (const std::exception& ex) {
        log->critical("{}: {}", what, ex.what());
    }
}

// Test-only: DELVEX_TEST_KILL_AT=<point> makes the process kill itself (SIGKILL, as `kill -9`) there, so the
// crash tests can stop it between a download and its upload, or between the upload and the copies' sends.
// Never set in production; unset, this is one getenv per media file.
void test_kill_point(const char* point) {
    const char* at = std::getenv("DELVEX_TEST_KILL_AT");
    if (at != nullptr && std::string_view(at) == point) {
        std::raise(SIGKILL);
    }
}

}  // namespace

core::MediaSource* media_source_of(core::OutgoingMessage& message) {
    if (auto* m = std::get_if<core::OutgoingMedia>(&message.body)) {
        return &m->source;
    }
    if (auto* b = std::get_if<core::ReplyButtons>(&message.body)) {
        using Kind = core::InteractiveHeader::Kind;
        if (b->header.kind == Kind::kImage || b->header.kind == Kind::kVideo || b->header.kind == Kind::kDocument) {
            return &b->header.media;
        }
        return nullptr;
    }
    if (auto* t = std::get_if<core::OutgoingTemplate>(&message.body); t != nullptr && t->has_header_media) {
        return &t->header_media.source;
    }
    return nullptr;
}

std::string file_upload_key(const std::string& sha256_hex) {
    return "sha256:" + sha256_hex;
}

MediaRelay::MediaRelay(asio::any_io_executor executor, store::DbWriter& writer, whatsapp::GraphClient& graph,
                       const core::Clock& clock, DispatcherStats& stats, const DeliverySettings& settings,
                       std::shared_ptr<spdlog::logger> log)
    : executor_(std::move(executor)),
      writer_(writer),
      graph_(graph),
      clock_(clock),
      stats_(stats),
      settings_(settings),
      log_(std::move(log)) {
    if (!settings_.media_dir.empty()) {
        store_.emplace(settings_.media_dir);
    }
}

void MediaRelay::load(const std::vector<store::MediaUpload>& uploads) {
    for (const auto& u : uploads) {
        uploads_[u.inbound_id] = Upload{u.uploaded_id, core::TimePoint{std::chrono::milliseconds{u.expires_ms}}};
    }
}

MediaRelay::Verdict MediaRelay::prepare(core::OutgoingMessage& message) {
    core::MediaSource* source = media_source_of(message);
    if (source == nullptr || !source->needs_upload()) {
        return {};
    }
    const auto now = clock_.now();
    std::string key;
    std::string upload_key;
    if (!source->inbound_id.empty()) {
        key = source->inbound_id;
        upload_key = key;
    } else {
        key = "file:" + source->file;
        std::error_code size_error;
        std::error_code time_error;
        const auto size = std::filesystem::file_size(source->file, size_error);
        const auto mtime = std::filesystem::last_write_time(source->file, time_error);
        if (size_error || time_error) {
            return {Verdict::Kind::kFail, {}, "our media file " + source->file + " cannot be read"};
        }
        const auto known = files_.find(source->file);
        if (known != files_.end() && known->second.size == size && known->second.mtime == mtime) {
            upload_key = file_upload_key(known->second.sha256);
        } else {
            // New, or changed since we last read it: read it again (its failure, if any, is forgotten).
            files_.erase(source->file);
            if (!resolving_.contains(key)) {
                failed_.erase(key);
            }
        }
    }
    if (const auto failed = failed_.find(key); failed != failed_.end()) {
        return {Verdict::Kind::kFail, {}, failed->second};
    }
    if (!upload_key.empty()) {
        if (const auto upload = uploads_.find(upload_key); upload != uploads_.end() && upload->second.expires > now) {
            *source = core::MediaSource::by_id(upload->second.id);
            return {};
        }
    }
    // Every copy waits for the one upload; none of them waits for another recipient's send.
    if (!resolving_.contains(key)) {
        resolving_.insert(key);
        if (!source->inbound_id.empty()) {
            const auto* media = std::get_if<core::OutgoingMedia>(&message.body);
            asio::co_spawn(executor_, resolve_inbound(key, media != nullptr ? media->filename : std::string()),
                           [log = log_](std::exception_ptr e) { log_exception(log, "media", e); });
        } else {
            asio::co_spawn(executor_, resolve_file(source->file, source->file_mime),
                           [log = log_](std::exception_ptr e) { log_exception(log, "media file", e); });
        }
    }
    return {Verdict::Kind::kWait, key, {}};
}

void MediaRelay::drop_upload(core::OutgoingMessage& message) {
    const core::MediaSource* source = media_source_of(message);
    if (source == nullptr || !source->needs_upload()) {
        return;
    }
    std::string key = source->inbound_id;
    if (key.empty()) {
        const auto known = files_.find(source->file);
        if (known == files_.end()) {
            return;
        }
        key = file_upload_key(known->second.sha256);
    }
    if (uploads_.erase(key) > 0) {
        log_->warn("Meta refused an uploaded media id; the file is uploaded again");
    }
}

void MediaRelay::park(const std::string& key, store::OutboxRow row) {
    ++stats_.media_waits;
    ++parked_count_;
    parked_[key].push_back(std::move(row));
}

asio::awaitable<void> MediaRelay::resolve_inbound(std::string inbound_id, std::string filename) {
    // co_spawn may run this inline, inside prepare(): let the caller park its row first.
    co_await asio::post(executor_, asio::use_awaitable);
    // GCC 12 mis-destroys temporaries inside co_await expressions: every awaited call takes named locals.
    // What we know of it: its author and what Meta said (noted with the post), and a copy kept on disk.
    std::function<store::MediaFile(store::Database&)> lookup = [inbound_id](store::Database& db) {
        auto known = store::MediaRepository(db.sql()).file(inbound_id);
        return known ? *known : store::MediaFile{};
    };
    const store::MediaFile known = co_await writer_.run<store::MediaFile>(std::move(lookup));
    std::string bytes;
    std::string mime = known.mime_type;
    if (!known.path.empty()) {
        // Kept before (an upload that expired, or a restart between download and upload): no new download,
        // and it works after Meta's 7 days.
        if (auto kept = store::MediaStore::read(known.path, kMaxMediaBytes);
            kept && core::sha256_hex(*kept) == known.sha256) {
            bytes = std::move(*kept);
        }
    }
    std::string why;
    bool permanent = false;
    if (bytes.empty()) {
        bytes = co_await download(inbound_id, known, mime, why, permanent);
        if (!bytes.empty()) {
            co_await keep(inbound_id, bytes, mime, known.kind);
        }
    }
    if (!bytes.empty()) {
        test_kill_point("media_downloaded");
        std::string type = mime;
        std::string name = filename.empty() ? std::string("media") : filename;
        const auto up = co_await graph_.upload_media(std::move(bytes), std::move(type), std::move(name));
        if (up.ok()) {
            std::string upload_key = inbound_id;
            std::string uploaded = up.media_id;
            co_await remember(std::move(upload_key), std::move(uploaded), std::move(mime));
            test_kill_point("media_uploaded");
            finish(inbound_id);
            co_return;
        }
        why = "the member's file could not be uploaded";
        permanent = up.error && up.error->code == 100;  // a type Meta does not take
    }
    if (co_await after_failure(inbound_id, why, permanent)) {
        asio::co_spawn(executor_, resolve_inbound(inbound_id, filename),
                       [log = log_](std::exception_ptr e) { log_exception(log, "media", e); });
        co_return;
    }
    co_await tell_author(inbound_id);
    finish(inbound_id);
}

asio::awaitable<std::string> MediaRelay::download(const std::string& inbound_id, const store::MediaFile& known,
                                                  std::string& mime, std::string& why, bool& permanent) {
    std::string media_id = inbound_id;
    const auto info = co_await graph_.get_media(std::move(media_id));
    if (!info.ok()) {
        permanent = info.error && (info.error->http_status == 404 || info.error->code == 100);
        why = permanent ? "the member's file is no longer at Meta (inbound media ids last 7 days)"
                        : "the member's file could not be looked up";
        co_return std::string();
    }
    // Refused before the download when Meta's answer already says it cannot be sent.
    mime = info.info.mime_type.empty() ? mime : info.info.mime_type;
    const auto limit = media_size_limit(mime);
    if (!mime.empty() && !limit) {
        permanent = true;
        why = "the member's file is of a type Meta does not send (" + mime + ")";
        co_return std::string();
    }
    std::string url = info.info.url;
    const std::size_t max_bytes = limit.value_or(kMaxMediaBytes);
    auto file = co_await graph_.download_media(std::move(url), max_bytes);
    if (!file.ok()) {
        permanent = file.transport_error == boost::beast::http::error::body_limit;
        why = permanent ? "the member's file is larger than Meta sends for its type"
                        : "the member's file could not be downloaded";
        co_return std::string();
    }
    if (mime.empty()) {
        mime = file.mime_type;
        const auto type_limit = media_size_limit(mime);
        if (!type_limit || file.bytes.size() > *type_limit) {
            permanent = true;
            why = "the member's file is of a type or size Meta does not send";
            co_return std::string();
        }
    }
    // The content must be what Meta said it is (the webhook's sha256, and the one of GET /{media-id}): a
    // truncated or altered download is fetched again.
    const std::string sha = core::sha256_hex(file.bytes);
    for (const std::string_view expected : {std::string_view(known.expected_sha256), std::string_view(info.info.sha256)}) {
        if (digest_matches(expected, sha) == false) {
            why = "the member's file did not match its sha256";
            co_return std::string();
        }
    }
    co_return std::move(file.bytes);
}

asio::awaitable<void> MediaRelay::keep(const std::string& inbound_id, const std::string& bytes, const std::string& mime,
                                       const std::string& kind) {
    const std::string sha = core::sha256_hex(bytes);
    std::string path;
    if (store_) {
        try {
            path = store_->put(sha, bytes);
        } catch (const std::exception& e) {
            // Not fatal: the file is still uploaded from memory, only not kept for a later re-upload.
            log_->error("{}", e.what());
        }
    }
    const auto now_ms = core::to_unix_ms(clock_.now());
    store::MediaFile row;
    row.media_id = inbound_id;
    row.kind = kind;
    row.mime_type = mime;
    row.sha256 = sha;
    row.path = path;
    row.size = static_cast<std::int64_t>(bytes.size());
    row.created_ms = now_ms;
    row.stored_ms = now_ms;
    std::function<bool(store::Database&)> job = [row](store::Database& db) {
        store::MediaRepository(db.sql()).stored(row);
        return true;
    };
    co_await writer_.run<bool>(std::move(job));
}

asio::awaitable<void> MediaRelay::tell_author(std::string inbound_id) {
    const core::Catalog* catalog = settings_.catalog;
    if (catalog == nullptr) {
        co_return;
    }
    const auto now_ms = core::to_unix_ms(clock_.now());
    std::function<bool(store::Database&)> job = [inbound_id, catalog, now_ms](store::Database& db) {
        SQLite::Transaction tx(db.sql(), SQLite::TransactionBehavior::IMMEDIATE);
        store::MediaRepository media(db.sql());
        const auto known = media.file(inbound_id);
        if (!known || known->member_id == 0 || !media.mark_failed(inbound_id, now_ms)) {
            return false;  // author unknown, or already told
        }
        const auto author = store::CommunityRepository(db.sql()).profile(known->member_id);
        if (!author || author->stopped || author->forgotten) {
            tx.commit();
            return false;
        }
        const std::string lang = author->language.empty() ? known->language : author->language;
        const std::string kind = catalog->text(lang, "rooms.kind_" + (known->kind.empty() ? "image" : known->kind));
        store::OutboxEntry entry;
        entry.logical_key = "rooms.media_failed:" + inbound_id;
        entry.recipient = author->key;
        entry.kind = "text";
        entry.payload = catalog->text(lang, "rooms.media_failed", {{"kind", kind}});
        entry.encoding = store::OutboxEncoding::kPlainText;
        entry.purpose = "rooms.media_failed";
        entry.priority = 0;  // an answer to the member's own post
        const bool queued = store::OutboxRepository(db.sql()).enqueue(entry, now_ms);
        tx.commit();
        return queued;
    };
    if (co_await writer_.run<bool>(std::move(job))) {
        log_->info("author told their file could not be shared");
        if (queued_) {
            queued_();
        }
    }
}

void MediaRelay::purge_when_due() {
    const auto now = clock_.now();
    if (settings_.media_retention_days <= 0 || (next_purge_ && now < *next_purge_)) {
        return;
    }
    next_purge_ = now + std::chrono::hours(24);
    const auto before_ms = core::to_unix_ms(now - std::chrono::hours(24) * settings_.media_retention_days);
    asio::co_spawn(executor_, purge(before_ms), [log = log_](std::exception_ptr e) { log_exception(log, "media purge", e); });
}

asio::awaitable<void> MediaRelay::purge(std::int64_t before_ms) {
    std::function<std::size_t(store::Database&)> job = [before_ms](store::Database& db) {
        SQLite::Transaction tx(db.sql(), SQLite::TransactionBehavior::IMMEDIATE);
        const auto paths = store::MediaRepository(db.sql()).purge(before_ms);
        tx.commit();
        std::size_t removed = 0;
        for (const auto& path : paths) {
            std::error_code ec;
            removed += std::filesystem::remove(path, ec) ? 1 : 0;
        }
        return removed;
    };
    const auto removed = co_await writer_.run<std::size_t>(std::move(job));
    ++stats_.media_purges;
    stats_.media_purged += removed;
    if (removed > 0) {
        log_->info("media retention: {} stored files older than {} days deleted", removed,
                   settings_.media_retention_days);
    }
}

asio::awaitable<void> MediaRelay::resolve_file(std::string path, std::string mime) {
    // co_spawn may run this inline, inside prepare(): let the caller park its row first.
    co_await asio::post(executor_, asio::use_awaitable);
    const std::string key = "file:" + path;
    std::error_code size_error;
    std::error_code time_error;
    const auto size = std::filesystem::file_size(path, size_error);
    const auto mtime = std::filesystem::last_write_time(path, time_error);
    std::string bytes;
    if (!size_error && !time_error && size <= kMaxMediaBytes) {
        std::ifstream in(path, std::ios::binary);
        bytes.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
        if (!in.good() && !in.eof()) {
            bytes.clear();
        }
    }
    if (bytes.empty() || bytes.size() != size) {
        const std::string why = "our media file " + path + " cannot be read";
        const bool retried = co_await after_failure(key, why, true);
        (void)retried;
        finish(key);
        co_return;
    }
    const std::string sha = core::sha256_hex(bytes);
    files_[path] = FileStamp{size, mtime, sha};
    std::string upload_key = file_upload_key(sha);
    // The same content under another path, or uploaded before a restart: no new upload.
    if (const auto upload = uploads_.find(upload_key); upload != uploads_.end() && upload->second.expires > clock_.now()) {
        finish(key);
        co_return;
    }
    std::string type = mime;
    std::string name = std::filesystem::path(path).filename().string();
    const auto up = co_await graph_.upload_media(std::move(bytes), std::move(type), std::move(name));
    if (up.ok()) {
        std::string uploaded = up.media_id;
        co_await remember(std::move(upload_key), std::move(uploaded), std::move(mime));
        finish(key);
        co_return;
    }
    const bool permanent = up.error && up.error->code == 100;  // a type Meta does not take
    const std::string why = "our media file " + path + " could not be uploaded";
    if (co_await after_failure(key, why, permanent)) {
        files_.erase(path);
        asio::co_spawn(executor_, resolve_file(path, mime),
                       [log = log_](std::exception_ptr e) { log_exception(log, "media file", e); });
        co_return;
    }
    finish(key);
}

asio::awaitable<void> MediaRelay::remember(std::string upload_key, std::string uploaded_id, std::string mime) {
    const auto now = clock_.now();
    ++stats_.media_uploads;
    uploads_[upload_key] = Upload{uploaded_id, now + kUploadLife};
    store::MediaUpload saved{upload_key, uploaded_id, mime, core::to_unix_ms(now), core::to_unix_ms(now + kUploadLife)};
    std::function<bool(store::Database&)> job = [saved](store::Database& db) {
        store::MediaRepository(db.sql()).save(saved);
        return true;
    };
    co_await writer_.run<bool>(std::move(job));
    log_->info("media uploaded once for every copy mime={}", mime);
}

asio::awaitable<bool> MediaRelay::after_failure(const std::string& key, const std::string& why, bool permanent) {
    if (permanent || ++attempts_[key] >= kMediaTries) {
        attempts_.erase(key);
        failed_[key] = why;
        log_->warn("media cannot be sent: {}", why);
        co_return false;
    }
    log_->info("media not ready, trying again: {}", why);
    asio::steady_timer pause(executor_, std::chrono::seconds(1 << attempts_[key]));
    boost::system::error_code ec;
    co_await pause.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    co_return true;
}

void MediaRelay::finish(const std::string& key) {
    resolving_.erase(key);
    attempts_.erase(key);
    // The copies go back to the front of the queue, in their order: sent with the upload, or failed.
    if (auto parked = parked_.find(key); parked != parked_.end()) {
        auto rows = std::move(parked->second);
        parked_.erase(parked);
        parked_count_ -= rows.size();
        if (release_) {
            release_(std::move(rows));
        }
    }
}

}  // namespace delvex::delivery
