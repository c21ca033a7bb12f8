#pragma once

// Charts for the console as inline SVG drawn on the server: no script, no library, a few hundred bytes, and
// the numbers written beside the bars (a chart is read by people who may not read charts).

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace delvex::console {

/// Horizontal bars, one per (label, value), longest = the largest value, each with its value at its end.
/// `title` is the SVG's accessible name. Labels and title are escaped.
std::string bar_chart(std::string_view title, const std::vector<std::pair<std::string, long long>>& bars);

}  // namespace delvex::console
