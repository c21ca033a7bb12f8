#pragma once

// The ASM Academy as an events::Feature: glue between the pure learner engine (bot/academy/engine) and the
// store. Runs on the writer thread inside the event's savepoint, so a learner's progress and the next step
// it queues commit together.

#include <iosfwd>
#include <memory>
#include <string>

#include "bot/academy/engine.hpp"
#include "bot/events/academy_tips.hpp"
#include "bot/events/feature.hpp"
#include "bot/store/academy_repository.hpp"

namespace spdlog {
class logger;
}

namespace delvex::events {

class Academy final : public Feature {
public:
    explicit Academy(std::shared_ptr<const academy::Engine> engine);
    ~Academy() override;

    std::string_view name() const override { return "academy"; }
    bool on_message(Context& ctx, const store::MemberRow& member, const core::InboundMessage& message) override;
    void on_job(Context& ctx, const store::Job& job) override;
    void drop_prompt(Context& ctx, const store::MemberRow& member) override;
    void forget(Context& ctx, const store::MemberRow& member) override;
    void describe(Context& ctx, const store::MemberRow& member, std::vector<std::string>& lines) override;
    void menu(Context& ctx, const store::MemberRow& member, std::vector<core::ListRow>& rows) override;

    const academy::Engine& engine() const { return *engine_; }
    /// Room names for the tips' messages (the rooms' regions file).
    void set_room_names(AcademyTips::RoomNames names) { tips_.set_room_names(std::move(names)); }

private:
    store::AcademyRepository& repo(SQLite::Database& db);
    void apply(Context& ctx, const std::string& member_key, const std::string& key_base, academy::Effects& fx);

    std::shared_ptr<const academy::Engine> engine_;
    AcademyTips tips_;  ///< TIP and "From the network"
    // Prepared statements are per connection; the writer thread's connection lives as long as the service.
    SQLite::Database* repo_db_ = nullptr;
    std::unique_ptr<store::AcademyRepository> repo_;
    std::shared_ptr<spdlog::logger> log_;
};

/// Loads Academy content from `dir` (a content root) and builds the engine. Throws std::runtime_error with
/// the first `file:line: message` when the content has errors.
std::shared_ptr<const academy::Engine> load_academy(const std::string& dir, const core::Catalog& catalog,
                                                    academy::EngineOptions options = {});

/// `delvex academy export --csv`: learners' progress per room and module as CSV on `out` (header
/// learner,room,module,module_version,status,score,step,steps,attempts,certificate,started,updated,completed;
/// times in UTC ISO 8601). Never a phone number. Returns the exit code.
int run_academy_export(SQLite::Database& db, std::ostream& out, std::ostream& err);

/// One CSV field: quoted when needed, and a leading = + - @ defused so that a spreadsheet shows a learner's
/// chosen name as text instead of running it as a formula.
std::string csv_field(std::string_view value);

}  // namespace delvex::events
