// The documentation stands on its own and matches the tree: every source path a document names exists, every
// document a comment or a page points to is in the repository, and nothing points outside it.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

namespace delvex::testing {
namespace {

namespace fs = std::filesystem;

const fs::path kRoot = DELVEX_SOURCE_DIR;

/// README.md, docs/*.md and the READMEs of bench/ and academy-content/.
std::vector<fs::path> documents() {
    std::vector<fs::path> docs = {kRoot / "README.md", kRoot / "bench/README.md", kRoot / "academy-content/README.md"};
    for (const auto& entry : fs::directory_iterator(kRoot / "docs")) {
        if (entry.path().extension() == ".md") {
            docs.push_back(entry.path());
        }
    }
    return docs;
}

/// Every source file of ours (bot/, forums/, tests/, cmake/, scripts/, CMakeLists.txt).
std::vector<fs::path> sources() {
    std::vector<fs::path> files = {kRoot / "CMakeLists.txt"};
    for (const char* top : {"bot", "forums", "tests", "cmake", "scripts"}) {
        for (const auto& entry : fs::recursive_directory_iterator(kRoot / top)) {
            const auto ext = entry.path().extension();
            if (entry.is_regular_file() &&
                (ext == ".cpp" || ext == ".hpp" || ext == ".py" || ext == ".sh" || ext == ".cmake")) {
                files.push_back(entry.path());
            }
        }
    }
    return files;
}

std::vector<std::string> lines_of(const fs::path& path) {
    std::ifstream in(path);
    std::vector<std::string> lines;
    for (std::string line; std::getline(in, line);) {
        lines.push_back(line);
    }
    return lines;
}

std::string where(const fs::path& file, std::size_t index) {
    return fs::relative(file, kRoot).string() + ":" + std::to_string(index + 1);
}

TEST(Docs, EverySourcePathADocumentNamesExists) {
    // A path of the tree, not the end of a URL or of another path; globs and placeholders are not checked.
    const std::regex path(
        R"((^|[^\w/.~$-])((bot|forums|tests|cmake|scripts|config|bench|academy-content|packaging|docs)/[\w./-]*))");
    int checked = 0;
    for (const auto& doc : documents()) {
        const auto lines = lines_of(doc);
        for (std::size_t i = 0; i < lines.size(); ++i) {
            for (std::sregex_iterator it(lines[i].begin(), lines[i].end(), path), end; it != end; ++it) {
                std::string named = (*it)[2];
                const auto after = static_cast<std::size_t>(it->position(2) + it->length(2));
                if (after < lines[i].size() && std::string_view("*{<").find(lines[i][after]) != std::string::npos) {
                    continue;
                }
                while (!named.empty() && std::string_view(".,;:").find(named.back()) != std::string::npos) {
                    named.pop_back();
                }
                ++checked;
                EXPECT_TRUE(fs::exists(kRoot / named)) << where(doc, i) << ": " << named << " does not exist";
            }
        }
    }
    EXPECT_GT(checked, 100) << "the pattern found too few paths to be checking anything";
}

TEST(Docs, EveryDocumentNamedIsInTheRepository) {
    // A Markdown file named in a comment or a page: a path from the root, from the page's folder, or in docs/.
    const std::regex md(R"([\w./-]*\b[\w-]+\.md\b)");
    auto exists = [](const fs::path& from, const std::string& name) {
        return fs::exists(kRoot / name) || fs::exists(from.parent_path() / name) || fs::exists(kRoot / "docs" / name);
    };
    auto files = sources();
    const auto docs = documents();
    files.insert(files.end(), docs.begin(), docs.end());
    for (const auto& file : files) {
        const auto lines = lines_of(file);
        for (std::size_t i = 0; i < lines.size(); ++i) {
            if (lines[i].find(".md") == std::string::npos) {
                continue;  // std::regex is slow; most lines name no page
            }
            for (std::sregex_iterator it(lines[i].begin(), lines[i].end(), md), end; it != end; ++it) {
                const std::string name = it->str();
                if (name.starts_with("/") || name.find("://") != std::string::npos) {
                    continue;  // an installed path (/usr/share/doc/…) or a URL
                }
                EXPECT_TRUE(exists(file, name)) << where(file, i) << ": " << name << " is not in the repository";
            }
        }
    }
}

TEST(Docs, NothingPointsOutsideTheRepository) {
    auto files = documents();
    const auto code = sources();
    files.insert(files.end(), code.begin(), code.end());
    const std::regex outside(R"(\.\./shared|\bshared/|\]\(\.\./)");
    for (const auto& file : files) {
        if (file.filename() == "docs_test.cpp") {
            continue;  // names what it looks for
        }
        const auto lines = lines_of(file);
        for (std::size_t i = 0; i < lines.size(); ++i) {
            if (lines[i].find("shared") == std::string::npos && lines[i].find("](../") == std::string::npos) {
                continue;
            }
            EXPECT_FALSE(std::regex_search(lines[i], outside)) << where(file, i) << ": " << lines[i];
        }
    }
}

TEST(Docs, TheArchitecturePageNamesEveryLayerOfTheBuild) {
    std::ifstream in(kRoot / "CMakeLists.txt");
    std::stringstream cmake;
    cmake << in.rdbuf();
    std::ifstream page_in(kRoot / "docs/ARCHITECTURE.md");
    std::stringstream page;
    page << page_in.rdbuf();
    const std::string text = cmake.str();
    const std::regex layer(R"(\ndelvex_layer\((\w+) DIRS ([^\n]*))");
    int layers = 0;
    for (std::sregex_iterator it(text.begin(), text.end(), layer), end; it != end; ++it) {
        ++layers;
        const std::string name = (*it)[1];
        EXPECT_NE(page.str().find("`" + name + "`"), std::string::npos) << name << " is not in docs/ARCHITECTURE.md";
    }
    EXPECT_GE(layers, 9);
}

}  // namespace
}  // namespace delvex::testing
