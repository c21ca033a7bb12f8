#include "bot/console/chart.hpp"

#include <algorithm>

#include "bot/console/html.hpp"

namespace delvex::console {

std::string bar_chart(std::string_view title, const std::vector<std::pair<std::string, long long>>& bars) {
    constexpr int kRow = 22;
    constexpr int kLabel = 180;
    constexpr int kBars = 300;
    constexpr int kWidth = kLabel + kBars + 80;
    long long top = 1;
    for (const auto& [label, value] : bars) {
        top = std::max(top, value);
    }
    const int height = static_cast<int>(bars.size()) * kRow + 4;
    std::string out = "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" viewBox=\"0 0 " + std::to_string(kWidth) +
                      " " + std::to_string(height) + "\" width=\"" + std::to_string(kWidth) + "\" height=\"" +
                      std::to_string(height) + "\" font-size=\"13\" font-family=\"sans-serif\"><title>" +
                      escape(title) + "</title>";
    int y = 2;
    for (const auto& [label, value] : bars) {
        const auto length = static_cast<int>(static_cast<double>(std::max(0LL, value)) * kBars / static_cast<double>(top));
        out += "<text x=\"" + std::to_string(kLabel - 6) + "\" y=\"" + std::to_string(y + 15) +
               "\" text-anchor=\"end\" fill=\"#1d2421\">" + escape(label) + "</text>";
        out += "<rect x=\"" + std::to_string(kLabel) + "\" y=\"" + std::to_string(y + 3) + "\" width=\"" +
               std::to_string(std::max(length, value > 0 ? 1 : 0)) + "\" height=\"" + std::to_string(kRow - 6) +
               "\" fill=\"#3d7a52\"/>";
        out += "<text x=\"" + std::to_string(kLabel + length + 6) + "\" y=\"" + std::to_string(y + 15) +
               "\" fill=\"#1d2421\">" + std::to_string(value) + "</text>";
        y += kRow;
    }
    out += "</svg>";
    return out;
}

}  // namespace delvex::console
