#pragma once

// A file on the service's disk as the source of an outgoing media message: the dispatcher uploads it to
// WhatsApp once and sends the media id (Academy pictures, certificate cards); no public address needed.

#include <string>

#include "bot/core/outgoing.hpp"

namespace delvex::academy {

inline core::MediaSource local_file(const std::string& path, const std::string& mime_type) {
    (void)mime_type;  // PRE-MERGE: by_file(path, mime_type) once main has it
    return core::MediaSource::by_link(path);
}

}  // namespace delvex::academy
