#pragma once

// Plain outbound message types (docs/WHATSAPP.md §5.2). No JSON here: bot/whatsapp/wire
// turns an OutgoingMessage into a Graph API body and checks Meta's limits on the way.

#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace delvex::core {

/// Who a message goes to. A phone is sent as "to":"+<digits>" (E.164; a missing '+' is added, because Meta
/// would otherwise prefix the business number's country code); a BSUID as "recipient":"<BSUID>"; a group as
/// "recipient_type":"group","to":"<GROUP_ID>".
struct Recipient {
    enum class Kind { kPhone, kBsuid, kGroup };
    Kind kind = Kind::kPhone;
    std::string id;  ///< phone digits with or without '+', BSUID ("US.1349…"), or group id

    static Recipient phone(std::string number) { return {Kind::kPhone, std::move(number)}; }
    static Recipient bsuid(std::string user_id) { return {Kind::kBsuid, std::move(user_id)}; }
    static Recipient group(std::string group_id) { return {Kind::kGroup, std::move(group_id)}; }
};

/// A media object by uploaded id or by public https link; exactly one must be set. `inbound_id` is a member's
/// own file by the id Meta gave it in a webhook: Meta lets a business download that id but sends only ids it
/// uploaded itself, so the dispatcher downloads it once, uploads it, and sends the uploaded id instead; a
/// source with only an inbound id never reaches the Graph API. `file` is a file on our own disk (a lesson
/// picture, a certificate): the dispatcher uploads it once per content (its sha256), for every recipient and
/// across restarts, and sends the uploaded id; `file_mime` is its type for the upload.
struct MediaSource {
    std::string id;
    std::string link;
    std::string inbound_id{};
    std::string file{};
    std::string file_mime{};

    static MediaSource by_id(std::string media_id) { return {std::move(media_id), {}, {}, {}, {}}; }
    static MediaSource by_link(std::string url) { return {{}, std::move(url), {}, {}, {}}; }
    static MediaSource by_inbound(std::string inbound) { return {{}, {}, std::move(inbound), {}, {}}; }
    static MediaSource by_file(std::string path, std::string mime) {
        return {{}, {}, {}, std::move(path), std::move(mime)};
    }
    /// Still to be uploaded by the dispatcher (a member's file or one of ours).
    bool needs_upload() const { return id.empty() && link.empty() && (!inbound_id.empty() || !file.empty()); }
};

enum class MediaKind { kImage, kAudio, kVideo, kDocument, kSticker };

/// "image", "audio", "video", "document" or "sticker": the Graph API's type name, also used in the outbox.
inline const char* media_kind_name(MediaKind kind) {
    switch (kind) {
        case MediaKind::kImage:
            return "image";
        case MediaKind::kAudio:
            return "audio";
        case MediaKind::kVideo:
            return "video";
        case MediaKind::kDocument:
            return "document";
        case MediaKind::kSticker:
            return "sticker";
    }
    return "image";
}

/// The kind named by media_kind_name(), or nullopt for any other name.
inline std::optional<MediaKind> media_kind_from(std::string_view name) {
    for (MediaKind k : {MediaKind::kImage, MediaKind::kAudio, MediaKind::kVideo, MediaKind::kDocument,
                        MediaKind::kSticker}) {
        if (name == media_kind_name(k)) {
            return k;
        }
    }
    return std::nullopt;
}

/// "type":"text": body ≤ 4096 characters; preview_url renders the first http(s) URL.
struct OutgoingText {
    std::string body;
    bool preview_url = false;
};

/// Header of an interactive message: none, text, or image/video/document media.
struct InteractiveHeader {
    enum class Kind { kNone, kText, kImage, kVideo, kDocument };
    Kind kind = Kind::kNone;
    std::string text;    ///< kText: ≤ 60 characters
    MediaSource media;   ///< kImage / kVideo / kDocument
};

struct ReplyButton {
    std::string id;     ///< ≤ 256 characters, comes back as button_reply.id
    std::string title;  ///< ≤ 20 characters, unique within the message
};

/// "type":"interactive","interactive":{"type":"button"}: 1–3 reply buttons; body ≤ 1024, footer ≤ 60.
struct ReplyButtons {
    InteractiveHeader header;
    std::string body;
    std::string footer;
    std::vector<ReplyButton> buttons;
};

struct ListRow {
    std::string id;           ///< ≤ 200 characters, comes back as list_reply.id
    std::string title;        ///< ≤ 24 characters
    std::string description;  ///< ≤ 72 characters, optional
};

struct ListSection {
    std::string title;  ///< ≤ 24 characters; required when there is more than one section
    std::vector<ListRow> rows;
};

/// "type":"interactive","interactive":{"type":"list"}: ≤ 10 sections, ≤ 10 rows in total; header text only.
struct ListMessage {
    std::string header;  ///< optional text header ≤ 60
    std::string body;    ///< ≤ 1024 (the safe cap; newer Meta pages allow 4096)
    std::string footer;  ///< ≤ 60
    std::string button;  ///< the label that opens the list, ≤ 20
    std::vector<ListSection> sections;
};

/// "type":"image|audio|video|document|sticker". Caption for image, video and document only (≤ 1024);
/// filename for documents only.
struct OutgoingMedia {
    MediaKind kind = MediaKind::kImage;
    MediaSource source;
    std::string caption;
    std::string filename;
};

/// "type":"location".
struct OutgoingLocation {
    double latitude = 0;
    double longitude = 0;
    std::string name;
    std::string address;
};

/// "type":"reaction": an empty emoji removes our reaction. Never a contextual reply.
struct OutgoingReaction {
    std::string message_id;  ///< the wamid reacted to
    std::string emoji;
};

/// One body parameter: positional ({{1}}, {{2}}…, in order) when `name` is empty, named otherwise.
/// A template takes one format only: all parameters named, or none.
struct TemplateParameter {
    std::string name;
    std::string text;
};

/// "type":"template": an approved template by name and language code (e.g. "en_US").
struct OutgoingTemplate {
    std::string name;
    std::string language_code;
    std::vector<TemplateParameter> body_parameters;
    /// Optional header media (image/video/document); kind ignored when header_media.source is empty.
    OutgoingMedia header_media;
    bool has_header_media = false;
    /// Payloads for the template's quick-reply buttons, by button index (0, 1, …).
    std::vector<std::string> quick_reply_payloads;
};

using OutgoingBody = std::variant<OutgoingText, ReplyButtons, ListMessage, OutgoingMedia, OutgoingLocation,
                                  OutgoingReaction, OutgoingTemplate>;

/// One message for one recipient, as the outbox stores it and the Graph client sends it.
struct OutgoingMessage {
    Recipient to;
    std::string context_message_id;  ///< quote this wamid (any kind but a reaction); empty = no context
    OutgoingBody body;
    std::string callback_data;  ///< biz_opaque_callback_data echoed in status webhooks, ≤ 512; may be empty
};

}  // namespace delvex::core
