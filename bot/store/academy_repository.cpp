#include "bot/store/academy_repository.hpp"

#include "bot/store/statement.hpp"

namespace delvex::store {
namespace {

std::string join_plan(const std::vector<std::string>& plan) {
    std::string out;
    for (const auto& id : plan) {
        if (!out.empty()) {
            out += ' ';
        }
        out += id;
    }
    return out;
}

std::vector<std::string> split_plan(const std::string& s) {
    std::vector<std::string> out;
    std::size_t at = 0;
    while (at < s.size()) {
        const auto sp = s.find(' ', at);
        const auto end = sp == std::string::npos ? s.size() : sp;
        if (end > at) {
            out.push_back(s.substr(at, end - at));
        }
        at = end + 1;
    }
    return out;
}

std::int64_t int_or_zero(const SQLite::Column& c) {
    return c.isNull() ? 0 : c.getInt64();
}

constexpr const char* kProgressColumns =
    "profile_id, module_id, module_version, plan, position, tries_used, quiz_total, quiz_right, pass_mark, "
    "status, score, attempts, started_ms, updated_ms, completed_ms";

academy::Progress read_progress(SQLite::Statement& q) {
    academy::Progress p;
    p.profile_id = q.getColumn(0).getInt64();
    p.module_id = q.getColumn(1).getString();
    p.module_version = q.getColumn(2).getInt();
    p.plan = split_plan(q.getColumn(3).getString());
    p.position = q.getColumn(4).getInt();
    p.tries_used = q.getColumn(5).getInt();
    p.quiz_total = q.getColumn(6).getInt();
    p.quiz_right = q.getColumn(7).getInt();
    p.pass_mark = q.getColumn(8).getInt();
    p.status = static_cast<academy::Status>(q.getColumn(9).getInt());
    p.score = q.getColumn(10).isNull() ? -1 : q.getColumn(10).getInt();
    p.attempts = q.getColumn(11).getInt();
    p.started_ms = q.getColumn(12).getInt64();
    p.updated_ms = q.getColumn(13).getInt64();
    p.completed_ms = int_or_zero(q.getColumn(14));
    return p;
}

academy::Profile read_profile(SQLite::Statement& q) {
    academy::Profile p;
    p.id = q.getColumn(0).getInt64();
    p.member_key = q.getColumn(1).getString();
    p.name = q.getColumn(2).getString();
    p.consent_ms = int_or_zero(q.getColumn(3));
    p.created_ms = q.getColumn(4).getInt64();
    return p;
}

academy::Certificate read_certificate(SQLite::Statement& q) {
    academy::Certificate c;
    c.code = q.getColumn(0).getString();
    c.profile_id = int_or_zero(q.getColumn(1));
    c.module_id = q.getColumn(2).getString();
    c.module_version = q.getColumn(3).getInt();
    c.learner_name = q.getColumn(4).getString();
    c.module_title = q.getColumn(5).getString();
    c.score = q.getColumn(6).getInt();
    c.issued_ms = q.getColumn(7).getInt64();
    c.lang = q.getColumn(8).getString();
    return c;
}

constexpr const char* kCertificateColumns =
    "code, profile_id, module_id, module_version, learner_name, module_title, score, issued_ms, lang";

}  // namespace

AcademyRepository::AcademyRepository(SQLite::Database& db)
    : db_(db),
      session_(db,
               "SELECT profile_id, mode, module_id, low_data, nudges, updated_ms FROM academy_sessions "
               "WHERE member_key = :key"),
      save_session_(db,
                    "INSERT INTO academy_sessions (member_key, profile_id, mode, module_id, low_data, nudges, "
                    "updated_ms) VALUES (:key, :profile, :mode, :module, :low, :nudges, :updated) "
                    "ON CONFLICT (member_key) DO UPDATE SET profile_id = excluded.profile_id, mode = excluded.mode, "
                    "module_id = excluded.module_id, low_data = excluded.low_data, nudges = excluded.nudges, "
                    "updated_ms = excluded.updated_ms"),
      profile_(db, "SELECT id, member_key, name, consent_ms, created_ms FROM academy_profiles WHERE id = :id"),
      progress_(db, std::string("SELECT ") + kProgressColumns +
                        " FROM academy_progress WHERE profile_id = :profile AND module_id = :module"),
      // An upsert rather than INSERT OR REPLACE: a learner's row is updated in place on every answer, not
      // deleted and inserted again.
      save_progress_(db, std::string("INSERT INTO academy_progress (") + kProgressColumns +
                             ") VALUES (:profile, :module, :version, :plan, :position, :tries, :total, :right, "
                             ":pass, :status, :score, :attempts, :started, :updated, :completed) "
                             "ON CONFLICT (profile_id, module_id) DO UPDATE SET module_version = excluded.module_version, "
                             "plan = excluded.plan, position = excluded.position, tries_used = excluded.tries_used, "
                             "quiz_total = excluded.quiz_total, quiz_right = excluded.quiz_right, "
                             "pass_mark = excluded.pass_mark, status = excluded.status, score = excluded.score, "
                             "attempts = excluded.attempts, started_ms = excluded.started_ms, "
                             "updated_ms = excluded.updated_ms, completed_ms = excluded.completed_ms"),
      answer_(db,
              "INSERT INTO academy_answers (profile_id, module_id, step_id, answer, correct, at_ms) "
              "VALUES (:profile, :module, :step, :answer, :correct, :at)") {}

academy::Session AcademyRepository::session(const std::string& member_key) {
    ResetOnExit guard{session_};
    session_.bind(":key", member_key);
    academy::Session s;
    s.member_key = member_key;
    if (session_.executeStep()) {
        s.profile_id = int_or_zero(session_.getColumn(0));
        s.mode = static_cast<academy::Mode>(session_.getColumn(1).getInt());
        s.module_id = session_.getColumn(2).getString();
        s.low_data = session_.getColumn(3).getInt() != 0;
        s.nudges = session_.getColumn(4).getInt();
        s.updated_ms = session_.getColumn(5).getInt64();
    }
    return s;
}

void AcademyRepository::save_session(const academy::Session& s) {
    ResetOnExit guard{save_session_};
    save_session_.bind(":key", s.member_key);
    if (s.profile_id == 0) {
        save_session_.bind(":profile");
    } else {
        save_session_.bind(":profile", s.profile_id);
    }
    save_session_.bind(":mode", static_cast<int>(s.mode));
    save_session_.bind(":module", s.module_id);
    save_session_.bind(":low", s.low_data ? 1 : 0);
    save_session_.bind(":nudges", s.nudges);
    save_session_.bind(":updated", s.updated_ms);
    save_session_.exec();
}

void AcademyRepository::remove_session(const std::string& member_key) {
    SQLite::Statement q(db_, "DELETE FROM academy_sessions WHERE member_key = :key");
    q.bind(":key", member_key);
    q.exec();
}

std::vector<academy::Profile> AcademyRepository::profiles(const std::string& member_key) {
    SQLite::Statement q(db_,
                        "SELECT id, member_key, name, consent_ms, created_ms FROM academy_profiles "
                        "WHERE member_key = :key ORDER BY id");
    q.bind(":key", member_key);
    std::vector<academy::Profile> out;
    while (q.executeStep()) {
        out.push_back(read_profile(q));
    }
    return out;
}

std::optional<academy::Profile> AcademyRepository::profile(std::int64_t id) {
    ResetOnExit guard{profile_};
    profile_.bind(":id", id);
    if (profile_.executeStep()) {
        return read_profile(profile_);
    }
    return std::nullopt;
}

std::int64_t AcademyRepository::add_profile(const academy::Profile& p) {
    SQLite::Statement q(db_,
                        "INSERT INTO academy_profiles (member_key, name, consent_ms, created_ms) "
                        "VALUES (:key, :name, :consent, :created)");
    q.bind(":key", p.member_key);
    q.bind(":name", p.name);
    if (p.consent_ms == 0) {
        q.bind(":consent");
    } else {
        q.bind(":consent", p.consent_ms);
    }
    q.bind(":created", p.created_ms);
    q.exec();
    return db_.getLastInsertRowid();
}

void AcademyRepository::set_consent(std::int64_t profile_id, std::int64_t consent_ms) {
    SQLite::Statement q(db_, "UPDATE academy_profiles SET consent_ms = :consent WHERE id = :id");
    q.bind(":consent", consent_ms);
    q.bind(":id", profile_id);
    q.exec();
}

void AcademyRepository::remove_profile(std::int64_t profile_id) {
    // Certificates stay verifiable (someone may hold a printed code) but no longer name the learner.
    SQLite::Statement certs(db_,
                            "UPDATE academy_certificates SET learner_name = '', profile_id = NULL "
                            "WHERE profile_id = :id");
    certs.bind(":id", profile_id);
    certs.exec();
    for (const char* sql : {"DELETE FROM academy_answers WHERE profile_id = :id",
                            "DELETE FROM academy_progress WHERE profile_id = :id",
                            "UPDATE academy_sessions SET profile_id = NULL, mode = 0 WHERE profile_id = :id",
                            "DELETE FROM academy_profiles WHERE id = :id"}) {
        SQLite::Statement q(db_, sql);
        q.bind(":id", profile_id);
        q.exec();
    }
}

std::optional<academy::Progress> AcademyRepository::progress(std::int64_t profile_id, const std::string& module_id) {
    ResetOnExit guard{progress_};
    progress_.bind(":profile", profile_id);
    progress_.bind(":module", module_id);
    if (progress_.executeStep()) {
        return read_progress(progress_);
    }
    return std::nullopt;
}

std::vector<academy::Progress> AcademyRepository::progress_of(std::int64_t profile_id) {
    SQLite::Statement q(db_, std::string("SELECT ") + kProgressColumns +
                                 " FROM academy_progress WHERE profile_id = :profile ORDER BY started_ms, module_id");
    q.bind(":profile", profile_id);
    std::vector<academy::Progress> out;
    while (q.executeStep()) {
        out.push_back(read_progress(q));
    }
    return out;
}

void AcademyRepository::save_progress(const academy::Progress& p) {
    ResetOnExit guard{save_progress_};
    save_progress_.bind(":profile", p.profile_id);
    save_progress_.bind(":module", p.module_id);
    save_progress_.bind(":version", p.module_version);
    save_progress_.bind(":plan", join_plan(p.plan));
    save_progress_.bind(":position", p.position);
    save_progress_.bind(":tries", p.tries_used);
    save_progress_.bind(":total", p.quiz_total);
    save_progress_.bind(":right", p.quiz_right);
    save_progress_.bind(":pass", p.pass_mark);
    save_progress_.bind(":status", static_cast<int>(p.status));
    if (p.score < 0) {
        save_progress_.bind(":score");
    } else {
        save_progress_.bind(":score", p.score);
    }
    save_progress_.bind(":attempts", p.attempts);
    save_progress_.bind(":started", p.started_ms);
    save_progress_.bind(":updated", p.updated_ms);
    if (p.completed_ms == 0) {
        save_progress_.bind(":completed");
    } else {
        save_progress_.bind(":completed", p.completed_ms);
    }
    save_progress_.exec();
}

void AcademyRepository::record_answer(const academy::AnswerRecord& a) {
    ResetOnExit guard{answer_};
    answer_.bind(":profile", a.profile_id);
    answer_.bind(":module", a.module_id);
    answer_.bind(":step", a.step_id);
    answer_.bind(":answer", a.answer);
    answer_.bind(":correct", a.correct ? 1 : 0);
    answer_.bind(":at", a.at_ms);
    answer_.exec();
}

std::vector<std::string> AcademyRepository::missed_first_tries(std::int64_t profile_id, const std::string& module_id,
                                                               std::int64_t since_ms) {
    SQLite::Statement q(db_,
                        "SELECT a.step_id FROM academy_answers a WHERE a.profile_id = :profile AND a.module_id = :module "
                        "AND a.at_ms >= :since AND a.correct = 0 AND a.id = (SELECT MIN(b.id) FROM academy_answers b "
                        "WHERE b.profile_id = a.profile_id AND b.module_id = a.module_id AND b.step_id = a.step_id "
                        "AND b.at_ms >= :since) ORDER BY a.id");
    q.bind(":profile", profile_id);
    q.bind(":module", module_id);
    q.bind(":since", since_ms);
    std::vector<std::string> out;
    while (q.executeStep()) {
        out.push_back(q.getColumn(0).getString());
    }
    return out;
}

std::optional<academy::Certificate> AcademyRepository::certificate(const std::string& code) {
    SQLite::Statement q(db_, std::string("SELECT ") + kCertificateColumns +
                                 " FROM academy_certificates WHERE code = :code");
    q.bind(":code", code);
    if (q.executeStep()) {
        return read_certificate(q);
    }
    return std::nullopt;
}

std::optional<academy::Certificate> AcademyRepository::certificate_for(std::int64_t profile_id,
                                                                       const std::string& module_id) {
    SQLite::Statement q(db_, std::string("SELECT ") + kCertificateColumns +
                                 " FROM academy_certificates WHERE profile_id = :profile AND module_id = :module "
                                 "ORDER BY issued_ms DESC LIMIT 1");
    q.bind(":profile", profile_id);
    q.bind(":module", module_id);
    if (q.executeStep()) {
        return read_certificate(q);
    }
    return std::nullopt;
}

void AcademyRepository::add_certificate(const academy::Certificate& c) {
    SQLite::Statement q(db_,
                        "INSERT INTO academy_certificates (code, profile_id, module_id, module_version, learner_name, "
                        "module_title, score, issued_ms, lang) VALUES (:code, :profile, :module, :version, :name, :title, "
                        ":score, :issued, :lang)");
    q.bind(":code", c.code);
    if (c.profile_id == 0) {
        q.bind(":profile");
    } else {
        q.bind(":profile", c.profile_id);
    }
    q.bind(":module", c.module_id);
    q.bind(":version", c.module_version);
    q.bind(":name", c.learner_name);
    q.bind(":title", c.module_title);
    q.bind(":score", c.score);
    q.bind(":issued", c.issued_ms);
    q.bind(":lang", c.lang.empty() ? std::string("en") : c.lang);
    q.exec();
}

std::vector<AcademyExportRow> AcademyRepository::export_rows() {
    SQLite::Statement q(db_,
                        "SELECT p.id, p.member_key, p.name, g.module_id, g.module_version, g.status, g.position, "
                        "g.plan, g.score, g.attempts, "
                        "(SELECT code FROM academy_certificates c WHERE c.profile_id = p.id AND "
                        "c.module_id = g.module_id ORDER BY issued_ms DESC LIMIT 1), "
                        "g.started_ms, g.updated_ms, g.completed_ms "
                        "FROM academy_progress g JOIN academy_profiles p ON p.id = g.profile_id "
                        "ORDER BY p.name, p.id, g.module_id");
    std::vector<AcademyExportRow> out;
    while (q.executeStep()) {
        AcademyExportRow r;
        r.profile_id = q.getColumn(0).getInt64();
        r.member_key = q.getColumn(1).getString();
        r.learner = q.getColumn(2).getString();
        r.module_id = q.getColumn(3).getString();
        r.module_version = q.getColumn(4).getInt();
        r.status = static_cast<academy::Status>(q.getColumn(5).getInt());
        r.position = q.getColumn(6).getInt();
        r.steps = static_cast<int>(split_plan(q.getColumn(7).getString()).size());
        r.score = q.getColumn(8).isNull() ? -1 : q.getColumn(8).getInt();
        r.attempts = q.getColumn(9).getInt();
        r.certificate = q.getColumn(10).isNull() ? std::string() : q.getColumn(10).getString();
        r.started_ms = q.getColumn(11).getInt64();
        r.updated_ms = q.getColumn(12).getInt64();
        r.completed_ms = int_or_zero(q.getColumn(13));
        out.push_back(std::move(r));
    }
    return out;
}

std::int64_t AcademyRepository::answer_count() {
    return db_.execAndGet("SELECT count(*) FROM academy_answers").getInt64();
}

}  // namespace delvex::store
