#pragma once

// A learner's state in the Academy, as plain structs, and the interface the engine keeps it through.
// bot/store/academy_repository implements it on SQLite; tests use an in-memory one.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace delvex::academy {

/// What the member's next plain text means.
enum class Mode : int {
    kIdle = 0,           ///< not in the Academy: plain text goes to other features
    kLesson = 1,         ///< a module is open: plain text is an answer (menu/pause leave)
    kChooseProfile = 2,  ///< "Who is learning today?" was asked
    kAwaitName = 3,      ///< a new learner's name is expected
    kAwaitConsent = 4,   ///< the consent question was asked
};

/// One WhatsApp number's Academy session (a shared phone may hold several profiles).
struct Session {
    std::string member_key;
    std::int64_t profile_id = 0;  ///< the learner using the phone now; 0 = none chosen
    Mode mode = Mode::kIdle;
    std::string module_id;        ///< the module open (kLesson) or chosen before a profile/consent question
    bool low_data = true;         ///< media offered with its size, sent only on request
    int nudges = 0;               ///< nudge jobs planned so far (part of the next nudge job's key)
    std::int64_t updated_ms = 0;
};

/// A learner on a phone: a name or alias they chose, and their consent.
struct Profile {
    std::int64_t id = 0;
    std::string member_key;
    std::string name;
    std::int64_t consent_ms = 0;  ///< 0 = not given yet
    std::int64_t created_ms = 0;
};

enum class Status : int { kInProgress = 0, kPassed = 1, kFailed = 2 };

/// One profile's run through one module.
struct Progress {
    std::int64_t profile_id = 0;
    std::string module_id;
    int module_version = 0;          ///< the version the learner started
    std::vector<std::string> plan;   ///< step ids of that version, in order
    int position = 0;                ///< index into plan of the current step
    int tries_used = 0;              ///< wrong tries on the current question
    int quiz_total = 0;              ///< quiz questions finished (right or out of tries)
    int quiz_right = 0;              ///< quiz questions answered right on the first try
    int pass_mark = 70;              ///< of the version started
    Status status = Status::kInProgress;
    int score = -1;                  ///< percent, once finished
    int attempts = 1;
    std::int64_t started_ms = 0;
    std::int64_t updated_ms = 0;
    std::int64_t completed_ms = 0;
};

struct AnswerRecord {
    std::int64_t profile_id = 0;
    std::string module_id;
    std::string step_id;
    std::string answer;  ///< option id, "true"/"false", or the typed text (cut to 200 bytes)
    bool correct = false;
    std::int64_t at_ms = 0;
};

/// Proof that a learner passed a module. Never holds a phone number.
struct Certificate {
    std::string code;
    std::int64_t profile_id = 0;
    std::string module_id;
    int module_version = 0;
    std::string learner_name;
    std::string module_title;
    int score = 0;
    std::int64_t issued_ms = 0;
    std::string lang = "en";  ///< the learner's language when it was issued: its page and image speak it
};

/// Where the engine keeps learner state. Implementations write inside the caller's transaction.
class LearnerStore {
public:
    virtual ~LearnerStore() = default;

    /// The member's session, or a fresh one (not yet stored) when there is none.
    virtual Session session(const std::string& member_key) = 0;
    virtual void save_session(const Session& session) = 0;
    virtual void remove_session(const std::string& member_key) = 0;

    virtual std::vector<Profile> profiles(const std::string& member_key) = 0;
    virtual std::optional<Profile> profile(std::int64_t id) = 0;
    /// Stores a new profile and returns its id.
    virtual std::int64_t add_profile(const Profile& profile) = 0;
    virtual void set_consent(std::int64_t profile_id, std::int64_t consent_ms) = 0;
    /// Removes a profile with its progress and answers (certificates keep no link to it).
    virtual void remove_profile(std::int64_t profile_id) = 0;

    virtual std::optional<Progress> progress(std::int64_t profile_id, const std::string& module_id) = 0;
    virtual std::vector<Progress> progress_of(std::int64_t profile_id) = 0;
    virtual void save_progress(const Progress& progress) = 0;

    virtual void record_answer(const AnswerRecord& answer) = 0;
    /// Step ids whose first answer since `since_ms` was wrong, in the order answered (the first spaced
    /// review asks one of them again). A store that keeps no answers returns none.
    virtual std::vector<std::string> missed_first_tries(std::int64_t /*profile_id*/, const std::string& /*module_id*/,
                                                        std::int64_t /*since_ms*/) {
        return {};
    }

    virtual std::optional<Certificate> certificate(const std::string& code) = 0;
    virtual std::optional<Certificate> certificate_for(std::int64_t profile_id, const std::string& module_id) = 0;
    virtual void add_certificate(const Certificate& certificate) = 0;
};

}  // namespace delvex::academy
