// libFuzzer target: a webhook POST body whose signature has been checked (so: anything Meta, or a holder of
// the app secret, could send) through split_envelope, then every update it yields through parse_update,
// as the inbox consumer reads them back.
//
// Invariants beyond "no crash, no leak, no UB":
//   - split_envelope never throws (its contract) and reports kOk whenever it returns updates;
//   - parse_update accepts every update split_envelope wrote ("nullopt only for JSON this module did not
//     write"), with the kind it was given.
// With DELVEX_FUZZ_SEED_OUT=DIR set, each update is also written to DIR as a seed for fuzz_update
// (its kind as the first byte, then the stored JSON); scripts/fuzz.sh uses that to build that corpus.

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <string_view>

#include "bot/whatsapp/wire/inbound.hpp"

namespace wire = delvex::whatsapp::wire;

namespace {

void fail(const char* what) {
    std::fprintf(stderr, "fuzz_webhook: invariant broken: %s\n", what);
    std::abort();
}

void write_seed(const char* dir, const wire::RawUpdate& u) {
    static unsigned counter = 0;
    const std::string path = std::string(dir) + "/update-" + std::to_string(counter++) + ".seed";
    std::ofstream out(path, std::ios::binary);
    out.put(static_cast<char>(static_cast<int>(u.kind)));
    out << u.json;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view body(reinterpret_cast<const char*>(data), size);
    static const char* const seed_out = std::getenv("DELVEX_FUZZ_SEED_OUT");
    const wire::Envelope envelope = wire::split_envelope(body);
    if (!envelope.updates.empty() && envelope.outcome != wire::EnvelopeOutcome::kOk) {
        fail("updates returned with an outcome other than kOk");
    }
    for (const auto& update : envelope.updates) {
        if (update.dedupe_key.empty()) {
            fail("an update without a dedupe key");
        }
        const auto parsed = wire::parse_update(update.kind, update.json);
        if (!parsed) {
            fail("parse_update refused JSON that split_envelope wrote");
        }
        if (parsed->kind != update.kind) {
            fail("parse_update changed the kind");
        }
        if (seed_out != nullptr) {
            write_seed(seed_out, update);
        }
    }
    return 0;
}
