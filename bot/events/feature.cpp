#include "bot/events/feature.hpp"

#include "bot/delivery/codec.hpp"

namespace delvex::events {

bool Outbox::send(std::string logical_key, const core::OutgoingMessage& message, std::string purpose) {
    auto entry = delivery::entry_for(std::move(logical_key), message, std::move(purpose));
    entry.priority = !actor_.empty() && entry.recipient == actor_ ? 0 : 1;
    const bool fresh = repo_.enqueue(entry, now_ms_);
    queued_ += fresh ? 1 : 0;
    return fresh;
}

bool Outbox::text(std::string logical_key, const std::string& member_key, std::string body, std::string purpose) {
    core::OutgoingMessage message;
    message.to = delivery::recipient_of(member_key);
    message.body = core::OutgoingText{std::move(body), false};
    return send(std::move(logical_key), message, std::move(purpose));
}

}  // namespace delvex::events
