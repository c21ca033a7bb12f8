#pragma once

#include <filesystem>
#include <iosfwd>
#include <string>

#include "bot/academy/content.hpp"

namespace delvex::academy {

/// Loads every module folder under `root` (a folder holding module.yaml) and checks it against the format
/// of academy-content/README.md, the WhatsApp limits of docs/WHATSAPP.md §5.2 and §8 and the content guide's advice (academy-content/README.md).
/// Never throws for bad content: every problem becomes a Diagnostic, sorted by file and line.
Content load_content(const std::filesystem::path& root);

/// "file:line: error: message" with `file` shown under `root` (as the user typed it).
std::string format_diagnostic(const Diagnostic& d, const std::filesystem::path& root);

/// `delvex academy check [DIR]`: prints each problem and a summary line on `out`; 0 when there is no error,
/// 1 when there is one, 2 when DIR is not a readable folder (one line on `err`).
int run_check(const std::string& dir, std::ostream& out, std::ostream& err);

}  // namespace delvex::academy
