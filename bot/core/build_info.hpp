#pragma once

namespace delvex::core {

/// The project's version (CMake's project(VERSION)), e.g. "0.1.0".
const char* build_version();

/// The git commit the binary was built from (12 hex digits, "-dirty" with uncommitted changes), or "unknown"
/// when the source had no git data (a container build context) and none was passed (DELVEX_GIT_COMMIT).
const char* build_commit();

}  // namespace delvex::core
