#include "bot/delivery/media_checks.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <string>

namespace delvex::delivery {
namespace {

constexpr std::size_t kMb = 1024 * 1024;

struct TypeLimit {
    std::string_view mime;
    std::size_t max_bytes;
};

// Meta's table: audio and video 16 MB, images 5 MB, stickers (webp) 500 KB, documents 100 MB.
constexpr std::array<TypeLimit, 19> kTypes{{
    {"audio/aac", 16 * kMb},
    {"audio/amr", 16 * kMb},
    {"audio/mpeg", 16 * kMb},
    {"audio/mp4", 16 * kMb},
    {"audio/ogg", 16 * kMb},
    {"video/mp4", 16 * kMb},
    {"video/3gpp", 16 * kMb},
    {"image/jpeg", 5 * kMb},
    {"image/png", 5 * kMb},
    {"image/webp", 500 * 1024},
    {"text/plain", 100 * kMb},
    {"application/pdf", 100 * kMb},
    {"application/msword", 100 * kMb},
    {"application/vnd.openxmlformats-officedocument.wordprocessingml.document", 100 * kMb},
    {"application/vnd.ms-excel", 100 * kMb},
    {"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", 100 * kMb},
    {"application/vnd.ms-powerpoint", 100 * kMb},
    {"application/vnd.openxmlformats-officedocument.presentationml.presentation", 100 * kMb},
    {"image/jpg", 5 * kMb},  // seen from some phones; Meta serves it as a JPEG
}};

std::string base64_of_hex(std::string_view hex) {
    static constexpr std::string_view kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string raw;
    for (std::size_t i = 0; i + 1 < hex.size(); i += 2) {
        raw.push_back(static_cast<char>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16)));
    }
    std::string out;
    std::size_t i = 0;
    for (; i + 2 < raw.size(); i += 3) {
        const unsigned v = (static_cast<unsigned char>(raw[i]) << 16) | (static_cast<unsigned char>(raw[i + 1]) << 8) |
                           static_cast<unsigned char>(raw[i + 2]);
        out += kAlphabet[(v >> 18) & 63];
        out += kAlphabet[(v >> 12) & 63];
        out += kAlphabet[(v >> 6) & 63];
        out += kAlphabet[v & 63];
    }
    if (raw.size() - i == 2) {
        const unsigned v = (static_cast<unsigned char>(raw[i]) << 16) | (static_cast<unsigned char>(raw[i + 1]) << 8);
        out += kAlphabet[(v >> 18) & 63];
        out += kAlphabet[(v >> 12) & 63];
        out += kAlphabet[(v >> 6) & 63];
        out += '=';
    } else if (raw.size() - i == 1) {
        const unsigned v = static_cast<unsigned char>(raw[i]) << 16;
        out += kAlphabet[(v >> 18) & 63];
        out += kAlphabet[(v >> 12) & 63];
        out += "==";
    }
    return out;
}

}  // namespace

std::optional<std::size_t> media_size_limit(std::string_view mime) {
    std::string base(mime.substr(0, mime.find(';')));
    while (!base.empty() && base.back() == ' ') {
        base.pop_back();
    }
    std::transform(base.begin(), base.end(), base.begin(), [](unsigned char c) { return std::tolower(c); });
    for (const auto& t : kTypes) {
        if (t.mime == base) {
            return t.max_bytes;
        }
    }
    return std::nullopt;
}

std::optional<bool> digest_matches(std::string_view expected, std::string_view sha256_hex) {
    if (expected.size() == 64 && expected.find_first_not_of("0123456789abcdefABCDEF") == std::string_view::npos) {
        std::string lower(expected);
        std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
        return lower == sha256_hex;
    }
    // 32 bytes in base64: 43 characters and one '=' (Meta's webhooks).
    if (expected.size() == 44 && expected.back() == '=' &&
        expected.substr(0, 43).find_first_not_of(
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/") == std::string_view::npos) {
        return expected == base64_of_hex(sha256_hex);
    }
    return std::nullopt;
}

}  // namespace delvex::delivery
