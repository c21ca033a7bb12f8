#include "bot/community/commands.hpp"

#include <algorithm>
#include <array>

namespace delvex::community {
namespace {

// Two-byte UTF-8 Latin-1 letters (after 0xC3) folded to ASCII.
char fold_latin1(unsigned char second) {
    static constexpr std::array<std::pair<std::string_view, char>, 10> kGroups = {{
        {"\x80\x81\x82\x83\x84\x85\xa0\xa1\xa2\xa3\xa4\xa5", 'a'},
        {"\x87\xa7", 'c'},
        {"\x88\x89\x8a\x8b\xa8\xa9\xaa\xab", 'e'},
        {"\x8c\x8d\x8e\x8f\xac\xad\xae\xaf", 'i'},
        {"\x91\xb1", 'n'},
        {"\x92\x93\x94\x95\x96\xb2\xb3\xb4\xb5\xb6", 'o'},
        {"\x99\x9a\x9b\x9c\xb9\xba\xbb\xbc", 'u'},
        {"\x9d\xbd\xbf", 'y'},
        {"\x9f", 's'},
        {"\x86\xa6", 'a'},
    }};
    for (const auto& [bytes, base] : kGroups) {
        if (bytes.find(static_cast<char>(second)) != std::string_view::npos) {
            return base;
        }
    }
    return 0;
}

std::vector<std::string> split_words(std::string_view text) {
    std::vector<std::string> out;
    std::string word;
    for (char c : text) {
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
            if (!word.empty()) {
                out.push_back(std::move(word));
                word.clear();
            }
        } else {
            word += c;
        }
    }
    if (!word.empty()) {
        out.push_back(std::move(word));
    }
    return out;
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\n' || s.front() == '\r')) {
        s.remove_prefix(1);
    }
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\n' || s.back() == '\r')) {
        s.remove_suffix(1);
    }
    return s;
}

}  // namespace

std::string fold(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        const auto c = static_cast<unsigned char>(text[i]);
        if (c == 0xC3 && i + 1 < text.size()) {
            if (char base = fold_latin1(static_cast<unsigned char>(text[i + 1])); base != 0) {
                out += base;
                ++i;
                continue;
            }
        }
        out += static_cast<char>(c < 0x80 ? std::tolower(c) : c);
    }
    // Spaces and punctuation around the words, in any mix ("stop !", "/ menu", "ok?? ").
    std::string_view v = out;
    constexpr std::string_view kTrailing = " \t\n\r.!?,";
    constexpr std::string_view kLeading = " \t\n\r/#";
    while (!v.empty() && kTrailing.find(v.back()) != std::string_view::npos) {
        v.remove_suffix(1);
    }
    while (!v.empty() && kLeading.find(v.front()) != std::string_view::npos) {
        v.remove_prefix(1);
    }
    return std::string(v);
}

const std::vector<std::pair<std::string_view, Command>>& CommandTable::names() {
    static const std::vector<std::pair<std::string_view, Command>> kNames = {
        {"stop", Command::kStop},         {"start", Command::kStart},     {"menu", Command::kMenu},
        {"help", Command::kHelp},         {"rooms", Command::kRooms},     {"join", Command::kJoin},
        {"leave", Command::kLeave},       {"live", Command::kLive},       {"digest", Command::kDigest},
        {"mute", Command::kMute},         {"language", Command::kLanguage}, {"alias", Command::kAlias},
        {"mydata", Command::kMyData},     {"forget", Command::kForget},   {"report", Command::kReport},
        {"yes", Command::kYes},           {"no", Command::kNo},           {"approve", Command::kApprove},
        {"reject", Command::kReject},     {"silence", Command::kSilence}, {"remove", Command::kRemove},
        {"ban", Command::kBan},           {"announce", Command::kAnnounce}, {"announce_all", Command::kAnnounceAll},
        {"queue", Command::kQueue},       {"takedown", Command::kTakeDown}, {"lift", Command::kLift},
        {"log", Command::kLog},           {"appoint", Command::kAppoint}, {"unappoint", Command::kUnappoint},
    };
    return kNames;
}

bool takes_argument(Command command) {
    switch (command) {
        case Command::kJoin:
        case Command::kLeave:
        case Command::kAlias:
        case Command::kApprove:
        case Command::kReject:
        case Command::kSilence:
        case Command::kRemove:
        case Command::kBan:
        case Command::kAnnounce:
        case Command::kAnnounceAll:
        case Command::kQueue:
        case Command::kTakeDown:
        case Command::kLift:
        case Command::kLog:
        case Command::kAppoint:
        case Command::kUnappoint:
            return true;
        default:
            return false;
    }
}

CommandTable CommandTable::from(const core::Catalog& catalog) {
    CommandTable table;
    for (const auto& lang : core::Catalog::supported_languages()) {
        for (const auto& [name, command] : names()) {
            for (const bool own : {false, true}) {
                const std::string key = "commands." + std::string(name) + (own ? "_own" : "");
                if (!catalog.has(lang, key)) {
                    continue;
                }
                const std::string words = catalog.text(lang, key);
                std::size_t start = 0;
                while (start <= words.size()) {
                    const auto bar = words.find('|', start);
                    const auto phrase = fold(std::string_view(words).substr(
                        start, bar == std::string::npos ? std::string::npos : bar - start));
                    if (!phrase.empty()) {
                        table.phrases_.push_back(Phrase{split_words(phrase), command, lang, own});
                    }
                    if (bar == std::string::npos) {
                        break;
                    }
                    start = bar + 1;
                }
            }
        }
    }
    // Longest phrases first, so "announce all" wins over "announce" and "forget me" over "forget".
    std::stable_sort(table.phrases_.begin(), table.phrases_.end(),
                     [](const Phrase& a, const Phrase& b) { return a.words.size() > b.words.size(); });
    return table;
}

ParsedCommand CommandTable::parse(std::string_view text, std::string_view language) const {
    // Words with where each ends in `text`; words that are only punctuation ("!", "/") are dropped.
    std::vector<std::string> folded;
    std::vector<std::size_t> ends;
    std::size_t pos = 0;
    while (pos < text.size() && folded.size() <= 200) {
        const auto start = text.find_first_not_of(" \t\n\r", pos);
        if (start == std::string_view::npos) {
            break;
        }
        auto end = text.find_first_of(" \t\n\r", start);
        if (end == std::string_view::npos) {
            end = text.size();
        }
        auto word = fold(text.substr(start, end - start));
        if (!word.empty()) {
            folded.push_back(std::move(word));
            ends.push_back(end);
        }
        pos = end;
    }
    if (folded.empty() || folded.size() > 200) {
        return {};
    }
    for (int pass = 0; pass < 2; ++pass) {
        for (const auto& phrase : phrases_) {
            if ((pass == 0) != (phrase.language == language) || (pass == 1 && phrase.own_only)) {
                continue;
            }
            const std::size_t n = phrase.words.size();
            if (folded.size() < n || !std::equal(phrase.words.begin(), phrase.words.end(), folded.begin())) {
                continue;
            }
            const bool whole = folded.size() == n;
            if (!whole && !takes_argument(phrase.command)) {
                continue;
            }
            // The argument as typed, after the command's last word.
            return ParsedCommand{phrase.command, std::string(trim(text.substr(ends[n - 1])))};
        }
    }
    return {};
}

}  // namespace delvex::community
