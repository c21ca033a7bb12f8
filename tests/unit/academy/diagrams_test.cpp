// The Academy's diagrams (academy-content/*/media/*.svg, rendered by scripts/render-academy-diagrams.sh):
// every SVG has its PNG, rendered at the agreed width, used by a step with a caption in every language the
// module offers.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <string>

#include "bot/academy/loader.hpp"

namespace delvex {
namespace {

namespace fs = std::filesystem;

std::uint32_t png_width(const fs::path& file) {
    std::ifstream in(file, std::ios::binary);
    std::string head(24, '\0');
    in.read(head.data(), 24);
    return (static_cast<std::uint32_t>(static_cast<unsigned char>(head[16])) << 24) |
           (static_cast<std::uint32_t>(static_cast<unsigned char>(head[17])) << 16) |
           (static_cast<std::uint32_t>(static_cast<unsigned char>(head[18])) << 8) |
           static_cast<std::uint32_t>(static_cast<unsigned char>(head[19]));
}

TEST(AcademyDiagrams, EverySvgHasItsPngAndEveryDiagramIsCaptionedInEveryLanguage) {
    const fs::path root = fs::path(DELVEX_SOURCE_DIR) / "academy-content";
    const auto content = academy::load_content(root);
    ASSERT_EQ(content.errors(), 0u);
    std::map<std::string, const academy::Step*> used;  // "folder/media/x.png" → its step
    std::map<std::string, const academy::Module*> module_of;
    for (const auto& m : content.modules) {
        for (const auto& l : m.lessons) {
            for (const auto& s : l.steps) {
                if (s.kind == academy::StepKind::kImage) {
                    used[m.folder + "/" + s.media.path] = &s;
                    module_of[m.folder + "/" + s.media.path] = &m;
                }
            }
        }
    }
    std::size_t diagrams = 0;
    for (const auto& entry : fs::recursive_directory_iterator(root)) {
        if (entry.path().extension() != ".svg") {
            continue;
        }
        ++diagrams;
        fs::path png = entry.path();
        png.replace_extension(".png");
        ASSERT_TRUE(fs::exists(png)) << entry.path() << ": run scripts/render-academy-diagrams.sh";
        EXPECT_EQ(png_width(png), 800u) << png;
        const std::string rel = fs::relative(png, root).generic_string();
        const auto it = used.find(rel);
        ASSERT_NE(it, used.end()) << rel << " is drawn but no step shows it";
        for (const auto& lang : module_of[rel]->languages) {
            EXPECT_TRUE(it->second->caption.has(lang)) << rel << " has no caption in " << lang;
        }
    }
    // A retort set-up, benches and slope, a settling pond, a safe ladder, the blower far from the exhaust,
    // and ages and work for the child-labour module.
    EXPECT_GE(diagrams, 6u);
}

}  // namespace
}  // namespace delvex
