#pragma once

// GET /certificates/{code}: anyone holding an Academy certificate code can check it. Answers the learner's
// name or alias, the module and the date — never a phone number — as a small JSON object; 404 for an
// unknown code.

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

}  // namespace delvex::http
