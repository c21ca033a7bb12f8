// libFuzzer target: the admin API's forum bodies (POST/PATCH /api/v1/forums), everything the handler does
// with a body before it reaches the database: JSON parse, the fields, the occurrence edits, then the series
// the fields describe (rule, zone, start) and its next occurrences.
// Invariants: nothing throws out of the parser (every bad body is an error message), an accepted body names
// its required fields when creating, and an accepted series generates occurrences that never go back.

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "bot/http/forums_body.hpp"
#include "forums/series.hpp"

namespace {

void fail(const char* what) {
    std::fprintf(stderr, "fuzz_admin: invariant broken: %s\n", what);
    std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    const auto body = nlohmann::json::parse(text, nullptr, false);
    if (body.is_discarded()) {
        return 0;
    }
    for (const bool creating : {true, false}) {
        delvex::store::ForumSeriesRow row;
        row.tz = "America/Lima";
        std::vector<delvex::store::ForumText> texts;
        const std::string error = delvex::http::apply_series_fields(body, row, texts, creating);
        if (!error.empty()) {
            continue;
        }
        if (creating && (row.room.empty() || row.title.empty() || row.rrule.empty() || row.dtstart_local.empty())) {
            fail("a body missing a required field was accepted for creation");
        }
        if (body.contains("cancel_occurrence")) {
            (void)delvex::http::cancel_occurrence_of(body.at("cancel_occurrence"));
        }
        if (body.contains("move_occurrence")) {
            (void)delvex::http::move_occurrence_of(body.at("move_occurrence"));
        }
        const auto series = delvex::forums::make_series(row.rrule, row.tz, row.dtstart_local);
        if (!series) {
            continue;
        }
        const auto from = delvex::forums::Instant{std::chrono::seconds{1'800'000'000}};
        const auto next = delvex::forums::next_occurrences(*series, from, 5);
        for (std::size_t i = 1; i < next.size(); ++i) {
            if (next[i].start < next[i - 1].start) {
                fail("occurrences went back in time");
            }
        }
    }
    return 0;
}
