#pragma once

#include <string>

namespace delvex::core {

/// The standard process metrics of Prometheus' client libraries (process_cpu_seconds_total,
/// process_resident_memory_bytes, process_virtual_memory_bytes, process_open_fds, process_max_fds,
/// process_start_time_seconds), read from /proc/self. Empty where /proc is missing.
std::string render_process_metrics();

/// `delvex_build_info{version="…",commit="…"} 1`, with its HELP and TYPE lines.
std::string render_build_info();

}  // namespace delvex::core
