// libFuzzer target: the X-Hub-Signature-256 check, the first thing that touches a POST from the internet.
// Input: the header value up to the first newline, then the body.
// Invariants: valid() never accepts a header it did not compute for this body (hex digits in either case),
// and always accepts the one sign() gives (so the check is neither open nor broken), whatever the bytes.

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "bot/whatsapp/signature.hpp"

namespace {

void fail(const char* what) {
    std::fprintf(stderr, "fuzz_signature: invariant broken: %s\n", what);
    std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const delvex::whatsapp::SignatureVerifier verifier("fuzz-app-secret");
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    const auto newline = input.find('\n');
    const std::string_view header = input.substr(0, newline);
    const std::string_view body = newline == std::string_view::npos ? std::string_view() : input.substr(newline + 1);

    const std::string good = verifier.sign(body);
    if (!verifier.valid(body, good)) {
        fail("the signature sign() made is refused");
    }
    // Meta sends lowercase hex; the verifier also takes upper case (the same MAC, so no weaker). Nothing
    // else may pass: a header is accepted only if it is the computed one up to the case of its hex digits.
    if (verifier.valid(body, header)) {
        std::string lowered(header);
        for (std::size_t i = 7; i < lowered.size(); ++i) {
            if (lowered[i] >= 'A' && lowered[i] <= 'F') {
                lowered[i] = static_cast<char>(lowered[i] - 'A' + 'a');
            }
        }
        if (lowered != good) {
            fail("a header other than the computed one was accepted");
        }
    }
    return 0;
}
