#pragma once

// Bringing the old WhatsApp groups over: per room, a click-to-chat link (https://wa.me/<number>?text=JOIN
// <room id>) and its QR code, as SVG and PNG, to post in the old group or print on a poster. A newcomer who
// scans it finds "JOIN east-africa" typed in a chat with the service's number; tapping send puts them in that
// room's onboarding (bot/rooms/onboarding: the room is chosen, never asked).

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "bot/community/regions.hpp"

namespace delvex::console {

/// `business_number` in the config file (DELVEX_BUSINESS_NUMBER).
struct InviteSettings {
    /// The service's WhatsApp number as people dial it, in international form ("+254 700 000 000" or
    /// "254700000000"; WHATSAPP_PHONE_NUMBER_ID is Meta's id of it, not the number). Empty: no links are shown.
    std::string business_number{};
};

/// The digits of a business number typed by a person ("+254 700-000 000" → "254700000000"): a leading '+',
/// spaces, dashes, dots and brackets dropped. Empty when anything else is in it or it is not 8 to 15 digits.
std::string business_digits(std::string_view typed);

/// The text a room's link pre-fills: "JOIN <room id>" (the id is ASCII, stable and understood in every
/// language: JOIN is a command word in all of them).
std::string join_text(const community::Room& room);

/// https://wa.me/<digits>?text=<join_text percent-encoded as UTF-8>. `digits` must be business_digits();
/// throws std::invalid_argument otherwise.
std::string join_link(std::string_view business_number_digits, std::string_view join_text);

/// One room's invitation, for the console and `delvex rooms links`.
struct RoomInvite {
    std::string room_id{};
    std::string name{};  ///< in the language asked for
    std::string text{};  ///< join_text
    std::string link{};  ///< join_link
};

/// Every room's invitation, in the order of config/regions.yaml.
std::vector<RoomInvite> room_invites(const community::Regions& regions, std::string_view business_number_digits,
                                     std::string_view language);

/// A QR code's modules: width × width, row by row, true = dark.
struct QrCode {
    int width = 0;
    int version = 0;
    std::vector<bool> modules{};

    bool dark(int x, int y) const { return modules[static_cast<std::size_t>(y) * width + x]; }
};

/// The QR code of `text` (libqrencode: the smallest version that holds it, error correction M so a creased or
/// smudged poster still scans, byte mode, case kept). Throws std::runtime_error when the text is too long
/// for a QR code.
QrCode make_qr(std::string_view text);

/// The quiet zone around a printed code, in modules (ISO/IEC 18004 asks for 4).
inline constexpr int kQuietZone = 4;

/// An SVG of the code: a white square and one black path, `module_px` per module, a quiet zone of 4
/// modules, crisp edges; it scales to any print size without blur.
std::string qr_svg(const QrCode& code, int module_px = 8);

/// A PNG of the code (cairo's image surface): `module_px` pixels per module (1 to 64), the quiet zone
/// included, black on white. Throws std::runtime_error if cairo fails.
std::string qr_png(const QrCode& code, int module_px = 8);

}  // namespace delvex::console
