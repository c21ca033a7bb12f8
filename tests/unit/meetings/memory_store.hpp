#pragma once

// In-memory meetings::ForumStore, JobPlanner and RoomCatalog: the forums decider tested with no database and no
// event loop.

#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "bot/meetings/store.hpp"

namespace delvex::meetings::testing {

class MemoryRooms final : public RoomCatalog {
public:
    std::map<std::string, std::string, std::less<>> zones;  ///< room → zone
    std::vector<std::string> rooms() const override {
        std::vector<std::string> out;
        for (const auto& [room, zone] : zones) {
            out.push_back(room);
        }
        return out;
    }
    bool has_room(std::string_view room) const override { return zones.find(room) != zones.end(); }
    std::string zone(std::string_view room) const override { return zones.find(room)->second; }
    std::string name(std::string_view room, std::string_view /*language*/) const override { return std::string(room); }
};

class MemoryStore final : public ForumStore {
public:
    std::map<std::int64_t, ForumSeriesRow> series;
    std::map<std::int64_t, std::vector<ForumText>> text_rows;
    std::map<std::int64_t, std::vector<ForumOverrideRow>> override_rows;
    std::vector<RsvpRow> rsvps;
    std::map<std::string, std::string, std::less<>> zones;
    std::vector<std::string> attendance;  ///< "series|occurrence|member|source"
    std::map<std::string, int> ratings;   ///< "series|occurrence|member" → rating

    std::int64_t insert_series(const ForumSeriesRow& row, std::int64_t now_ms) override {
        ForumSeriesRow r = row;
        r.id = static_cast<std::int64_t>(series.size()) + 1;
        r.sequence = 0;
        r.created_ms = r.updated_ms = now_ms;
        series[r.id] = r;
        return r.id;
    }
    bool update_series(const ForumSeriesRow& row, std::int64_t now_ms) override {
        auto it = series.find(row.id);
        if (it == series.end()) {
            return false;
        }
        const auto seq = it->second.sequence;
        const auto created = it->second.created_ms;
        it->second = row;
        it->second.sequence = seq + 1;
        it->second.created_ms = created;
        it->second.updated_ms = now_ms;
        return true;
    }
    std::optional<ForumSeriesRow> find_series(std::int64_t id) override {
        auto it = series.find(id);
        return it == series.end() ? std::nullopt : std::optional<ForumSeriesRow>(it->second);
    }
    std::vector<ForumSeriesRow> list_series(std::string_view room, bool include_cancelled) override {
        std::vector<ForumSeriesRow> out;
        for (const auto& [id, row] : series) {
            if ((room.empty() || row.room == room) && (include_cancelled || !row.cancelled)) {
                out.push_back(row);
            }
        }
        return out;
    }
    bool cancel_series(std::int64_t id, std::int64_t now_ms) override {
        auto it = series.find(id);
        if (it == series.end() || it->second.cancelled) {
            return false;
        }
        it->second.cancelled = true;
        ++it->second.sequence;
        it->second.updated_ms = now_ms;
        return true;
    }
    void touch_series(std::int64_t id, std::int64_t now_ms) override {
        ++series[id].sequence;
        series[id].updated_ms = now_ms;
    }
    void set_text(std::int64_t series_id, const ForumText& text) override { text_rows[series_id].push_back(text); }
    std::vector<ForumText> texts(std::int64_t series_id) override { return text_rows[series_id]; }
    void set_override(std::int64_t series_id, const ForumOverrideRow& row, std::int64_t /*now_ms*/) override {
        auto& list = override_rows[series_id];
        std::erase_if(list, [&](const ForumOverrideRow& o) { return o.original_local == row.original_local; });
        list.push_back(row);
    }
    std::vector<ForumOverrideRow> overrides(std::int64_t series_id) override { return override_rows[series_id]; }
    std::optional<RsvpRow> rsvp(std::int64_t series_id, std::string_view occurrence,
                                std::string_view member_key) override {
        for (const auto& r : rsvps) {
            if (r.series_id == series_id && r.occurrence == occurrence && r.member_key == member_key) {
                return r;
            }
        }
        return std::nullopt;
    }
    void save_rsvp(const RsvpRow& row) override {
        for (auto& r : rsvps) {
            if (r.series_id == row.series_id && r.occurrence == row.occurrence && r.member_key == row.member_key) {
                r = row;
                return;
            }
        }
        rsvps.push_back(row);
    }
    std::int64_t seated(std::int64_t series_id, std::string_view occurrence) override {
        return std::count_if(rsvps.begin(), rsvps.end(), [&](const RsvpRow& r) {
            return r.series_id == series_id && r.occurrence == occurrence && r.status == RsvpStatus::kAccepted &&
                   !r.waitlisted;
        });
    }
    std::vector<RsvpRow> waitlist(std::int64_t series_id, std::string_view occurrence) override {
        std::vector<RsvpRow> out;
        for (const auto& r : rsvps) {
            if (r.series_id == series_id && r.occurrence == occurrence && r.waitlisted &&
                r.status == RsvpStatus::kAccepted) {
                out.push_back(r);
            }
        }
        std::stable_sort(out.begin(), out.end(),
                         [](const RsvpRow& a, const RsvpRow& b) { return a.since_ms < b.since_ms; });
        return out;
    }
    void mark_attendance(std::int64_t series_id, std::string_view occurrence, std::string_view member_key, int source,
                         std::int64_t /*now_ms*/) override {
        const auto key = std::to_string(series_id) + "|" + std::string(occurrence) + "|" + std::string(member_key);
        for (const auto& a : attendance) {
            if (a.starts_with(key + "|")) {
                return;
            }
        }
        attendance.push_back(key + "|" + std::to_string(source));
    }
    void save_feedback(std::int64_t series_id, std::string_view occurrence, std::string_view member_key, int rating,
                       std::string_view /*comment*/, std::int64_t /*now_ms*/) override {
        ratings[std::to_string(series_id) + "|" + std::string(occurrence) + "|" + std::string(member_key)] = rating;
    }
    std::optional<std::string> member_zone(std::string_view member_key) override {
        auto it = zones.find(member_key);
        return it == zones.end() ? std::nullopt : std::optional<std::string>(it->second);
    }
    void set_member_zone(std::string_view member_key, std::string_view tz) override {
        zones[std::string(member_key)] = std::string(tz);
    }
};

class MemoryJobs final : public JobPlanner {
public:
    struct Row {
        PlannedJob job;
        std::int64_t expires_ms = 0;
        std::string payload;
        bool dropped = false;
    };
    std::vector<Row> rows;

    void schedule(const std::string& key, std::string_view kind, std::int64_t due_ms, std::int64_t expires_ms,
                  const std::string& payload, std::int64_t /*now_ms*/) override {
        for (const auto& r : rows) {
            if (r.job.key == key) {
                return;
            }
        }
        rows.push_back({{static_cast<std::int64_t>(rows.size()) + 1, key, std::string(kind), due_ms}, expires_ms, payload});
    }
    std::vector<PlannedJob> waiting(std::string_view prefix) override {
        std::vector<PlannedJob> out;
        for (const auto& r : rows) {
            if (!r.dropped && r.job.key.starts_with(prefix)) {
                out.push_back(r.job);
            }
        }
        return out;
    }
    void drop(std::int64_t id, std::int64_t /*now_ms*/) override {
        for (auto& r : rows) {
            if (r.job.id == id) {
                r.dropped = true;
            }
        }
    }
    /// Live (not dropped) keys that start with `prefix`.
    std::vector<std::string> live(std::string_view prefix) const {
        std::vector<std::string> out;
        for (const auto& r : rows) {
            if (!r.dropped && r.job.key.starts_with(prefix)) {
                out.push_back(r.job.key);
            }
        }
        return out;
    }
    const Row* find(std::string_view key) const {
        for (const auto& r : rows) {
            if (r.job.key == key) {
                return &r;
            }
        }
        return nullptr;
    }
};

}  // namespace delvex::meetings::testing
