// libFuzzer target: the outbox codec's decode(). Outbox payloads are written by this program, but a row
// from an older (or newer) build, or a damaged database, must come back as nullopt, never as a crash.
// Invariant: whatever decode() accepts re-encodes to a payload that decodes to the same encoding
// (encode ∘ decode is stable), so a retried row never changes what it sends.

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "bot/delivery/codec.hpp"

namespace {

void fail(const char* what) {
    std::fprintf(stderr, "fuzz_codec: invariant broken: %s\n", what);
    std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view payload(reinterpret_cast<const char*>(data), size);
    const auto message = delvex::delivery::decode(payload);
    if (message) {
        const std::string once = delvex::delivery::encode(*message);
        const auto again = delvex::delivery::decode(once);
        if (!again) {
            fail("decode refused what encode wrote");
        }
        if (delvex::delivery::encode(*again) != once) {
            fail("encode(decode(encode(m))) differs from encode(m)");
        }
        (void)delvex::delivery::kind_of(message->body);
    }
    // The same bytes as a row, both encodings, as the dispatcher reads it.
    delvex::store::OutboxRow row;
    row.recipient = "254700000001";
    row.kind = "text";
    row.payload = std::string(payload);
    row.encoding = delvex::store::OutboxEncoding::kMessage;
    (void)delvex::delivery::message_of(row);
    row.encoding = delvex::store::OutboxEncoding::kPlainText;
    (void)delvex::delivery::message_of(row);
    return 0;
}
