#include "bot/store/tip_repository.hpp"

#include <SQLiteCpp/Statement.h>

namespace delvex::store {
namespace {

constexpr const char* kColumns =
    "id, author_id, room, lang, text, media_kind, media_id, state, created_ms, decided_ms, decided_by";

Tip read_tip(SQLite::Statement& q) {
    Tip t;
    t.id = q.getColumn(0).getInt64();
    t.author_id = q.getColumn(1).getInt64();
    t.room = q.getColumn(2).getString();
    t.lang = q.getColumn(3).getString();
    t.text = q.getColumn(4).getString();
    t.media_kind = q.getColumn(5).getString();
    t.media_id = q.getColumn(6).getString();
    t.state = static_cast<TipState>(q.getColumn(7).getInt());
    t.created_ms = q.getColumn(8).getInt64();
    t.decided_ms = q.getColumn(9).getInt64();
    t.decided_by = q.getColumn(10).getInt64();
    return t;
}

}  // namespace

TipRepository::TipRepository(SQLite::Database& db) : db_(db) {}

std::int64_t TipRepository::add(const Tip& tip) {
    SQLite::Statement q(db_,
                        "INSERT INTO academy_tips (author_id, room, lang, text, media_kind, media_id, state, "
                        "created_ms) VALUES (:author, :room, :lang, :text, :kind, :media, :state, :created)");
    q.bind(":author", tip.author_id);
    q.bind(":room", tip.room);
    q.bind(":lang", tip.lang);
    q.bind(":text", tip.text);
    q.bind(":kind", tip.media_kind);
    q.bind(":media", tip.media_id);
    q.bind(":state", static_cast<int>(tip.state));
    q.bind(":created", tip.created_ms);
    q.exec();
    return db_.getLastInsertRowid();
}

std::optional<Tip> TipRepository::tip(std::int64_t id) {
    SQLite::Statement q(db_, std::string("SELECT ") + kColumns + " FROM academy_tips WHERE id = :id");
    q.bind(":id", id);
    if (q.executeStep()) {
        return read_tip(q);
    }
    return std::nullopt;
}

void TipRepository::set_text(std::int64_t id, const std::string& text) {
    SQLite::Statement q(db_, "UPDATE academy_tips SET text = :text WHERE id = :id");
    q.bind(":text", text);
    q.bind(":id", id);
    q.exec();
}

void TipRepository::decide(std::int64_t id, TipState state, std::int64_t moderator_id, std::int64_t at_ms) {
    SQLite::Statement q(db_, "UPDATE academy_tips SET state = :state, decided_ms = :at, decided_by = :by WHERE id = :id");
    q.bind(":state", static_cast<int>(state));
    q.bind(":at", at_ms);
    q.bind(":by", moderator_id);
    q.bind(":id", id);
    q.exec();
}

std::vector<Tip> TipRepository::published(const std::string& lang) {
    SQLite::Statement q(db_, std::string("SELECT ") + kColumns +
                                 " FROM academy_tips WHERE state = 1 AND lang = :lang ORDER BY decided_ms, id");
    q.bind(":lang", lang);
    std::vector<Tip> out;
    while (q.executeStep()) {
        out.push_back(read_tip(q));
    }
    return out;
}

bool TipRepository::seen(std::int64_t tip_id, std::int64_t member_id, std::int64_t at_ms) {
    SQLite::Statement q(db_,
                        "INSERT OR IGNORE INTO academy_tip_views (tip_id, member_id, at_ms) VALUES (:tip, :member, :at)");
    q.bind(":tip", tip_id);
    q.bind(":member", member_id);
    q.bind(":at", at_ms);
    return q.exec() > 0;
}

std::int64_t TipRepository::views(std::int64_t tip_id) {
    SQLite::Statement q(db_, "SELECT COUNT(*) FROM academy_tip_views WHERE tip_id = :tip");
    q.bind(":tip", tip_id);
    q.executeStep();
    return q.getColumn(0).getInt64();
}

std::int64_t TipRepository::count_by_author(std::int64_t author_id) {
    SQLite::Statement q(db_, "SELECT COUNT(*) FROM academy_tips WHERE author_id = :author");
    q.bind(":author", author_id);
    q.executeStep();
    return q.getColumn(0).getInt64();
}

std::optional<TipDraft> TipRepository::draft(std::int64_t member_id) {
    SQLite::Statement q(db_, "SELECT kind, tip_id, at_ms FROM academy_tip_drafts WHERE member_id = :member");
    q.bind(":member", member_id);
    if (!q.executeStep()) {
        return std::nullopt;
    }
    TipDraft d;
    d.kind = static_cast<TipDraftKind>(q.getColumn(0).getInt());
    d.tip_id = q.getColumn(1).getInt64();
    d.at_ms = q.getColumn(2).getInt64();
    return d;
}

void TipRepository::set_draft(std::int64_t member_id, const TipDraft& draft) {
    SQLite::Statement q(db_,
                        "INSERT INTO academy_tip_drafts (member_id, kind, tip_id, at_ms) VALUES (:member, :kind, :tip, "
                        ":at) ON CONFLICT (member_id) DO UPDATE SET kind = excluded.kind, tip_id = excluded.tip_id, "
                        "at_ms = excluded.at_ms");
    q.bind(":member", member_id);
    q.bind(":kind", static_cast<int>(draft.kind));
    q.bind(":tip", draft.tip_id);
    q.bind(":at", draft.at_ms);
    q.exec();
}

void TipRepository::clear_draft(std::int64_t member_id) {
    SQLite::Statement q(db_, "DELETE FROM academy_tip_drafts WHERE member_id = :member");
    q.bind(":member", member_id);
    q.exec();
}

void TipRepository::forget(std::int64_t member_id) {
    clear_draft(member_id);
    SQLite::Statement views(db_,
                            "DELETE FROM academy_tip_views WHERE tip_id IN (SELECT id FROM academy_tips WHERE "
                            "author_id = :member) OR member_id = :member");
    views.bind(":member", member_id);
    views.exec();
    SQLite::Statement tips(db_, "DELETE FROM academy_tips WHERE author_id = :member");
    tips.bind(":member", member_id);
    tips.exec();
}

}  // namespace delvex::store
