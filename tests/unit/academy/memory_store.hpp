#pragma once

// An in-memory LearnerStore for engine tests.

#include <map>
#include <utility>

#include "bot/academy/state.hpp"

namespace delvex::academy::testing {

class MemoryStore final : public LearnerStore {
public:
    Session session(const std::string& member_key) override {
        auto it = sessions.find(member_key);
        if (it != sessions.end()) {
            return it->second;
        }
        Session s;
        s.member_key = member_key;
        return s;
    }
    void save_session(const Session& s) override { sessions[s.member_key] = s; }
    void remove_session(const std::string& member_key) override { sessions.erase(member_key); }

    std::vector<Profile> profiles(const std::string& member_key) override {
        std::vector<Profile> out;
        for (const auto& [id, p] : profile_rows) {
            if (p.member_key == member_key) {
                out.push_back(p);
            }
        }
        return out;
    }
    std::optional<Profile> profile(std::int64_t id) override {
        auto it = profile_rows.find(id);
        return it == profile_rows.end() ? std::nullopt : std::optional<Profile>(it->second);
    }
    std::int64_t add_profile(const Profile& p) override {
        Profile copy = p;
        copy.id = ++last_id;
        profile_rows[copy.id] = copy;
        return copy.id;
    }
    void set_consent(std::int64_t id, std::int64_t ms) override { profile_rows[id].consent_ms = ms; }
    void remove_profile(std::int64_t id) override {
        profile_rows.erase(id);
        for (auto it = progress_rows.begin(); it != progress_rows.end();) {
            it = it->first.first == id ? progress_rows.erase(it) : std::next(it);
        }
        for (auto& [code, c] : certificates) {
            if (c.profile_id == id) {
                c.profile_id = 0;
                c.learner_name.clear();
            }
        }
    }

    std::optional<Progress> progress(std::int64_t profile_id, const std::string& module_id) override {
        auto it = progress_rows.find({profile_id, module_id});
        return it == progress_rows.end() ? std::nullopt : std::optional<Progress>(it->second);
    }
    std::vector<Progress> progress_of(std::int64_t profile_id) override {
        std::vector<Progress> out;
        for (const auto& [key, p] : progress_rows) {
            if (key.first == profile_id) {
                out.push_back(p);
            }
        }
        return out;
    }
    void save_progress(const Progress& p) override { progress_rows[{p.profile_id, p.module_id}] = p; }

    void record_answer(const AnswerRecord& a) override { answers.push_back(a); }

    std::optional<Certificate> certificate(const std::string& code) override {
        auto it = certificates.find(code);
        return it == certificates.end() ? std::nullopt : std::optional<Certificate>(it->second);
    }
    std::optional<Certificate> certificate_for(std::int64_t profile_id, const std::string& module_id) override {
        for (const auto& [code, c] : certificates) {
            if (c.profile_id == profile_id && c.module_id == module_id) {
                return c;
            }
        }
        return std::nullopt;
    }
    void add_certificate(const Certificate& c) override { certificates[c.code] = c; }

    std::map<std::string, Session> sessions;
    std::map<std::int64_t, Profile> profile_rows;
    std::map<std::pair<std::int64_t, std::string>, Progress> progress_rows;
    std::vector<AnswerRecord> answers;
    std::map<std::string, Certificate> certificates;
    std::int64_t last_id = 0;
};

}  // namespace delvex::academy::testing
