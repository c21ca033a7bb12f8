#pragma once

// `delvex rooms links`: each room's wa.me link (and, with --qr DIR, its QR code as DIR/<room>.png and
// DIR/<room>.svg) for operators bringing the old WhatsApp groups over without the console.

#include <iosfwd>
#include <string>

#include "bot/app/config.hpp"

namespace delvex::app {

struct RoomsLinksOptions {
    std::string number{};    ///< the business number; default: DELVEX_BUSINESS_NUMBER
    std::string qr_dir{};    ///< where to write the codes; empty: links only
    std::string language = "en";  ///< the language of the room names printed
    int module_px = 10;      ///< PNG pixels per module (10: a room's link, about 41 modules with the margin, prints 3.5 cm wide at 300 dpi)
};

/// Prints one line per room of config/regions.yaml: id, name, link (tab-separated). Exit 0, or 2 when no
/// business number is set or it is not a number.
int run_rooms_links(const EnvLookup& env, const RoomsLinksOptions& options, std::ostream& out, std::ostream& err);

}  // namespace delvex::app
