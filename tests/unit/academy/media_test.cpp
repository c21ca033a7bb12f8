#include "bot/academy/media.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>

namespace delvex::academy {
namespace {

namespace fs = std::filesystem;

/// A file in a fresh temporary folder, removed with the test.
class TempFile {
public:
    TempFile(const std::string& name, const std::string& bytes)
        : dir_(fs::temp_directory_path() / ("delvex-academy-" + std::to_string(::testing::UnitTest::GetInstance()
                                                                                   ->random_seed()) +
                                            "-" + ::testing::UnitTest::GetInstance()->current_test_info()->name())) {
        fs::create_directories(dir_);
        std::ofstream(dir_ / name, std::ios::binary) << bytes;
        path_ = dir_ / name;
    }
    ~TempFile() {
        std::error_code ec;
        fs::remove_all(dir_, ec);
    }
    const fs::path& path() const { return path_; }

private:
    fs::path dir_;
    fs::path path_;
};

std::string le(std::uint64_t v, int width) {
    std::string out;
    for (int i = 0; i < width; ++i) {
        out.push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
    }
    return out;
}

/// Two OGG pages: OpusHead with `channels`, then a last page whose granule position ends the stream.
std::string opus(int channels, std::uint64_t samples_48k) {
    const std::uint64_t pre_skip = 312;
    std::string head = "OpusHead";
    head += '\x01';
    head += static_cast<char>(channels);
    head += le(pre_skip, 2) + le(48000, 4) + le(0, 2) + '\x00';
    auto page = [](std::uint64_t granule, const std::string& payload) {
        std::string p = "OggS";
        p += '\x00';
        p += '\x00';
        p += le(granule, 8) + le(1, 4) + le(0, 4) + le(0, 4);
        p += '\x01';
        p += static_cast<char>(payload.size());
        return p + payload;
    };
    return page(0, head) + page(samples_48k + pre_skip, std::string(10, 'x'));
}

TEST(AcademyMedia, MeasuresAnOpusVoiceNoteAndWarnsPastOneMinute) {
    const TempFile shortnote("short.ogg", opus(1, 48000 * 30));
    const MediaReport ok = inspect_media(shortnote.path(), StepKind::kAudio);
    EXPECT_EQ(ok.mime_type, "audio/ogg");
    ASSERT_TRUE(ok.seconds.has_value());
    EXPECT_DOUBLE_EQ(*ok.seconds, 30.0);
    EXPECT_TRUE(ok.errors.empty());
    EXPECT_TRUE(ok.warnings.empty());

    const TempFile longnote("long.ogg", opus(1, 48000 * 75));
    const MediaReport slow = inspect_media(longnote.path(), StepKind::kAudio);
    EXPECT_TRUE(slow.errors.empty());
    ASSERT_EQ(slow.warnings.size(), 1u);
    EXPECT_EQ(slow.warnings.front(), "voice note is 75 s long; keep voice notes to 1 minute or less");
}

TEST(AcademyMedia, RefusesStereoOpusAndAnImageTypeWhatsAppDoesNotTake) {
    const TempFile stereo("stereo.ogg", opus(2, 48000));
    const MediaReport s = inspect_media(stereo.path(), StepKind::kAudio);
    ASSERT_EQ(s.errors.size(), 1u);
    EXPECT_EQ(s.errors.front(), "Opus audio must be mono for WhatsApp (this one has 2 channels)");

    const TempFile gif("anim.gif", "GIF89a");
    const MediaReport g = inspect_media(gif.path(), StepKind::kImage);
    ASSERT_EQ(g.errors.size(), 1u);
    EXPECT_EQ(g.errors.front(), "image steps take .png, .jpg, .jpeg files, not '.gif'");
}

TEST(AcademyMedia, WarnsAboutAnImageOverOneHundredFiftyKilobytes) {
    std::string jpeg = "\xFF\xD8\xFF\xE0";
    jpeg.resize(200'000, 'x');
    const TempFile big("big.jpg", jpeg);
    const MediaReport r = inspect_media(big.path(), StepKind::kImage);
    EXPECT_TRUE(r.errors.empty());
    ASSERT_EQ(r.warnings.size(), 1u);
    EXPECT_EQ(r.warnings.front(), "image is 200 KB; keep images under 150 KB for learners who pay for data");
}

}  // namespace
}  // namespace delvex::academy
