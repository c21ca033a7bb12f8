// Media the dispatcher must upload before Meta sends it, against the real GraphClient and the strict fake
// Graph API (it sends only media ids it issued through an upload): files on our own disk (lesson pictures,
// certificates, the demo's /photo).

#include <gtest/gtest.h>

#include <SQLiteCpp/Statement.h>

#include <filesystem>
#include <fstream>
#include <set>

#include <sys/stat.h>

#include "bot/core/crypto.hpp"
#include "bot/core/i18n.hpp"
#include "bot/delivery/media_checks.hpp"
#include "bot/store/media_repository.hpp"
#include "tests/integration/delivery_rig.hpp"

namespace delvex {
namespace {

using namespace std::chrono_literals;
using testing::DeliveryRig;
using testing::eventually;

delivery::DeliverySettings unlimited() {
    delivery::DeliverySettings s;
    s.governor.rate_per_second = 0;
    s.governor.inbound_share = 0;
    return s;
}

void write_file(const std::string& path, const std::string& bytes) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << bytes;
}

core::OutgoingMessage picture_to(const std::string& to, const std::string& path) {
    core::OutgoingMessage m;
    m.to = core::Recipient::phone(to);
    m.body = core::OutgoingMedia{core::MediaKind::kImage, core::MediaSource::by_file(path, "image/png"),
                                 "Lesson 3 · the sluice box", ""};
    return m;
}

std::set<std::string> sent_ids(const whatsapp::FakeGraph& fake) {
    std::set<std::string> ids;
    for (const auto& m : fake.messages()) {
        if (const auto* media = std::get_if<core::OutgoingMedia>(&m.message.body)) {
            ids.insert(media->source.id);
        }
    }
    return ids;
}

/// The media_uploads rows, key → uploaded id.
std::map<std::string, std::string> upload_rows(DeliveryRig& rig) {
    std::promise<std::map<std::string, std::string>> result;
    rig.writer.post([&](store::Database& db) {
        std::map<std::string, std::string> rows;
        SQLite::Statement q(db.sql(), "SELECT inbound_id, uploaded_id FROM media_uploads");
        while (q.executeStep()) {
            rows[q.getColumn(0).getString()] = q.getColumn(1).getString();
        }
        result.set_value(rows);
    });
    return result.get_future().get();
}

TEST(DeliveryMedia, OurFileIsUploadedOnceForEveryRecipientAndSentByTheUploadedId) {
    DeliveryRig rig({}, unlimited());
    const std::string picture(3000, 'x');
    const auto path = rig.dir.file("sluice.png");
    write_file(path, picture);
    for (int i = 0; i < 5; ++i) {
        rig.enqueue("academy.step:" + std::to_string(i), picture_to("2547004000" + std::to_string(10 + i), path));
    }
    rig.start();
    ASSERT_TRUE(eventually([&] { return rig.graph.fake.messages().size() == 5; }));
    const auto ids = sent_ids(rig.graph.fake);
    ASSERT_EQ(ids.size(), 1u) << "every copy goes with the one upload";
    EXPECT_EQ(rig.stats().media_uploads, 1u);
    // Cached by content: the same picture under another name is not uploaded again.
    const auto copy = rig.dir.file("copy-of-sluice.png");
    std::filesystem::copy_file(path, copy);
    rig.enqueue("academy.step:9", picture_to("254700400099", copy));
    ASSERT_TRUE(eventually([&] { return rig.graph.fake.messages().size() == 6; }));
    EXPECT_EQ(rig.stats().media_uploads, 1u);
    EXPECT_EQ(sent_ids(rig.graph.fake).size(), 1u);
    // Recorded with its expiry under the content's hash, for the next run.
    const auto rows = upload_rows(rig);
    ASSERT_EQ(rows.count("sha256:" + core::sha256_hex(picture)), 1u);
    EXPECT_EQ(rows.at("sha256:" + core::sha256_hex(picture)), *ids.begin());
}

TEST(DeliveryMedia, AChangedFileIsUploadedAgainAndAMissingOneFailsItsCopies) {
    DeliveryRig rig({}, unlimited());
    const auto path = rig.dir.file("certificate.png");
    write_file(path, std::string(1000, 'a'));
    rig.enqueue("academy.cert:1", picture_to("254700400201", path));
    rig.start();
    ASSERT_TRUE(eventually([&] { return rig.graph.fake.messages().size() == 1; }));
    // The file is replaced by another picture (a new certificate design): a new upload.
    write_file(path, std::string(1200, 'b'));
    std::filesystem::last_write_time(path, std::filesystem::last_write_time(path) + 2s);
    rig.enqueue("academy.cert:2", picture_to("254700400202", path));
    ASSERT_TRUE(eventually([&] { return rig.graph.fake.messages().size() == 2; }));
    EXPECT_EQ(rig.stats().media_uploads, 2u);
    EXPECT_EQ(sent_ids(rig.graph.fake).size(), 2u);
    // A file that is not there fails its copy with the reason; nothing is sent.
    rig.enqueue("academy.cert:3", picture_to("254700400203", rig.dir.file("nowhere.png")));
    ASSERT_TRUE(eventually([&] {
        const auto row = rig.row("academy.cert:3", "254700400203");
        return row && row->status == store::OutboxStatus::kFailed;
    }));
    EXPECT_NE(rig.row("academy.cert:3", "254700400203")->last_error.find("cannot be read"), std::string::npos);
    EXPECT_EQ(rig.graph.fake.messages().size(), 2u);
}

TEST(DeliveryMedia, AfterARestartTheUploadIsReusedFromTheStore) {
    std::unique_ptr<delivery::Dispatcher> first;
    DeliveryRig rig({}, unlimited());
    const auto path = rig.dir.file("lesson.png");
    write_file(path, std::string(2500, 'l'));
    rig.enqueue("academy.step:1", picture_to("254700400301", path));
    rig.start();
    ASSERT_TRUE(eventually([&] { return rig.graph.fake.messages().size() == 1; }));
    ASSERT_TRUE(rig.settled());
    // The service restarts: a new dispatcher on the same database.
    rig.dispatcher->stop();
    ASSERT_TRUE(rig.settled());
    first = std::move(rig.dispatcher);
    rig.dispatcher = std::make_unique<delivery::Dispatcher>(rig.ioc.get_executor(), rig.writer, *rig.client, rig.time,
                                                            rig.metrics, unlimited());
    rig.on_io([&] {
        rig.dispatcher->start();
        return 0;
    });
    // The stopped one goes on the writer thread, which owns its statements.
    rig.with_outbox([&](store::OutboxRepository&) {
        first.reset();
        return 0;
    });
    rig.enqueue("academy.step:2", picture_to("254700400302", path));
    ASSERT_TRUE(eventually([&] { return rig.graph.fake.messages().size() == 2; }));
    EXPECT_EQ(rig.stats().media_uploads, 0u) << "the new run found the upload in media_uploads";
    EXPECT_EQ(sent_ids(rig.graph.fake).size(), 1u);
}

// ---- members' files: checked, kept owner-only, forgotten, purged, re-uploaded, reported ---------------------

/// Settings with a media folder in the rig's directory and the texts for authors.
delivery::DeliverySettings keeping(const std::string& dir, const core::Catalog* catalog, int retention_days = 90) {
    auto s = unlimited();
    s.media_dir = dir;
    s.media_retention_days = retention_days;
    s.catalog = catalog;
    return s;
}

core::Catalog author_texts() {
    core::Catalog c;
    c.set("en", "rooms.media_failed", "Sorry, your {kind} could not be shared with the room.");
    c.set("en", "rooms.kind_image", "📷 photo");
    c.set("fr", "rooms.media_failed", "Désolé, impossible de partager dans le salon : {kind}.");
    c.set("fr", "rooms.kind_audio", "🎤 message vocal");
    return c;
}

/// Meta's webhook form of a file's sha256: base64 of the digest.
std::string webhook_sha256(const std::string& bytes) {
    static constexpr std::string_view kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    const std::string hex = core::sha256_hex(bytes);
    std::string raw;
    for (std::size_t i = 0; i < hex.size(); i += 2) {
        raw.push_back(static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16)));
    }
    std::string out;
    std::size_t i = 0;
    for (; i + 2 < raw.size(); i += 3) {
        const unsigned v = (static_cast<unsigned char>(raw[i]) << 16) | (static_cast<unsigned char>(raw[i + 1]) << 8) |
                           static_cast<unsigned char>(raw[i + 2]);
        for (int shift : {18, 12, 6, 0}) out += kAlphabet[(v >> shift) & 63];
    }
    const unsigned v = (static_cast<unsigned char>(raw[i]) << 16) | (static_cast<unsigned char>(raw[i + 1]) << 8);
    for (int shift : {18, 12, 6}) out += kAlphabet[(v >> shift) & 63];
    return out + "=";
}

/// A member (as the rooms know them) who posted `media_id`: returns their member id.
std::int64_t author_of(DeliveryRig& rig, const std::string& key, const std::string& language,
                       const std::string& media_id, const std::string& kind, const std::string& sha256,
                       const std::string& mime) {
    rig.add_member(key, core::to_unix(rig.clock.now()), language);
    std::promise<std::int64_t> id;
    const auto now_ms = core::to_unix_ms(rig.clock.now());
    rig.writer.post([&](store::Database& db) {
        SQLite::Statement q(db.sql(), "SELECT id FROM members WHERE member_key = ?");
        q.bind(1, key);
        q.executeStep();
        const auto member = q.getColumn(0).getInt64();
        store::note_member_media(db.sql(), media_id, member, language, kind, sha256, mime, now_ms);
        id.set_value(member);
    });
    return id.get_future().get();
}

std::optional<store::MediaFile> media_row(DeliveryRig& rig, const std::string& media_id) {
    std::promise<std::optional<store::MediaFile>> result;
    rig.writer.post([&](store::Database& db) { result.set_value(store::MediaRepository(db.sql()).file(media_id)); });
    return result.get_future().get();
}

core::OutgoingMessage relay_to(const std::string& to, const std::string& inbound, core::MediaKind kind) {
    core::OutgoingMessage m;
    m.to = core::Recipient::phone(to);
    m.body = core::OutgoingMedia{kind, core::MediaSource::by_inbound(inbound),
                                 kind == core::MediaKind::kAudio ? "" : "*Amina* · East Africa", ""};
    return m;
}

mode_t mode_of(const std::string& path) {
    struct stat st {};
    EXPECT_EQ(::stat(path.c_str(), &st), 0) << path;
    return st.st_mode & 0777;
}

TEST(DeliveryMedia, DigestMatchingAcceptsMetasBase64AndHexAndIgnoresWhatIsNotADigest) {
    const std::string bytes = "a photo of the pit wall";
    const std::string hex = core::sha256_hex(bytes);
    EXPECT_EQ(delivery::digest_matches(webhook_sha256(bytes), hex), true);
    EXPECT_EQ(delivery::digest_matches(hex, hex), true);
    EXPECT_EQ(delivery::digest_matches(webhook_sha256("another file"), hex), false);
    EXPECT_EQ(delivery::digest_matches("c3RpY2tlciBmYWtl", hex), std::nullopt);
    EXPECT_EQ(delivery::digest_matches("", hex), std::nullopt);
    EXPECT_EQ(delivery::media_size_limit("audio/ogg; codecs=opus"), 16u * 1024 * 1024);
    EXPECT_EQ(delivery::media_size_limit("image/webp"), 500u * 1024);
    EXPECT_EQ(delivery::media_size_limit("application/zip"), std::nullopt);
}

TEST(DeliveryMedia, AMembersFileIsCheckedKeptOwnerOnlyByItsHashAndUploadedOnce) {
    const auto texts = author_texts();
    testing::TempDir media;
    DeliveryRig rig({}, keeping(media.file("store"), &texts));
    const std::string photo(4000, 'p');
    const auto inbound = rig.graph.fake.add_inbound_media(photo, "image/png");
    const auto author = author_of(rig, "254700500001", "en", inbound, "image", webhook_sha256(photo), "image/png");
    for (int i = 0; i < 4; ++i) {
        rig.enqueue("rooms.relay:21", relay_to("2547005000" + std::to_string(10 + i), inbound, core::MediaKind::kImage));
    }
    rig.start();
    ASSERT_TRUE(eventually([&] { return rig.graph.fake.messages().size() == 4; }));
    EXPECT_EQ(sent_ids(rig.graph.fake).size(), 1u);
    EXPECT_EQ(rig.stats().media_uploads, 1u);
    const auto row = media_row(rig, inbound);
    ASSERT_TRUE(row);
    EXPECT_EQ(row->member_id, author);
    EXPECT_EQ(row->sha256, core::sha256_hex(photo));
    const std::string sha = core::sha256_hex(photo);
    EXPECT_EQ(row->path, media.file("store") + "/" + sha.substr(0, 2) + "/" + sha);
    ASSERT_TRUE(std::filesystem::exists(row->path));
    EXPECT_EQ(mode_of(row->path), 0600u);
    EXPECT_EQ(mode_of(media.file("store")), 0700u);
    EXPECT_EQ(mode_of(media.file("store") + "/" + sha.substr(0, 2)), 0700u);
}

TEST(DeliveryMedia, ForgetMeDeletesTheMembersFilesAndLeavesOthers) {
    const auto texts = author_texts();
    testing::TempDir media;
    DeliveryRig rig({}, keeping(media.file("store"), &texts));
    const auto mine = rig.graph.fake.add_inbound_media(std::string(3000, 'm'), "image/jpeg");
    const auto theirs = rig.graph.fake.add_inbound_media(std::string(3000, 't'), "image/jpeg");
    const auto me = author_of(rig, "254700500101", "en", mine, "image", "", "image/jpeg");
    author_of(rig, "254700500102", "en", theirs, "image", "", "image/jpeg");
    rig.enqueue("rooms.relay:31", relay_to("254700500110", mine, core::MediaKind::kImage));
    rig.enqueue("rooms.relay:32", relay_to("254700500110", theirs, core::MediaKind::kImage));
    rig.start();
    ASSERT_TRUE(eventually([&] { return rig.graph.fake.messages().size() == 2; }));
    ASSERT_TRUE(rig.settled());
    const auto my_path = media_row(rig, mine)->path;
    const auto their_path = media_row(rig, theirs)->path;
    ASSERT_TRUE(std::filesystem::exists(my_path));
    std::promise<std::size_t> removed;
    rig.writer.post([&](store::Database& db) { removed.set_value(store::forget_member_media(db.sql(), me)); });
    EXPECT_EQ(removed.get_future().get(), 1u);
    EXPECT_FALSE(std::filesystem::exists(my_path));
    EXPECT_FALSE(media_row(rig, mine));
    EXPECT_TRUE(std::filesystem::exists(their_path));
    // The scan: no stored file of the member remains anywhere in the media folder.
    std::size_t files = 0;
    for (const auto& entry : std::filesystem::recursive_directory_iterator(media.file("store"))) {
        if (entry.is_regular_file()) {
            ++files;
            EXPECT_EQ(entry.path().string(), their_path);
        }
    }
    EXPECT_EQ(files, 1u);
}

TEST(DeliveryMedia, StoredFilesPastTheRetentionArePurgedByTheDailyRun) {
    const auto texts = author_texts();
    testing::TempDir media;
    DeliveryRig rig({}, keeping(media.file("store"), &texts, 30));
    const auto inbound = rig.graph.fake.add_inbound_media(std::string(2000, 'r'), "image/png");
    author_of(rig, "254700500201", "en", inbound, "image", "", "image/png");
    rig.enqueue("rooms.relay:41", relay_to("254700500210", inbound, core::MediaKind::kImage));
    rig.start();
    ASSERT_TRUE(eventually([&] { return rig.graph.fake.messages().size() == 1; }));
    ASSERT_TRUE(rig.settled());
    const auto path = media_row(rig, inbound)->path;
    ASSERT_TRUE(std::filesystem::exists(path));
    ASSERT_TRUE(eventually([&] { return rig.stats().media_purges == 1; })) << "a purge when the service starts";
    rig.clock.advance(std::chrono::hours(12));
    rig.clock.advance(std::chrono::hours(24 * 29 - 12));
    ASSERT_TRUE(eventually([&] { return rig.stats().media_purges == 2; })) << "and one a day";
    EXPECT_TRUE(std::filesystem::exists(path)) << "29 days old: kept";
    rig.clock.advance(std::chrono::hours(48));
    ASSERT_TRUE(eventually([&] { return rig.stats().media_purges == 3; }));
    EXPECT_FALSE(std::filesystem::exists(path));
    EXPECT_FALSE(media_row(rig, inbound));
    EXPECT_EQ(rig.stats().media_purged, 1u);
}

TEST(DeliveryMedia, AnExpiredUploadIsUploadedAgainOnceFromTheKeptFile) {
    const auto texts = author_texts();
    testing::TempDir media;
    DeliveryRig rig({}, keeping(media.file("store"), &texts, 0));
    const std::string voice(6000, 'v');
    const auto inbound = rig.graph.fake.add_inbound_media(voice, "audio/ogg");
    author_of(rig, "254700500301", "en", inbound, "audio", webhook_sha256(voice), "audio/ogg");
    rig.enqueue("rooms.relay:51", relay_to("254700500310", inbound, core::MediaKind::kAudio));
    rig.start();
    ASSERT_TRUE(eventually([&] { return rig.graph.fake.messages().size() == 1; }));
    ASSERT_TRUE(rig.settled());
    const auto first_id = *sent_ids(rig.graph.fake).begin();
    // 30 days on: Meta refuses the uploaded id, and the member's inbound id is long gone (7 days). A member
    // who asks for the voice note now still gets it: uploaded again from the kept file, once.
    rig.clock.advance(std::chrono::hours(24 * 30 + 1));
    rig.enqueue("rooms.replay:51", relay_to("254700500311", inbound, core::MediaKind::kAudio));
    rig.enqueue("rooms.replay:51", relay_to("254700500312", inbound, core::MediaKind::kAudio));
    ASSERT_TRUE(eventually([&] { return rig.graph.fake.messages().size() == 3; }));
    EXPECT_EQ(rig.stats().media_uploads, 2u) << "one upload, then one re-upload for both copies";
    const auto ids = sent_ids(rig.graph.fake);
    EXPECT_EQ(ids.size(), 2u);
    EXPECT_EQ(ids.count(first_id), 1u);
    // No new download: the fake no longer serves the inbound id, and nothing was refused.
    EXPECT_TRUE(rig.graph.fake.refusals().empty());
}

TEST(DeliveryMedia, AFileThatCannotBeFetchedIsReportedOnceToItsAuthorInTheirLanguage) {
    const auto texts = author_texts();
    testing::TempDir media;
    DeliveryRig rig({}, keeping(media.file("store"), &texts));
    const std::string lost = "987654321077";  // Meta no longer has it (or never issued it)
    author_of(rig, "254700500401", "fr", lost, "audio", "", "audio/ogg");
    rig.enqueue("rooms.relay:61", relay_to("254700500410", lost, core::MediaKind::kAudio));
    rig.enqueue("rooms.relay:61", relay_to("254700500411", lost, core::MediaKind::kAudio));
    rig.start();
    ASSERT_TRUE(eventually([&] {
        const auto a = rig.row("rooms.relay:61", "254700500410");
        const auto b = rig.row("rooms.relay:61", "254700500411");
        return a && b && a->status == store::OutboxStatus::kFailed && b->status == store::OutboxStatus::kFailed;
    }, std::chrono::seconds(20)));
    ASSERT_TRUE(eventually([&] { return rig.graph.fake.messages().size() == 1; }));
    const auto told = rig.graph.fake.messages().front();
    EXPECT_EQ(told.recipient, "+254700500401");
    EXPECT_EQ(told.text, "Désolé, impossible de partager dans le salon : 🎤 message vocal.");
    ASSERT_TRUE(rig.settled());
    EXPECT_GT(media_row(rig, lost)->failed_ms, 0);
    EXPECT_EQ(rig.graph.fake.messages().size(), 1u) << "told once, not once per copy";
}

TEST(DeliveryMedia, AFileThatDoesNotMatchItsSha256IsNotShared) {
    const auto texts = author_texts();
    testing::TempDir media;
    DeliveryRig rig({}, keeping(media.file("store"), &texts));
    const auto inbound = rig.graph.fake.add_inbound_media(std::string(2000, 'x'), "image/png");
    author_of(rig, "254700500501", "en", inbound, "image", webhook_sha256("not this file"), "image/png");
    rig.enqueue("rooms.relay:71", relay_to("254700500510", inbound, core::MediaKind::kImage));
    rig.start();
    ASSERT_TRUE(eventually([&] {
        const auto row = rig.row("rooms.relay:71", "254700500510");
        return row && row->status == store::OutboxStatus::kFailed;
    }, std::chrono::seconds(30)));
    EXPECT_NE(rig.row("rooms.relay:71", "254700500510")->last_error.find("sha256"), std::string::npos);
    ASSERT_TRUE(eventually([&] { return rig.graph.fake.messages().size() == 1; }));
    EXPECT_EQ(rig.graph.fake.messages().front().recipient, "+254700500501");
    EXPECT_EQ(rig.stats().media_uploads, 0u);
    EXPECT_FALSE(std::filesystem::exists(media.file("store"))) << "nothing kept";
}

}  // namespace
}  // namespace delvex
