// libFuzzer target: the YAML config file (`delvex serve --config FILE`). The config is written by an
// operator, not by the internet, but a typo must still end in one clear ConfigError line and never in a
// crash, a hang or another exception type (main turns ConfigError into "delvex: config: ..." and exit 2).
// Input: the file's text. The environment is empty, so only the file decides.

#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

#include "bot/app/config.hpp"

namespace {

std::string config_path() {
    char dir[] = "/tmp/delvex-fuzz-config-XXXXXX";
    if (::mkdtemp(dir) == nullptr) {
        std::perror("mkdtemp");
        std::abort();
    }
    return std::string(dir) + "/delvex.yaml";
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const std::string path = config_path();
    {
        std::ofstream out(path, std::ios::binary | std::ios::trunc);
        out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
    }
    const delvex::app::EnvLookup no_env = [](const std::string&) -> std::optional<std::string> {
        return std::nullopt;
    };
    try {
        const auto config = delvex::app::load_config(path, no_env, false);
        // What the service does next with the numbers (bot/app/service.cpp, Asio timers): it must not
        // overflow for any value the loader accepted (UBSan would stop here).
        const std::chrono::nanoseconds timeouts[] = {config.http.read_timeout, config.http.idle_timeout,
                                                     config.http.write_timeout, config.graph_timeout};
        for (const auto t : timeouts) {
            (void)(std::chrono::steady_clock::now() + t);
        }
        (void)static_cast<std::uint32_t>(config.http.header_limit_bytes);
    } catch (const delvex::app::ConfigError&) {
        // The documented way to refuse a file.
    }
    return 0;
}
