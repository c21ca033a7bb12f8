#pragma once

// WhatsApp's message limits, once for every layer (docs/WHATSAPP.md §5.2 and §8): the wire layer refuses a
// message over them before Meta would, and the domain (Academy content, rooms' list rows, moderators' lists)
// fits its texts to them. Lengths are characters (Unicode code points of the UTF-8 text, see core::utf8_length).

#include <cstddef>
#include <cstdint>

namespace delvex::core {

struct WhatsAppLimits {
    static constexpr std::size_t kTextBody = 4096;
    static constexpr std::size_t kInteractiveBody = 1024;
    static constexpr std::size_t kHeaderText = 60;
    static constexpr std::size_t kFooter = 60;
    static constexpr std::size_t kButtons = 3;
    static constexpr std::size_t kButtonId = 256;
    static constexpr std::size_t kButtonTitle = 20;
    static constexpr std::size_t kListButton = 20;
    static constexpr std::size_t kSections = 10;
    static constexpr std::size_t kRows = 10;
    static constexpr std::size_t kSectionTitle = 24;
    static constexpr std::size_t kRowId = 200;
    static constexpr std::size_t kRowTitle = 24;
    static constexpr std::size_t kRowDescription = 72;
    static constexpr std::size_t kCaption = 1024;
    static constexpr std::size_t kCallbackData = 512;
    static constexpr std::size_t kTemplateName = 512;
};

}  // namespace delvex::core
