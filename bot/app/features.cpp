#include "bot/app/features.hpp"

#include <filesystem>

#include "bot/core/crypto.hpp"

#include "bot/community/commands.hpp"
#include "bot/community/regions.hpp"
#include "bot/console/handler.hpp"
#include "bot/console/pages.hpp"
#include "bot/events/chat_hold.hpp"
#include "bot/events/academy_feature.hpp"
#include "bot/events/forums_feature.hpp"
#include "bot/events/moderation_feature.hpp"
#include "bot/events/rooms_feature.hpp"
#include "bot/http/certificates_routes.hpp"
#include "bot/http/forums_routes.hpp"


namespace delvex::app {

std::vector<events::Feature*> FeatureSet::pointers() const {
    return order;
}

std::string academy_card_dir(const std::string& db_path) {
    if (db_path.empty() || db_path == ":memory:" || db_path.starts_with("file:")) {
        return {};
    }
    // Certificate cards are drawn beside the database: the service's own private folder.
    const std::filesystem::path parent = std::filesystem::path(db_path).parent_path();
    return ((parent.empty() ? std::filesystem::path(".") : parent) / "academy-cards").string();
}

FeatureSet make_features(const FeatureDeps& deps) {
    FeatureSet set;
    events::RoomsSettings room_settings;
    room_settings.digest_hour = deps.config.rooms.digest_hour;
    room_settings.flood_posts = deps.config.rooms.flood_posts;
    room_settings.flood_window_ms = std::chrono::milliseconds(deps.config.rooms.flood_window).count();
    room_settings.react_limit = deps.config.rooms.reaction_limit;
    room_settings.command_limit = deps.config.rooms.command_limit;
    auto rooms = std::make_unique<events::Rooms>(community::Regions::load(deps.config.home + "/config/regions.yaml"),
                                                 deps.catalog, room_settings);
    rooms->set_on_forget_files(deps.forget_files);
    // Order matters for messages: the rooms gate (STOP/START, onboarding) first, then features with a flow
    // in progress (forums, academy), and the rooms relay last, which takes whatever is left.
    set.order.push_back(&rooms->gate());

    // Forums: moderators' flow and RSVP buttons; the calendar feed and the admin API.
    events::ForumsSettings forum_settings;
    forum_settings.public_url = deps.config.public_url;
    forum_settings.reminder_offsets = deps.config.forums.reminders;
    forum_settings.announce_before = deps.config.forums.announce_before;
    // The feed key is derived from the app secret (never the secret itself), so it changes when that does.
    if (!deps.config.app_secret.empty()) {
        forum_settings.feed_key = core::hmac_sha256_hex(deps.config.app_secret.reveal(), "delvex forums feed key");
    }  // for the .ics document in RSVP confirmations
    auto forums = std::make_unique<events::ForumsFeature>(std::make_unique<events::CommunityRooms>(rooms->regions()),
                                                          forum_settings);
    set.routes.emplace_back("/forums/", std::make_unique<http::ForumsFeedHandler>(deps.reader, *forums));
    set.routes.emplace_back("/api/v1/forums", std::make_unique<http::ForumsAdminHandler>(
                                                  deps.writer, *forums, deps.clock, deps.config.admin_token));
    set.order.push_back(forums.get());
    events::ForumsFeature* forums_feature = forums.get();
    set.features.push_back(std::move(forums));

    // Academy: lessons, quizzes, certificates; GET /certificates/{code} and the media files steps offer.
    academy::EngineOptions academy_options;
    const std::string academy_dir = deps.config.home + "/academy-content";
    if (!deps.config.public_url.empty()) {
        academy_options.media_base_url = deps.config.public_url + "/academy/media";
        academy_options.verify_url = deps.config.public_url + "/certificates";
    }
    academy_options.content_dir = academy_dir;
    academy_options.nudge_after_days = deps.config.academy.nudge_after_days;
    academy_options.review_days = deps.config.academy.review_days;
    academy_options.answer_window_ms = std::chrono::milliseconds(deps.config.academy.answer_window).count();
    academy_options.certificate_dir = academy_card_dir(deps.config.db_path);
    academy_options.network = true;
    // A learner's name is never a command word of any language ("menu", "rooms", …).
    academy_options.reserved_word = [table = std::make_shared<const community::CommandTable>(
                                         community::CommandTable::from(deps.catalog))](std::string_view word) {
        const auto parsed = table->parse(word);
        return parsed.command != community::Command::kNone && parsed.argument.empty();
    };
    auto academy = std::make_unique<events::Academy>(events::load_academy(academy_dir, deps.catalog, academy_options));
    academy->set_room_names([&regions = rooms->regions()](std::string_view room, std::string_view lang) {
        const community::Room* r = regions.find(room);
        return r ? r->name(lang) : std::string(room);
    });
    set.routes.emplace_back("/certificates/", std::make_unique<http::CertificatesHandler>(deps.reader, academy->engine()));
    set.routes.emplace_back("/academy/media/", std::make_unique<http::AcademyMediaHandler>(academy->engine(), academy_dir));
    set.order.push_back(academy.get());
    set.features.push_back(std::move(academy));

    // Texts kept until the member says where they go: their "my data" line and "forget me".
    auto held = std::make_unique<events::ChatHold>();
    set.order.push_back(held.get());
    set.features.push_back(std::move(held));

    // Moderation: REPORT, the moderators' commands and buttons, alerts about held posts (before the rooms relay).
    events::ModerationSettings moderation_settings;
    moderation_settings.auto_hold_reports = deps.config.rooms.auto_hold_reports;
    moderation_settings.report_limit = deps.config.rooms.report_limit;
    auto moderation = std::make_unique<events::Moderation>(rooms->regions(), deps.catalog, moderation_settings);
    moderation->set_rooms({[r = rooms.get()](events::Context& ctx, std::int64_t post) { r->relay_post(ctx, post); },
                           [r = rooms.get()](events::Context& ctx, const store::Post& post, const std::string& key,
                                             const std::string& lang, const std::string& header,
                                             const std::string& logical, const std::string& head) {
                               r->send_copy(ctx, post, key, lang, header, logical, head);
                           }});
    rooms->set_on_held([m = moderation.get()](events::Context& ctx, std::int64_t post) { m->held(ctx, post); });
    set.order.push_back(moderation.get());
    events::Moderation* moderation_feature = moderation.get();
    set.features.push_back(std::move(moderation));

    set.order.push_back(rooms.get());
    rooms->set_features(set.order);
    const community::Regions& regions = rooms->regions();
    set.features.push_back(std::move(rooms));

    // The web console under /console (docs/CONSOLE.md): its own read-only connection, so pages never wait
    // behind the public lookups nor the writer.
    set.console_texts = std::make_unique<core::Catalog>(core::Catalog::load(deps.config.home + "/config/console"));
    set.console_reader = std::make_unique<store::DbReader>(store::DbReaderOptions{deps.config.db_path, 200, 400, 64});
    console::ConsoleDeps console_deps{deps.writer,   *set.console_reader, deps.clock,        *set.console_texts,
                                      deps.catalog,  regions,             forums_feature,    moderation_feature,
                                      console::ConsoleSettings{deps.config.business_number}};
    auto console = std::make_unique<console::ConsoleHandler>(std::move(console_deps));
    console::add_pages(*console);
    set.console = console.get();
    set.routes.emplace_back("/console", std::move(console));
    return set;
}

}  // namespace delvex::app
