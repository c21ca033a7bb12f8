#pragma once

// GET /certificates/{code}: anyone holding an Academy certificate code can check it. Answers the learner's
// name or alias, the module and the date — never a phone number — as a small JSON object; 404 for an
// unknown code.

#include <map>
#include <string>

#include "bot/academy/engine.hpp"
#include "bot/events/db_writer.hpp"
#include "bot/http/server.hpp"

namespace delvex::http {

class CertificatesHandler final : public Handler {
public:
    explicit CertificatesHandler(events::DbWriter& writer);
    boost::asio::awaitable<Response> handle(Request request, SteadyTime started) override;

private:
    events::DbWriter& writer_;
};

/// GET /academy/media/{module folder}/{file}: the media files Academy steps name (and nothing else), for
/// the Graph API to fetch when a learner taps "See" (WhatsApp downloads media from a public https link).
class AcademyMediaHandler final : public Handler {
public:
    AcademyMediaHandler(const academy::Engine& engine, std::string content_dir);
    boost::asio::awaitable<Response> handle(Request request, SteadyTime started) override;

private:
    std::string content_dir_;
    std::map<std::string, std::string, std::less<>> files_;  ///< "folder/path" → MIME type
};

}  // namespace delvex::http
