// Bringing the groups over: each room's wa.me link and its QR code. The PNG and the SVG are read back by a real
// decoder (zbarimg, of zbar-tools) to exactly the link, and the link's text, sent as the first message of a new
// number through the real service, puts that number in that room's onboarding: the room is never asked.

#include <gtest/gtest.h>

#include <SQLiteCpp/Database.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <string>
#include <vector>

#include "bot/community/regions.hpp"
#include "bot/console/invite.hpp"
#include "bot/store/community_repository.hpp"
#include "tests/integration/chat_fixture.hpp"
#include "tests/support/harness.hpp"
#include "tests/support/process.hpp"

namespace delvex {
namespace {

using console::QrCode;

community::Regions project_regions() {
    return community::Regions::load(std::string(DELVEX_SOURCE_DIR) + "/config/regions.yaml");
}

// What a phone's camera app reads from the image file: zbarimg's text, or "" (with the failure in `why`).
std::string decode(const std::string& image_path, std::string* why = nullptr) {
    // stderr apart: zbarimg may complain there of a missing D-Bus, which says nothing of the image.
    const auto run = testing::run_command("timeout 60 zbarimg --raw -q '" + image_path + "' 2>'" + image_path +
                                          ".err'");
    if (run.code != 0) {
        if (why != nullptr) {
            std::ifstream err(image_path + ".err");
            *why = "zbarimg exit " + std::to_string(run.code) + ": " + run.output +
                   std::string(std::istreambuf_iterator<char>(err), {});
        }
        return {};
    }
    std::string text = run.output;
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) {
        text.pop_back();
    }
    return text;
}

void write_file(const std::string& path, const std::string& bytes) {
    std::ofstream(path, std::ios::binary) << bytes;
}

int hex_value(char c) {
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    return -1;
}

// The text a wa.me link pre-fills, as WhatsApp puts it in the message box: its `text` parameter, decoded.
std::string prefilled_text(const std::string& link) {
    const auto at = link.find("?text=");
    if (at == std::string::npos) {
        return {};
    }
    std::string out;
    for (std::size_t i = at + 6; i < link.size(); ++i) {
        if (link[i] == '%' && i + 2 < link.size() && hex_value(link[i + 1]) >= 0 && hex_value(link[i + 2]) >= 0) {
            out += static_cast<char>(hex_value(link[i + 1]) * 16 + hex_value(link[i + 2]));
            i += 2;
        } else {
            out += link[i];
        }
    }
    return out;
}

// ---- the SVG, read back without trusting the code that drew it ----

// Whether the markup is well formed for what qr_svg may write: every tag closed in order, every attribute
// value quoted, nothing outside the root element but a final newline.
::testing::AssertionResult well_formed(const std::string& svg) {
    std::vector<std::string> open;
    std::size_t i = 0;
    bool root_closed = false;
    while (i < svg.size()) {
        if (svg[i] != '<') {
            if (open.empty() && svg[i] != '\n') {
                return ::testing::AssertionFailure() << "text outside the root at " << i;
            }
            ++i;
            continue;
        }
        if (root_closed) {
            return ::testing::AssertionFailure() << "a second root element at " << i;
        }
        const auto end = svg.find('>', i);
        if (end == std::string::npos) {
            return ::testing::AssertionFailure() << "unclosed tag at " << i;
        }
        std::string tag = svg.substr(i + 1, end - i - 1);
        i = end + 1;
        if (tag.starts_with("/")) {
            if (open.empty() || open.back() != tag.substr(1)) {
                return ::testing::AssertionFailure() << "</" << tag.substr(1) << "> closes nothing open";
            }
            open.pop_back();
            root_closed = open.empty();
            continue;
        }
        const bool empty_element = tag.ends_with("/");
        if (empty_element) {
            tag.pop_back();
        }
        const auto name = tag.substr(0, tag.find(' '));
        if (name.empty() || std::count(tag.begin(), tag.end(), '"') % 2 != 0 || tag.find('<') != std::string::npos) {
            return ::testing::AssertionFailure() << "bad tag <" << tag << ">";
        }
        if (!empty_element) {
            open.push_back(name);
        } else if (open.empty()) {
            root_closed = true;
        }
    }
    if (!open.empty() || !root_closed) {
        return ::testing::AssertionFailure() << "unclosed <" << (open.empty() ? "?" : open.back()) << ">";
    }
    return ::testing::AssertionSuccess();
}

std::string attribute(const std::string& svg, const std::string& name) {
    const auto at = svg.find(" " + name + "=\"");
    if (at == std::string::npos) {
        return {};
    }
    const auto start = at + name.size() + 3;
    return svg.substr(start, svg.find('"', start) - start);
}

// The squares the SVG's path paints, as a size × size grid of modules (quiet zone included): every subpath
// must be a rectangle one module high ("Mx yhNv1h-Nz"); anything else fails the test.
std::vector<bool> paint(const std::string& svg, int size) {
    std::vector<bool> grid(static_cast<std::size_t>(size) * size, false);
    const std::string d = attribute(svg, "d");
    EXPECT_FALSE(d.empty()) << svg.substr(0, 300);
    std::size_t i = 0;
    const auto number = [&](const char* what) {
        std::size_t used = 0;
        const int n = std::stoi(d.substr(i), &used);
        EXPECT_GT(used, 0u) << what;
        i += used;
        return n;
    };
    const auto expect = [&](const std::string& token) {
        EXPECT_EQ(d.compare(i, token.size(), token), 0) << "at " << i << " of " << d.substr(i, 40);
        i += token.size();
    };
    while (i < d.size() && !::testing::Test::HasFailure()) {
        expect("M");
        const int x = number("x");
        expect(" ");
        const int y = number("y");
        expect("h");
        const int run = number("run");
        expect("v1h-");
        EXPECT_EQ(number("back"), run);
        expect("z");
        EXPECT_TRUE(x >= 0 && y >= 0 && run > 0 && x + run <= size && y < size) << x << "," << y << " +" << run;
        for (int k = 0; k < run && x + k < size && y < size && y >= 0 && x >= 0; ++k) {
            grid[static_cast<std::size_t>(y) * size + x + k] = true;
        }
    }
    return grid;
}

// A binary PGM (the simplest image zbarimg reads) of a module grid, `scale` pixels a module.
std::string pgm(const std::vector<bool>& grid, int size, int scale) {
    const int px = size * scale;
    std::string out = "P5\n" + std::to_string(px) + " " + std::to_string(px) + "\n255\n";
    for (int y = 0; y < px; ++y) {
        for (int x = 0; x < px; ++x) {
            out += grid[static_cast<std::size_t>(y / scale) * size + x / scale] ? '\0' : '\xff';
        }
    }
    return out;
}

TEST(ConsoleInvite, TheLinkIsWaMeWithTheNumberAndTheTextPercentEncoded) {
    EXPECT_EQ(console::join_link("254700000000", "JOIN east-africa"),
              "https://wa.me/254700000000?text=JOIN%20east-africa");
    // UTF-8 byte by byte, reserved characters escaped, a space never '+'.
    EXPECT_EQ(console::join_link("254700000000", "JOIN África & Pacífico?"),
              "https://wa.me/254700000000?text=JOIN%20%C3%81frica%20%26%20Pac%C3%ADfico%3F");
    EXPECT_EQ(prefilled_text(console::join_link("51987654321", "JOIN América Latina")), "JOIN América Latina");
    // The number as people type it → the digits wa.me wants; anything else is refused.
    EXPECT_EQ(console::business_digits("+254 700-000 000"), "254700000000");
    EXPECT_EQ(console::business_digits("(51) 987.654.321"), "51987654321");
    for (const char* bad : {"", "+", "0712", "254 700 000 000 0000", "254700000000x", "++254700000000", "2547+00000000"}) {
        EXPECT_EQ(console::business_digits(bad), "") << bad;
    }
    EXPECT_THROW(console::join_link("+254700000000", "JOIN x"), std::invalid_argument);
    EXPECT_THROW(console::join_link("", "JOIN x"), std::invalid_argument);

    const auto regions = project_regions();
    const auto invites = console::room_invites(regions, "254700000000", "pt");
    ASSERT_EQ(invites.size(), 6u);
    EXPECT_EQ(invites[3].room_id, "southern-africa");
    EXPECT_EQ(invites[3].name, "África Austral");
    EXPECT_EQ(invites[3].text, "JOIN southern-africa");
    EXPECT_EQ(invites[3].link, "https://wa.me/254700000000?text=JOIN%20southern-africa");
}

TEST(ConsoleInvite, EveryRoomsPngAndSvgDecodeToExactlyItsLink) {
    testing::TempDir dir;
    std::vector<std::string> links;
    for (const auto& invite : console::room_invites(project_regions(), "254700000000", "en")) {
        links.push_back(invite.link);
    }
    // A text with letters outside ASCII (a room's name typed instead of its id) and a longer one.
    links.push_back(console::join_link("258840000000", "JOIN África Austral"));
    links.push_back(console::join_link("51987654321", "JOIN Amérique latine — Pérou, Bolivie, Équateur"));
    int n = 0;
    for (const auto& link : links) {
        SCOPED_TRACE(link);
        const QrCode code = console::make_qr(link);
        ASSERT_GT(code.width, 20);
        ASSERT_EQ(code.modules.size(), static_cast<std::size_t>(code.width * code.width));
        EXPECT_EQ(code.width, 17 + 4 * code.version);

        const std::string png = console::qr_png(code, 6);
        ASSERT_EQ(png.substr(0, 8), std::string("\x89PNG\r\n\x1a\n", 8));
        EXPECT_LT(png.size(), 8000u) << "a small file";
        const std::string png_path = dir.file("room" + std::to_string(n) + ".png");
        write_file(png_path, png);
        std::string why;
        EXPECT_EQ(decode(png_path, &why), link) << why;

        // The SVG: well formed, sized by its viewBox with the quiet zone, and its path paints exactly the
        // code's dark modules; rasterised here (not by our code) it decodes to the link as well.
        const std::string svg = console::qr_svg(code);
        ASSERT_TRUE(well_formed(svg)) << svg.substr(0, 300);
        EXPECT_TRUE(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
        EXPECT_EQ(attribute(svg, "shape-rendering"), "crispEdges");
        const int size = code.width + 2 * console::kQuietZone;
        EXPECT_EQ(attribute(svg, "viewBox"), "0 0 " + std::to_string(size) + " " + std::to_string(size));
        EXPECT_LT(svg.size(), 20000u) << "a small file";
        const auto grid = paint(svg, size);
        for (int y = 0; y < size; ++y) {
            for (int x = 0; x < size; ++x) {
                const int cx = x - console::kQuietZone;
                const int cy = y - console::kQuietZone;
                const bool inside = cx >= 0 && cy >= 0 && cx < code.width && cy < code.width;
                ASSERT_EQ(grid[static_cast<std::size_t>(y) * size + x], inside && code.dark(cx, cy))
                    << "module " << x << "," << y;
            }
        }
        const std::string pgm_path = dir.file("room" + std::to_string(n) + ".pgm");
        write_file(pgm_path, pgm(grid, size, 4));
        EXPECT_EQ(decode(pgm_path, &why), link) << why;
        ++n;
    }
}

TEST(ConsoleInvite, ATextTooLongForAQrCodeIsRefused) {
    EXPECT_THROW(console::make_qr(std::string(4000, 'x')), std::runtime_error);
    EXPECT_THROW(console::qr_png(console::make_qr("x"), 0), std::invalid_argument);
}

// ---- following the link: a new number sends its text ----

class RoomLinkScenario : public testing::ChatScenario {
protected:
    RoomLinkScenario() { db_file = "links.db"; }

    std::optional<rooms::Profile> profile(const std::string& wa_id) {
        SQLite::Database db(dir.file(db_file));
        store::CommunityRepository repo(db);
        return repo.profile(wa_id);
    }
    std::vector<rooms::Membership> memberships(const rooms::Profile& p) {
        SQLite::Database db(dir.file(db_file));
        store::CommunityRepository repo(db);
        return repo.memberships(p.id);
    }
    bool ever_offered_the_room_list(const Member& who) {
        for (const auto& m : to(who)) {
            if (m.raw_json.find("rooms:room:") != std::string::npos) {
                return true;
            }
        }
        return false;
    }
};

TEST_F(RoomLinkScenario, ScanningARoomsCodeAndSendingItsTextLandsANewNumberInThatRoomsOnboarding) {
    const auto regions = project_regions();
    ASSERT_EQ(regions.rooms().size(), 6u);
    // A newcomer per room, from one of that room's countries, choosing the room's first language.
    const std::map<std::string, Member> newcomers = {
        {"west-africa", {"221770000001", "Awa"}},       {"central-africa", {"243810000002", "Bienvenu"}},
        {"east-africa", {"254700000003", "Chausiku"}},  {"southern-africa", {"258840000004", "Dércio"}},
        {"latin-america", {"51987000005", "Edith"}},    {"asia-pacific", {"639170000006", "Florante"}},
    };
    int n = 0;
    for (const auto& room : regions.rooms()) {
        SCOPED_TRACE(room.id);
        const Member& who = newcomers.at(room.id);
        // The poster's code, as a phone reads it: the link, and the text it puts in the message box.
        const std::string link = console::join_link("15550000000", console::join_text(room));
        const std::string png_path = dir.file(room.id + ".png");
        write_file(png_path, console::qr_png(console::make_qr(link), 4));
        const std::string scanned = decode(png_path);
        ASSERT_EQ(scanned, link);
        const std::string text = prefilled_text(scanned);
        ASSERT_EQ(text, "JOIN " + room.id);

        say(who, text);
        auto got = to(who);
        ASSERT_EQ(got.size(), 1u);
        const auto after_first = profile(who.wa_id);
        ASSERT_TRUE(after_first);
        EXPECT_EQ(after_first->current_room, room.id);
        EXPECT_EQ(after_first->stage, rooms::Stage::kLanguage);
        // The welcome and the language list, naming the room (in the language guessed from the number).
        EXPECT_EQ(got[0].type, "interactive");
        EXPECT_NE(got[0].text.find(room.name(after_first->language)), std::string::npos) << got[0].text;
        EXPECT_NE(got[0].text.find(who.name), std::string::npos) << got[0].text;

        const std::string language = room.languages.front();
        choose(who, "rooms:lang:" + language, language);
        const std::string alias = "Link Member " + std::to_string(++n);
        say(who, alias);
        EXPECT_EQ(to(who).back().type, "interactive");  // consent
        EXPECT_EQ(to(who).back().options.size(), 2u);
        choose(who, "rooms:consent:yes", "yes");
        EXPECT_NE(to(who).back().text.find(room.name(language)), std::string::npos) << to(who).back().text;
        EXPECT_NE(to(who).back().text.find(alias), std::string::npos) << to(who).back().text;
        EXPECT_FALSE(ever_offered_the_room_list(who)) << "the room was asked for";

        const auto p = profile(who.wa_id);
        ASSERT_TRUE(p);
        EXPECT_EQ(p->stage, rooms::Stage::kActive);
        EXPECT_EQ(p->current_room, room.id);
        EXPECT_EQ(p->language, language);
        const auto in = memberships(*p);
        ASSERT_EQ(in.size(), 1u);
        EXPECT_EQ(in[0].room, room.id);
        EXPECT_EQ(in[0].state, rooms::MembershipState::kActive);
    }
}

TEST_F(RoomLinkScenario, TheTextWorksInAnyCaseAndSpacingAndAtAnyQuestionBeforeConsent) {
    const Member gift{"260970000007", "Gift"};  // Zambia: southern-africa would be suggested
    say(gift, "  join   EAST-AFRICA  ");
    ASSERT_EQ(to(gift).size(), 1u);
    EXPECT_EQ(profile(gift.wa_id)->current_room, "east-africa");
    choose(gift, "rooms:lang:en", "English");
    EXPECT_EQ(to(gift).back().type, "text");  // the alias question, not the room list
    // Asked the alias, they scan another room's code: that room, and the alias question again (not an alias).
    clock.advance(std::chrono::seconds(10));
    say(gift, "JOIN west-africa");
    EXPECT_EQ(profile(gift.wa_id)->current_room, "west-africa");
    EXPECT_EQ(profile(gift.wa_id)->alias, "");
    EXPECT_NE(to(gift).back().text.find("You are joining West Africa & Sahel."), std::string::npos)
        << to(gift).back().text;
    say(gift, "Gift Banda");
    EXPECT_EQ(to(gift).back().options, (std::vector<std::string>{"I agree", "No"}));
    // Asked for consent: the same, the consent question again naming the room.
    clock.advance(std::chrono::seconds(10));
    say(gift, "JOIN Central Africa");
    EXPECT_EQ(profile(gift.wa_id)->current_room, "central-africa");
    EXPECT_EQ(to(gift).back().options, (std::vector<std::string>{"I agree", "No"}));
    EXPECT_NE(to(gift).back().text.find("You are joining Central Africa."), std::string::npos) << to(gift).back().text;
    choose(gift, "rooms:consent:yes", "I agree");
    EXPECT_NE(to(gift).back().text.find("Welcome to Central Africa, *Gift Banda*"), std::string::npos)
        << to(gift).back().text;
    const auto in = memberships(*profile(gift.wa_id));
    ASSERT_EQ(in.size(), 1u);  // joined once, at consent: not in the rooms they passed through
    EXPECT_EQ(in[0].room, "central-africa");
    EXPECT_FALSE(ever_offered_the_room_list(gift));

    // Already a member: the same text is the JOIN command, which moves them to that room.
    say(gift, "JOIN latin-america");
    EXPECT_EQ(profile(gift.wa_id)->current_room, "latin-america");
}

// ---- the same without the console: `delvex rooms links` ----

TEST(RoomsLinksCommand, PrintsEveryRoomsLinkAndWritesCodesThatDecodeToIt) {
    testing::TempDir dir;
    const std::string env = "DELVEX_HOME='" + std::string(DELVEX_SOURCE_DIR) + "'";
    const std::string qr = dir.file("codes");
    const auto run =
        testing::run_delvex("rooms links --number '+254 700 000 000' --qr '" + qr + "' --language pt", env);
    ASSERT_EQ(run.code, 0) << run.output;
    EXPECT_NE(run.output.find("southern-africa\tÁfrica Austral\thttps://wa.me/254700000000?text=JOIN%20southern-africa\n"),
              std::string::npos)
        << run.output;
    const auto regions = project_regions();
    for (const auto& room : regions.rooms()) {
        const std::string link = console::join_link("254700000000", console::join_text(room));
        EXPECT_NE(run.output.find(link), std::string::npos) << room.id;
        std::string why;
        EXPECT_EQ(decode(qr + "/" + room.id + ".png", &why), link) << why;
        std::ifstream svg_file(qr + "/" + room.id + ".svg");
        const std::string svg((std::istreambuf_iterator<char>(svg_file)), std::istreambuf_iterator<char>());
        EXPECT_TRUE(well_formed(svg)) << room.id;
    }
    // No number: a configuration error that says what to set.
    const auto none = testing::run_delvex("rooms links", env + " DELVEX_BUSINESS_NUMBER=");
    EXPECT_EQ(none.code, 2) << none.output;
    EXPECT_NE(none.output.find("DELVEX_BUSINESS_NUMBER"), std::string::npos) << none.output;
    const auto bad = testing::run_delvex("rooms links --number 0712-abc", env);
    EXPECT_EQ(bad.code, 2) << bad.output;
    // From the environment, as the config's business_number.
    const auto from_env = testing::run_delvex("rooms links", env + " DELVEX_BUSINESS_NUMBER=51987654321");
    EXPECT_EQ(from_env.code, 0) << from_env.output;
    EXPECT_NE(from_env.output.find("https://wa.me/51987654321?text=JOIN%20latin-america"), std::string::npos)
        << from_env.output;
}

}  // namespace
}  // namespace delvex
