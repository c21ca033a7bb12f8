// The onboarding gate's steps without a database: language → room → alias → consent, a question not asked
// twice in a row, taps and typed answers alike.

#include <gtest/gtest.h>

#include "bot/rooms/onboarding.hpp"

namespace delvex::rooms {
namespace {

using Action = OnboardingStep::Action;

community::Regions regions() {
    community::Room east;
    east.id = "east-africa";
    east.names = {{"en", "East Africa"}, {"sw", "Afrika Mashariki"}};
    east.time_zone = "Africa/Nairobi";
    community::Room west;
    west.id = "west-africa";
    west.names = {{"en", "West Africa"}, {"fr", "Afrique de l'Ouest"}};
    west.time_zone = "Africa/Accra";
    return community::Regions::from({east, west});
}

OnboardingInput at(Stage stage) {
    OnboardingInput in;
    in.stage = stage;
    return in;
}

TEST(RoomsOnboarding, TheLanguageComesFromATapOrTypedWordsInAnyForm) {
    const auto r = regions();
    auto in = at(Stage::kLanguage);
    in.reply_id = "rooms:lang:sw";
    auto s = onboarding_step(r, in);
    EXPECT_EQ(s.action, Action::kSetLanguage);
    EXPECT_EQ(s.language, "sw");
    EXPECT_EQ(s.next, Stage::kRoom);
    for (const char* typed : {"Français", "francais", "FRENCH", " fr "}) {
        in = at(Stage::kLanguage);
        in.typed = typed;
        s = onboarding_step(r, in);
        EXPECT_EQ(s.action, Action::kSetLanguage) << typed;
        EXPECT_EQ(s.language, "fr") << typed;
    }
    // Imported members have a room already: the alias next, or consent when they have one too.
    in = at(Stage::kLanguage);
    in.reply_id = "rooms:lang:pt";
    in.has_room = true;
    EXPECT_EQ(onboarding_step(r, in).next, Stage::kAlias);
    in.has_alias = true;
    EXPECT_EQ(onboarding_step(r, in).next, Stage::kConsent);
}

TEST(RoomsOnboarding, AMessageThatDoesNotAnswerGetsTheQuestionAgainButNotTwiceInARow) {
    const auto r = regions();
    for (const Stage stage : {Stage::kLanguage, Stage::kRoom, Stage::kConsent}) {
        auto in = at(stage);
        in.typed = "I am Juma from Geita";
        const auto again = onboarding_step(r, in).action;
        EXPECT_TRUE(again == Action::kAskLanguage || again == Action::kAskRoom || again == Action::kAskConsent);
        in.asked_recently = true;
        EXPECT_EQ(onboarding_step(r, in).action, Action::kNothing);
    }
    auto in = at(Stage::kLanguage);
    in.reply_id = "rooms:lang:xx";  // a forged tap
    EXPECT_EQ(onboarding_step(r, in).action, Action::kAskLanguage);
}

TEST(RoomsOnboarding, TheRoomComesFromATapItsNumberOrItsNameInAnyLanguage) {
    const auto r = regions();
    auto in = at(Stage::kRoom);
    in.reply_id = "rooms:room:west-africa";
    auto s = onboarding_step(r, in);
    EXPECT_EQ(s.action, Action::kJoinRoom);
    ASSERT_NE(s.room, nullptr);
    EXPECT_EQ(s.room->id, "west-africa");
    EXPECT_EQ(s.next, Stage::kAlias);
    for (const char* typed : {"1", "east africa", "Afrika Mashariki", "EAST-AFRICA"}) {
        in = at(Stage::kRoom);
        in.typed = typed;
        s = onboarding_step(r, in);
        ASSERT_NE(s.room, nullptr) << typed;
        EXPECT_EQ(s.room->id, "east-africa") << typed;
    }
    in = at(Stage::kRoom);
    in.typed = "3";  // no third room
    EXPECT_EQ(onboarding_step(r, in).action, Action::kAskRoom);
    in.reply_id = "rooms:room:north-pole";
    in.typed.clear();
    EXPECT_EQ(onboarding_step(r, in).action, Action::kAskRoom);
}

TEST(RoomsOnboarding, TheAliasIsTidiedAndAProblemIsNamed) {
    const auto r = regions();
    auto in = at(Stage::kAlias);
    EXPECT_EQ(onboarding_step(r, in).action, Action::kAskAlias);  // a photo, a tap: the question again
    in.typed = "  Mama   Dhahabu ";
    auto s = onboarding_step(r, in);
    EXPECT_EQ(s.action, Action::kTryAlias);
    EXPECT_EQ(s.alias, "Mama Dhahabu");
    EXPECT_FALSE(s.alias_problem);
    EXPECT_EQ(s.next, Stage::kConsent);
    in.typed = "+254 700 000 001";
    s = onboarding_step(r, in);
    EXPECT_EQ(s.action, Action::kTryAlias);
    EXPECT_TRUE(s.alias_problem);
}

TEST(RoomsOnboarding, ConsentIsATapOrAYesInTheMembersWords) {
    const auto r = regions();
    auto in = at(Stage::kConsent);
    in.reply_id = "rooms:consent:yes";
    EXPECT_EQ(onboarding_step(r, in).action, Action::kConsent);
    EXPECT_EQ(onboarding_step(r, in).next, Stage::kActive);
    in.reply_id = "rooms:consent:no";
    EXPECT_EQ(onboarding_step(r, in).action, Action::kDecline);
    in = at(Stage::kConsent);
    in.yes = true;
    EXPECT_EQ(onboarding_step(r, in).action, Action::kConsent);
    in = at(Stage::kConsent);
    in.no = true;
    EXPECT_EQ(onboarding_step(r, in).action, Action::kDecline);
    EXPECT_EQ(onboarding_step(r, at(Stage::kActive)).action, Action::kNothing);
}

// A room's wa.me link pre-fills "JOIN <room id>": the newcomer's first message names the room.
OnboardingInput joining(Stage stage, const char* argument) {
    auto in = at(stage);
    in.typed = std::string("JOIN ") + argument;
    in.join = true;
    in.join_argument = argument;
    return in;
}

TEST(RoomsOnboarding, ARoomsLinkChoosesTheRoomAtAnyStageAndTheRoomIsNotAskedAgain) {
    const auto r = regions();
    // The first message of a newcomer: the room is theirs, the language question comes (again), and once the
    // language is chosen the room is known (the alias comes next, not the room).
    auto in = joining(Stage::kLanguage, "east-africa");
    auto s = onboarding_step(r, in);
    EXPECT_EQ(s.action, Action::kPickRoom);
    ASSERT_NE(s.room, nullptr);
    EXPECT_EQ(s.room->id, "east-africa");
    EXPECT_EQ(s.next, Stage::kLanguage);
    in.asked_recently = true;  // tapped twice: still the room, still answered
    EXPECT_EQ(onboarding_step(r, in).action, Action::kPickRoom);
    // By its name in any language too, in any case and spacing.
    for (const char* name : {"Afrique de l'Ouest", "WEST-AFRICA", "  west   africa "}) {
        in = joining(Stage::kLanguage, name);
        s = onboarding_step(r, in);
        ASSERT_NE(s.room, nullptr) << name;
        EXPECT_EQ(s.room->id, "west-africa") << name;
    }
    // Asked the alias or consent: never read as an alias, the room changes, the same question again.
    for (const Stage stage : {Stage::kAlias, Stage::kConsent}) {
        s = onboarding_step(r, joining(stage, "west-africa"));
        EXPECT_EQ(s.action, Action::kPickRoom);
        EXPECT_EQ(s.next, stage);
    }
    // Asked the room: joined at once, as a tap would.
    s = onboarding_step(r, joining(Stage::kRoom, "east-africa"));
    EXPECT_EQ(s.action, Action::kJoinRoom);
    EXPECT_EQ(s.next, Stage::kAlias);
    s = onboarding_step(r, joining(Stage::kRoom, "2"));  // the list's number, once the list was shown
    ASSERT_NE(s.room, nullptr);
    EXPECT_EQ(s.room->id, "west-africa");
}

TEST(RoomsOnboarding, AJoinThatNamesNoRoomIsAnOrdinaryAnswer) {
    const auto r = regions();
    // A number means nothing to a newcomer who has seen no list.
    EXPECT_EQ(onboarding_step(r, joining(Stage::kLanguage, "1")).action, Action::kAskLanguage);
    EXPECT_EQ(onboarding_step(r, joining(Stage::kLanguage, "north-pole")).action, Action::kAskLanguage);
    // At the alias question, "Join Mashariki" names no room: it is the alias they want.
    auto in = joining(Stage::kAlias, "Mashariki");
    const auto s = onboarding_step(r, in);
    EXPECT_EQ(s.action, Action::kTryAlias);
    EXPECT_EQ(s.alias, "JOIN Mashariki");
    // An active member's JOIN is the rooms' command, not onboarding's.
    EXPECT_EQ(onboarding_step(r, joining(Stage::kActive, "east-africa")).action, Action::kNothing);
}

}  // namespace
}  // namespace delvex::rooms
