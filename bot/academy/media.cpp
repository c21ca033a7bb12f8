#include "bot/academy/media.hpp"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <string_view>

#include "bot/academy/limits.hpp"

namespace delvex::academy {
namespace {

struct Format {
    StepKind kind;
    std::string_view extension;
    std::string_view mime;
};

// docs/WHATSAPP.md §8: the types WhatsApp accepts, by the extension we ask authors to use.
constexpr Format kFormats[] = {
    {StepKind::kImage, "png", "image/png"},
    {StepKind::kImage, "jpg", "image/jpeg"},
    {StepKind::kImage, "jpeg", "image/jpeg"},
    {StepKind::kAudio, "ogg", "audio/ogg"},
    {StepKind::kAudio, "opus", "audio/ogg"},
    {StepKind::kAudio, "mp3", "audio/mpeg"},
    {StepKind::kAudio, "m4a", "audio/mp4"},
    {StepKind::kAudio, "aac", "audio/aac"},
    {StepKind::kAudio, "amr", "audio/amr"},
    {StepKind::kVideo, "mp4", "video/mp4"},
    {StepKind::kVideo, "3gp", "video/3gpp"},
    {StepKind::kDocument, "pdf", "application/pdf"},
    {StepKind::kDocument, "txt", "text/plain"},
    {StepKind::kDocument, "doc", "application/msword"},
    {StepKind::kDocument, "docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"},
    {StepKind::kDocument, "xls", "application/vnd.ms-excel"},
    {StepKind::kDocument, "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
    {StepKind::kDocument, "ppt", "application/vnd.ms-powerpoint"},
    {StepKind::kDocument, "pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation"},
};

std::string_view kind_name(StepKind kind) {
    switch (kind) {
        case StepKind::kImage: return "image";
        case StepKind::kAudio: return "audio";
        case StepKind::kVideo: return "video";
        case StepKind::kDocument: return "document";
        default: return "media";
    }
}

std::uintmax_t max_bytes(StepKind kind) {
    switch (kind) {
        case StepKind::kImage: return limits::kImageBytes;
        case StepKind::kAudio: return limits::kAudioBytes;
        case StepKind::kVideo: return limits::kVideoBytes;
        default: return limits::kDocumentBytes;
    }
}

std::string allowed_extensions(StepKind kind) {
    std::string out;
    for (const auto& f : kFormats) {
        if (f.kind == kind) {
            out += out.empty() ? "." : ", .";
            out += f.extension;
        }
    }
    return out;
}

std::uint64_t little_endian(const std::string& bytes, std::size_t at, std::size_t width) {
    std::uint64_t v = 0;
    for (std::size_t k = 0; k < width; ++k) {
        v |= static_cast<std::uint64_t>(static_cast<unsigned char>(bytes[at + k])) << (8 * k);
    }
    return v;
}

bool starts_with(const std::string& bytes, std::size_t at, std::string_view magic) {
    return bytes.size() >= at + magic.size() && std::string_view(bytes).substr(at, magic.size()) == magic;
}

std::string format_kb(std::uintmax_t bytes) {
    return std::to_string((bytes + 999) / 1000) + " KB";
}

// PNG: WhatsApp takes 8-bit RGB or RGBA only (§8); IHDR's bit depth and colour type sit at bytes 24 and 25.
void check_png(const std::string& head, MediaReport& report) {
    if (!starts_with(head, 0, "\x89PNG\r\n\x1a\n") || head.size() < 26) {
        report.errors.push_back("not a PNG file, although it is named .png");
        return;
    }
    const auto depth = static_cast<unsigned char>(head[24]);
    const auto colour = static_cast<unsigned char>(head[25]);
    if (depth != 8 || (colour != 2 && colour != 6)) {
        report.errors.push_back("PNG must be 8-bit RGB or RGBA for WhatsApp (this one is " + std::to_string(depth) +
                                "-bit, colour type " + std::to_string(colour) + ")");
    }
}

// Opus in OGG: the first page carries OpusHead (channel count at +9, pre-skip at +10); the last page's
// granule position counts 48 kHz samples, so length = (granule - pre-skip) / 48000.
void check_ogg(const std::string& bytes, MediaReport& report) {
    if (!starts_with(bytes, 0, "OggS") || bytes.size() < 27) {
        report.errors.push_back("not an OGG file, although it is named .ogg/.opus");
        return;
    }
    const std::size_t segments = static_cast<unsigned char>(bytes[26]);
    const std::size_t payload = 27 + segments;
    if (!starts_with(bytes, payload, "OpusHead") || bytes.size() < payload + 19) {
        report.errors.push_back("OGG audio must be Opus for WhatsApp");
        return;
    }
    if (bytes[payload + 9] != 1) {
        report.errors.push_back("Opus audio must be mono for WhatsApp (this one has " +
                                std::to_string(static_cast<unsigned char>(bytes[payload + 9])) + " channels)");
    }
    const auto pre_skip = little_endian(bytes, payload + 10, 2);
    const auto last = bytes.rfind("OggS");
    if (last != std::string::npos && last + 14 <= bytes.size()) {
        const auto granule = little_endian(bytes, last + 6, 8);
        if (granule >= pre_skip && granule != ~std::uint64_t{0}) {
            report.seconds = static_cast<double>(granule - pre_skip) / 48000.0;
        }
    }
}

}  // namespace

MediaReport inspect_media(const std::filesystem::path& file, StepKind kind) {
    MediaReport report;
    std::string extension = file.extension().string();
    if (!extension.empty()) {
        extension.erase(0, 1);
    }
    std::transform(extension.begin(), extension.end(), extension.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    for (const auto& f : kFormats) {
        if (f.kind == kind && f.extension == extension) {
            report.mime_type = f.mime;
        }
    }
    if (report.mime_type.empty()) {
        report.errors.push_back(std::string(kind_name(kind)) + " steps take " + allowed_extensions(kind) +
                                " files, not '." + extension + "'");
        return report;
    }

    std::error_code ec;
    report.bytes = std::filesystem::file_size(file, ec);
    if (ec) {
        report.errors.push_back("cannot read the media file: " + ec.message());
        return report;
    }
    if (report.bytes > max_bytes(kind)) {
        report.errors.push_back(std::string(kind_name(kind)) + " is " + format_kb(report.bytes) +
                                "; WhatsApp takes at most " + format_kb(max_bytes(kind)));
        return report;
    }
    if (kind == StepKind::kImage && report.bytes > limits::kAdvisedImageBytes) {
        report.warnings.push_back("image is " + format_kb(report.bytes) + "; keep images under " +
                                  format_kb(limits::kAdvisedImageBytes) + " for learners who pay for data");
    }

    std::ifstream in(file, std::ios::binary);
    // Only audio needs the whole file (its length is on the last page); the others need a few bytes.
    const std::size_t wanted = kind == StepKind::kAudio ? static_cast<std::size_t>(report.bytes) : 64;
    std::string bytes(wanted, '\0');
    in.read(bytes.data(), static_cast<std::streamsize>(wanted));
    bytes.resize(static_cast<std::size_t>(in.gcount()));

    const std::string_view mime = report.mime_type;
    if (mime == "image/png") {
        check_png(bytes, report);
    } else if (mime == "image/jpeg") {
        if (!starts_with(bytes, 0, "\xFF\xD8\xFF")) {
            report.errors.push_back("not a JPEG file, although it is named ." + extension);
        }
    } else if (mime == "application/pdf") {
        if (!starts_with(bytes, 0, "%PDF-")) {
            report.errors.push_back("not a PDF file, although it is named .pdf");
        }
    } else if (mime == "video/mp4" || mime == "video/3gpp" || mime == "audio/mp4") {
        if (!starts_with(bytes, 4, "ftyp")) {
            report.errors.push_back("not an MP4/3GP container, although it is named ." + extension);
        }
    } else if (mime == "audio/ogg") {
        check_ogg(bytes, report);
    }

    if (kind == StepKind::kAudio && report.errors.empty()) {
        if (!report.seconds) {
            report.warnings.push_back("cannot measure the length of ." + extension +
                                      " audio; voice notes should be Opus/OGG and at most 1 minute");
        } else if (*report.seconds > limits::kAdvisedAudioSeconds) {
            report.warnings.push_back("voice note is " + std::to_string(static_cast<int>(*report.seconds + 0.5)) +
                                      " s long; keep voice notes to 1 minute or less");
        }
    }
    return report;
}

}  // namespace delvex::academy
