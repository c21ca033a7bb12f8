#include "bot/app/templates_cmd.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

#include <filesystem>
#include <map>
#include <ostream>

#include "bot/app/service.hpp"
#include "bot/core/clock.hpp"
#include "bot/delivery/templates.hpp"
#include "bot/store/account_repository.hpp"
#include "bot/store/database.hpp"
#include "bot/whatsapp/graph_client.hpp"
#include "bot/whatsapp/wire/templates.hpp"

namespace delvex::app {
namespace {

namespace asio = boost::asio;

struct Row {
    std::string name;
    std::string language;  // Meta's code
    std::string status;    // as Meta says, or MISSING
    std::string note;
};

std::string describe(const whatsapp::GraphAnswer& a) {
    if (a.transport_error) {
        return "no answer from the Graph API: " + a.transport_error.message();
    }
    if (a.error) {
        return "Graph API error " + std::to_string(a.error->code) + ": " + a.error->message;
    }
    return "unexpected answer";
}

asio::awaitable<int> work(whatsapp::GraphClient& graph, const std::string& waba, const delvex::delivery::TemplateMap& map,
                          bool push, std::vector<Row>& rows, std::string& problem) {
    // What the account has: every page of the list.
    std::map<std::pair<std::string, std::string>, std::string> have;
    std::string path = waba + "/message_templates?fields=name,language,status,category&limit=100";
    for (int page = 0; page < 100 && !path.empty(); ++page) {
        // GCC 12 mis-destroys temporaries inside co_await expressions: named locals only.
        std::string target = path;
        std::string no_body;
        auto answer = co_await graph.call(false, std::move(target), std::move(no_body));
        if (!answer.ok()) {
            problem = describe(answer);
            co_return 2;
        }
        std::string next;
        const auto listed = whatsapp::wire::parse_template_list(answer.body, &next);
        if (!listed) {
            problem = "the template list answer is not readable";
            co_return 2;
        }
        for (const auto& t : *listed) {
            have[{t.name, t.language}] = t.status;
        }
        // paging.next is a full URL; only its part after the version is ours to call.
        path.clear();
        if (const auto at = next.find("/message_templates"); at != std::string::npos) {
            path = waba + next.substr(at);
        }
    }
    int not_ready = 0;
    for (const auto& d : map.definitions()) {
        for (const auto& [lang, text] : d.texts) {
            Row row{d.name, text.language_code, "MISSING", {}};
            if (const auto it = have.find({d.name, text.language_code}); it != have.end()) {
                row.status = it->second;
            } else if (push) {
                whatsapp::wire::TemplateDefinition create;
                create.name = d.name;
                create.language = text.language_code;
                create.category = d.category;
                create.body = text.body;
                create.body_examples = text.example;
                create.quick_replies = text.buttons;
                std::string target = waba + "/message_templates";
                std::string body = whatsapp::wire::template_creation_json(create);
                auto answer = co_await graph.call(true, std::move(target), std::move(body));
                if (answer.ok()) {
                    const auto created = whatsapp::wire::parse_template_created(answer.body);
                    row.status = created && !created->status.empty() ? created->status : "PENDING";
                    row.note = "created";
                } else {
                    row.note = "not created: " + describe(answer);
                }
            }
            const bool ok = push ? row.status != "MISSING" : row.status == "APPROVED";
            not_ready += ok ? 0 : 1;
            rows.push_back(std::move(row));
        }
    }
    co_return not_ready == 0 ? 0 : 1;
}

}  // namespace

int run_templates(const EnvLookup& env, const std::optional<std::string>& config_file, bool push, std::ostream& out,
                  std::ostream& err) {
    const char* command = push ? "delvex templates push" : "delvex templates status";
    Config config;
    try {
        config = load_config(config_file, env, false);
    } catch (const ConfigError& e) {
        err << command << ": " << e.what() << '\n';
        return 2;
    }
    if (config.waba_id.empty()) {
        err << command << ": WHATSAPP_BUSINESS_ACCOUNT_ID (or whatsapp.waba_id) is missing: templates belong to "
                          "the WhatsApp Business Account\n";
        return 2;
    }
    if (config.access_token.empty()) {
        err << command << ": WHATSAPP_ACCESS_TOKEN is missing\n";
        return 2;
    }
    delivery::TemplateMap map;
    try {
        map = delivery::TemplateMap::load(config.home + "/config/templates.yaml");
    } catch (const std::exception& e) {
        err << command << ": " << e.what() << '\n';
        return 2;
    }
    asio::io_context ioc;
    whatsapp::GraphClient graph(ioc.get_executor(), graph_config_of(config));
    std::vector<Row> rows;
    std::string problem;
    auto result = asio::co_spawn(ioc, work(graph, config.waba_id, map, push, rows, problem), asio::use_future);
    ioc.run();
    const int code = result.get();
    if (code == 2) {
        err << command << ": " << problem << '\n';
        return 2;
    }
    for (const auto& r : rows) {
        out << r.name << '\t' << r.language << '\t' << r.status << (r.note.empty() ? "" : "\t" + r.note) << '\n';
    }
    // The sender reads template states from the database: record them there when it exists (never create one).
    if (std::filesystem::exists(config.db_path)) {
        try {
            store::Database db(store::DatabaseOptions{config.db_path, true, 5000, false});
            store::AccountRepository account(db.sql());
            const auto now_ms = core::to_unix_ms(core::SystemClock().now());
            for (const auto& r : rows) {
                if (r.status != "MISSING") {
                    account.set_template_status(r.name, r.language, r.status, r.note, now_ms);
                }
            }
        } catch (const std::exception& e) {
            err << command << ": could not record the states in " << config.db_path << ": " << e.what() << '\n';
        }
    }
    return code;
}

}  // namespace delvex::app
