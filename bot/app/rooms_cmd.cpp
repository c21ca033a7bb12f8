#include "bot/app/rooms_cmd.hpp"

#include <filesystem>
#include <fstream>
#include <optional>
#include <ostream>

#include "bot/community/regions.hpp"
#include "bot/console/invite.hpp"

namespace delvex::app {
namespace {

bool write_file(const std::filesystem::path& path, const std::string& bytes) {
    std::ofstream file(path, std::ios::binary | std::ios::trunc);
    file << bytes;
    return static_cast<bool>(file.flush());
}

}  // namespace

int run_rooms_links(const EnvLookup& env, const RoomsLinksOptions& options, std::ostream& out, std::ostream& err) {
    const auto config = load_config(std::nullopt, env, false);
    // --number, else business_number of the config and environment (DELVEX_BUSINESS_NUMBER), as for serve.
    const std::string number = options.number.empty() ? config.business_number : options.number;
    if (number.empty()) {
        err << "delvex rooms links: no business number: pass --number or set business_number in the config "
               "(DELVEX_BUSINESS_NUMBER): the service's WhatsApp number in international form, e.g. +254 700 000 000\n";
        return 2;
    }
    const std::string digits = console::business_digits(number);
    if (digits.empty()) {
        err << "delvex rooms links: '" << number << "' is not a phone number in international form (8 to 15 digits)\n";
        return 2;
    }
    const auto regions = community::Regions::load(config.home + "/config/regions.yaml");
    namespace fs = std::filesystem;
    if (!options.qr_dir.empty()) {
        fs::create_directories(options.qr_dir);
    }
    for (const auto& invite : console::room_invites(regions, digits, options.language)) {
        out << invite.room_id << '\t' << invite.name << '\t' << invite.link << '\n';
        if (options.qr_dir.empty()) {
            continue;
        }
        const auto code = console::make_qr(invite.link);
        const fs::path base = fs::path(options.qr_dir) / invite.room_id;
        for (const auto& [ext, bytes] : {std::pair<std::string, std::string>{".png", console::qr_png(code, options.module_px)},
                                         std::pair<std::string, std::string>{".svg", console::qr_svg(code)}}) {
            const fs::path path = base.string() + ext;
            if (!write_file(path, bytes)) {
                err << "delvex rooms links: cannot write " << path.string() << '\n';
                return 1;
            }
        }
    }
    if (!options.qr_dir.empty()) {
        out << "QR codes written to " << options.qr_dir << " (<room>.png and <room>.svg)\n";
    }
    return 0;
}

}  // namespace delvex::app
