// libFuzzer target: what members and staff type into the rooms — chat commands in five languages, aliases,
// and the members CSV (`delvex members import`).
// Invariants: nothing throws but CsvError from the CSV reader; a record's line is never past the text's
// last line; a command's argument is a suffix of what was typed; an accepted alias is 2–24 characters and
// its comparison key holds no space; folding is idempotent.

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "bot/community/alias.hpp"
#include "bot/community/commands.hpp"
#include "bot/community/csv.hpp"
#include "bot/core/i18n.hpp"

namespace community = delvex::community;

namespace {

void fail(const char* what) {
    std::fprintf(stderr, "fuzz_community: invariant broken: %s\n", what);
    std::abort();
}

const community::CommandTable& table() {
    static const auto t = community::CommandTable::from(
        delvex::core::Catalog::load(std::string(DELVEX_SOURCE_DIR) + "/config/locales"));
    return t;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);

    // Lines as the reader counts them: LF, CRLF, or a lone CR (old spreadsheet exports) each end one.
    std::size_t lines = 1;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '\n' || (text[i] == '\r' && (i + 1 == text.size() || text[i + 1] != '\n'))) {
            ++lines;
        }
    }
    try {
        for (const auto& record : community::parse_csv(text)) {
            if (record.line == 0 || record.line > lines) {
                fail("CSV record line out of range");
            }
        }
    } catch (const community::CsvError& e) {
        if (e.line == 0 || e.line > lines) {
            fail("CSV error line out of range");
        }
    }

    for (const char* lang : {"en", "fr", "sw"}) {
        const auto parsed = table().parse(text, lang);
        if (!parsed.argument.empty() && text.find(parsed.argument) == std::string_view::npos) {
            fail("command argument is not part of the text");
        }
    }
    const auto folded = community::fold(text);
    if (community::fold(folded) != folded) {
        fail("fold is not idempotent");
    }

    const auto alias = community::tidy_alias(text);
    if (!community::alias_problem(alias)) {
        const auto n = community::utf8_length(alias);
        if (n < 2 || n > 24) {
            fail("accepted alias of a bad length");
        }
        if (community::alias_key(alias).find(' ') != std::string::npos) {
            fail("alias key holds a space");
        }
    }
    return 0;
}
