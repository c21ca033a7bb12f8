#pragma once

// Chat commands in every supported language. The words come from the locale catalog (`commands.<name>`,
// '|'-separated), and a member may use the words of any language: a French speaker who types HELP is
// understood.

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "bot/core/i18n.hpp"

namespace delvex::community {

enum class Command {
    kNone,
    kStop,
    kStart,
    kMenu,
    kHelp,
    kRooms,
    kJoin,
    kLeave,
    kLive,
    kDigest,
    kMute,
    kLanguage,
    kAlias,
    kMyData,
    kForget,
    kReport,
    kYes,
    kNo,
    // moderators
    kApprove,
    kReject,
    kSilence,
    kRemove,
    kBan,
    kAnnounce,
    kAnnounceAll,
    kQueue,      ///< the held and reported posts (bot/moderation)
    kTakeDown,   ///< take a post down
    kLift,       ///< undo a hold, removal or ban
    kLog,        ///< the last moderation actions
    kAppoint,    ///< admins: make a member a moderator
    kUnappoint,  ///< admins: take the role back
};

struct ParsedCommand {
    Command command = Command::kNone;
    std::string argument;  ///< the rest of the message, as typed (trimmed)
};

/// Lower-cases ASCII, folds the accented Latin letters of French, Spanish and Portuguese to their base
/// letter, trims spaces and trailing punctuation: "  Arrêt! " → "arret".
std::string fold(std::string_view text);

class CommandTable {
public:
    /// Reads `commands.*` of every language in the catalog.
    static CommandTable from(const core::Catalog& catalog);

    /// The command a message starts with. Commands that take no argument match only the whole message
    /// ("stop" stops; "stop using mercury" is a post). A leading '/' or '#' is allowed. Words of the
    /// member's `language` win where languages disagree (French "silence" is mute). Words listed under
    /// `commands.<name>_own` count only for members of that language: Swahili "acha" stops a Swahili
    /// speaker, while in Portuguese it is an ordinary word ("sair", "baja", "alto" likewise).
    ParsedCommand parse(std::string_view text, std::string_view language = "en") const;

    /// The catalog key suffixes ("stop", "help", …) and their command.
    static const std::vector<std::pair<std::string_view, Command>>& names();

private:
    struct Phrase {
        std::vector<std::string> words;
        Command command;
        std::string language;
        bool own_only = false;  ///< from `commands.<name>_own`: a word of that language only
    };
    std::vector<Phrase> phrases_;  // longest first
};

/// Whether a command takes an argument after its words.
bool takes_argument(Command command);

}  // namespace delvex::community
