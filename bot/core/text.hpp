#pragma once

// The small text tools every layer needs, once: trimming, counting and clipping UTF-8 by code point (WhatsApp
// counts its limits in characters: 4,096 for a text, 24 for a list row's title, 20 for a button), one-line
// text for logs and titles, ASCII lower case for command words.

#include <cstddef>
#include <string>
#include <string_view>

namespace delvex::core {

/// `s` without leading and trailing spaces, tabs, carriage returns and line feeds (a view into `s`).
std::string_view trim_view(std::string_view s);

/// trim_view as an owned string.
std::string trim(std::string_view s);

/// Code points in UTF-8 text (each byte that is not a continuation byte starts one).
std::size_t utf8_length(std::string_view s);

/// At most `max` code points of `s`, never cutting a character in two; no ellipsis is added.
std::string clip(std::string_view s, std::size_t max);

/// Line breaks become spaces, then trimmed: one line for a title or a log field.
std::string one_line(std::string_view s);

/// ASCII letters in lower case; other bytes (UTF-8 included) unchanged.
std::string lower_ascii(std::string s);

}  // namespace delvex::core
