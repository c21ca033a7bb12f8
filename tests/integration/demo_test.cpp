// `delvex demo` driven by a script on standard input, as a newcomer's terminal would be.

#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdio>
#include <fstream>
#include <sstream>

#include "tests/support/harness.hpp"

namespace delvex {
namespace {

std::string run_demo(const testing::TempDir& dir, const std::string& script, int& exit_code) {
    const auto input = dir.file("script.txt");
    std::ofstream(input) << script;
    const std::string command = "cd " + dir.path() + " && DELVEX_HOME=" + DELVEX_SOURCE_DIR + " timeout 60 " +
                                DELVEX_BINARY + " demo --fresh --db " + dir.file("demo.db") + " < " + input +
                                " 2>" + dir.file("stderr.txt");
    std::string output;
    FILE* pipe = ::popen(command.c_str(), "r");
    if (pipe == nullptr) {
        return output;
    }
    char buffer[4096];
    while (std::fgets(buffer, sizeof buffer, pipe) != nullptr) {
        output += buffer;
    }
    const int status = ::pclose(pipe);
    exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return output;
}

TEST(Demo, TwoSimulatedMembersAreWelcomedInTheirLanguagesFromAScript) {
    testing::TempDir dir;
    int code = -1;
    const auto out = run_demo(dir,
                              "hello\n"
                              "/as +243810000002 Jean\n"
                              "bonjour\n"
                              "/as +51987000003 Rosa\n"
                              "hola\n"
                              "/quit\n",
                              code);
    EXPECT_EQ(code, 0) << out;
    EXPECT_NE(out.find("[Amina] > hello"), std::string::npos) << out;
    EXPECT_NE(out.find("[bot → Amina] Karibu Delve Exchange, Amina!"), std::string::npos) << out;
    EXPECT_NE(out.find("[bot → Jean] Bienvenue sur Delve Exchange, Jean"), std::string::npos) << out;
    EXPECT_NE(out.find("[bot → Rosa] ¡Bienvenido a Delve Exchange, Rosa!"), std::string::npos) << out;
    // The order of the transcript follows the script: each answer comes before the next line is read.
    EXPECT_LT(out.find("Karibu"), out.find("[Jean] > bonjour")) << out;
    EXPECT_LT(out.find("Bienvenue"), out.find("[Rosa] > hola")) << out;
    // Apart from the echo of what was typed, full numbers never appear, only their last digits.
    std::istringstream lines(out);
    for (std::string line; std::getline(lines, line);) {
        if (line.find("] > ") == std::string::npos) {
            EXPECT_EQ(line.find("243810000002"), std::string::npos) << line;
            EXPECT_EQ(line.find("51987000003"), std::string::npos) << line;
        }
    }
}

TEST(Demo, KeepsTheConversationAcrossRuns) {
    testing::TempDir dir;
    int code = -1;
    run_demo(dir, "hello\n", code);
    ASSERT_EQ(code, 0);
    // Without --fresh the second run finds Amina already a member: no second welcome.
    const auto input = dir.file("again.txt");
    std::ofstream(input) << "hello again\n";
    const std::string command = "cd " + dir.path() + " && DELVEX_HOME=" + DELVEX_SOURCE_DIR + " timeout 60 " +
                                DELVEX_BINARY + " demo --db " + dir.file("demo.db") + " < " + input + " 2>/dev/null";
    FILE* pipe = ::popen(command.c_str(), "r");
    ASSERT_NE(pipe, nullptr);
    std::string out;
    char buffer[4096];
    while (std::fgets(buffer, sizeof buffer, pipe) != nullptr) {
        out += buffer;
    }
    EXPECT_EQ(::pclose(pipe), 0);
    EXPECT_NE(out.find("[Amina] > hello again"), std::string::npos) << out;
    EXPECT_EQ(out.find("Karibu"), std::string::npos) << out;
}

TEST(Demo, TwoSimulatedMembersJoinOneRoomAndTalk) {
    testing::TempDir dir;
    int code = -1;
    // Choices are answered by number: language (the guess comes first, English second), room (the one
    // suggested for the number first), then a name and the consent button.
    const auto out = run_demo(dir,
                              "hello\n2\n1\nMama Dhahabu\n1\n"
                              "/as +255700000002 Baraka\n"
                              "hi\n2\n1\nBaraka\n1\n"
                              "/as +254700000001 Amina\n"
                              "Who is going to the forum on Thursday?\n"
                              "/as +255700000002 Baraka\n"
                              "I am, with two friends.\n"
                              "/quit\n",
                              code);
    EXPECT_EQ(code, 0) << out;
    EXPECT_NE(out.find("[bot → Amina] Welcome to East Africa, *Mama Dhahabu*!"), std::string::npos) << out;
    EXPECT_NE(out.find("[bot → Baraka] *Mama Dhahabu* · East Africa\nWho is going to the forum on Thursday?"),
              std::string::npos)
        << out;
    EXPECT_NE(out.find("[bot → Amina] *Baraka* · East Africa\nI am, with two friends."), std::string::npos) << out;
    EXPECT_LT(out.find("Who is going"), out.find("[Baraka] > I am")) << out;
}

TEST(Demo, AMemberSendsAPhotoAndAVoiceNoteAndTheOtherSeesWhatArrives) {
    testing::TempDir dir;
    std::ofstream(dir.file("pit.jpg"), std::ios::binary) << std::string(3000, '\xFF');
    std::ofstream(dir.file("note.ogg"), std::ios::binary) << "OggS" << std::string(900, 'v');
    int code = -1;
    const auto out = run_demo(dir,
                              "hello\n2\n1\nMama Dhahabu\n1\n"
                              "/as +255700000002 Baraka\n"
                              "hi\n2\n1\nBaraka\n1\n"
                              "/as +254700000001 Amina\n"
                              "/photo pit.jpg Gold at the pit today\n"
                              "/voice note.ogg\n"
                              "/photo notes.txt\n"
                              "/quit\n",
                              code);
    EXPECT_EQ(code, 0) << out;
    EXPECT_NE(out.find("[bot → Baraka] (image, image/jpeg, 3 KB) *Mama Dhahabu* · East Africa\nGold at the pit today"),
              std::string::npos)
        << out;
    EXPECT_NE(out.find("[bot → Baraka] *Mama Dhahabu* · East Africa\n🎤 voice message"), std::string::npos) << out;
    EXPECT_NE(out.find("[bot → Baraka] (audio, audio/ogg, 904 B)"), std::string::npos) << out;
    EXPECT_NE(out.find("(demo) cannot send 'notes.txt': use a .jpg or .png photo"), std::string::npos) << out;
    EXPECT_EQ(out.find("[bot → Amina] (image"), std::string::npos) << out;  // not her own photo back
}

}  // namespace
}  // namespace delvex
