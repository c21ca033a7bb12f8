// libFuzzer target: the landing log's record decoder. Records are written by this program, but a segment left
// by a crash, a power cut or a bad disk can hold any bytes; the checksum stops most of them, and what gets
// past it must come back as nullopt, never as a crash or a huge allocation.
// Invariant: the encoding is canonical: whatever decode() accepts, encode() writes back byte for byte.

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "bot/store/landing_log.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view payload(reinterpret_cast<const char*>(data), size);
    const auto batch = delvex::store::LandingLog::decode(payload);
    if (batch) {
        std::string again;
        delvex::store::LandingLog::encode(*batch, again);
        if (again != payload) {
            std::fprintf(stderr, "fuzz_landing: invariant broken: decode accepted a non-canonical payload\n");
            std::abort();
        }
    }
    return 0;
}
