#pragma once

// The WhatsApp limits Academy content must fit (docs/WHATSAPP.md §5.2 and §8) and the softer advice of
// academy-content/README.md. Lengths are counted in Unicode code points, as Meta counts them, never in bytes.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

#include "bot/core/limits.hpp"

namespace delvex::academy::limits {

// Meta's own limits, from the one table every layer uses (bot/core/limits.hpp).
inline constexpr std::size_t kReplyButtons = core::WhatsAppLimits::kButtons;
inline constexpr std::size_t kButtonTitle = core::WhatsAppLimits::kButtonTitle;
inline constexpr std::size_t kListRows = core::WhatsAppLimits::kRows;
inline constexpr std::size_t kRowTitle = core::WhatsAppLimits::kRowTitle;
inline constexpr std::size_t kRowDescription = core::WhatsAppLimits::kRowDescription;
inline constexpr std::size_t kListButton = core::WhatsAppLimits::kListButton;
inline constexpr std::size_t kHeaderText = core::WhatsAppLimits::kHeaderText;
inline constexpr std::size_t kInteractiveBody = core::WhatsAppLimits::kInteractiveBody;
inline constexpr std::size_t kText = core::WhatsAppLimits::kTextBody;
inline constexpr std::size_t kCaption = core::WhatsAppLimits::kCaption;

/// academy-content/README.md: one idea per message, under about 600 characters (a warning, not an error).
inline constexpr std::size_t kAdvisedMessage = 600;

// §8, in decimal megabytes so that a file near the limit is refused by us rather than by Meta.
inline constexpr std::uintmax_t kImageBytes = 5'000'000;
inline constexpr std::uintmax_t kAudioBytes = 16'000'000;
inline constexpr std::uintmax_t kVideoBytes = 16'000'000;
inline constexpr std::uintmax_t kDocumentBytes = 100'000'000;

// academy-content/README.md advice for learners who pay for every megabyte (warnings).
inline constexpr std::uintmax_t kAdvisedImageBytes = 150'000;
inline constexpr double kAdvisedAudioSeconds = 60.0;

inline constexpr int kMinTries = 1;
inline constexpr int kMaxTries = 5;

/// Characters (code points) in a UTF-8 string; nullopt when it is not valid UTF-8.
std::optional<std::size_t> utf8_length(std::string_view text);

}  // namespace delvex::academy::limits
