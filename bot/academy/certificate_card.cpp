#include "bot/academy/certificate_card.hpp"

#include <cairo.h>

#include <fstream>
#include <memory>
#include <system_error>
#include <vector>

namespace delvex::academy {
namespace {

constexpr int kWidth = 1000;
constexpr int kHeight = 760;
constexpr double kMargin = 90;

struct Rgb {
    double r, g, b;
};
constexpr Rgb kInk{0.11, 0.21, 0.34};
constexpr Rgb kGreen{0.16, 0.62, 0.56};
constexpr Rgb kWarn{0.55, 0.20, 0.05};

void colour(cairo_t* cr, Rgb c) {
    cairo_set_source_rgb(cr, c.r, c.g, c.b);
}

void font(cairo_t* cr, double size, bool bold, bool mono = false) {
    cairo_select_font_face(cr, mono ? "DejaVu Sans Mono" : "DejaVu Sans", CAIRO_FONT_SLANT_NORMAL,
                           bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_font_size(cr, size);
}

double advance(cairo_t* cr, const std::string& text) {
    cairo_text_extents_t e;
    cairo_text_extents(cr, text.c_str(), &e);
    return e.x_advance;
}

/// Greedy word wrap to `width` with the current font.
std::vector<std::string> wrap(cairo_t* cr, const std::string& text, double width) {
    std::vector<std::string> lines;
    std::string line;
    std::size_t i = 0;
    while (i < text.size()) {
        const std::size_t end = text.find(' ', i);
        const std::string word = text.substr(i, end == std::string::npos ? std::string::npos : end - i);
        i = end == std::string::npos ? text.size() : end + 1;
        if (word.empty()) {
            continue;
        }
        const std::string candidate = line.empty() ? word : line + " " + word;
        if (!line.empty() && advance(cr, candidate) > width) {
            lines.push_back(line);
            line = word;
        } else {
            line = candidate;
        }
    }
    if (!line.empty()) {
        lines.push_back(line);
    }
    return lines;
}

/// Draws `text` centred, wrapped to the page, starting with its first baseline at y; returns the y after it.
double centred(cairo_t* cr, const std::string& text, double y, double size, double gap) {
    for (const auto& line : wrap(cr, text, kWidth - 2 * kMargin)) {
        cairo_move_to(cr, (kWidth - advance(cr, line)) / 2, y);
        cairo_show_text(cr, line.c_str());
        y += size + gap;
    }
    return y;
}

cairo_status_t append(void* closure, const unsigned char* data, unsigned int length) {
    static_cast<std::string*>(closure)->append(reinterpret_cast<const char*>(data), length);
    return CAIRO_STATUS_SUCCESS;
}

}  // namespace

std::string render_certificate_png(const CertificateCard& card) {
    std::unique_ptr<cairo_surface_t, decltype(&cairo_surface_destroy)> surface(
        cairo_image_surface_create(CAIRO_FORMAT_RGB24, kWidth, kHeight), &cairo_surface_destroy);
    std::unique_ptr<cairo_t, decltype(&cairo_destroy)> context(cairo_create(surface.get()), &cairo_destroy);
    cairo_t* cr = context.get();

    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_paint(cr);
    // A double frame: the look of a paper certificate, in one colour that prints well in black and white.
    colour(cr, kGreen);
    cairo_set_line_width(cr, 14);
    cairo_rectangle(cr, 24, 24, kWidth - 48, kHeight - 48);
    cairo_stroke(cr);
    cairo_set_line_width(cr, 3);
    cairo_rectangle(cr, 46, 46, kWidth - 92, kHeight - 92);
    cairo_stroke(cr);

    colour(cr, kGreen);
    font(cr, 34, true);
    double y = centred(cr, card.heading, 125, 34, 10);

    colour(cr, kInk);
    font(cr, 54, true);
    y = centred(cr, card.name, y + 55, 54, 10);
    font(cr, 30, false);
    y = centred(cr, card.course, y + 15, 30, 10);
    font(cr, 26, false);
    y = centred(cr, card.score, y + 10, 26, 8);

    // What it proves, and what not, in a tinted box: the line a buyer must not miss.
    font(cr, 24, false);
    const auto proves = wrap(cr, card.proves, kWidth - 2 * kMargin - 40);
    const double box_top = y + 10;
    const double box_height = static_cast<double>(proves.size()) * 33 + 30;
    cairo_set_source_rgb(cr, 1.0, 0.96, 0.85);
    cairo_rectangle(cr, kMargin, box_top, kWidth - 2 * kMargin, box_height);
    cairo_fill(cr);
    colour(cr, kWarn);
    double line_y = box_top + 40;
    for (const auto& line : proves) {
        cairo_move_to(cr, (kWidth - advance(cr, line)) / 2, line_y);
        cairo_show_text(cr, line.c_str());
        line_y += 33;
    }
    y = box_top + box_height + 50;

    colour(cr, kInk);
    font(cr, 22, false);
    y = centred(cr, card.check, y, 22, 8);
    font(cr, 40, true, true);
    centred(cr, card.code, y + 25, 40, 0);

    cairo_surface_flush(surface.get());
    std::string png;
    if (cairo_surface_write_to_png_stream(surface.get(), append, &png) != CAIRO_STATUS_SUCCESS) {
        return {};
    }
    return png;
}

bool write_certificate_png(const CertificateCard& card, const std::filesystem::path& file) {
    std::error_code ec;
    if (std::filesystem::exists(file, ec)) {
        return true;
    }
    const std::string png = render_certificate_png(card);
    if (png.empty()) {
        return false;
    }
    // Cards carry learners' names: the folder is the service user's alone, like the database file.
    if (std::filesystem::create_directories(file.parent_path(), ec)) {
        std::filesystem::permissions(file.parent_path(), std::filesystem::perms::owner_all,
                                     std::filesystem::perm_options::replace, ec);
    }
    const std::filesystem::path tmp = file.string() + ".tmp";
    {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        out.write(png.data(), static_cast<std::streamsize>(png.size()));
        if (!out) {
            return false;
        }
    }
    std::filesystem::rename(tmp, file, ec);
    return !ec;
}

}  // namespace delvex::academy
