#include "bot/console/invite.hpp"

#include <cairo.h>
#include <qrencode.h>

#include <memory>
#include <stdexcept>

namespace delvex::console {
namespace {

bool is_digit(char c) {
    return c >= '0' && c <= '9';
}

// RFC 3986's unreserved characters stay as they are; every other byte (UTF-8 included) becomes %XX. A space
// is %20, not '+': WhatsApp puts the decoded text in the member's message box as it is.
void append_percent_encoded(std::string& out, std::string_view text) {
    static constexpr char kHex[] = "0123456789ABCDEF";
    for (const char ch : text) {
        const auto c = static_cast<unsigned char>(ch);
        const bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || is_digit(ch) || c == '-' ||
                                c == '.' || c == '_' || c == '~';
        if (unreserved) {
            out += ch;
        } else {
            out += '%';
            out += kHex[c >> 4];
            out += kHex[c & 0x0F];
        }
    }
}

struct QrFree {
    void operator()(QRcode* code) const { QRcode_free(code); }
};
struct SurfaceFree {
    void operator()(cairo_surface_t* s) const { cairo_surface_destroy(s); }
};
struct CairoFree {
    void operator()(cairo_t* c) const { cairo_destroy(c); }
};

cairo_status_t append_png_bytes(void* closure, const unsigned char* data, unsigned int length) {
    static_cast<std::string*>(closure)->append(reinterpret_cast<const char*>(data), length);
    return CAIRO_STATUS_SUCCESS;
}

}  // namespace

std::string business_digits(std::string_view typed) {
    std::string digits;
    bool plus = false;
    for (const char c : typed) {
        if (is_digit(c)) {
            digits += c;
        } else if (c == '+' && digits.empty() && !plus) {
            plus = true;  // the international prefix, once, before the digits
        } else if (c != ' ' && c != '-' && c != '.' && c != '(' && c != ')') {
            return {};
        }
    }
    return digits.size() >= 8 && digits.size() <= 15 ? digits : std::string();
}

std::string join_text(const community::Room& room) {
    return "JOIN " + room.id;
}

std::string join_link(std::string_view business_number_digits, std::string_view join_text) {
    if (business_number_digits.empty() || business_digits(business_number_digits) != business_number_digits) {
        throw std::invalid_argument("the business number must be 8 to 15 digits in international form");
    }
    std::string link = "https://wa.me/";
    link += business_number_digits;
    link += "?text=";
    append_percent_encoded(link, join_text);
    return link;
}

std::vector<RoomInvite> room_invites(const community::Regions& regions, std::string_view business_number_digits,
                                     std::string_view language) {
    std::vector<RoomInvite> out;
    for (const auto& room : regions.rooms()) {
        RoomInvite invite;
        invite.room_id = room.id;
        invite.name = room.name(language);
        invite.text = join_text(room);
        invite.link = join_link(business_number_digits, invite.text);
        out.push_back(std::move(invite));
    }
    return out;
}

QrCode make_qr(std::string_view text) {
    const std::string copy(text);  // libqrencode reads a NUL-terminated string
    // Version 0: the smallest that holds the text. Case-sensitive: a link's percent-escapes and path keep theirs.
    std::unique_ptr<QRcode, QrFree> encoded(QRcode_encodeString(copy.c_str(), 0, QR_ECLEVEL_M, QR_MODE_8, 1));
    if (!encoded) {
        throw std::runtime_error("cannot make a QR code of " + std::to_string(text.size()) +
                                 " bytes (too long for error correction M?)");
    }
    QrCode code;
    code.width = encoded->width;
    code.version = encoded->version;
    const auto cells = static_cast<std::size_t>(code.width) * static_cast<std::size_t>(code.width);
    code.modules.resize(cells);
    for (std::size_t i = 0; i < cells; ++i) {
        code.modules[i] = (encoded->data[i] & 1) != 0;  // bit 0: dark; the others say which part of the symbol
    }
    return code;
}

std::string qr_svg(const QrCode& code, int module_px) {
    const int size = code.width + 2 * kQuietZone;
    const std::string px = std::to_string(size * module_px);
    const std::string s = std::to_string(size);
    std::string svg;
    svg.reserve(64 + static_cast<std::size_t>(code.width) * static_cast<std::size_t>(code.width));
    svg += "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + px + "\" height=\"" + px + "\" viewBox=\"0 0 " + s +
           " " + s + "\" shape-rendering=\"crispEdges\">";
    svg += "<rect width=\"" + s + "\" height=\"" + s + "\" fill=\"#fff\"/>";
    svg += "<path fill=\"#000\" d=\"";
    // Each run of dark modules in a row is one rectangle: M x y, h run, v 1, h -run, close.
    for (int y = 0; y < code.width; ++y) {
        int x = 0;
        while (x < code.width) {
            if (!code.dark(x, y)) {
                ++x;
                continue;
            }
            const int start = x;
            while (x < code.width && code.dark(x, y)) {
                ++x;
            }
            const std::string run = std::to_string(x - start);
            svg += "M" + std::to_string(start + kQuietZone) + " " + std::to_string(y + kQuietZone) + "h" + run +
                   "v1h-" + run + "z";
        }
    }
    svg += "\"/></svg>\n";
    return svg;
}

std::string qr_png(const QrCode& code, int module_px) {
    if (module_px < 1 || module_px > 64) {
        throw std::invalid_argument("module_px must be 1 to 64");
    }
    const int size = (code.width + 2 * kQuietZone) * module_px;
    std::unique_ptr<cairo_surface_t, SurfaceFree> surface(cairo_image_surface_create(CAIRO_FORMAT_RGB24, size, size));
    std::unique_ptr<cairo_t, CairoFree> cr(cairo_create(surface.get()));
    if (cairo_status(cr.get()) != CAIRO_STATUS_SUCCESS) {
        throw std::runtime_error("cairo: cannot draw a " + std::to_string(size) + " px QR code");
    }
    // Whole pixels, no antialiasing: every module is a crisp square a cheap phone camera reads.
    cairo_set_antialias(cr.get(), CAIRO_ANTIALIAS_NONE);
    cairo_set_source_rgb(cr.get(), 1, 1, 1);
    cairo_paint(cr.get());
    cairo_set_source_rgb(cr.get(), 0, 0, 0);
    for (int y = 0; y < code.width; ++y) {
        for (int x = 0; x < code.width; ++x) {
            if (code.dark(x, y)) {
                cairo_rectangle(cr.get(), (x + kQuietZone) * module_px, (y + kQuietZone) * module_px, module_px,
                                module_px);
            }
        }
    }
    cairo_fill(cr.get());
    cairo_surface_flush(surface.get());
    std::string png;
    if (cairo_surface_write_to_png_stream(surface.get(), append_png_bytes, &png) != CAIRO_STATUS_SUCCESS) {
        throw std::runtime_error("cairo: cannot write the QR code as PNG");
    }
    return png;
}

}  // namespace delvex::console
