// libFuzzer target: parse_update on whatever an inbox row could hold. The inbox is written only by
// split_envelope, but the consumer must survive a row from an older build or a hand-edited database:
// unknown or broken JSON comes back as nullopt, never as a crash or an exception.
// Input: the first byte picks the kind (1..4, anything else is folded onto them), the rest is the JSON.

#include <cstdint>
#include <string_view>

#include "bot/whatsapp/wire/inbound.hpp"

namespace wire = delvex::whatsapp::wire;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) {
        return 0;
    }
    const auto kind = static_cast<wire::UpdateKind>(1 + data[0] % 4);
    const std::string_view json(reinterpret_cast<const char*>(data + 1), size - 1);
    (void)wire::parse_update(kind, json);
    return 0;
}
