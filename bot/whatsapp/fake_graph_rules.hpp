#pragma once

// Meta's rules as the fake Graph API enforces them, as pure functions (docs/FAKE_GRAPH.md lists each rule,
// its code and the public page that states it). They are written apart from wire::validate() on purpose:
// a fake that checks with the product's own validator would only prove the product agrees with itself.

#include "bot/core/clock.hpp"
#include "bot/core/outgoing.hpp"
#include "bot/whatsapp/wire/templates.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace delvex::whatsapp::fake {

/// Why Graph refuses a request: answered as {"error":{"message","code","error_data":{"details"},…}}.
struct Refusal {
    int http_status = 400;
    std::int64_t code = 100;
    std::string message;   ///< "(#131047) Re-engagement message"
    std::string details;   ///< error_data.details
    std::string user_msg;  ///< error_user_msg (template review)
};
using Verdict = std::optional<Refusal>;

/// Meta counts characters as Unicode code points.
std::size_t code_points(std::string_view utf8);

/// A media file the fake knows: uploaded through /media (sendable) or received from a member (not sendable).
struct MediaEntry {
    std::string bytes;
    std::string mime;
    bool inbound = false;
    /// Meta keeps an uploaded id 30 days and lets a business download a member's file 7 days (docs/WHATSAPP.md
    /// §8): from then on the id is refused (sending) or unknown (GET /{media-id}).
    core::TimePoint expires = core::TimePoint::max();
};

/// The largest upload Meta takes for a mime type (parameters such as "; codecs=opus" ignored), or nullopt
/// when the type is not in Meta's supported-media table.
std::optional<std::size_t> max_media_bytes(std::string_view mime);

/// Upload review: an unsupported type → 100 (Graph's own answer), too large → 131053.
Verdict check_upload(std::string_view mime, std::size_t size);

/// docs/WHATSAPP.md §5.2: the length and count limits of a message body → 131009 (a missing required value → 100).
Verdict check_message_limits(const core::OutgoingMessage& message);

/// Media by id must be one the fake issued by upload; by link must be https; a calendar is not a document
/// type Meta delivers. `declared_mime` is the media object's mime_type field when the body has one.
/// → 131053.
Verdict check_media(const core::OutgoingMessage& message, std::string_view declared_mime,
                    const std::map<std::string, MediaEntry>& media, core::TimePoint now = core::TimePoint::min());

/// Everything but a template needs an open 24 h window.
bool needs_window(const core::OutgoingMessage& message);

/// Send-time template checks against the registry entry (nullptr when none has that name and language):
/// 132001 missing or not approved, 132015 paused, 132016 disabled, 132000 parameter or button count,
/// 132018 parameter text, 132005 body too long once filled in.
Verdict check_template_send(const core::OutgoingTemplate& message, const wire::TemplateDefinition* approved,
                            const std::vector<int>& quick_reply_indexes);

/// Meta's approval review of a new template (→ 100 with a user message), given the ones that already exist.
Verdict review_template(const wire::TemplateDefinition& candidate,
                        const std::vector<wire::TemplateDefinition>& existing);

/// The body with {{1}}…{{n}} replaced by the parameters (unmatched placeholders left as they are); a named
/// template's {{name}}s take the parameters in order of their first appearance.
std::string fill_body(std::string_view body, const std::vector<std::string>& parameters);

/// "+243810000001" and "243810000001" are the same person; a BSUID is kept as it is.
std::string member_key(std::string_view wa_id_or_bsuid);

}  // namespace delvex::whatsapp::fake
