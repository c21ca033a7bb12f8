#pragma once

// The outbox's own storage format for a whole domain message (every kind of core::OutgoingMessage but the
// recipient, which is the row's). Not Graph JSON: that is made by bot/whatsapp/wire at send time, so a row
// queued today still sends after a Graph API version change. Versioned ("v":1) so that rows written by an
// older build stay readable.

#include <optional>
#include <string>
#include <string_view>

#include "bot/core/outgoing.hpp"
#include "bot/store/outbox_repository.hpp"

namespace delvex::delivery {

/// "text", "buttons", "list", "image", "audio", "video", "document", "sticker", "location", "reaction",
/// "template": the outbox kind column.
std::string kind_of(const core::OutgoingBody& body);

/// Serializes everything of the message but its recipient.
std::string encode(const core::OutgoingMessage& message);

/// Reads back what encode() wrote; nullopt (never a throw) when the payload is not readable.
std::optional<core::OutgoingMessage> decode(std::string_view payload);

/// The message a row holds, addressed to its recipient (plain-text rows become an OutgoingText).
/// nullopt when the payload is not readable.
std::optional<core::OutgoingMessage> message_of(const store::OutboxRow& row);

/// The recipient a member key stands for: a BSUID ("US.1349…") or phone digits.
core::Recipient recipient_of(const std::string& member_key);

/// An outbox entry for a message (logical key and purpose as given; kind and payload from the message).
store::OutboxEntry entry_for(std::string logical_key, const core::OutgoingMessage& message,
                             std::string purpose = {});

}  // namespace delvex::delivery
