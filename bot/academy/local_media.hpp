#pragma once

// A file on the service's disk as the source of an outgoing media message: the dispatcher uploads it to
// WhatsApp once and sends the media id (Academy pictures, certificate cards); no public address needed.

#include <string>

#include "bot/core/outgoing.hpp"

namespace delvex::academy {

inline core::MediaSource local_file(const std::string& path, const std::string& mime_type) {
    return core::MediaSource::by_file(path, mime_type);
}

}  // namespace delvex::academy
