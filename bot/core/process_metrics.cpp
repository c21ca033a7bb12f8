#include "bot/core/process_metrics.hpp"

#include <fmt/format.h>
#include <sys/resource.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string_view>
#include <vector>

#include "bot/core/build_info.hpp"

namespace delvex::core {
namespace {

/// The fields of /proc/self/stat after the command name (which may hold spaces and parentheses).
std::vector<std::string> stat_fields() {
    std::ifstream in("/proc/self/stat");
    std::string line;
    std::getline(in, line);
    const auto close = line.rfind(')');
    if (close == std::string::npos) {
        return {};
    }
    std::istringstream rest(line.substr(close + 1));
    std::vector<std::string> fields;
    std::string f;
    while (rest >> f) {
        fields.push_back(f);
    }
    return fields;
}

/// Seconds since the epoch at boot (btime in /proc/stat), for the process start time.
double boot_time() {
    std::ifstream in("/proc/stat");
    std::string key;
    while (in >> key) {
        if (key == "btime") {
            double t = 0;
            in >> t;
            return t;
        }
        in.ignore(1 << 20, '\n');
    }
    return 0;
}

std::size_t open_fds() {
    std::error_code ec;
    std::size_t n = 0;
    for (std::filesystem::directory_iterator it("/proc/self/fd", ec), end; !ec && it != end; it.increment(ec)) {
        ++n;
    }
    return n;
}

}  // namespace

std::string render_process_metrics() {
    const auto fields = stat_fields();
    // After the name: state is field 3 of proc(5), so field N of proc(5) is fields[N - 3].
    if (fields.size() < 22) {
        return {};
    }
    const double ticks = static_cast<double>(::sysconf(_SC_CLK_TCK));
    const double page = static_cast<double>(::sysconf(_SC_PAGESIZE));
    const double cpu = (std::stod(fields[14 - 3]) + std::stod(fields[15 - 3])) / ticks;
    const double start = boot_time() + std::stod(fields[22 - 3]) / ticks;
    const double vsize = std::stod(fields[23 - 3]);
    const double rss = std::stod(fields[24 - 3]) * page;
    rlimit lim{};
    ::getrlimit(RLIMIT_NOFILE, &lim);

    fmt::memory_buffer out;
    auto metric = [&out](std::string_view name, std::string_view type, std::string_view help, double value) {
        fmt::format_to(std::back_inserter(out), "# HELP {} {}\n# TYPE {} {}\n{} {}\n", name, help, name, type, name,
                       value);
    };
    metric("process_cpu_seconds_total", "counter", "User and system CPU time spent, in seconds.", cpu);
    metric("process_resident_memory_bytes", "gauge", "Resident memory size in bytes.", rss);
    metric("process_virtual_memory_bytes", "gauge", "Virtual memory size in bytes.", vsize);
    metric("process_open_fds", "gauge", "Open file descriptors.", static_cast<double>(open_fds()));
    metric("process_max_fds", "gauge", "Limit on open file descriptors.", static_cast<double>(lim.rlim_cur));
    metric("process_start_time_seconds", "gauge", "Start time of the process since the Unix epoch, in seconds.",
           start);
    return fmt::to_string(out);
}

std::string render_build_info() {
    return fmt::format(
        "# HELP delvex_build_info The running build: version and git commit (value always 1).\n"
        "# TYPE delvex_build_info gauge\n"
        "delvex_build_info{{version=\"{}\",commit=\"{}\"}} 1\n",
        build_version(), build_commit());
}

}  // namespace delvex::core
