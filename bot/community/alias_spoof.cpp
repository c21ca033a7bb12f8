#include "bot/community/alias_spoof.hpp"

// ICU (Debian libicu-dev) is used rather than tables of our own: Unicode's confusables data (UTS #39) has
// thousands of entries and changes with every Unicode version, and ICU's spoof checker is the maintained
// implementation of it (skeletons, restriction levels), with the character properties (format characters,
// default-ignorable code points, scripts, emoji) the rules below need.
#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>
#include <unicode/uscript.h>
#include <unicode/uspoof.h>

#include <algorithm>
#include <array>
#include <memory>
#include <stdexcept>
#include <vector>

namespace delvex::community {
namespace {

/// The code points of `s`, or nullopt when it is not valid UTF-8 (overlong forms, surrogates, stray bytes).
std::optional<std::u32string> decode_strict(std::string_view s) {
    std::u32string out;
    std::size_t i = 0;
    while (i < s.size()) {
        const auto b0 = static_cast<unsigned char>(s[i]);
        std::size_t n = 0;
        char32_t cp = 0;
        char32_t min = 0;
        if (b0 < 0x80) {
            n = 1;
            cp = b0;
        } else if ((b0 & 0xE0) == 0xC0) {
            n = 2;
            cp = b0 & 0x1Fu;
            min = 0x80;
        } else if ((b0 & 0xF0) == 0xE0) {
            n = 3;
            cp = b0 & 0x0Fu;
            min = 0x800;
        } else if ((b0 & 0xF8) == 0xF0) {
            n = 4;
            cp = b0 & 0x07u;
            min = 0x10000;
        } else {
            return std::nullopt;
        }
        if (i + n > s.size()) {
            return std::nullopt;
        }
        for (std::size_t k = 1; k < n; ++k) {
            const auto b = static_cast<unsigned char>(s[i + k]);
            if ((b & 0xC0) != 0x80) {
                return std::nullopt;
            }
            cp = (cp << 6) | (b & 0x3Fu);
        }
        if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
            return std::nullopt;
        }
        out += cp;
        i += n;
    }
    return out;
}

UChar32 as_uchar(char32_t cp) {
    return static_cast<UChar32>(cp);
}

bool has(char32_t cp, UProperty property) {
    return u_hasBinaryProperty(as_uchar(cp), property) != 0;
}

/// Scripts whose spelling needs a zero-width joiner or non-joiner between two of their letters (Arabic and
/// Persian word forms, Indic conjuncts). Anywhere else a joiner only hides something.
bool joiner_script(UScriptCode script) {
    static constexpr std::array kScripts = {
        USCRIPT_ARABIC,  USCRIPT_SYRIAC, USCRIPT_DEVANAGARI, USCRIPT_BENGALI, USCRIPT_GURMUKHI,
        USCRIPT_GUJARATI, USCRIPT_ORIYA, USCRIPT_TAMIL,      USCRIPT_TELUGU,  USCRIPT_KANNADA,
        USCRIPT_MALAYALAM, USCRIPT_SINHALA, USCRIPT_MYANMAR,  USCRIPT_KHMER,
    };
    return std::find(kScripts.begin(), kScripts.end(), script) != kScripts.end();
}

UScriptCode script_of(char32_t cp) {
    UErrorCode status = U_ZERO_ERROR;
    const UScriptCode script = uscript_getScript(as_uchar(cp), &status);
    return U_SUCCESS(status) ? script : USCRIPT_INVALID_CODE;
}

/// An emoji that can start or end a ZWJ sequence (👩‍🌾), looking back over skin tones and the emoji style
/// selector that may follow it.
bool pictograph_before(const std::u32string& cps, std::size_t i) {
    while (i > 0) {
        const char32_t cp = cps[i - 1];
        if (cp == 0xFE0F || has(cp, UCHAR_EMOJI_MODIFIER)) {
            --i;
            continue;
        }
        return has(cp, UCHAR_EXTENDED_PICTOGRAPHIC);
    }
    return false;
}

/// A format or variation character that a real name or emoji needs where it stands.
bool needed_here(const std::u32string& cps, std::size_t i) {
    const char32_t cp = cps[i];
    const bool first = i == 0;
    const bool last = i + 1 == cps.size();
    if (cp == 0xFE0F || cp == 0xFE0E) {  // text or emoji style of the character before (❤️)
        return !first && has(cps[i - 1], UCHAR_EMOJI);
    }
    if (cp != 0x200D && cp != 0x200C) {
        return false;
    }
    if (first || last) {
        return false;
    }
    if (cp == 0x200D && pictograph_before(cps, i) && has(cps[i + 1], UCHAR_EXTENDED_PICTOGRAPHIC)) {
        return true;
    }
    const UScriptCode before = script_of(cps[i - 1]);
    return before == script_of(cps[i + 1]) && joiner_script(before);
}

/// Renders as nothing or as a plain space, or reorders what follows: U+0020 is the only space allowed.
bool hidden(const std::u32string& cps, std::size_t i) {
    const char32_t cp = cps[i];
    if (cp == U' ') {
        return false;
    }
    // Blank letters and patterns that are not format characters but show as an empty space.
    if (cp == 0x2800 || cp == 0x3164 || cp == 0xFFA0 || cp == 0x115F || cp == 0x1160) {
        return true;
    }
    const auto type = static_cast<UCharCategory>(u_charType(as_uchar(cp)));
    const bool suspect = has(cp, UCHAR_DEFAULT_IGNORABLE_CODE_POINT) || type == U_SPACE_SEPARATOR ||
                         type == U_LINE_SEPARATOR || type == U_PARAGRAPH_SEPARATOR || type == U_CONTROL_CHAR ||
                         type == U_FORMAT_CHAR || type == U_PRIVATE_USE_CHAR || type == U_SURROGATE ||
                         type == U_UNASSIGNED;
    return suspect && !needed_here(cps, i);
}

struct Checker {
    USpoofChecker* spoof = nullptr;
    const icu::Normalizer2* nfkc = nullptr;
    const icu::Normalizer2* nfkc_casefold = nullptr;

    Checker() {
        UErrorCode status = U_ZERO_ERROR;
        spoof = uspoof_open(&status);
        // Moderately restrictive (UTS #39 §5.2): Latin with one other recommended script is fine (a Swahili
        // nickname with an Arabic one), but not Latin with Cyrillic or Greek, whose letters copy Latin ones.
        uspoof_setChecks(spoof, USPOOF_RESTRICTION_LEVEL | USPOOF_INVISIBLE, &status);
        uspoof_setRestrictionLevel(spoof, USPOOF_MODERATELY_RESTRICTIVE);
        nfkc = icu::Normalizer2::getNFKCInstance(status);
        nfkc_casefold = icu::Normalizer2::getNFKCCasefoldInstance(status);
        if (U_FAILURE(status)) {
            throw std::runtime_error(std::string("ICU spoof checker unavailable: ") + u_errorName(status));
        }
    }
    ~Checker() { uspoof_close(spoof); }
    Checker(const Checker&) = delete;
    Checker& operator=(const Checker&) = delete;

    icu::UnicodeString skeleton(const icu::UnicodeString& s) const {
        UErrorCode status = U_ZERO_ERROR;
        icu::UnicodeString out;
        uspoof_getSkeletonUnicodeString(spoof, 0, s, out, &status);
        return U_SUCCESS(status) ? out : s;
    }
    icu::UnicodeString normalize(const icu::Normalizer2* n, const icu::UnicodeString& s) const {
        UErrorCode status = U_ZERO_ERROR;
        icu::UnicodeString out = n->normalize(s, status);
        return U_SUCCESS(status) ? out : s;
    }
};

// ICU's checker may be used by many threads at once once it is configured (uspoof.h, "thread safety").
const Checker& checker() {
    static const Checker instance;
    return instance;
}

/// The team's and the service's names in en, fr, es, pt and sw, as members would see them in a header
/// ("📢 Anuncio · …", "Moderación de Delve Exchange"), compared by skeleton.
constexpr std::array<std::string_view, 37> kReserved = {
    // the service
    "Delve", "Delve Exchange", "Delvex",
    // announcements (the bot's announcement header in each language: 📢 Announcement · room)
    "Announcement", "Announcements", "Annonce", "Annonces", "Anuncio", "Anuncios", "Anúncio", "Anúncios",
    "Aviso", "Avisos", "Tangazo", "Matangazo",
    // moderators and moderation
    "Moderator", "Moderators", "Moderation", "Modérateur", "Modératrice", "Modération", "Moderador",
    "Moderadora", "Moderación", "Moderação", "Msimamizi", "Wasimamizi", "Usimamizi",
    // administrators
    "Admin", "Admins", "Administrator", "Administrateur", "Administratrice", "Administrador", "Administradora",
    "Mkurugenzi", "Wakurugenzi",
};

/// Reserved names this long (in characters) are refused also at the start or end of an alias with no space
/// ("ModeratorJuma", "JumaMatangazo"); shorter ones ("Admin", "Delve", "Aviso") only as a whole word, so that
/// "Adminah" or "Delvecchio" stay possible.
constexpr std::size_t kAffixMin = 6;

/// The key reserved names are compared in: the skeleton with i and l one letter ("ADMIN", "Adm1n" and "ADMlN"
/// all read as Admin). Only for the team's names: between members' aliases it would make "Ali" and "All" one.
std::string reserved_key(std::string_view text) {
    std::string key = alias_skeleton(text);
    std::replace(key.begin(), key.end(), 'i', 'l');
    return key;
}

struct Reserved {
    std::vector<std::string> keys;
    std::vector<std::string> affix_keys;  ///< of the names of kAffixMin characters or more
};

const Reserved& reserved() {
    static const Reserved r = [] {
        Reserved out;
        for (const auto name : kReserved) {
            out.keys.push_back(reserved_key(name));
            if (decode_strict(name).value_or(std::u32string()).size() >= kAffixMin) {
                out.affix_keys.push_back(out.keys.back());
            }
        }
        return out;
    }();
    return r;
}

bool word_char(char32_t cp) {
    const auto type = static_cast<UCharCategory>(u_charType(as_uchar(cp)));
    return has(cp, UCHAR_ALPHABETIC) || type == U_NON_SPACING_MARK || type == U_COMBINING_SPACING_MARK ||
           type == U_ENCLOSING_MARK;
}

std::string to_utf8(const std::u32string& cps) {
    icu::UnicodeString u;
    for (const char32_t cp : cps) {
        u.append(as_uchar(cp));
    }
    std::string out;
    u.toUTF8String(out);
    return out;
}

bool is_reserved(const std::u32string& cps, std::string_view alias) {
    for (const char32_t cp : cps) {
        if (cp == 0x1F4E2 || cp == 0x1F4E3) {  // 📢 📣: the bot's announcements start with 📢
            return true;
        }
    }
    const auto& keys = reserved().keys;
    const std::string whole = reserved_key(alias);
    if (std::find(keys.begin(), keys.end(), whole) != keys.end()) {
        return true;
    }
    for (const auto& key : reserved().affix_keys) {
        if (whole.starts_with(key) || whole.ends_with(key)) {
            return true;
        }
    }
    std::u32string word;
    auto word_reserved = [&] {
        const bool hit = !word.empty() && std::find(keys.begin(), keys.end(), reserved_key(to_utf8(word))) != keys.end();
        word.clear();
        return hit;
    };
    for (const char32_t cp : cps) {
        if (word_char(cp)) {
            word += cp;
        } else if (word_reserved()) {
            return true;
        }
    }
    return word_reserved();
}

}  // namespace

std::string alias_skeleton(std::string_view alias) {
    const Checker& c = checker();
    const auto in = icu::UnicodeString::fromUTF8(icu::StringPiece(alias.data(), static_cast<int32_t>(alias.size())));
    // Skeleton before folding case too: capital I and small l are the same shape, and only the skeleton of the
    // original letters knows it (folding first would turn I into i).
    const auto folded = c.normalize(c.nfkc_casefold, c.skeleton(c.normalize(c.nfkc, in)));
    // The skeleton is decomposed (NFD): dropping the accents of Latin, Greek and Cyrillic letters makes "José"
    // and "Jose", "Modérateur" and "Moderateur" one name. Marks of other scripts (Indic vowel signs) are letters
    // in all but name and stay.
    const icu::UnicodeString skeleton = c.skeleton(folded);
    icu::UnicodeString bare;
    for (int32_t i = 0; i < skeleton.length(); ++i) {
        const char16_t unit = skeleton.charAt(i);
        if (unit < 0x0300 || unit > 0x036F) {
            bare.append(unit);
        }
    }
    std::string out;
    bare.toUTF8String(out);
    std::string key;
    for (const char ch : out) {
        if (ch != ' ') {
            key += ch;
        }
    }
    return key;
}

std::optional<std::string> alias_spoof_problem(std::string_view alias) {
    const auto cps = decode_strict(alias);
    if (!cps) {
        return "rooms.alias_hidden_chars";
    }
    for (std::size_t i = 0; i < cps->size(); ++i) {
        if (hidden(*cps, i)) {
            return "rooms.alias_hidden_chars";
        }
    }
    UErrorCode status = U_ZERO_ERROR;
    const auto u = icu::UnicodeString::fromUTF8(icu::StringPiece(alias.data(), static_cast<int32_t>(alias.size())));
    const int32_t found = uspoof_check2UnicodeString(checker().spoof, u, nullptr, &status);
    if (U_FAILURE(status)) {
        return "rooms.alias_hidden_chars";
    }
    if ((found & USPOOF_INVISIBLE) != 0) {
        return "rooms.alias_hidden_chars";  // the same accent stacked twice
    }
    if ((found & USPOOF_RESTRICTION_LEVEL) != 0) {
        return "rooms.alias_mixed_letters";
    }
    if (is_reserved(*cps, alias)) {
        return "rooms.alias_reserved";
    }
    return std::nullopt;
}

}  // namespace delvex::community
