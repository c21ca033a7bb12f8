// libFuzzer target: Academy content (`delvex academy check`, and the loader the service starts with).
// Content is written by programme staff and translators, often by hand; whatever they write must end in
// file:line diagnostics, never in a crash or an escaping exception.
// Input: a module.yaml and one lesson file, separated by a line "---8<---". Without the separator the input
// is the lesson and module.yaml is the valid fixture's. The module folder also holds media/dot.png (a real
// PNG from tests/fixtures/academy/valid), so media steps can pass the existence check.

#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>

#include "bot/academy/loader.hpp"

namespace fs = std::filesystem;

namespace {

constexpr std::string_view kSeparator = "\n---8<---\n";

std::string read_file(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

void write_file(const fs::path& path, std::string_view text) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(text.data(), static_cast<std::streamsize>(text.size()));
}

struct Workspace {
    fs::path root;
    fs::path module;
    std::string default_module;

    Workspace() {
        char dir[] = "/tmp/delvex-fuzz-academy-XXXXXX";
        if (::mkdtemp(dir) == nullptr) {
            std::perror("mkdtemp");
            std::abort();
        }
        root = dir;
        module = root / "demo";
        const fs::path fixture = fs::path(DELVEX_SOURCE_DIR) / "tests/fixtures/academy/valid/demo";
        fs::create_directories(module / "media");
        fs::copy_file(fixture / "media/dot.png", module / "media/dot.png");
        default_module = read_file(fixture / "module.yaml");
    }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const Workspace ws;
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    const auto cut = input.find(kSeparator);
    if (cut == std::string_view::npos) {
        write_file(ws.module / "module.yaml", ws.default_module);
        write_file(ws.module / "quiz.yaml", input);
    } else {
        write_file(ws.module / "module.yaml", input.substr(0, cut));
        write_file(ws.module / "quiz.yaml", input.substr(cut + kSeparator.size()));
    }
    const auto content = delvex::academy::load_content(ws.root);
    for (const auto& d : content.diagnostics) {
        (void)delvex::academy::format_diagnostic(d, ws.root);
    }
    return 0;
}
