#pragma once

// Miners' tips for the Academy's "From the network" (migration 12): a member's tip waits for a moderator of
// their room, is published or rejected, and counts the learners who saw it. Plain structs in and out.

#include <SQLiteCpp/Database.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace delvex::store {

enum class TipState : int { kWaiting = 0, kPublished = 1, kRejected = 2 };

struct Tip {
    std::int64_t id = 0;
    std::int64_t author_id = 0;   ///< members.id, never a number
    std::string room;             ///< whose moderators decide
    std::string lang;             ///< the tip's language: it reaches learners of that language
    std::string text;             ///< the tip, or a photo's caption; may be empty for a voice note
    std::string media_kind;       ///< "", "image" or "audio"
    std::string media_id;         ///< the inbound media id of the photo or voice note
    TipState state = TipState::kWaiting;
    std::int64_t created_ms = 0;
    std::int64_t decided_ms = 0;
    std::int64_t decided_by = 0;  ///< the moderator's members.id
};

/// What a member's next message means to the tips: the tip itself, or a moderator's new text for one.
enum class TipDraftKind : int { kAwaitTip = 0, kAwaitEdit = 1 };

struct TipDraft {
    TipDraftKind kind = TipDraftKind::kAwaitTip;
    std::int64_t tip_id = 0;
    std::int64_t at_ms = 0;
};

class TipRepository {
public:
    explicit TipRepository(SQLite::Database& db);

    std::int64_t add(const Tip& tip);
    std::optional<Tip> tip(std::int64_t id);
    void set_text(std::int64_t id, const std::string& text);
    void decide(std::int64_t id, TipState state, std::int64_t moderator_id, std::int64_t at_ms);
    /// Published tips in `lang`, oldest first.
    std::vector<Tip> published(const std::string& lang);
    /// Counts one learner once; returns whether this was their first view.
    bool seen(std::int64_t tip_id, std::int64_t member_id, std::int64_t at_ms);
    std::int64_t views(std::int64_t tip_id);
    std::int64_t count_by_author(std::int64_t author_id);

    std::optional<TipDraft> draft(std::int64_t member_id);
    void set_draft(std::int64_t member_id, const TipDraft& draft);
    void clear_draft(std::int64_t member_id);

    /// The member is forgotten: their tips (text, media and views) and drafts go.
    void forget(std::int64_t member_id);

private:
    SQLite::Database& db_;
};

}  // namespace delvex::store
