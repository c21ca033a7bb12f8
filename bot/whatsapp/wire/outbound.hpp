#pragma once

// All Graph API JSON of the sending direction: request bodies (us → Graph) and Graph's answers.
// Meta's rules: docs/WHATSAPP.md §5–6, §8. The fake Graph API uses the same functions the other way round.

#include "bot/core/limits.hpp"
#include "bot/core/outgoing.hpp"
#include "bot/whatsapp/errors.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace delvex::whatsapp::wire {

/// Meta's limits of §5.2, in characters (Unicode code points of the UTF-8 text): one table for every layer.
using Limits = core::WhatsAppLimits;

/// A serialized request body, or why the message cannot be sent (one line, names the field and limit).
struct OutboundJson {
    std::string json;
    std::string error;
    bool ok() const { return error.empty(); }
};

/// Checks every §5.2 limit; empty when the message can be sent. Domain code may call it before queueing.
std::string validate(const core::OutgoingMessage& message);

/// The POST /{ver}/{phone}/messages body for a message, after validate().
OutboundJson to_graph_json(const core::OutgoingMessage& message);

/// {"messaging_product":"whatsapp","status":"read","message_id":…[,"typing_indicator":{"type":"text"}]}
std::string mark_read_json(std::string_view wamid, bool typing);

/// A Graph /messages request body read back (the fake Graph API, tests): the message, or a
/// Meta-like reason it is malformed (answered with 400 / code 100).
struct ParsedRequest {
    core::OutgoingMessage message;
    bool mark_read = false;    ///< a mark-as-read body instead of a message
    bool typing = false;       ///< mark-as-read with typing indicator
    std::string read_message_id;
    std::string type;          ///< "text", "interactive", "image", …
    std::string error;
    bool ok() const { return error.empty(); }
};
/// `check_limits` false skips validate()'s §5.2 body limits (the recipient is still checked): the fake Graph
/// API applies Meta's limits itself and answers them with Meta's codes.
ParsedRequest parse_graph_request(std::string_view body, bool check_limits = true);

// --- Graph's answers ---

/// A successful /messages answer.
struct SendAnswer {
    std::string wamid;           ///< messages[0].id
    std::string input;           ///< contacts[0].input
    std::string wa_id;           ///< contacts[0].wa_id
    std::string user_id;         ///< contacts[0].user_id (BSUID sends)
    std::string message_status;  ///< messages[0].message_status (paced templates)
};

/// nullopt when the body is not a /messages success answer (no messages[0].id).
std::optional<SendAnswer> parse_send_answer(std::string_view body);

/// {"success":true} → true.
bool parse_success_answer(std::string_view body);

/// An error answer → GraphError (code kNoCode and the first 200 bytes as message if it is not Graph's shape).
/// retry_after is left empty: it comes from the HTTP header, not the body.
GraphError parse_graph_error(int http_status, std::string_view body);

/// {"id":"<media id>"} from a media upload → the id, nullopt otherwise.
std::optional<std::string> parse_upload_answer(std::string_view body);

/// GET /{media_id} answer fields (url, mime_type, sha256, file_size, id).
struct MediaAnswer {
    std::string id, url, mime_type, sha256;
    std::int64_t file_size = 0;
};
std::optional<MediaAnswer> parse_media_answer(std::string_view body);

// --- answers as Graph writes them (the fake Graph API, tests) ---

std::string send_answer_json(const SendAnswer& answer);
std::string error_json(const GraphError& error);
std::string success_json();
std::string upload_answer_json(std::string_view media_id);
std::string media_answer_json(const MediaAnswer& media);

}  // namespace delvex::whatsapp::wire
