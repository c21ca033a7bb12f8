#pragma once

// GET /certificates/{code}: anyone holding an Academy certificate code can check it. A browser (Accept:
// text/html, or ?format=html) gets a page in the certificate's language; other clients (or ?format=json) a
// small JSON object; /certificates/{code}.png is the card sent in chat. Each says the learner's name or
// alias, the module, the score and the date — never a phone number; 404 for an unknown code.

#include <cstdint>
#include <map>
#include <string>

#include "bot/academy/engine.hpp"
#include "bot/store/db_reader.hpp"
#include "bot/http/server.hpp"

namespace delvex::http {

/// The UTC date of a Unix time in milliseconds, "2027-03-01"; "" for a time outside years 0–9999 (a damaged
/// row), never an unterminated buffer.
std::string utc_date(std::int64_t ms);

class CertificatesHandler final : public Handler {
public:
    /// Lookups are public: they run on the reader (never the writer's thread), within its rate.
    CertificatesHandler(store::DbReader& reader, const academy::Engine& engine);
    boost::asio::awaitable<Response> handle(Request request, SteadyTime started) override;

private:
    store::DbReader& reader_;
    const academy::Engine& engine_;  ///< module titles in the certificate's language, the catalog
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
