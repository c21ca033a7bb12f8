// Aliases that imitate someone (security review M-6, §12.8): hidden characters, mixed alphabets, the team's
// names in every language, and the look-alike skeleton the uniqueness check compares.

#include <gtest/gtest.h>

#include <string>

#include "bot/community/alias.hpp"
#include "bot/community/alias_spoof.hpp"
#include "bot/core/i18n.hpp"

namespace delvex::community {
namespace {

TEST(AliasSpoof, InvisibleFormatAndSpecialSpaceCharactersAreRefused) {
    for (const char* alias : {
             "Mama\u00A0Dhahabu",   // no-break space
             "Mama\u202FDhahabu",   // narrow no-break space
             "Mama\u2009Dhahabu",   // thin space
             "Mama\u3000Dhahabu",   // ideographic space
             "Mama\u200BDhahabu",   // zero-width space
             "Mama Dhahabu\u200B",  // … at the end, where nobody sees it
             "Ma\u200Dma Dhahabu",  // zero-width joiner between Latin letters
             "Ma\u200Cma Dhahabu",  // zero-width non-joiner between Latin letters
             "\u202Euhahhd amaM",   // right-to-left override
             "\u202DMama Dhahabu",  // left-to-right override
             "\u2067Mama\u2069 X",  // right-to-left isolate … pop
             "Mama\u200FDhahabu",   // right-to-left mark
             "\uFEFFMama Dhahabu",  // byte order mark
             "Mama\u00ADDhahabu",   // soft hyphen
             "Mama\u2060Dhahabu",   // word joiner
             "Mama \U000E0041X",    // tag character
             "Mama\u3164Dhahabu",   // Hangul filler, a blank letter
             "Mama\u2800Dhahabu",   // Braille blank
             "Mama\x7F Dhahabu",    // delete, a control
             "Mama \xC3\x28 X",     // invalid UTF-8
             "Mama \xC0\xAE X",     // overlong UTF-8
         }) {
        EXPECT_EQ(alias_problem(alias), "rooms.alias_hidden_chars") << alias;
    }
    // What real names and emoji need stays possible.
    for (const char* alias : {
             "Mama Dhahabu",
             "Zé",
             "Nguyễn Thị Hoa",
             "\U0001F469\u200D\U0001F33E Amina",  // 👩‍🌾 woman farmer: a ZWJ sequence
             "\u2764\uFE0F Juma",                 // ❤️ with the emoji style selector
             "\u0639\u0644\u06CC\u200C\u0631\u0636\u0627",  // علی‌رضا: Persian needs the non-joiner
             "Juma \U0001F31F",
         }) {
        EXPECT_EQ(alias_problem(alias), std::nullopt) << alias;
    }
}

TEST(AliasSpoof, LatinMixedWithCyrillicOrGreekLettersIsRefused) {
    EXPECT_EQ(alias_problem("\u0410mina"), "rooms.alias_mixed_letters");       // Cyrillic А + "mina"
    EXPECT_EQ(alias_problem("M\u0430ma Dhahabu"), "rooms.alias_mixed_letters");  // Cyrillic а
    EXPECT_EQ(alias_problem("\u0391mina"), "rooms.alias_mixed_letters");       // Greek Α
    // One alphabet is fine, and Latin with a script that copies no Latin letter.
    EXPECT_EQ(alias_problem("\u0410\u043D\u043D\u0430"), std::nullopt);  // Анна
    EXPECT_EQ(alias_problem("Jean \u0662"), std::nullopt);
}

TEST(AliasSpoof, TheTeamsAndTheServicesNamesAreReservedInEveryLanguage) {
    for (const char* alias : {
             "Announcement", "ANNOUNCEMENT", "\U0001F4E2 Announcement", "\U0001F4E2 Juma", "Juma \U0001F4E3",
             "Moderator", "moderator", "Mo derator", "Moderators", "Juma Moderator", "ModeratorJuma", "Admin",
             "Admin Juma", "Juma-Admin", "Delve", "Delve Exchange", "DelveExchange", "delve exchange",
             "Delvex",
             // look-alike spellings of them
             "Moder\u0430tor",  // Cyrillic а: mixed, refused either way
             "\u041C\u041E\u0415\u0420\u0410\u0422\u041E\u0420 Juma",  // МОЕРАТОР: mixed
             "M0derator", "Adm1n", "ADMlN",
             // fr, es, pt, sw
             "Annonce", "Modérateur", "Moderateur", "Administrateur", "Anuncio", "Moderador", "Moderación",
             "Administrador", "Anúncio", "Aviso", "Moderação", "Tangazo", "Matangazo", "Msimamizi", "Usimamizi",
         }) {
        const auto problem = alias_problem(alias);
        ASSERT_TRUE(problem.has_value()) << alias;
        EXPECT_TRUE(*problem == "rooms.alias_reserved" || *problem == "rooms.alias_mixed_letters" ||
                    *problem == "rooms.alias_no_numbers")
            << alias << ": " << *problem;
    }
    EXPECT_EQ(alias_problem("Msimamizi"), "rooms.alias_reserved");
    EXPECT_EQ(alias_problem("\U0001F4E2 Juma"), "rooms.alias_reserved");
    EXPECT_EQ(alias_problem("M0derator"), "rooms.alias_reserved");
    // Names that merely start like one stay possible.
    for (const char* alias : {"Adminah", "Delvecchio", "Mama Tangawizi", "Avis", "Modesta"}) {
        EXPECT_EQ(alias_problem(alias), std::nullopt) << alias;
    }
}

TEST(AliasSpoof, LookAlikesShareOneSkeleton) {
    const auto amina = alias_skeleton("Amina");
    EXPECT_EQ(alias_skeleton("amina"), amina);
    EXPECT_EQ(alias_skeleton("\u0410mina"), amina);              // Cyrillic А
    EXPECT_EQ(alias_skeleton("\uFF21\uFF4D\uFF49\uFF4E\uFF41"), amina);  // full-width Ａｍｉｎａ
    EXPECT_EQ(alias_skeleton("Am\u0131na"), amina);             // dotless ı
    EXPECT_EQ(alias_skeleton("Asha Moyo"), alias_skeleton("\u0410\u0455\u04BB\u0430 \u041C\u043E\u0443\u043E"));
    EXPECT_EQ(alias_skeleton("Mama Gold"), alias_skeleton("mamagold"));
    EXPECT_EQ(alias_skeleton("Mamalsa"), alias_skeleton("MamaIsa"));  // small l, capital I
    EXPECT_EQ(alias_skeleton("José"), alias_skeleton("Jose"));
    EXPECT_NE(alias_skeleton("Amina"), alias_skeleton("Baraka"));
    EXPECT_NE(alias_skeleton("Miner Aai"), alias_skeleton("Miner Aal")) << "a dotted i is not an l";
    EXPECT_NE(alias_skeleton("Mama Gold"), alias_skeleton("Mama Silver"));
    EXPECT_EQ(alias_skeleton("Mama Dhahabu").find(' '), std::string::npos);
}

TEST(AliasSpoof, EveryRefusalIsWrittenInEveryLanguage) {
    const auto catalog = core::Catalog::load(std::string(DELVEX_SOURCE_DIR) + "/config/locales");
    for (const char* lang : {"en", "fr", "es", "pt", "sw"}) {
        for (const char* key : {"rooms.alias_hidden_chars", "rooms.alias_mixed_letters", "rooms.alias_reserved"}) {
            EXPECT_TRUE(catalog.has(lang, key)) << lang << " " << key;
        }
    }
}

}  // namespace
}  // namespace delvex::community
