// Miners teach miners (issue 17, "Must show"): a member sends TIP and a voice note; the room's moderator gets
// it with Approve / Edit / Reject and approves; a learner finds it in the Academy's "From the network",
// credited by the author's alias; a second tip, rejected, never reaches a learner; a week later the author
// learns how many saw theirs. The real service, the real content, the strict fake Graph API.

#include <algorithm>

#include "bot/store/database.hpp"
#include "bot/store/tip_repository.hpp"
#include "tests/integration/chat_fixture.hpp"

namespace delvex {
namespace {

using namespace std::chrono_literals;

class AcademyTips : public testing::ChatScenario {
protected:
    AcademyTips() { db_file = "tips.db"; }

    void tap(const Member& who, const std::string& reply_id) {
        core::InboundMessage m;
        m.type = core::MessageType::kInteractive;
        m.type_name = "interactive";
        m.interactive = core::InteractiveType::kButtonReply;
        m.reply_id = reply_id;
        m.text = reply_id;
        send(who, m);
    }
    std::vector<std::string> ids_of(const whatsapp::RecordedMessage& m) const {
        std::vector<std::string> out;
        if (const auto* b = std::get_if<core::ReplyButtons>(&m.message.body)) {
            for (const auto& x : b->buttons) out.push_back(x.id);
        } else if (const auto* l = std::get_if<core::ListMessage>(&m.message.body)) {
            for (const auto& s : l->sections) {
                for (const auto& r : s.rows) out.push_back(r.id);
            }
        }
        return out;
    }
    /// The last message with buttons or a list sent to `who` (a photo or voice note may arrive after it:
    /// media copies wait for their upload).
    whatsapp::RecordedMessage last_interactive(const Member& who) const {
        const auto all = to(who);
        for (auto it = all.rbegin(); it != all.rend(); ++it) {
            if (it->type == "interactive") return *it;
        }
        return {};
    }
    std::string texts_since(const Member& who, std::size_t from) const {
        std::string s;
        const auto all = to(who);
        for (std::size_t i = from; i < all.size(); ++i) s += all[i].type + ": " + all[i].text + "\n";
        return s;
    }
    std::size_t of_type_since(const Member& who, std::size_t from, const std::string& type) const {
        std::size_t n = 0;
        const auto all = to(who);
        for (std::size_t i = from; i < all.size(); ++i) n += all[i].type == type ? 1 : 0;
        return n;
    }

    const Member mod{"254700000009", "Neema"};
    const Member amina{"254700000001", "Amina"};
    const Member baraka{"254700000002", "Baraka"};
};

TEST_F(AcademyTips, AVoiceNoteTipApprovedReachesALearnerARejectedOneNeverDoes) {
    use_regions(
        "rooms:\n"
        "  - id: east-africa\n"
        "    names: {en: East Africa, sw: Afrika Mashariki}\n"
        "    time_zone: Africa/Nairobi\n"
        "    languages: [sw, en]\n"
        "    countries: [\"254\", \"255\"]\n"
        "    moderators: [\"+254700000009\"]\n");
    onboard(mod, "en", "east-africa", "Neema Mod");
    onboard(amina, "en", "east-africa", "Amina Gold");
    onboard(baraka, "en", "east-africa", "Baraka");

    // Amina sends TIP, then a voice note.
    say(amina, "TIP");
    EXPECT_NE(to(amina).back().text.find("Share a practice that worked"), std::string::npos) << to(amina).back().text;
    auto mod_mark = to(mod).size();
    core::InboundMessage voice;
    voice.type = core::MessageType::kAudio;
    voice.type_name = "audio";
    core::MediaRef media;
    media.id = harness->fake().add_inbound_media("OggS-voice-note-bytes", "audio/ogg");
    media.mime_type = "audio/ogg";
    media.voice = true;
    voice.media = media;
    send(amina, voice);
    EXPECT_NE(to(amina).back().text.find("goes to the moderators of East Africa"), std::string::npos)
        << to(amina).back().text;

    // The moderator hears the voice note and gets Approve / Edit / Reject; the author is named by alias only.
    EXPECT_EQ(of_type_since(mod, mod_mark, "audio"), 1u) << texts_since(mod, mod_mark);
    const auto ask = last_interactive(mod);
    ASSERT_EQ(ask.type, "interactive");
    EXPECT_NE(ask.text.find("New tip from *Amina Gold*"), std::string::npos) << ask.text;
    EXPECT_EQ(ask.options, (std::vector<std::string>{"Approve", "Edit", "Reject"}));
    EXPECT_EQ(ask.raw_json.find(amina.wa_id), std::string::npos) << "never the author's number";
    const auto voice_tip = ids_of(ask);
    ASSERT_EQ(voice_tip.size(), 3u);

    // Only a moderator decides: Baraka's tap on the same button changes nothing.
    tap(baraka, voice_tip[0]);
    EXPECT_NE(to(baraka).back().text.find("Only a moderator"), std::string::npos) << to(baraka).back().text;

    tap(mod, voice_tip[0]);  // Approve
    EXPECT_NE(to(mod).back().text.find("Published"), std::string::npos) << to(mod).back().text;
    EXPECT_NE(to(amina).back().text.find("Your tip is published"), std::string::npos) << to(amina).back().text;
    EXPECT_NE(to(amina).back().text.find("Amina Gold"), std::string::npos);
    tap(mod, voice_tip[2]);  // a late Reject of the same tip is refused
    EXPECT_NE(to(mod).back().text.find("already decided"), std::string::npos) << to(mod).back().text;

    // A second tip, in one message, is rejected.
    mod_mark = to(mod).size();
    say(amina, "tip sell your gold at night to the first buyer");
    const auto second = last_interactive(mod);
    EXPECT_NE(second.text.find("sell your gold at night"), std::string::npos) << texts_since(mod, mod_mark);
    tap(mod, ids_of(second).at(2));  // Reject
    EXPECT_NE(to(mod).back().text.find("rejected"), std::string::npos) << to(mod).back().text;
    EXPECT_NE(to(amina).back().text.find("not published"), std::string::npos) << to(amina).back().text;

    // Baraka opens the Academy: "From the network" is in the list; the approved voice note reaches him with
    // its credit; the rejected tip does not.
    say(baraka, "learn");
    say(baraka, "Baraka");
    tap(baraka, "academy:consent:yes");
    const auto list = ids_of(last_interactive(baraka));
    ASSERT_NE(std::find(list.begin(), list.end(), "academy:net"), list.end()) << texts_since(baraka, 0);
    EXPECT_LE(list.size(), 10u);
    const auto mark = to(baraka).size();
    tap(baraka, "academy:net");
    const std::string got = texts_since(baraka, mark);
    EXPECT_NE(got.find("Tip 1 of 1, from *Amina Gold*"), std::string::npos) << got;
    EXPECT_EQ(of_type_since(baraka, mark, "audio"), 1u) << got;
    tap(baraka, ids_of(last_interactive(baraka)).at(0));  // Next
    EXPECT_NE(to(baraka).back().text.find("That is all for now"), std::string::npos) << to(baraka).back().text;
    EXPECT_EQ(texts_since(baraka, 0).find("at night"), std::string::npos) << "a rejected tip never reaches a learner";
    for (const auto& m : to(baraka)) {
        EXPECT_EQ(m.raw_json.find(amina.wa_id), std::string::npos) << m.raw_json;
    }

    // A week later, with her window open, Amina learns how many learners saw her tip.
    clock.advance(24h * 7 - 2h);
    say(amina, "good morning East Africa");
    clock.advance(3h);
    harness->service().run_scheduler();
    settle();
    EXPECT_NE(to(amina).back().text.find("was seen by 1 learner"), std::string::npos) << to(amina).back().text;

    {
        store::Database db({dir.file(db_file), false, 5000, false});
        store::TipRepository tips(db.sql());
        EXPECT_EQ(tips.published("en").size(), 1u);
        EXPECT_EQ(tips.tip(2)->state, store::TipState::kRejected);
    }
}

TEST_F(AcademyTips, AModeratorEditsATipBeforeApprovingIt) {
    use_regions(
        "rooms:\n"
        "  - id: east-africa\n"
        "    names: {en: East Africa}\n"
        "    time_zone: Africa/Nairobi\n"
        "    languages: [en]\n"
        "    countries: [\"254\"]\n"
        "    moderators: [\"+254700000009\"]\n");
    onboard(mod, "en", "east-africa", "Neema Mod");
    onboard(amina, "en", "east-africa", "Amina Gold");
    // A TIP left without its tip for an hour does not swallow a later message.
    say(amina, "tip");
    clock.advance(1h);
    say(amina, "hello everyone");
    EXPECT_EQ(count_containing(mod, "hello everyone"), 1u) << "the room post reached the moderator as a post";
    EXPECT_EQ(last_interactive(mod).text.find("hello everyone"), std::string::npos);
    say(amina, "tip wet the rock before crushing, less dust");
    tap(mod, ids_of(last_interactive(mod)).at(1));  // Edit
    EXPECT_NE(to(mod).back().text.find("Type the tip's new text"), std::string::npos) << to(mod).back().text;
    say(mod, "Wet the rock before you crush it: far less dust reaches your lungs.");
    const auto again = last_interactive(mod);
    EXPECT_NE(again.text.find("far less dust"), std::string::npos) << again.text;
    tap(mod, ids_of(again).at(0));  // Approve
    store::Database db({dir.file(db_file), false, 5000, false});
    store::TipRepository tips(db.sql());
    ASSERT_EQ(tips.published("en").size(), 1u);
    EXPECT_EQ(tips.published("en")[0].text, "Wet the rock before you crush it: far less dust reaches your lungs.");
}

}  // namespace
}  // namespace delvex
