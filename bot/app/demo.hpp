#pragma once

#include <istream>
#include <ostream>
#include <string>

namespace delvex::app {

struct DemoOptions {
    std::string db_path = "delvex-demo.db";
    std::string member = "254700000001";  ///< a fake Kenyan number
    std::string name = "Amina";
    bool fresh = false;
};

/// `delvex demo`: the real service (webhook endpoint, SQLite file, consumer, sender) wired to an in-process
/// fake Graph API, with a WhatsApp simulator on the terminal. Lines typed (or piped in) are posted to
/// /webhook as signed payloads from the current simulated member; what the bot sends is printed as chat,
/// buttons and lists as numbered choices answered by number. Commands: /as NUMBER [NAME], /help, /quit.
/// After each line it waits until the bot has nothing left to do, so a script's transcript is stable.
int run_demo(const DemoOptions& options, std::istream& in, std::ostream& out);

}  // namespace delvex::app
