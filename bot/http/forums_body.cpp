#include "bot/http/forums_body.hpp"

#include <set>

namespace delvex::http {

using nlohmann::json;

/// Applies the fields of a JSON object to a series row. Returns an error message, or empty.
std::string apply_series_fields(const json& body, store::ForumSeriesRow& row, std::vector<store::ForumText>& texts,
                         bool creating) {
    if (!body.is_object()) {
        return "the body must be a JSON object";
    }
    const auto text_field = [&](const char* name, std::string& out) -> std::string {
        if (!body.contains(name)) {
            return {};
        }
        if (!body[name].is_string()) {
            return std::string("field '") + name + "' must be a string";
        }
        out = body[name].get<std::string>();
        return {};
    };
    const auto int_field = [&](const char* name, int& out) -> std::string {
        if (!body.contains(name)) {
            return {};
        }
        if (!body[name].is_number_integer()) {
            return std::string("field '") + name + "' must be an integer";
        }
        const auto v = body[name].get<std::int64_t>();
        if (v < 0 || v > 1'000'000) {
            return std::string("field '") + name + "' is out of range";
        }
        out = static_cast<int>(v);
        return {};
    };
    static const std::set<std::string> kKnown = {"room",      "title",     "agenda", "rrule",   "start",
                                                 "tz",        "join_kind", "join_info", "hosts", "capacity",
                                                 "duration_minutes", "texts", "cancel_occurrence",
                                                 "move_occurrence"};
    for (const auto& [key, value] : body.items()) {
        if (!kKnown.contains(key)) {
            return "unknown field '" + key + "'";
        }
    }
    for (auto [name, out] : {std::pair<const char*, std::string*>{"room", &row.room},
                             {"title", &row.title},
                             {"agenda", &row.agenda},
                             {"rrule", &row.rrule},
                             {"start", &row.dtstart_local},
                             {"tz", &row.tz},
                             {"join_kind", &row.join_kind},
                             {"join_info", &row.join_info},
                             {"hosts", &row.hosts}}) {
        if (auto e = text_field(name, *out); !e.empty()) {
            return e;
        }
    }
    if (auto e = int_field("capacity", row.capacity); !e.empty()) {
        return e;
    }
    if (auto e = int_field("duration_minutes", row.duration_min); !e.empty()) {
        return e;
    }
    if (body.contains("texts")) {
        const auto& t = body["texts"];
        if (!t.is_object()) {
            return "field 'texts' must be an object of language → {title, agenda}";
        }
        for (const auto& [lang, v] : t.items()) {
            if (lang.size() < 2 || lang.size() > 5 || !v.is_object() || !v.value("title", json("")).is_string() ||
                !v.value("agenda", json("")).is_string()) {
                return "field 'texts." + lang + "' must be {\"title\": \"…\", \"agenda\": \"…\"}";
            }
            texts.push_back({lang, v.value("title", std::string()), v.value("agenda", std::string())});
        }
    }
    if (creating) {
        for (auto [name, value] : {std::pair<const char*, const std::string*>{"room", &row.room},
                                   {"title", &row.title},
                                   {"rrule", &row.rrule},
                                   {"start", &row.dtstart_local}}) {
            if (value->empty()) {
                return std::string("field '") + name + "' is required";
            }
        }
    }
    return {};
}

forums::ParseResult<forums::LocalTime> cancel_occurrence_of(const json& value) {
    if (!value.is_string()) {
        return forums::ParseError{"cancel_occurrence: must be a LOCAL_ISO string"};
    }
    auto local = forums::parse_local_iso(value.get<std::string>());
    if (!local) {
        return forums::ParseError{"cancel_occurrence: " + local.error().message};
    }
    return *local;
}

forums::ParseResult<std::pair<forums::LocalTime, forums::LocalTime>> move_occurrence_of(const json& value) {
    if (!value.is_object() || !value.value("from", json()).is_string() || !value.value("to", json()).is_string()) {
        return forums::ParseError{"move_occurrence must be {\"from\": LOCAL_ISO, \"to\": LOCAL_ISO}"};
    }
    auto from = forums::parse_local_iso(value.at("from").get<std::string>());
    auto to = forums::parse_local_iso(value.at("to").get<std::string>());
    if (!from || !to) {
        return forums::ParseError{"move_occurrence: " + (!from ? from.error() : to.error()).message};
    }
    return std::make_pair(*from, *to);
}

}  // namespace delvex::http
