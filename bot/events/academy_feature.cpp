#include "bot/events/academy_feature.hpp"

#include <spdlog/spdlog.h>

#include <ctime>
#include <filesystem>
#include <map>
#include <ostream>
#include <stdexcept>

#include "bot/academy/loader.hpp"
#include "bot/core/log.hpp"
#include "bot/core/message_ref.hpp"
#include "bot/core/redact.hpp"
#include "bot/delivery/codec.hpp"
#include "bot/events/chat_hold.hpp"
#include "bot/store/community_repository.hpp"
#include "bot/store/tip_repository.hpp"

namespace delvex::events {
namespace {

academy::Learner learner_of(const store::MemberRow& member) {
    academy::Learner l;
    l.member_id = member.id;
    l.member_key = member.member_key;
    l.language = member.language.empty() ? "en" : member.language;
    l.last_inbound = member.last_inbound;
    return l;
}

std::string iso_time(std::int64_t ms) {
    if (ms <= 0) {
        return {};
    }
    const std::time_t t = static_cast<std::time_t>(ms / 1000);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

const char* status_name(academy::Status s) {
    switch (s) {
        case academy::Status::kPassed:
            return "passed";
        case academy::Status::kFailed:
            return "failed";
        case academy::Status::kInProgress:
            break;
    }
    return "in_progress";
}

}  // namespace

std::string csv_field(std::string_view value) {
    std::string v(value);
    if (!v.empty() && (v[0] == '=' || v[0] == '+' || v[0] == '-' || v[0] == '@' || v[0] == '\t' || v[0] == '\r')) {
        v.insert(v.begin(), '\'');
    }
    if (v.find_first_of(",\"\n\r") == std::string::npos) {
        return v;
    }
    std::string out = "\"";
    for (char c : v) {
        out += c;
        if (c == '"') {
            out += '"';
        }
    }
    out += '"';
    return out;
}

int run_academy_export(SQLite::Database& db, std::ostream& out, std::ostream& /*err*/) {
    store::AcademyRepository academy(db);
    store::CommunityRepository community(db);
    out << "learner,room,module,module_version,status,score,step,steps,attempts,certificate,started,updated,"
           "completed\n";
    std::map<std::string, std::string> rooms;  // member key → current room
    for (const auto& r : academy.export_rows()) {
        auto it = rooms.find(r.member_key);
        if (it == rooms.end()) {
            const auto profile = community.profile(r.member_key);
            it = rooms.emplace(r.member_key, profile ? profile->current_room : std::string()).first;
        }
        out << csv_field(r.learner) << ',' << csv_field(it->second) << ',' << csv_field(r.module_id) << ','
            << r.module_version << ',' << status_name(r.status) << ',' << (r.score >= 0 ? std::to_string(r.score) : "")
            << ',' << std::min(r.position + 1, r.steps) << ',' << r.steps << ',' << r.attempts << ','
            << r.certificate << ',' << iso_time(r.started_ms) << ',' << iso_time(r.updated_ms) << ','
            << iso_time(r.completed_ms) << '\n';
    }
    return 0;
}

Academy::Academy(std::shared_ptr<const academy::Engine> engine)
    : engine_(std::move(engine)), log_(core::logger("academy")) {}

Academy::~Academy() = default;

store::AcademyRepository& Academy::repo(SQLite::Database& db) {
    if (repo_db_ != &db || !repo_) {
        repo_ = std::make_unique<store::AcademyRepository>(db);
        repo_db_ = &db;
    }
    return *repo_;
}

void Academy::apply(Context& ctx, const std::string& member_key, const std::string& key_base,
                    academy::Effects& fx) {
    for (std::size_t i = 0; i < fx.messages.size(); ++i) {
        core::OutgoingMessage message;
        message.to = delivery::recipient_of(member_key);
        message.body = std::move(fx.messages[i]);
        // No template is mapped for "academy": outside the 24 h window a lesson message waits (held) rather
        // than costing a paid template.
        ctx.outbox.send(key_base + ":" + std::to_string(i), message, "academy");
    }
    for (const auto& job : fx.jobs) {
        ctx.jobs.schedule(job.key, job.kind, job.due_ms, job.expires_ms, job.payload, ctx.now_ms);
    }
}

bool Academy::on_message(Context& ctx, const store::MemberRow& member, const core::InboundMessage& message) {
    if (message.type == core::MessageType::kInteractive && message.reply_id.starts_with(kHeldAnswerPrefix)) {
        // "Answer the lesson" for a text we kept: it is the answer now, however old the question.
        const auto held = take_held(ctx, member, std::string_view(message.reply_id).substr(kHeldAnswerPrefix.size()));
        if (held) {
            auto fx = engine_->on_message(repo(ctx.db), learner_of(member), held_message(*held, message), ctx.now_ms,
                                          true);
            apply(ctx, member.member_key, "academy:" + core::message_ref(message.id), fx);
        }
        return true;  // a second tap finds nothing kept: nothing to do
    }
    if (tips_.on_message(ctx, member, message)) {
        return true;
    }
    if (message.type == core::MessageType::kText && message.context &&
        store::CommunityRepository(ctx.db).post_by_wamid(message.context->id)) {
        return false;  // a reply to a room post is a post, whatever the lesson waits for
    }
    auto fx = engine_->on_message(repo(ctx.db), learner_of(member), message, ctx.now_ms);
    apply(ctx, member.member_key, "academy:" + core::message_ref(message.id), fx);
    if (fx.ask) {
        // Maybe an answer, maybe a post: kept, and the member chooses (bot/events/chat_hold).
        hold_and_ask(ctx, member, message, true);
        return true;
    }
    return fx.handled;
}

void Academy::drop_prompt(Context& ctx, const store::MemberRow& member) {
    engine_->drop_prompt(repo(ctx.db), learner_of(member), ctx.now_ms);
    store::TipRepository(ctx.db).clear_draft(member.id);  // "send your tip now" is over too
}

void Academy::on_job(Context& ctx, const store::Job& job) {
    const auto profile = store::CommunityRepository(ctx.db).profile(academy::Engine::job_member(job.payload));
    const auto member = profile ? store::MemberRepository(ctx.db).find(profile->key) : std::nullopt;
    if (!member || profile->forgotten) {
        return;  // forgotten since
    }
    if (job.kind == AcademyTips::kReportKind) {
        tips_.on_job(ctx, *member, job);
        return;
    }
    const std::string& member_key = member->member_key;
    auto fx = engine_->on_job(repo(ctx.db), learner_of(*member), job.kind, job.payload, ctx.now_ms);
    if (fx.messages.empty() && job.kind == "academy.nudge") {
        log_->debug("nudge not sent member={} (window closed or learner active)", core::redact(member_key));
    }
    apply(ctx, member_key, job.key, fx);
}

void Academy::forget(Context& ctx, const store::MemberRow& member) {
    engine_->forget(repo(ctx.db), learner_of(member));
    tips_.forget(ctx, member);
}

void Academy::describe(Context& ctx, const store::MemberRow& member, std::vector<std::string>& lines) {
    for (auto& line : engine_->describe(repo(ctx.db), learner_of(member))) {
        lines.push_back(std::move(line));
    }
    tips_.describe(ctx, member, lines);
}

void Academy::menu(Context& /*ctx*/, const store::MemberRow& member, std::vector<core::ListRow>& rows) {
    rows.push_back(engine_->menu_row(member.language.empty() ? "en" : member.language));
}

std::shared_ptr<const academy::Engine> load_academy(const std::string& dir, const core::Catalog& catalog,
                                                    academy::EngineOptions options) {
    if (!std::filesystem::is_directory(dir)) {
        throw std::runtime_error("academy content folder not found: " + dir);
    }
    auto content = academy::load_content(dir);
    for (const auto& d : content.diagnostics) {
        if (d.severity == academy::Severity::kError) {
            throw std::runtime_error("academy content: " + academy::format_diagnostic(d, dir) +
                                     " (run `delvex academy check " + dir + "`)");
        }
    }
    return std::make_shared<const academy::Engine>(std::move(content), catalog, std::move(options));
}

}  // namespace delvex::events
