#include "bot/app/demo.hpp"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <map>
#include <mutex>
#include <sstream>
#include <thread>

#include "bot/app/commands.hpp"
#include "bot/app/fake_templates.hpp"
#include "bot/app/service.hpp"
#include "bot/core/crypto.hpp"
#include "bot/whatsapp/fake_graph.hpp"
#include "bot/whatsapp/signature.hpp"
#include "bot/whatsapp/wire/inbound.hpp"
#include "bot/core/text.hpp"

namespace delvex::app {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;

constexpr const char* kWabaId = "100000000000009";
constexpr const char* kDisplayNumber = "15550000000";

struct Choice {
    bool list = false;
    std::string id;
    std::string title;
};

/// What the terminal shows, shared by the reader (main thread) and the fake Graph API's thread.
class Screen {
public:
    explicit Screen(std::ostream& out) : out_(out) {}

    void say(const std::string& line) {
        std::lock_guard lock(mutex_);
        out_ << line << '\n' << std::flush;
    }

    void name_member(const std::string& wa_id, const std::string& name) {
        std::lock_guard lock(mutex_);
        names_[wa_id] = name;
    }

    /// `media`: what the fake holds for a photo, voice note or file sent to the member (its type and size).
    void show(const whatsapp::RecordedMessage& m, const std::optional<whatsapp::FakeMediaInfo>& media = std::nullopt) {
        std::lock_guard lock(mutex_);
        std::string to = m.recipient;
        if (!to.empty() && to.front() == '+') {
            to.erase(0, 1);
        }
        const auto it = names_.find(to);
        const std::string who = it != names_.end() ? it->second : to;
        out_ << "[bot → " << who << "] ";
        std::vector<Choice> choices;
        if (const auto* b = std::get_if<core::ReplyButtons>(&m.message.body)) {
            out_ << b->body << '\n';
            for (const auto& button : b->buttons) {
                choices.push_back({false, button.id, button.title});
            }
        } else if (const auto* l = std::get_if<core::ListMessage>(&m.message.body)) {
            out_ << l->body << '\n';
            for (const auto& section : l->sections) {
                for (const auto& row : section.rows) {
                    choices.push_back({true, row.id, row.title});
                }
            }
        } else if (const auto* t = std::get_if<core::OutgoingText>(&m.message.body)) {
            out_ << t->body << '\n';
        } else if (const auto* f = std::get_if<core::OutgoingMedia>(&m.message.body)) {
            // What the member's phone would show: the file (type and size) and its caption.
            out_ << "(" << core::media_kind_name(f->kind);
            if (media) {
                out_ << ", " << media->mime_type << ", " << size_text(media->bytes);
            }
            if (!f->filename.empty()) {
                out_ << ", " << f->filename;
            }
            out_ << ")" << (f->caption.empty() ? "" : " " + f->caption) << '\n';
        } else if (const auto* place = std::get_if<core::OutgoingLocation>(&m.message.body)) {
            out_ << "(location " << place->latitude << ", " << place->longitude << ") " << place->name
                 << (place->address.empty() ? "" : " — " + place->address) << '\n';
        } else {
            out_ << "(" << m.type << ") " << m.text << '\n';
        }
        for (std::size_t i = 0; i < choices.size(); ++i) {
            out_ << "    " << (i + 1) << ". " << choices[i].title << '\n';
        }
        if (!choices.empty()) {
            choices_[to] = choices;
        }
        out_ << std::flush;
    }

    std::optional<Choice> choice(const std::string& wa_id, std::size_t number) {
        std::lock_guard lock(mutex_);
        const auto it = choices_.find(wa_id);
        if (it == choices_.end() || number == 0 || number > it->second.size()) {
            return std::nullopt;
        }
        return it->second[number - 1];
    }

private:
    static std::string size_text(std::size_t bytes) {
        if (bytes < 1024) {
            return std::to_string(bytes) + " B";
        }
        return std::to_string((bytes + 1023) / 1024) + " KB";
    }

    std::ostream& out_;
    std::mutex mutex_;
    std::map<std::string, std::string> names_;
    std::map<std::string, std::vector<Choice>> choices_;
};

/// Posts signed webhooks to the service like Meta does, over one keep-alive connection.
class MetaSimulator {
public:
    MetaSimulator(std::uint16_t port, std::string app_secret, std::string phone_number_id)
        : port_(port), signer_(std::move(app_secret)), phone_number_id_(std::move(phone_number_id)) {}

    /// Returns the HTTP status of the webhook POST.
    int post(const core::InboundMessage& message) {
        const auto body = whatsapp::wire::make_message_webhook(kWabaId, phone_number_id_, kDisplayNumber, message);
        for (int attempt = 0; attempt < 2; ++attempt) {
            try {
                if (!stream_) {
                    stream_ = std::make_unique<beast::tcp_stream>(ioc_);
                    stream_->connect(asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), port_));
                }
                bhttp::request<bhttp::string_body> req{bhttp::verb::post, "/webhook", 11};
                req.set(bhttp::field::host, "127.0.0.1");
                req.set(bhttp::field::content_type, "application/json");
                req.set("X-Hub-Signature-256", signer_.sign(body));
                req.body() = body;
                req.prepare_payload();
                stream_->expires_after(std::chrono::seconds(10));
                bhttp::write(*stream_, req);
                beast::flat_buffer buffer;
                bhttp::response<bhttp::string_body> res;
                bhttp::read(*stream_, buffer, res);
                if (!res.keep_alive()) {
                    stream_.reset();
                }
                return res.result_int();
            } catch (const std::exception&) {
                stream_.reset();  // the server closed an idle connection: reconnect once
            }
        }
        return 0;
    }

private:
    asio::io_context ioc_;
    std::unique_ptr<beast::tcp_stream> stream_;
    std::uint16_t port_;
    whatsapp::SignatureVerifier signer_;
    std::string phone_number_id_;
};

/// The type Meta would report for a file a member sends, by its name (nullopt: not one the demo can send).
std::optional<std::string> mime_of(const std::string& path, bool voice) {
    auto ext = std::filesystem::path(path).extension().string();
    for (auto& c : ext) {
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    if (voice) {
        if (ext == ".ogg" || ext == ".opus" || ext == ".oga") return "audio/ogg";
        if (ext == ".mp3") return "audio/mpeg";
        if (ext == ".m4a" || ext == ".mp4") return "audio/mp4";
        if (ext == ".aac") return "audio/aac";
        if (ext == ".amr") return "audio/amr";
        return std::nullopt;
    }
    if (ext == ".jpg" || ext == ".jpeg") return "image/jpeg";
    if (ext == ".png") return "image/png";
    return std::nullopt;
}

using core::trim;

void wait_quiet(Service& service, const whatsapp::FakeGraph& fake) {
    // The bot works asynchronously; wait (bounded) until it has applied the update and sent its answers.
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    auto sent = fake.stats().accepted;
    int stable = 0;
    while (std::chrono::steady_clock::now() < deadline && stable < 3) {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
        const auto now_sent = fake.stats().accepted;
        stable = service.quiet() && now_sent == sent ? stable + 1 : 0;
        sent = now_sent;
    }
}

}  // namespace

int run_demo(const DemoOptions& options, std::istream& in, std::ostream& out) {
    setup_logging("warn");
    const bool interactive = ::isatty(STDIN_FILENO) != 0;
    if (options.fresh) {
        for (const char* suffix : {"", "-wal", "-shm"}) {
            std::filesystem::remove(options.db_path + suffix);
        }
    }

    // One person types every simulated member: let each member's answers come in one burst (Meta allows
    // bursts of up to 45 per recipient) rather than paced one per 6 s, so the chat reads in order.
    ::setenv("DELVEX_RECIPIENT_BURST", "45", 0);

    asio::io_context fake_ioc{1};
    whatsapp::FakeGraphOptions fake_options;
    fake_options.access_token = core::random_hex(16);
    whatsapp::FakeGraph fake(fake_ioc.get_executor(), fake_options);
    fake.start();
    Screen screen(out);
    fake.on_message([&screen, &fake](const whatsapp::RecordedMessage& m) {
        std::optional<whatsapp::FakeMediaInfo> media;
        if (const auto* f = std::get_if<core::OutgoingMedia>(&m.message.body); f != nullptr && !f->source.id.empty()) {
            media = fake.media_info(f->source.id);
        }
        screen.show(m, media);
    });
    std::thread fake_thread([&fake_ioc] { fake_ioc.run(); });
    // However the demo ends (a bad config or content file throws on the way), the fake's thread is stopped and
    // joined, so the error is reported instead of the process being aborted.
    struct StopFake {
        StopFake(asio::io_context& context, std::thread& runner) : ioc(context), thread(runner) {}
        asio::io_context& ioc;
        std::thread& thread;
        StopFake(const StopFake&) = delete;
        StopFake& operator=(const StopFake&) = delete;
        ~StopFake() {
            ioc.stop();
            if (thread.joinable()) {
                thread.join();
            }
        }
    } stop_fake(fake_ioc, fake_thread);

    Config config = load_config(std::nullopt, process_env(), false);
    config.listen_host = "127.0.0.1";
    config.listen_port = 0;
    config.db_path = options.db_path;
    config.db_durable = false;
    config.log_level = "warn";
    config.graph_url = fake.base_url();
    config.phone_number_id = fake_options.phone_number_id;
    config.access_token = core::Secret(fake_options.access_token);
    config.app_secret = core::Secret(core::random_hex(16));
    config.verify_token = core::Secret(core::random_hex(16));
    // The simulated account has the project's templates, approved (as after `delvex templates push`).
    approve_project_templates(fake, delivery::TemplateMap::load(config.home + "/config/templates.yaml"));

    core::SystemClock clock;
    int code = 0;
    {
        Service service(config, clock);
        service.start();
        MetaSimulator meta(service.port(), config.app_secret.reveal(), config.phone_number_id);

        std::string member = normalize_wa_id(options.member);
        std::string name = options.name;
        screen.name_member(member, name);
        screen.say("Delve Exchange demo: a simulated WhatsApp. You are " + name + " (" + core::redact(member) +
                   "). Type a message; a number answers a choice; /as NUMBER NAME switches member; "
                   "/photo FILE and /voice FILE send media; /help; /quit.");
        std::string line;
        while (true) {
            if (interactive) {
                out << "[" << name << "] > " << std::flush;
            }
            if (!std::getline(in, line)) {
                break;
            }
            line = trim(line);
            if (line.empty()) {
                continue;
            }
            if (!interactive) {
                screen.say("[" + name + "] > " + line);
            }
            if (line == "/quit" || line == "/exit") {
                break;
            }
            if (line == "/help") {
                screen.say("/as NUMBER NAME — talk as another member (e.g. /as +243810000002 Jean)\n"
                           "/photo FILE [caption] — send a photo (.jpg, .png) as this member\n"
                           "/voice FILE — send a voice note (.ogg, .opus, .mp3, .m4a, .aac, .amr)\n"
                           "1, 2, 3… — answer the bot's numbered choices\n/quit — leave");
                continue;
            }
            if (line.starts_with("/as")) {
                std::istringstream words(line.substr(3));
                std::string number;
                words >> number;
                std::string rest;
                std::getline(words, rest);
                const auto id = normalize_wa_id(number);
                if (id.empty()) {
                    screen.say("(demo) '" + number + "' is not a phone number; try /as +254700000002 Wanjiru");
                    continue;
                }
                member = id;
                name = trim(rest).empty() ? "Member " + core::redact(id) : trim(rest);
                screen.name_member(member, name);
                screen.say("(demo) you are now " + name + " (" + core::redact(member) + ")");
                continue;
            }
            core::InboundMessage msg;
            msg.id = "wamid.demo" + core::random_hex(12);
            msg.sender.wa_id = member;
            msg.sender.profile_name = name;
            msg.timestamp = core::to_unix(clock.now());
            msg.type = core::MessageType::kText;
            msg.type_name = "text";
            msg.text = line;
            if (line.starts_with("/photo ") || line.starts_with("/voice ")) {
                // As Meta does: the member's file stays on the (fake) Graph API and the webhook carries its id.
                const bool voice = line.starts_with("/voice ");
                std::istringstream words(line.substr(7));
                std::string file;
                words >> file;
                std::string caption;
                std::getline(words, caption);
                const auto mime = mime_of(file, voice);
                std::ifstream input(file, std::ios::binary);
                std::string bytes((std::istreambuf_iterator<char>(input)), std::istreambuf_iterator<char>());
                if (!mime || bytes.empty()) {
                    screen.say(std::string("(demo) cannot send '") + file + "': " +
                               (!mime ? (voice ? "use .ogg, .opus, .mp3, .m4a, .aac or .amr"
                                               : "use a .jpg or .png photo")
                                      : "no such file, or it is empty"));
                    continue;
                }
                core::MediaRef media;
                media.id = fake.add_inbound_media(std::move(bytes), *mime);
                media.mime_type = *mime;
                media.voice = voice;
                if (!voice) {
                    media.caption = trim(caption);
                }
                msg.type = voice ? core::MessageType::kAudio : core::MessageType::kImage;
                msg.type_name = voice ? "audio" : "image";
                msg.text.clear();
                msg.media = media;
            }
            const bool numeric = line.size() <= 2 && line.find_first_not_of("0123456789") == std::string::npos;
            if (numeric) {
                if (auto c = screen.choice(member, static_cast<std::size_t>(std::stoul(line)))) {
                    msg.type = core::MessageType::kInteractive;
                    msg.type_name = "interactive";
                    msg.interactive = c->list ? core::InteractiveType::kListReply : core::InteractiveType::kButtonReply;
                    msg.reply_id = c->id;
                    msg.text = c->title;
                }
            }
            // Meta opens the member's 24 h window with this message; the fake refuses free-form replies without it.
            fake.note_inbound(member, clock.now());
            const int status = meta.post(msg);
            if (status != 200) {
                screen.say("(demo) the webhook answered " + std::to_string(status));
                code = 1;
            }
            wait_quiet(service, fake);
        }
        service.stop();
    }
    fake_ioc.stop();
    if (fake_thread.joinable()) {
        fake_thread.join();
    }
    screen.say("(demo) bye — the conversation is kept in " + options.db_path);
    return code;
}

}  // namespace delvex::app
