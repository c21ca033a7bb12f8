#pragma once

// Academy learner state on SQLite (migration 5): sessions, profiles, progress, answers, certificates.

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "bot/academy/state.hpp"

namespace delvex::store {

/// One row of the progress export: a profile's run through a module (never a phone number).
struct AcademyExportRow {
    std::int64_t profile_id = 0;
    std::string member_key;  ///< for joining with rooms; never printed
    std::string learner;
    std::string module_id;
    int module_version = 0;
    academy::Status status = academy::Status::kInProgress;
    int position = 0;
    int steps = 0;
    int score = -1;
    int attempts = 0;
    std::string certificate;
    std::int64_t started_ms = 0;
    std::int64_t updated_ms = 0;
    std::int64_t completed_ms = 0;
};

/// The engine's LearnerStore on one connection, with prepared statements for the hot path (an answer).
class AcademyRepository final : public academy::LearnerStore {
public:
    explicit AcademyRepository(SQLite::Database& db);

    academy::Session session(const std::string& member_key) override;
    void save_session(const academy::Session& session) override;
    void remove_session(const std::string& member_key) override;

    std::vector<academy::Profile> profiles(const std::string& member_key) override;
    std::optional<academy::Profile> profile(std::int64_t id) override;
    std::int64_t add_profile(const academy::Profile& profile) override;
    void set_consent(std::int64_t profile_id, std::int64_t consent_ms) override;
    void remove_profile(std::int64_t profile_id) override;

    std::optional<academy::Progress> progress(std::int64_t profile_id, const std::string& module_id) override;
    std::vector<academy::Progress> progress_of(std::int64_t profile_id) override;
    void save_progress(const academy::Progress& progress) override;

    void record_answer(const academy::AnswerRecord& answer) override;
    std::vector<std::string> missed_first_tries(std::int64_t profile_id, const std::string& module_id,
                                                std::int64_t since_ms) override;

    std::optional<academy::Certificate> certificate(const std::string& code) override;
    std::optional<academy::Certificate> certificate_for(std::int64_t profile_id, const std::string& module_id) override;
    void add_certificate(const academy::Certificate& certificate) override;

    /// Every profile's progress per module, by learner then module (the CSV export).
    std::vector<AcademyExportRow> export_rows();

    /// How many answers are stored (benchmarks and tests).
    std::int64_t answer_count();

private:
    SQLite::Database& db_;
    SQLite::Statement session_;
    SQLite::Statement save_session_;
    SQLite::Statement profile_;
    SQLite::Statement progress_;
    SQLite::Statement save_progress_;
    SQLite::Statement answer_;
};

}  // namespace delvex::store
