// Members' photos, voice notes, videos, documents, stickers, places and contact cards in the rooms, end to
// end against the strict fake Graph API: it serves a member's file only by the id the test posted in the
// webhook and sends only ids it issued through an upload, so every copy Meta would accept is counted here.

#include <gtest/gtest.h>

#include <date/date.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "tests/integration/chat_fixture.hpp"
#include "tests/support/harness.hpp"

namespace delvex {
namespace {

using namespace std::chrono_literals;

class RoomsMedia : public testing::ChatScenario {
protected:
    RoomsMedia() { db_file = "rooms_media.db"; }

    /// A media message as Meta posts it: the file is on the fake under a fresh inbound id.
    core::InboundMessage media_message(core::MessageType type, const std::string& type_name, const std::string& bytes,
                                       const std::string& mime, bool voice = false, const std::string& caption = {},
                                       const std::string& filename = {}) {
        core::InboundMessage m;
        m.type = type;
        m.type_name = type_name;
        core::MediaRef media;
        media.id = harness->fake().add_inbound_media(bytes, mime);
        media.mime_type = mime;
        media.caption = caption;
        media.filename = filename;
        media.voice = voice;
        m.media = media;
        return m;
    }
    core::InboundMessage voice_note(const std::string& bytes = "OggS-voice-note-of-amina") {
        return media_message(core::MessageType::kAudio, "audio", bytes, "audio/ogg", true);
    }
    core::InboundMessage photo(const std::string& caption = "Sluice at dawn") {
        return media_message(core::MessageType::kImage, "image", "jpeg-bytes-" + caption, "image/jpeg", false, caption);
    }
    std::size_t of_type(const Member& who, const std::string& type) const {
        std::size_t n = 0;
        for (const auto& m : to(who)) {
            n += m.type == type ? 1 : 0;
        }
        return n;
    }
    /// The hours (Nairobi) when the digest goes out on the next day.
    void digest_time() {
        clock.set(core::TimePoint{date::sys_days{date::year{2027} / 3 / 1} + 15h + 1min});
        harness->service().run_scheduler();
        settle();
    }

    const Member amina{"254700000001", "Amina"};
    const Member baraka{"255700000002", "Baraka"};
    const Member chloe{"256700000003", "Chloe"};
    const Member didier{"243810000004", "Didier"};
};

TEST_F(RoomsMedia, EveryKindReachesLiveMembersWithOneDownloadAndOneUploadPerPost) {
    onboard(amina, "en", "east-africa", "Amina");
    onboard(baraka, "en", "east-africa", "Baraka");
    onboard(chloe, "fr", "east-africa", "Chloe");
    onboard(didier, "en", "east-africa", "Didier");

    struct Case {
        core::InboundMessage message;
        std::string type;  // what the copies are on the wire
    };
    std::vector<Case> cases;
    cases.push_back({photo("Gold at the pit today"), "image"});
    cases.push_back({voice_note(), "audio"});
    cases.push_back({media_message(core::MessageType::kVideo, "video", "mp4-bytes", "video/mp4", false, "The new sluice"),
                     "video"});
    cases.push_back({media_message(core::MessageType::kDocument, "document", "%PDF-1.4 permit", "application/pdf", false,
                                   "Permit form", "permit.pdf"),
                     "document"});
    cases.push_back({media_message(core::MessageType::kSticker, "sticker", "RIFF-webp-sticker", "image/webp"), "sticker"});
    core::InboundMessage place;
    place.type = core::MessageType::kLocation;
    place.type_name = "location";
    place.location = core::GeoLocation{-2.87, 32.23, "Geita pit 4", "Nyankumbu", ""};
    cases.push_back({place, "location"});

    for (const auto& c : cases) {
        const auto before = harness->fake().stats();
        const auto baraka_before = of_type(baraka, c.type);
        const auto chloe_before = of_type(chloe, c.type);
        const auto didier_before = of_type(didier, c.type);
        send(amina, c.message);
        const auto after = harness->fake().stats();
        const std::uint64_t files = c.type == "location" ? 0 : 1;
        EXPECT_EQ(after.media_downloads - before.media_downloads, files) << c.type;
        EXPECT_EQ(after.media_uploads - before.media_uploads, files) << c.type;
        EXPECT_EQ(of_type(baraka, c.type), baraka_before + 1) << c.type;
        EXPECT_EQ(of_type(chloe, c.type), chloe_before + 1) << c.type;
        EXPECT_EQ(of_type(didier, c.type), didier_before + 1) << c.type;
    }
    EXPECT_EQ(of_type(amina, "image"), 0u);  // never her own post back
    EXPECT_TRUE(harness->fake().refusals().empty()) << testing::describe_refusals(harness->fake());

    // Who sent it: a caption for a photo, a line just before a voice note (audio has no caption).
    const auto baraka_got = to(baraka);
    bool photo_captioned = false;
    bool voice_announced = false;
    for (std::size_t i = 0; i < baraka_got.size(); ++i) {
        const auto& m = baraka_got[i];
        if (m.type == "image") {
            photo_captioned = m.text == "*Amina* · East Africa\nGold at the pit today";
        }
        if (m.type == "audio" && i > 0) {
            voice_announced = baraka_got[i - 1].text.find("*Amina*") != std::string::npos;
        }
    }
    EXPECT_TRUE(photo_captioned);
    EXPECT_TRUE(voice_announced);
}

TEST_F(RoomsMedia, ADigestMemberSeesWhoSentWhatAndGetsTheVoiceNoteByTappingItsNumber) {
    onboard(amina, "en", "east-africa", "Amina");
    onboard(baraka, "en", "east-africa", "Baraka");
    onboard(chloe, "en", "east-africa", "Chloe");
    say(chloe, "digest");

    clock.advance(25h);  // Chloe's window closes; Amina and Baraka write again
    say(baraka, "menu");
    say(amina, "Morning all");
    send(amina, voice_note());
    send(amina, photo("Pit wall after the rain"));
    EXPECT_EQ(of_type(baraka, "audio"), 1u);  // live
    EXPECT_EQ(of_type(chloe, "audio"), 0u);
    const auto files = harness->fake().stats();

    // 18:00 in Nairobi: one template; her reply brings the lines, each file numbered, and a button per file.
    clock.set(core::TimePoint{date::sys_days{date::year{2027} / 3 / 2} + 15h + 1min});
    harness->service().run_scheduler();
    settle();
    ASSERT_EQ(to(chloe).back().type, "template");
    say(chloe, "ok");
    const auto got = to(chloe);
    ASSERT_GE(got.size(), 2u);
    const auto& lines = got[got.size() - 2].text;
    EXPECT_NE(lines.find("3 new posts in East Africa"), std::string::npos) << lines;
    // Newest first: the photo is 1, the voice note 2. Meta does not say how long a voice note is: no length.
    EXPECT_NE(lines.find("1\xEF\xB8\x8F\xE2\x83\xA3 *Amina*: 📷 photo: Pit wall after the rain"), std::string::npos) << lines;
    EXPECT_NE(lines.find("2\xEF\xB8\x8F\xE2\x83\xA3 *Amina*: 🎤 voice message"), std::string::npos) << lines;
    EXPECT_NE(lines.find("*Amina*: Morning all"), std::string::npos) << lines;
    const auto& offer = got.back();
    ASSERT_EQ(offer.type, "interactive");
    EXPECT_EQ(offer.text, "Tap a number to get that photo, voice message or file.");
    EXPECT_EQ(offer.options, (std::vector<std::string>{"1\xEF\xB8\x8F\xE2\x83\xA3 📷 Amina", "2\xEF\xB8\x8F\xE2\x83\xA3 🎤 Amina"}));
    EXPECT_EQ(of_type(chloe, "audio"), 0u);  // nothing sent unasked

    // She taps 2: the voice note comes, said to be from Amina, by the file already uploaded for Baraka.
    const auto voice_id = std::get<core::ReplyButtons>(offer.message.body).buttons.at(1).id;
    choose(chloe, voice_id, "2");
    EXPECT_EQ(of_type(chloe, "audio"), 1u);
    EXPECT_EQ(of_type(chloe, "image"), 0u);
    const auto after = to(chloe);
    EXPECT_EQ(after[after.size() - 2].text, "*Amina* · East Africa\n🎤 voice message");
    EXPECT_EQ(harness->fake().stats().media_downloads, files.media_downloads);
    EXPECT_EQ(harness->fake().stats().media_uploads, files.media_uploads);

    // A post id she cannot read (another room's, or made up) gets a plain answer, not the file.
    choose(chloe, "rooms:get:999", "9");
    EXPECT_EQ(to(chloe).back().text, "That post is no longer there.");
    EXPECT_EQ(of_type(chloe, "audio"), 1u);
    EXPECT_TRUE(harness->fake().refusals().empty()) << testing::describe_refusals(harness->fake());
}

TEST_F(RoomsMedia, AModeratorSeesTheHeldPhotoAndHearsTheReportedVoiceNote) {
    use_regions("rooms:\n"
                "  - id: east-africa\n"
                "    names: {en: East Africa, sw: Afrika Mashariki}\n"
                "    time_zone: Africa/Nairobi\n"
                "    languages: [sw, en]\n"
                "    countries: [\"254\", \"255\"]\n"
                "    moderators: [\"+254700000009\"]\n"
                "    hold_first_posts: 1\n");
    const Member mod{"254700000009", "Neema"};
    onboard(mod, "en", "east-africa", "Neema Mod");
    onboard(amina, "en", "east-africa", "Amina");
    onboard(baraka, "en", "east-africa", "Baraka");

    send(amina, photo("Is this wall safe?"));
    EXPECT_EQ(of_type(baraka, "image"), 0u);  // her first post waits
    // The moderator gets the photo itself and the words with the buttons (WhatsApp does not keep the order
    // of two messages; the photo goes once its upload is done).
    const auto got = to(mod);
    const whatsapp::RecordedMessage* image = nullptr;
    const whatsapp::RecordedMessage* buttons = nullptr;
    for (const auto& m : got) {
        if (m.type == "image") image = &m;
        if (m.type == "interactive" && m.text.find("A post waits") != std::string::npos) buttons = &m;
    }
    ASSERT_NE(image, nullptr);
    ASSERT_NE(buttons, nullptr);
    EXPECT_EQ(image->text, "*Amina* · East Africa\nIs this wall safe?");
    const auto held = *buttons;
    EXPECT_NE(held.text.find("A post waits in East Africa, by *Amina*"), std::string::npos) << held.text;
    const auto approve = std::get<core::ReplyButtons>(held.message.body).buttons.at(0).id;
    choose(mod, approve, "Approve");
    EXPECT_EQ(of_type(baraka, "image"), 1u);
    EXPECT_EQ(harness->fake().stats().media_downloads, 1u);  // the moderator's copy and the room's: one file
    EXPECT_EQ(harness->fake().stats().media_uploads, 1u);

    // A reported voice note reaches the moderator as the voice note, then the report.
    send(amina, voice_note());
    std::string copy;
    for (const auto& m : to(baraka)) {
        if (m.type == "audio") copy = m.wamid;
    }
    ASSERT_FALSE(copy.empty());
    const auto mod_audio = of_type(mod, "audio");
    reply_to(baraka, copy, "report");
    EXPECT_EQ(of_type(mod, "audio"), mod_audio + 1);
    EXPECT_NE(to(mod).back().text.find("Report in East Africa"), std::string::npos) << to(mod).back().text;
    EXPECT_TRUE(harness->fake().refusals().empty()) << testing::describe_refusals(harness->fake());
}

core::InboundMessage contact_card(const std::string& name, std::vector<std::string> phones) {
    core::InboundMessage m;
    m.type = core::MessageType::kContacts;
    m.type_name = "contacts";
    core::SharedContact card;
    card.formatted_name = name;
    card.phones = std::move(phones);
    m.contacts.push_back(card);
    return m;
}

TEST_F(RoomsMedia, AContactCardGoesToTheRoomOnlyAfterItsAuthorSaysYesInTheirLanguage) {
    onboard(amina, "fr", "east-africa", "Amina");
    onboard(baraka, "en", "east-africa", "Baraka");
    onboard(chloe, "sw", "east-africa", "Chloe");
    choose(chloe, "rooms:mode:mute", "Mute");  // a muted member reads nothing: not counted

    // In French: how many numbers, how many people will see them.
    send(amina, contact_card("Juma Mwangi", {"+254 712 345 678"}));
    const auto ask = to(amina).back();
    ASSERT_EQ(ask.type, "interactive");
    EXPECT_NE(ask.text.find("Cette fiche contact montre 1 numéro(s) de téléphone au salon. 1 membre(s) de Afrique de l'Est la verront."),
              std::string::npos)
        << ask.text;
    EXPECT_NE(ask.text.find("👤 Juma Mwangi: +254 712 345 678"), std::string::npos) << ask.text;
    EXPECT_EQ(ask.options, (std::vector<std::string>{"Oui, partager", "Non"}));
    EXPECT_EQ(count_containing(baraka, "712 345 678"), 0u);  // nothing before her yes
    const auto yes = std::get<core::ReplyButtons>(ask.message.body).buttons.at(0).id;
    choose(amina, yes, "Oui, partager");
    EXPECT_EQ(to(baraka).back().text, "*Amina* · East Africa\n👤 Juma Mwangi: +254 712 345 678");
    choose(amina, yes, "Oui, partager");  // a second tap shares nothing twice
    EXPECT_EQ(count_containing(baraka, "712 345 678"), 1u);

    // In English, and No: the card stays with its author.
    send(baraka, contact_card("Fundi Peter", {"+255 755 000 111", "+255 655 000 222"}));
    const auto ask2 = to(baraka).back();
    EXPECT_NE(ask2.text.find("This contact card shows 2 phone number(s) to the room. 1 member(s) of East Africa will see it. Share it?"),
              std::string::npos)
        << ask2.text;
    const auto no = std::get<core::ReplyButtons>(ask2.message.body).buttons.at(1).id;
    choose(baraka, no, "No");
    EXPECT_EQ(to(baraka).back().text, "OK, the card was not shared.");
    EXPECT_EQ(count_containing(amina, "755 000 111"), 0u);
    // Someone else's button does nothing either.
    choose(amina, no.substr(0, no.find(":no:")) + ":yes:" + no.substr(no.rfind(':') + 1), "Oui");
    EXPECT_EQ(count_containing(amina, "755 000 111"), 0u);
}

TEST_F(RoomsMedia, AModeratorsVoiceRecapOfAForumReachesTheRoomAsOneUploadedFile) {
    harness->config().admin_token = core::Secret("service-admin-token-0123456789");
    use_regions("rooms:\n"
                "  - id: east-africa\n"
                "    names: {en: East Africa, sw: Afrika Mashariki}\n"
                "    time_zone: Africa/Nairobi\n"
                "    languages: [sw, en]\n"
                "    countries: [\"254\", \"255\"]\n"
                "    moderators: [\"+254700000009\"]\n"
                "    hold_first_posts: 0\n");
    const Member mod{"254700000009", "Neema"};
    onboard(mod, "en", "east-africa", "Neema Mod");
    onboard(amina, "en", "east-africa", "Amina");
    onboard(baraka, "sw", "east-africa", "Baraka");
    // A forum at 14:00 in Nairobi today (11:00 UTC); the recap comes after it.
    const auto created = testing::http_request(
        harness->port(), "POST", "/api/v1/forums",
        R"({"room":"east-africa","title":"Safer pits","rrule":"FREQ=WEEKLY;BYDAY=MO","start":"2027-03-01T14:00","join_kind":"call"})",
        {{"Authorization", "Bearer service-admin-token-0123456789"}, {"Content-Type", "application/json"}});
    ASSERT_EQ(created.status, 201) << created.body;
    clock.set(core::TimePoint{date::sys_days{date::year{2027} / 3 / 1} + 13h});
    say(mod, "recap");
    ASSERT_NE(to(mod).back().text.find("Safer pits"), std::string::npos) << to(mod).back().text;
    const auto before = harness->fake().stats();
    send(mod, voice_note("OggS-recap-of-the-forum"));
    EXPECT_EQ(of_type(amina, "audio"), 1u);
    EXPECT_EQ(of_type(baraka, "audio"), 1u);
    EXPECT_EQ(of_type(mod, "audio"), 0u);
    const auto after = harness->fake().stats();
    EXPECT_EQ(after.media_downloads - before.media_downloads, 1u);
    EXPECT_EQ(after.media_uploads - before.media_uploads, 1u);
    EXPECT_TRUE(harness->fake().refusals().empty()) << testing::describe_refusals(harness->fake());
}

TEST_F(RoomsMedia, AfterForgetMeNoStoredFileOfTheMemberRemains) {
    namespace fs = std::filesystem;
    onboard(amina, "en", "east-africa", "Amina");
    onboard(baraka, "en", "east-africa", "Baraka");
    send(amina, photo("My sluice"));
    send(amina, voice_note("OggS-amina-explains-the-sluice"));
    send(baraka, photo("Baraka's pit"));
    const fs::path media = harness->config().media_dir;
    const auto files = [&] {
        std::vector<std::string> out;
        if (fs::exists(media)) {
            for (const auto& e : fs::recursive_directory_iterator(media)) {
                if (e.is_regular_file()) {
                    out.push_back(e.path().string());
                }
            }
        }
        return out;
    };
    ASSERT_EQ(files().size(), 3u) << "each file stored once, before FORGET ME";

    say(amina, "forget me");
    choose(amina, "rooms:forget:yes", "Yes, erase");
    settle();
    // Only Baraka's photo is left on disk, and nothing of Amina's files in the folder's bytes either.
    const auto left = files();
    ASSERT_EQ(left.size(), 1u);
    std::string bytes;
    for (const auto& f : left) {
        std::ifstream in(f, std::ios::binary);
        bytes.assign(std::istreambuf_iterator<char>(in), {});
    }
    EXPECT_NE(bytes.find("Baraka's pit"), std::string::npos);
    EXPECT_EQ(bytes.find("My sluice"), std::string::npos);
    EXPECT_EQ(bytes.find("amina-explains"), std::string::npos);
}

}  // namespace
}  // namespace delvex
