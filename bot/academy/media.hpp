#pragma once

// What the checker needs to know about a media file before it is offered to learners: its MIME type (from
// the extension, confirmed by the first bytes), its size and, for Opus voice notes, its length.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "bot/academy/content.hpp"

namespace delvex::academy {

struct MediaReport {
    std::string mime_type;            ///< empty when the extension is not one WhatsApp takes for this kind
    std::uintmax_t bytes = 0;
    std::optional<double> seconds;    ///< Opus/OGG audio only
    std::vector<std::string> errors;  ///< would be refused by WhatsApp (docs/WHATSAPP.md §8)
    std::vector<std::string> warnings;  ///< allowed, but against the content guide's advice (academy-content/README.md) for low-data phones
};

/// Inspects an existing file meant for a step of `kind` (kImage, kAudio, kVideo or kDocument).
MediaReport inspect_media(const std::filesystem::path& file, StepKind kind);

}  // namespace delvex::academy
