#pragma once

// The WhatsApp limits Academy content must fit (docs/WHATSAPP.md §5.2 and §8) and the softer advice of
// academy-content/README.md. Lengths are counted in Unicode code points, as Meta counts them, never in bytes.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace delvex::academy::limits {

inline constexpr std::size_t kReplyButtons = 3;
inline constexpr std::size_t kButtonTitle = 20;
inline constexpr std::size_t kListRows = 10;
inline constexpr std::size_t kRowTitle = 24;
inline constexpr std::size_t kRowDescription = 72;
inline constexpr std::size_t kListButton = 20;
inline constexpr std::size_t kHeaderText = 60;
inline constexpr std::size_t kInteractiveBody = 1024;
inline constexpr std::size_t kText = 4096;
inline constexpr std::size_t kCaption = 1024;

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
