#pragma once

// Members chatting with the real service: signed webhooks in, the real Graph client out to the fake Graph
// API, a real SQLite file, and a FakeClock the test moves (the 24 h window, digests and reminders depend on
// it). Shared by the scenario tests that follow a conversation.

#include <gtest/gtest.h>

#include <date/date.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "tests/support/harness.hpp"

namespace delvex::testing {

class ChatScenario : public ::testing::Test {
protected:
    struct Member {
        std::string wa_id;
        std::string name;
    };

    void SetUp() override {
        // Pacing is tested elsewhere; here every message may go at once on a clock that stands still.
        ::setenv("DELVEX_RECIPIENT_INTERVAL_MS", "0", 1);
        ::setenv("DELVEX_RECIPIENT_BURST", "45", 1);
        ::setenv("DELVEX_SEND_RATE", "0", 1);
        harness = std::make_unique<ServiceHarness>(dir.file(db_file), whatsapp::FakeGraphOptions{}, &clock);
    }
    void TearDown() override {
        ::unsetenv("DELVEX_RECIPIENT_INTERVAL_MS");
        ::unsetenv("DELVEX_RECIPIENT_BURST");
        ::unsetenv("DELVEX_SEND_RATE");
    }

    /// Sends one message as `who` and waits until the service has applied it and sent what it caused.
    void send(const Member& who, core::InboundMessage m) {
        m.id = "wamid.chat" + std::to_string(++sequence);
        m.sender.wa_id = who.wa_id;
        m.sender.profile_name = who.name;
        m.timestamp = core::to_unix(clock.now());
        const auto result = harness->post_webhook(harness->webhook_for(m));
        ASSERT_EQ(result.status, 200) << result.body;
        last_wamid = m.id;
        settle();
    }
    /// A reply to (a quote of) an earlier message.
    void reply_to(const Member& who, const std::string& quoted_wamid, const std::string& text) {
        auto m = ServiceHarness::text_message("", who.wa_id, text, who.name);
        m.context = core::ReplyContext{"15550000000", quoted_wamid, false, false};
        send(who, m);
    }
    void say(const Member& who, const std::string& text) {
        send(who, ServiceHarness::text_message("", who.wa_id, text, who.name));
    }
    /// A reaction as Meta sends it (`reaction{message_id, emoji}`; no emoji = the member took theirs back).
    void react(const Member& who, const std::string& message_id, const std::string& emoji) {
        core::InboundMessage m;
        m.type = core::MessageType::kReaction;
        m.type_name = "reaction";
        m.reaction_message_id = message_id;
        m.reaction_emoji = emoji;
        send(who, m);
    }
    /// The member edited a text they sent (`edit{original_message_id, message{type: text, text{body}}}`).
    void edit(const Member& who, const std::string& original_wamid, const std::string& new_text) {
        core::InboundMessage m;
        m.type = core::MessageType::kEdit;
        m.type_name = "edit";
        m.original_message_id = original_wamid;
        m.text = new_text;
        send(who, m);
    }
    /// The member deleted a message they sent, for everyone (`revoke{original_message_id}`).
    void revoke(const Member& who, const std::string& original_wamid) {
        core::InboundMessage m;
        m.type = core::MessageType::kRevoke;
        m.type_name = "revoke";
        m.original_message_id = original_wamid;
        send(who, m);
    }
    /// A list or reply-button choice.
    void choose(const Member& who, const std::string& reply_id, const std::string& title) {
        core::InboundMessage m;
        m.type = core::MessageType::kInteractive;
        m.type_name = "interactive";
        m.interactive = reply_id.starts_with("rooms:consent") || reply_id.starts_with("rooms:forget")
                            ? core::InteractiveType::kButtonReply
                            : core::InteractiveType::kListReply;
        m.reply_id = reply_id;
        m.text = title;
        send(who, m);
    }
    /// A tap on a template's quick-reply button: Meta sends it as type "button" with the payload we gave.
    void tap_template_button(const Member& who, const std::string& payload, const std::string& title) {
        core::InboundMessage m;
        m.type = core::MessageType::kButton;
        m.type_name = "button";
        m.reply_id = payload;
        m.text = title;
        send(who, m);
    }
    void settle() { ASSERT_TRUE(eventually([&] { return harness->service().quiet(); }, std::chrono::seconds(20))); }
    void onboard(const Member& who, const std::string& language, const std::string& room, const std::string& alias) {
        say(who, "hello");
        choose(who, "rooms:lang:" + language, language);
        choose(who, "rooms:room:" + room, room);
        say(who, alias);
        choose(who, "rooms:consent:yes", "yes");
    }

    /// Messages the fake Graph API accepted for a member, in order.
    std::vector<whatsapp::RecordedMessage> to(const Member& who) const {
        std::vector<whatsapp::RecordedMessage> out;
        for (auto& m : harness->fake().messages()) {
            if (m.recipient == "+" + who.wa_id) {
                out.push_back(m);
            }
        }
        return out;
    }
    /// How many accepted messages to `who` carry `needle` in their text (body, caption; a template's name).
    std::size_t count_containing(const Member& who, const std::string& needle) const {
        std::size_t n = 0;
        for (const auto& m : to(who)) {
            n += m.text.find(needle) != std::string::npos ? 1 : 0;
        }
        return n;
    }
    /// Every request body the fake accepted, one a line.
    std::string everything_sent() const {
        std::string all;
        for (const auto& m : harness->fake().messages()) {
            all += m.raw_json + "\n";
        }
        return all;
    }

    /// A service home with the project's config but this regions.yaml; restart the service on it.
    void use_regions(const std::string& regions_yaml) {
        namespace fs = std::filesystem;
        const fs::path home = dir.file("home");
        fs::create_directories(home / "config");
        for (const char* name : {"locales", "console", "templates.yaml", "delivery.yaml"}) {
            if (!fs::exists(home / "config" / name)) {
                fs::create_symlink(fs::path(DELVEX_SOURCE_DIR) / "config" / name, home / "config" / name);
            }
        }
        if (!fs::exists(home / "academy-content")) {
            fs::create_symlink(fs::path(DELVEX_SOURCE_DIR) / "academy-content", home / "academy-content");
        }
        std::ofstream(home / "config" / "regions.yaml") << regions_yaml;
        harness->stop_service();
        harness->config().home = home.string();
        harness->start_service();
    }

    std::string db_file = "chat.db";  ///< set in a derived constructor to name it otherwise
    TempDir dir;
    core::FakeClock clock{core::TimePoint{date::sys_days{date::year{2027} / 3 / 1} + std::chrono::hours(8)}};
    std::unique_ptr<ServiceHarness> harness;
    int sequence = 0;
    std::string last_wamid;
};

}  // namespace delvex::testing
