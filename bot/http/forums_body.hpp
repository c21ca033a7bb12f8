#pragma once

// The admin API's JSON bodies for forums (/api/v1/forums), read into a series row: no HTTP and no database
// here, so the parser can be fuzzed alone (tests/fuzz/fuzz_admin.cpp).

#include <nlohmann/json.hpp>

#include <string>
#include <utility>
#include <vector>

#include "bot/store/forum_repository.hpp"
#include "forums/series.hpp"
#include "forums/zone.hpp"

namespace delvex::http {

/// Applies the fields of a JSON object to a series row (and its per-language texts). `creating` also asks for
/// the required fields. Returns an error message naming the field, or empty.
std::string apply_series_fields(const nlohmann::json& body, store::ForumSeriesRow& row,
                                std::vector<store::ForumText>& texts, bool creating);

/// "cancel_occurrence": "YYYY-MM-DDTHH:MM" (local to the series).
forums::ParseResult<forums::LocalTime> cancel_occurrence_of(const nlohmann::json& value);

/// "move_occurrence": {"from": LOCAL_ISO, "to": LOCAL_ISO}.
forums::ParseResult<std::pair<forums::LocalTime, forums::LocalTime>> move_occurrence_of(const nlohmann::json& value);

}  // namespace delvex::http
