// delvex: the Delve Exchange WhatsApp service and its tools. Subcommands are the stable interface of
// docs/ARCHITECTURE.md; each one is a thin call into the libraries.

#include <CLI/CLI.hpp>
#include <spdlog/spdlog.h>

#include <filesystem>
#include <iostream>

#include "bot/academy/loader.hpp"
#include "bot/app/backup.hpp"
#include "bot/app/commands.hpp"
#include "bot/app/config.hpp"
#include "bot/app/demo.hpp"
#include "bot/app/console_cmd.hpp"
#include "bot/app/members.hpp"
#include "bot/app/rooms_cmd.hpp"
#include "bot/app/service.hpp"
#include "bot/app/templates_cmd.hpp"
#include "bot/core/clock.hpp"
#include "bot/community/regions.hpp"
#include "bot/events/academy_feature.hpp"
#include "bot/events/forums_feature.hpp"
#include "bot/store/database.hpp"
#include "forums/cli.hpp"

int main(int argc, char** argv) {
    using namespace delvex;
    CLI::App cli{"delvex — the Delve Exchange WhatsApp service"};
    cli.require_subcommand(1);
    cli.set_version_flag("--version", app::version_line(), "Print the version and git commit, then exit");
    // One way to name the configuration and the database, for every command: --config and --db are the
    // root's, and every subcommand passes options it does not know up to it (so `delvex send --config F …`
    // and `delvex --config F send …` are the same). They stand for DELVEX_CONFIG and DELVEX_DB.
    cli.fallthrough();
    std::optional<std::string> config_file;
    std::optional<std::string> db_file;
    cli.add_option("--config", config_file, "YAML config file (default: DELVEX_CONFIG, else the environment alone)");
    cli.add_option("--db", db_file, "SQLite database (default: DELVEX_DB, else the config's `database`)");

    std::string log_format;
    auto* serve = cli.add_subcommand("serve", "Run the service (webhook endpoint, consumer, sender)");
    serve->add_option("--log-format", log_format, "text or json: one JSON object per line (default: log_format)")
        ->check(CLI::IsMember({"text", "json"}));

    app::DemoOptions demo_options;
    auto* demo = cli.add_subcommand("demo", "The service with a simulated WhatsApp in the terminal");
    demo->add_option("--db", demo_options.db_path, "SQLite file for the demo")->capture_default_str();
    demo->add_option("--as", demo_options.member, "Phone number of the first simulated member")
        ->capture_default_str();
    demo->add_option("--name", demo_options.name, "Profile name of the first simulated member")
        ->capture_default_str();
    demo->add_flag("--fresh", demo_options.fresh, "Start from an empty database");

    std::string to;
    std::string text;
    auto* send = cli.add_subcommand("send", "Queue one text message in the outbox of the configured database");
    send->add_option("--to", to, "WhatsApp id (phone with or without +, or BSUID)")->required();
    send->add_option("--text", text, "Message text")->required();

    auto* forums = cli.add_subcommand("forums", "Monthly forum tools");
    forums->require_subcommand(1);
    std::string rrule;
    std::string tz;
    std::string start;
    int count = 10;
    auto* next = forums->add_subcommand("next", "Print the next occurrences of a rule as UTC instants");
    next->add_option("--rrule", rrule, "RFC 5545 RRULE, with or without the RRULE: prefix")->required();
    next->add_option("--tz", tz, "IANA time zone of the start, e.g. America/Lima")->required();
    next->add_option("--start", start, "Local start YYYY-MM-DDTHH:MM[:SS]")->required();
    next->add_option("--count", count, "How many occurrences")->capture_default_str();
    events::ForumsCliOptions forum;
    auto* forums_add = forums->add_subcommand("add", "Schedule a forum series in DELVEX_DB");
    forums_add->add_option("--room", forum.room, "Room id from config/regions.yaml")->required();
    forums_add->add_option("--title", forum.title, "Title")->required();
    forums_add->add_option("--rrule", forum.rrule, "RFC 5545 RRULE, e.g. FREQ=MONTHLY;BYDAY=1TH")->required();
    forums_add->add_option("--start", forum.start, "First local start YYYY-MM-DDTHH:MM")->required();
    forums_add->add_option("--tz", forum.tz, "IANA zone (default: the room's)");
    forums_add->add_option("--agenda", forum.agenda, "Agenda");
    forums_add->add_option("--join-kind", forum.join_kind, "link, place or call")->capture_default_str();
    forums_add->add_option("--join", forum.join_info, "Call link or place");
    forums_add->add_option("--capacity", forum.capacity, "Seats (0 = no limit)")->capture_default_str();
    forums_add->add_option("--duration", forum.duration_min, "Minutes")->capture_default_str();
    auto* forums_list = forums->add_subcommand("list", "List forum series with their next occurrence");
    forums_list->add_option("--room", forum.room, "Only this room");
    auto* forums_cancel = forums->add_subcommand("cancel", "Cancel a series, or one occurrence of it");
    forums_cancel->add_option("--id", forum.id, "Series id")->required();
    forums_cancel->add_option("--occurrence", forum.occurrence, "Only this local start YYYY-MM-DDTHH:MM");

    auto* academy = cli.add_subcommand("academy", "ASM Academy tools");
    academy->require_subcommand(1);
    std::string academy_dir = "academy-content";
    auto* academy_check = academy->add_subcommand("check", "Validate Academy content; non-zero exit on errors");
    academy_check->add_option("dir", academy_dir, "Content folder")->capture_default_str();
    bool academy_csv = false;
    auto* academy_export =
        academy->add_subcommand("export", "Learners' progress per room and module as CSV (no phone numbers)");
    academy_export->add_flag("--csv", academy_csv, "CSV on standard output (the only format)");

    std::string backup_to;
    auto* backup = cli.add_subcommand("backup", "Copy the live database (online, consistent) into FILE");
    backup->add_option("--to", backup_to, "Backup file (written as FILE.partial, then renamed)")->required();
    bool backup_no_media = false;
    backup->add_flag("--no-media", backup_no_media, "Do not copy members' stored files into FILE.media/");

    auto* members = cli.add_subcommand("members", "Bring in members of the existing WhatsApp groups");
    members->require_subcommand(1);
    std::string members_file;
    auto* members_import = members->add_subcommand("import", "Import FILE.csv (wa_id,alias,room,language,role)");
    members_import->add_option("file", members_file, "CSV file with the header wa_id,alias,room,language,role")
        ->required();
    app::MemberImport new_member;
    auto* members_add = members->add_subcommand("add", "Add one member (asked for consent on first message)");
    members_add->add_option("--wa-id", new_member.wa_id, "Phone number (with or without +) or BSUID")->required();
    members_add->add_option("--alias", new_member.alias, "Name shown to the room")->required();
    members_add->add_option("--room", new_member.room, "Room id from config/regions.yaml")->required();
    members_add->add_option("--language", new_member.language, "en, fr, es, pt or sw (default: from the number)");
    members_add->add_option("--role", new_member.role, "member (default), moderator or admin");

    auto* outbox = cli.add_subcommand("outbox", "What the sender did: counts and failed messages");
    outbox->require_subcommand(1);
    int failed_limit = 50;
    auto* outbox_failed = outbox->add_subcommand("failed", "Messages that failed for good, newest first, and why");
    outbox_failed->add_option("--limit", failed_limit, "How many to list")->capture_default_str();

    auto* outbox_held = outbox->add_subcommand(
        "held", "Messages waiting for their member's next message (window closed, no usable template), and why");
    int held_limit = 200;
    outbox_held->add_option("--limit", held_limit, "How many to list")->capture_default_str();

    auto* templates = cli.add_subcommand("templates", "WhatsApp message templates (config/templates.yaml)");
    templates->require_subcommand(1);
    auto* templates_push =
        templates->add_subcommand("push", "Create in the WhatsApp Business Account every template it lacks");
    auto* templates_status = templates->add_subcommand("status", "Each template's review state at Meta");

    auto* console_cmd = cli.add_subcommand("console", "The web console's accounts");
    console_cmd->require_subcommand(1);
    app::ConsoleUserOptions console_user;
    auto* add_user = console_cmd->add_subcommand(
        "add-user", "Create a console account (the first admin); the password is read from standard input");
    add_user->add_option("--name", console_user.name, "The person's login name")->required();
    add_user->add_option("--role", console_user.role, "admin, staff or moderator")->capture_default_str();
    add_user->add_option("--rooms", console_user.rooms, "A moderator's rooms: room ids, comma-separated");
    add_user->add_option("--language", console_user.language, "The console's language: en, fr, es or pt")
        ->capture_default_str();
    add_user->add_option("--password-file", console_user.password_file,
                         "Read the password from this file's first line instead of standard input");
    auto* rooms = cli.add_subcommand("rooms", "The regional rooms (config/regions.yaml)");
    rooms->require_subcommand(1);
    app::RoomsLinksOptions rooms_links_options;
    auto* rooms_links = rooms->add_subcommand("links", "Each room's wa.me link with its JOIN text, and its QR code");
    rooms_links->add_option("--number", rooms_links_options.number,
                            "The service's WhatsApp number, international form (default: DELVEX_BUSINESS_NUMBER)");
    rooms_links->add_option("--qr", rooms_links_options.qr_dir, "Write DIR/<room>.png and DIR/<room>.svg");
    rooms_links->add_option("--language", rooms_links_options.language, "Language of the room names")
        ->check(CLI::IsMember({"en", "fr", "es", "pt", "sw"}))
        ->capture_default_str();
    rooms_links->add_option("--module-px", rooms_links_options.module_px, "PNG pixels per QR module")
        ->check(CLI::Range(1, 64))
        ->capture_default_str();

    try {
        cli.parse(argc, argv);
    } catch (const CLI::CallForHelp& e) {
        return cli.exit(e);
    } catch (const CLI::CallForAllHelp& e) {
        return cli.exit(e);
    } catch (const CLI::CallForVersion& e) {
        return cli.exit(e);
    } catch (const CLI::ParseError& e) {
        // A usage error: one line on stderr and exit 2, as for a bad setting (CLI11's own codes are 100+).
        std::cerr << app::usage_error_line(e.what()) << '\n';
        return 2;
    }

    // --config and --db as DELVEX_CONFIG and DELVEX_DB, for every command the same way.
    const app::EnvLookup env = app::with_overrides(app::process_env(), config_file, db_file);
    try {
        if (serve->parsed()) {
            auto config = app::load_config(std::nullopt, env, true);
            if (!log_format.empty()) {
                config.log_format = log_format;
            }
            app::setup_logging(config.log_level, config.log_format);
            core::SystemClock clock;
            app::Service service(config, clock);
            service.start();
            service.run_until_signal();
            return 0;
        }
        if (demo->parsed()) {
            return app::run_demo(demo_options, std::cin, std::cout);
        }
        if (send->parsed()) {
            return app::run_send(env, to, text, std::cout, std::cerr);
        }
        if (next->parsed()) {
            return forums::run_forums_next(rrule, tz, start, count, std::cout, std::cerr);
        }
        if (forums_add->parsed() || forums_list->parsed() || forums_cancel->parsed()) {
            const auto config = app::load_config(std::nullopt, env, false);
            const auto regions = community::Regions::load(config.home + "/config/regions.yaml");
            events::ForumsFeature feature(std::make_unique<events::CommunityRooms>(regions));
            auto db_handle = app::open_existing_database(config.db_path, false);
            auto& db = *db_handle;
            const auto now_ms = core::to_unix_ms(core::SystemClock().now());
            if (forums_add->parsed()) {
                return events::run_forums_add(db.sql(), feature, forum, now_ms, std::cout, std::cerr);
            }
            if (forums_list->parsed()) {
                return events::run_forums_list(db.sql(), feature, forum, now_ms, std::cout, std::cerr);
            }
            return events::run_forums_cancel(db.sql(), feature, forum, now_ms, std::cout, std::cerr);
        }
        if (backup->parsed()) {
            return app::run_backup(env, std::nullopt, std::nullopt, backup_to, !backup_no_media, std::cout, std::cerr);
        }
        if (outbox_failed->parsed()) {
            return app::run_outbox_failed(env, failed_limit, std::cout, std::cerr);
        }
        if (outbox_held->parsed()) {
            return app::run_outbox_held(env, held_limit, std::cout, std::cerr);
        }
        if (templates_push->parsed() || templates_status->parsed()) {
            return app::run_templates(env, std::nullopt, templates_push->parsed(), std::cout, std::cerr);
        }
        if (rooms_links->parsed()) {
            return app::run_rooms_links(env, rooms_links_options, std::cout, std::cerr);
        }
        if (members_import->parsed()) {
            return app::run_members_import(env, std::nullopt, members_file, std::cout, std::cerr);
        }
        if (members_add->parsed()) {
            return app::run_members_add(env, std::nullopt, new_member, std::cout, std::cerr);
        }
        if (add_user->parsed()) {
            return app::run_console_add_user(env, console_user, std::cin, std::cout, std::cerr);
        }
        if (academy_check->parsed()) {
            return academy::run_check(academy_dir, std::cout, std::cerr);
        }
        if (academy_export->parsed()) {
            const auto db = app::open_existing_database(app::load_config(std::nullopt, env, false).db_path, true);
            return events::run_academy_export(db->sql(), std::cout, std::cerr);
        }
    } catch (const app::ConfigError& e) {
        std::cerr << "delvex: config: " << e.what() << '\n';
        return 2;
    } catch (const std::exception& e) {
        std::cerr << "delvex: " << e.what() << '\n';
        return 1;
    }
    return 0;
}
