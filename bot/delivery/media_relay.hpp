#pragma once

// Media that must be uploaded before Meta will send it (docs/DELIVERY.md, "Members' photos, voice notes and
// documents"; docs/WHATSAPP.md §8): a member's file by its inbound id, or a file on our own disk. Each is
// uploaded once; every copy waits, parked, until the upload is done, then goes with the uploaded id. Used
// by the Dispatcher on its io executor only.

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "bot/core/clock.hpp"
#include "bot/core/outgoing.hpp"
#include "bot/store/db_writer.hpp"
#include "bot/store/media_repository.hpp"
#include "bot/store/media_store.hpp"
#include "bot/store/outbox_repository.hpp"
#include "bot/whatsapp/graph_client.hpp"

namespace spdlog {
class logger;
}

namespace delvex::delivery {

struct DispatcherStats;
struct DeliverySettings;

/// The media a message carries (body, interactive header or template header), or nullptr.
core::MediaSource* media_source_of(core::OutgoingMessage& message);

/// The key an uploaded copy of our own file is cached under: its content, not its path.
std::string file_upload_key(const std::string& sha256_hex);

class MediaRelay {
public:
    /// `settings` (media_dir, media_retention_days, catalog) must outlive the relay.
    MediaRelay(boost::asio::any_io_executor executor, store::DbWriter& writer, whatsapp::GraphClient& graph,
               const core::Clock& clock, DispatcherStats& stats, const DeliverySettings& settings,
               std::shared_ptr<spdlog::logger> log);

    /// Uploads recorded by earlier runs that are still valid (read at start).
    void load(const std::vector<store::MediaUpload>& uploads);

    struct Verdict {
        enum class Kind { kReady, kWait, kFail } kind = Kind::kReady;
        std::string key;  ///< kWait: what to park the row under
        std::string why;  ///< kFail: the reason
    };
    /// kReady: nothing to upload, or the message now carries the uploaded id. kWait: the upload is under way
    /// (started now if needed); park the row under `key`. kFail: this media cannot be sent.
    Verdict prepare(core::OutgoingMessage& message);
    /// Forgets the upload this message's media was sent with (Meta refused it): the next copy uploads again.
    void drop_upload(core::OutgoingMessage& message);
    /// Copies parked now (the dispatcher claims no more fan-out while many wait: memory stays bounded).
    std::size_t parked() const { return parked_count_; }
    /// Keeps a claimed row until its media is uploaded or has failed, then hands it to the release callback.
    void park(const std::string& key, store::OutboxRow row);
    /// Rows whose media is ready (or failed): the dispatcher puts them back at the front of its queue.
    void on_release(std::function<void(std::vector<store::OutboxRow>)> release) { release_ = std::move(release); }
    /// New outbox rows were queued (an author told their file could not be shared).
    void on_queued(std::function<void()> queued) { queued_ = std::move(queued); }
    /// Deletes stored files past the retention, at most once a day by the clock (the first call purges).
    void purge_when_due();

private:
    struct Upload {
        std::string id;
        core::TimePoint expires;
    };
    /// What we know of a file on our disk: its content hash, while its size and time are unchanged.
    struct FileStamp {
        std::uintmax_t size = 0;
        std::filesystem::file_time_type mtime{};
        std::string sha256;
    };

    boost::asio::awaitable<void> resolve_inbound(std::string inbound_id, std::string filename);
    /// Downloads a member's file and checks it (Meta's types and sizes, its sha256); "" and `why` when not.
    boost::asio::awaitable<std::string> download(const std::string& inbound_id, const store::MediaFile& known,
                                                 std::string& mime, std::string& why, bool& permanent);
    /// Keeps the checked file on disk (when a media folder is set) and records it.
    boost::asio::awaitable<void> keep(const std::string& inbound_id, const std::string& bytes, const std::string& mime,
                                      const std::string& kind);
    /// Tells the author, in their language, that their file could not be shared (once per file).
    boost::asio::awaitable<void> tell_author(std::string inbound_id);
    boost::asio::awaitable<void> purge(std::int64_t before_ms);
    boost::asio::awaitable<void> resolve_file(std::string path, std::string mime);
    /// Records a successful upload under `upload_key` (memory and the media_uploads table).
    boost::asio::awaitable<void> remember(std::string upload_key, std::string uploaded_id, std::string mime);
    /// A try failed: fail for good, or wait and try again. Returns true when another try is due.
    boost::asio::awaitable<bool> after_failure(const std::string& key, const std::string& why, bool permanent);
    void finish(const std::string& key);

    boost::asio::any_io_executor executor_;
    store::DbWriter& writer_;
    whatsapp::GraphClient& graph_;
    const core::Clock& clock_;
    DispatcherStats& stats_;
    const DeliverySettings& settings_;
    std::shared_ptr<spdlog::logger> log_;
    std::function<void(std::vector<store::OutboxRow>)> release_;
    std::function<void()> queued_;
    std::optional<store::MediaStore> store_;  // members' files on disk; none without a media folder
    std::optional<core::TimePoint> next_purge_;

    std::unordered_map<std::string, Upload> uploads_;      // inbound id, or file_upload_key(sha) → our upload
    std::unordered_map<std::string, FileStamp> files_;     // path → what its content was last seen to be
    std::unordered_set<std::string> resolving_;            // keys being downloaded / read and uploaded
    // Claimed copies waiting for their media, by key (still claimed in the outbox: a restart releases them,
    // and the upload is looked up or made again).
    std::unordered_map<std::string, std::vector<store::OutboxRow>> parked_;
    std::size_t parked_count_ = 0;
    std::unordered_map<std::string, int> attempts_;        // failed tries per key
    std::unordered_map<std::string, std::string> failed_;  // key → why it cannot be sent
};

}  // namespace delvex::delivery
