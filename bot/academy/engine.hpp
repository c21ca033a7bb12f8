#pragma once

// The Academy learner engine: decides what a learner's message or a due job means and what to answer.
// Pure domain: state goes through LearnerStore, messages come back as plain outgoing bodies, timers as job
// plans. The caller (bot/events/academy_feature) runs it on the writer thread inside the event's savepoint.

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "bot/academy/content.hpp"
#include "bot/academy/state.hpp"
#include "bot/core/chat.hpp"
#include "bot/core/i18n.hpp"
#include "bot/core/outgoing.hpp"

namespace delvex::academy {

/// The member a message or job is about.
struct Learner {
    std::int64_t member_id = 0;
    std::string member_key;
    std::string language = "en";
    std::int64_t last_inbound = 0;  ///< unix seconds of the member's last message (the 24 h window)
};

/// A timer the engine wants, scheduled under `key` unless a job with that key exists.
struct JobPlan {
    std::string key;
    std::string kind;  ///< "academy.nudge", "academy.review"
    std::int64_t due_ms = 0;
    std::int64_t expires_ms = 0;
    std::string payload;
};

/// What the engine decided for one event.
struct Effects {
    bool handled = false;                     ///< the message was the Academy's (later features skip it)
    /// The text may answer the prompt that waits or may be meant for the room: the caller keeps it and asks the
    /// member where it goes (then calls on_message again with `as_answer` if they say the lesson).
    bool ask = false;
    std::vector<core::OutgoingBody> messages;  ///< to the member, in order
    std::vector<JobPlan> jobs;
};

struct EngineOptions {
    int nudge_after_days = 3;   ///< a learner idle this long in an open module is nudged (window open only)
    /// Spaced review of a passed module: one question each time, about this many days after passing (each
    /// review is planned from the one before, by the difference). Empty: no review.
    std::vector<int> review_days = {2, 7, 21};
    int review_again_days = 2;  ///< a missed review question comes back this many days after the miss
    int review_again_max = 2;   ///< and at most this many times in a row
    int review_retries = 6;     ///< days to try again when the window is closed on the review day
    /// The content root on disk: step media are uploaded from it (the dispatcher keeps the media id).
    std::string content_dir;
    /// Base of public links to media files ("https://host/academy/media"), used only when content_dir is
    /// empty; both empty = media cannot be sent, only its caption.
    std::string media_base_url;
    /// Address of the certificate pages ("https://host/certificates"); empty: the card says "send verify CODE".
    std::string verify_url;
    /// Folder where certificate cards (PNG) are drawn before they are sent; empty: no card, the text only.
    std::string certificate_dir;
    /// The module list offers miners' tips ("From the network", bot/events/academy_tips).
    bool network = false;
    /// A prompt waiting for typed words (a name, a typed answer) takes any text only this long after it was
    /// sent; later, only what plainly answers it (an option's number, letter or word) and even that is asked
    /// about first.
    std::int64_t answer_window_ms = 30LL * 60 * 1000;
    /// Words that are commands elsewhere (MENU, ROOMS, …, any language; normalized as normalize_answer does):
    /// never taken as a learner's name. The Academy's own keywords are always refused.
    std::function<bool(std::string_view)> reserved_word;
    /// Random bytes for certificate codes (tests pass a fixed sequence); default: the system CSPRNG.
    std::function<std::string(std::size_t)> random_bytes;
};

/// The learner engine over loaded content. Immutable after construction; one per service.
class Engine {
public:
    Engine(Content content, const core::Catalog& catalog, EngineOptions options = {});

    /// An inbound message from a member who passed the gate. `as_answer`: a kept text the member said is for
    /// the Academy (effects.ask was set for it before): it is read as the answer to what waits, however old.
    Effects on_message(LearnerStore& store, const Learner& learner, const core::InboundMessage& message,
                       std::int64_t now_ms, bool as_answer = false) const;

    /// A global word (MENU, HELP) won over the Academy's prompt: nothing waits for an answer any more.
    void drop_prompt(LearnerStore& store, const Learner& learner, std::int64_t now_ms) const;

    /// A due job of kind "academy.nudge" or "academy.review" (payload as planned).
    Effects on_job(LearnerStore& store, const Learner& learner, std::string_view kind, std::string_view payload,
                   std::int64_t now_ms) const;

    /// The main-menu row that opens the Academy ("academy:menu").
    core::ListRow menu_row(std::string_view lang) const;

    /// "My data" lines about what the Academy holds for this member.
    std::vector<std::string> describe(LearnerStore& store, const Learner& learner) const;

    /// Erases every profile of the member (progress, answers) and the session; certificates lose the link
    /// and the name.
    void forget(LearnerStore& store, const Learner& learner) const;

    /// The member id a job payload names (both job kinds start with "m<id>"), or -1. Payloads carry the
    /// members table id, never a phone number: a forgotten member's number must leave no trace in jobs.
    static std::int64_t job_member(std::string_view payload);

    /// Certificate codes are kCodeLength characters (60 bits); those issued before were kOldCodeLength (40 bits)
    /// and still verify.
    static constexpr std::size_t kCodeLength = 12;
    static constexpr std::size_t kOldCodeLength = 8;

    /// A new certificate code: kCodeLength characters from an alphabet without 0/O or 1/I.
    std::string new_code() const;

    /// Upper-cases a code as typed ("7kq2 m9xa 3bcd" → "7KQ2M9XA3BCD"); empty when it cannot be a code (of
    /// either length).
    static std::string clean_code(std::string_view typed);

    const std::vector<Module>& modules() const { return content_.modules; }

    /// A module's title in `lang` (English, then the id, when there is none).
    std::string module_title(std::string_view module_id, std::string_view lang) const;

    const core::Catalog& catalog() const { return catalog_; }
    const EngineOptions& options() const { return options_; }

private:
    struct Located {
        const Module* module = nullptr;
        const Lesson* lesson = nullptr;
        const Step* step = nullptr;
    };
    struct Turn;
    /// Which review a job or a reply is about: its stage in review_days, a re-ask after a miss, a retry.
    struct ReviewTurn {
        int stage = 0;
        int again = 0;          ///< 0 = the stage's own question; n = the n-th re-ask of a missed one
        int retry = 0;          ///< days tried again with the window closed
        std::string step_id;    ///< a re-ask: the question missed; empty = one chosen by the day
    };

    const Module* find_module(std::string_view id) const;
    Located locate(std::string_view step_id) const;
    bool keyword(std::string_view key, std::string_view normalized) const;

    void start(Turn& t) const;
    void ask_profile(Turn& t) const;
    void choose_profile(Turn& t, std::int64_t profile_id) const;
    void take_name(Turn& t, std::string_view text) const;
    /// `profile_id`: the profile a tapped question names (reply ids "academy:consent:yes:<id>"; 0: the session's).
    void consent(Turn& t, bool yes, std::int64_t profile_id = 0) const;
    // Typed text (engine_text.cpp): what it answers, if anything.
    void on_text(Turn& t, const core::InboundMessage& message, bool as_answer) const;
    enum class Fit { kNothing, kPlain, kTyped };
    /// What `normalized` is to the lesson step that waits: plainly its answer (an option's number, letter or
    /// word, true/false, next, a glossary word), words for a typed question, or nothing it asked for.
    Fit lesson_fit(Turn& t, std::string_view normalized) const;
    /// A command word or an Academy keyword: not a name.
    bool reserved(std::string_view normalized) const;
    void resume_or_list(Turn& t) const;
    void module_list(Turn& t, std::string prefix = {}) const;
    void open_module(Turn& t, const std::string& module_id, bool restart) const;
    void continue_module(Turn& t, std::string prefix) const;
    void send_step(Turn& t, Progress& p, std::string prefix) const;
    void advance(Turn& t, Progress& p, std::string prefix) const;
    void finish(Turn& t, Progress& p, std::string prefix) const;
    void answer(Turn& t, const std::string& step_id, std::string_view choice, bool typed) const;
    void plain_text_in_lesson(Turn& t, std::string_view text) const;
    /// A glossary word (or the word for the list) typed in a lesson: answers it and shows the step again.
    bool glossary_reply(Turn& t, Progress& p, std::string_view normalized) const;
    void show_media(Turn& t, const std::string& step_id) const;
    void progress_report(Turn& t) const;
    /// The certificate card as an image (engine_certificate.cpp), when a folder for cards is set.
    void send_certificate(Turn& t, const Certificate& c) const;
    void verify(Turn& t, std::string_view code) const;
    void pause(Turn& t) const;
    /// A tap on a review question; `stage` and `again` come from its reply id (-1 and 0 for older messages).
    void review_answer(Turn& t, const std::string& step_id, std::string_view choice, std::int64_t profile_id,
                       int stage, int again) const;
    void plan_nudge(Turn& t, std::int64_t due = 0) const;
    /// The review job for `stage` of p's module (review.cpp has the payload and key formats).
    void plan_review(Turn& t, const Progress& p, const ReviewTurn& r, std::int64_t due_ms) const;
    Effects nudge(Turn& t) const;
    Effects review(Turn& t, std::string_view payload) const;

    /// A question as buttons, a list or a text; a non-empty `review_tail` (":<profile>:<stage>:<again>") makes
    /// it a review question for that learner.
    core::OutgoingBody render_question(Turn& t, const Located& at, std::string body_prefix,
                                       const std::string& review_tail) const;
    std::string status_text(Turn& t, const Module& m, const std::optional<Progress>& p) const;
    std::string tr(const Turn& t, std::string_view key,
                   const std::vector<std::pair<std::string, std::string>>& vars = {}) const;

    Content content_;
    const core::Catalog& catalog_;
    EngineOptions options_;
    std::map<std::string, Located, std::less<>> steps_;
};

}  // namespace delvex::academy
