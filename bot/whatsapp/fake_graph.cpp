#include "bot/whatsapp/fake_graph.hpp"

#include "bot/core/crypto.hpp"
#include "bot/whatsapp/errors.hpp"
#include "bot/whatsapp/fake_graph_rules.hpp"
#include "bot/whatsapp/fake_graph_support.hpp"
#include "bot/whatsapp/graph_client.hpp"
#include "bot/whatsapp/wire/inbound.hpp"
#include "bot/whatsapp/wire/outbound.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cctype>
#include <deque>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <stdexcept>

namespace delvex::whatsapp {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using Token = asio::as_tuple_t<asio::use_awaitable_t<>>;
using TcpStream = Token::as_default_on_t<beast::tcp_stream>;
using Acceptor = Token::as_default_on_t<tcp::acceptor>;
using Timer = Token::as_default_on_t<asio::steady_timer>;
using Clock = std::chrono::steady_clock;
using namespace fake;

namespace {

constexpr auto kWindow = std::chrono::hours(24);

struct Reply {
    http::status status = http::status::ok;
    std::string body;
    std::string content_type = "application/json; charset=UTF-8";
    std::string retry_after;
    bool no_answer = false;
};

Reply answer_with(http::status status, std::string body, std::string content_type = "application/json; charset=UTF-8") {
    Reply r;
    r.status = status;
    r.body = std::move(body);
    r.content_type = std::move(content_type);
    return r;
}

Reply graph_error(http::status status, std::int64_t code, std::int64_t subcode, std::string message,
                  std::string details = {}, bool transient = false, std::string user_msg = {}) {
    GraphError e;
    e.user_msg = std::move(user_msg);
    e.code = code;
    e.subcode = subcode;
    e.type = "OAuthException";
    e.message = std::move(message);
    e.details = std::move(details);
    e.is_transient = transient;
    e.fbtrace_id = "AFake" + core::random_hex(6);
    return answer_with(status, wire::error_json(e));
}

Reply fault_reply(FakeFault fault, int retry_after_seconds) {
    switch (fault) {
        case FakeFault::kServerError:
            return graph_error(http::status::internal_server_error, 131000, 0, "(#131000) Something went wrong", {},
                               true);
        case FakeFault::kWindowClosed:
            return graph_error(http::status::bad_request, 131047, 0, "(#131047) Re-engagement message",
                               "Message failed to send because more than 24 hours have passed since the customer "
                               "last replied to this number.");
        case FakeFault::kTokenExpired:
            return graph_error(http::status::unauthorized, 190, 463,
                               "Error validating access token: Session has expired.");
        case FakeFault::kThrottle: {
            Reply r = graph_error(http::status::too_many_requests, 130429, 0, "(#130429) Rate limit hit",
                                  "Cloud API message throughput has been reached.");
            r.retry_after = std::to_string(retry_after_seconds);
            return r;
        }
        case FakeFault::kPairLimit:
            return graph_error(http::status::bad_request, 131056, 0,
                               "(#131056) (Business Account, Consumer Account) pair rate limit hit");
        case FakeFault::kUndeliverable:
            return graph_error(http::status::bad_request, 131026, 0, "(#131026) Message Undeliverable.",
                               "Message failed to send because of an unknown error.");
        case FakeFault::kTimeout: {
            Reply r;
            r.no_answer = true;
            return r;
        }
        case FakeFault::kSlow:
        case FakeFault::kNone:
            break;
    }
    return {};
}

// A refilling bucket: `capacity` tokens, one more every `interval`.
struct Bucket {
    double tokens = 0;
    Clock::time_point last{};

    bool take(double capacity, std::chrono::duration<double> interval, Clock::time_point now) {
        if (last == Clock::time_point{}) {
            tokens = capacity;
        } else {
            tokens = std::min(capacity, tokens + (now - last) / interval);
        }
        last = now;
        if (tokens >= 1) {
            tokens -= 1;
            return true;
        }
        return false;
    }
};


}  // namespace

struct FakeGraph::Impl {
    asio::any_io_executor ex;
    FakeGraphOptions opt;
    std::unique_ptr<Acceptor> acceptor;
    std::uint16_t bound_port = 0;

    mutable std::mutex mu;  // guards everything below
    std::vector<RecordedMessage> messages;
    std::vector<RecordedRead> reads;
    FakeGraphStats stats;
    std::function<void(const RecordedMessage&)> callback;
    std::deque<FakeFault> scripted;
    std::mt19937_64 rng;
    Bucket number_bucket;
    std::map<std::string, Bucket> pair_buckets;
    std::map<std::string, MediaEntry> media;
    std::uint64_t next_id = 0;
    core::SystemClock system_clock;
    const core::Clock* clock = nullptr;
    std::map<std::string, core::TimePoint> last_inbound;  // member_key → their last message
    std::map<std::string, core::TimePoint> reached;       // member_key → last template outside the window
    std::vector<wire::TemplateDefinition> templates;
    std::vector<RecordedRefusal> refusals;
    std::vector<std::weak_ptr<TcpStream>> sessions;

    Impl(asio::any_io_executor executor, FakeGraphOptions options)
        : ex(std::move(executor)), opt(std::move(options)), rng(opt.seed),
          clock(opt.clock != nullptr ? opt.clock : &system_clock) {}

    // Caller holds mu.
    Reply refuse(const Refusal& r, std::string recipient, std::string path, std::string raw) {
        ++stats.refused;
        ++stats.refused_by_code[r.code];
        if (r.code == 131048) ++stats.messaging_limited;
        refusals.push_back({std::move(recipient), r.code, std::move(path), std::move(raw)});
        return graph_error(static_cast<http::status>(r.http_status), r.code, 0, r.message, r.details, false, r.user_msg);
    }

    // Caller holds mu.
    const wire::TemplateDefinition* find_template(std::string_view name, std::string_view language) const {
        for (const auto& t : templates) {
            if (t.name == name && t.language == language) return &t;
        }
        return nullptr;
    }

    // Caller holds mu.
    bool window_open(const std::string& key, core::TimePoint now) const {
        const auto it = last_inbound.find(key);
        return it != last_inbound.end() && now - it->second <= kWindow;
    }

    // Caller holds mu.
    std::size_t reached_within_day(core::TimePoint now) const {
        return static_cast<std::size_t>(std::count_if(reached.begin(), reached.end(),
                                                      [&](const auto& e) { return now - e.second < kWindow; }));
    }

    // Meta's rules for one parsed message, in the order Graph reports them. Caller holds mu.
    Verdict judge(const wire::ParsedRequest& parsed, std::string_view body, core::TimePoint now) const {
        const auto& m = parsed.message;
        if (auto v = check_message_limits(m)) return v;
        // Only a document's declared type matters (calendars); other bodies are not parsed a second time.
        const auto* doc = std::get_if<core::OutgoingMedia>(&m.body);
        const bool document = doc != nullptr && doc->kind == core::MediaKind::kDocument;
        if (auto v = check_media(m, document ? wire::declared_media_mime(body) : std::string(), media, now)) return v;
        if (const auto* t = std::get_if<core::OutgoingTemplate>(&m.body)) {
            const auto extras = wire::read_template_send_extras(body);
            if (auto v = check_template_send(*t, find_template(t->name, t->language_code),
                                             extras ? extras->quick_reply_indexes : std::vector<int>{})) {
                return v;
            }
        }
        const std::string key = member_key(m.to.id);
        if (m.to.kind == core::Recipient::Kind::kGroup) {
            return std::nullopt;  // a group's window opens with any member's message; groups are not modelled
        }
        const bool open = window_open(key, now);
        if (needs_window(m) && !open) {
            Refusal r;
            r.code = 131047;
            r.message = "(#131047) Re-engagement message";
            r.details = "Message failed to send because more than 24 hours have passed since the customer last "
                        "replied to this number.";
            return r;
        }
        if (!needs_window(m) && !open && opt.messaging_limit > 0) {
            const auto it = reached.find(key);
            const bool counted = it != reached.end() && now - it->second < kWindow;
            if (!counted && reached_within_day(now) >= opt.messaging_limit) {
                Refusal r;
                r.code = 131048;
                r.message = "(#131048) Spam rate limit hit";
                r.details = "Messaging limit reached: " + std::to_string(opt.messaging_limit) +
                            " unique users were already reached outside their customer service window in the "
                            "last 24 hours.";
                return r;
            }
        }
        return std::nullopt;
    }

    // Meta's per-message pricing of an accepted message (…/pricing; the status webhook's pricing object).
    // Caller holds mu.
    void price(RecordedMessage& record, const core::OutgoingMessage& m, bool window_was_open) const {
        std::string category = "service";
        if (const auto* t = std::get_if<core::OutgoingTemplate>(&m.body)) {
            const auto* def = find_template(t->name, t->language_code);
            category = def != nullptr ? def->category : std::string("UTILITY");
            std::transform(category.begin(), category.end(), category.begin(),
                           [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
        }
        const bool free = window_was_open && (category == "service" || category == "utility");
        record.pricing_category = category;
        record.pricing_type = free ? "free_customer_service" : "regular";
        record.billable = !free;
    }

    std::string base_url() const { return "http://127.0.0.1:" + std::to_string(bound_port); }

    FakeFault next_fault() {
        std::lock_guard lock(mu);
        if (!scripted.empty()) {
            const FakeFault f = scripted.front();
            scripted.pop_front();
            return f;
        }
        const double total = opt.percent_server_error + opt.percent_slow + opt.percent_timeout +
                             opt.percent_window_closed + opt.percent_token_expired + opt.percent_throttle;
        if (total <= 0) {
            return FakeFault::kNone;
        }
        double u = std::uniform_real_distribution<double>(0.0, 100.0)(rng);
        const std::pair<double, FakeFault> table[] = {
            {opt.percent_server_error, FakeFault::kServerError}, {opt.percent_slow, FakeFault::kSlow},
            {opt.percent_timeout, FakeFault::kTimeout},          {opt.percent_window_closed, FakeFault::kWindowClosed},
            {opt.percent_token_expired, FakeFault::kTokenExpired}, {opt.percent_throttle, FakeFault::kThrottle},
        };
        for (const auto& [percent, fault] : table) {
            if (u < percent) {
                return fault;
            }
            u -= percent;
        }
        return FakeFault::kNone;
    }

    std::string new_id() {
        std::lock_guard lock(mu);
        return std::to_string(++next_id);
    }

    bool authorized(const http::request<http::string_body>& req) const {
        return req[http::field::authorization] == "Bearer " + opt.access_token;
    }

    asio::awaitable<Reply> handle_messages(const http::request<http::string_body>& req, std::string path) {
        auto parsed = wire::parse_graph_request(req.body(), false);
        if (!parsed.ok()) {
            std::lock_guard lock(mu);
            ++stats.rejected;
            Refusal r;
            r.message = "(#100) Invalid parameter";
            r.details = parsed.error;
            co_return refuse(r, {}, std::move(path), req.body());
        }
        if (parsed.mark_read) {
            std::lock_guard lock(mu);
            reads.push_back({parsed.read_message_id, parsed.typing});
            co_return answer_with(http::status::ok, wire::success_json());
        }
        const FakeFault fault = next_fault();
        if (fault == FakeFault::kSlow) {
            Timer timer(ex);
            timer.expires_after(opt.slow_delay);
            co_await timer.async_wait();
        }
        if (fault != FakeFault::kNone && fault != FakeFault::kSlow) {
            std::lock_guard lock(mu);
            ++stats.faults;
            co_return fault_reply(fault, opt.retry_after_seconds);
        }
        RecordedMessage record = record_of(parsed, req.body());
        {
            std::lock_guard lock(mu);
            const auto wall = clock->now();
            if (auto refusal = judge(parsed, req.body(), wall)) {
                co_return refuse(*refusal, record.recipient, std::move(path), req.body());
            }
            const auto now = Clock::now();
            if (opt.max_messages_per_second > 0 &&
                !number_bucket.take(std::max(1.0, opt.max_messages_per_second),
                                    std::chrono::duration<double>(1.0 / opt.max_messages_per_second), now)) {
                ++stats.throttled;
                co_return fault_reply(FakeFault::kThrottle, opt.retry_after_seconds);
            }
            if (opt.pair_burst > 0 &&
                !pair_buckets[record.recipient].take(static_cast<double>(opt.pair_burst),
                                                     std::chrono::duration<double>(opt.pair_interval), now)) {
                ++stats.pair_limited;
                co_return fault_reply(FakeFault::kPairLimit, opt.retry_after_seconds);
            }
            const std::string key = member_key(record.recipient);
            price(record, parsed.message, window_open(key, wall));
            if (!needs_window(parsed.message) && !window_open(key, wall) &&
                parsed.message.to.kind != core::Recipient::Kind::kGroup) {
                reached[key] = wall;
            }
            record.wamid = fake::mint_wamid(record.recipient, ++next_id);
            ++stats.accepted;
        }
        wire::SendAnswer answer;
        answer.wamid = record.wamid;
        answer.input = record.recipient;
        if (record.by_bsuid) {
            answer.user_id = record.recipient;
        } else if (parsed.message.to.kind == core::Recipient::Kind::kPhone) {
            answer.wa_id = record.recipient.front() == '+' ? record.recipient.substr(1) : record.recipient;
        }
        std::function<void(const RecordedMessage&)> cb;
        {
            std::lock_guard lock(mu);
            cb = callback;
        }
        if (cb) {
            cb(record);
        }
        {
            std::lock_guard lock(mu);
            messages.push_back(std::move(record));
        }
        co_return answer_with(http::status::ok, wire::send_answer_json(answer));
    }

    Reply handle_upload(const http::request<http::string_body>& req, std::string path) {
        const std::string content_type(req[http::field::content_type]);
        const std::string boundary = header_param(content_type, "boundary");
        if (content_type.rfind("multipart/form-data", 0) != 0 || boundary.empty()) {
            return graph_error(http::status::bad_request, 100, 0, "(#100) The parameter file is required");
        }
        const auto parts = parse_multipart(req.body(), boundary);
        std::string product;
        const Part* file = nullptr;
        std::string type_field;
        for (const auto& p : parts) {
            if (p.name == "messaging_product") product = p.data;
            if (p.name == "type") type_field = p.data;
            if (p.name == "file") file = &p;
        }
        if (product != "whatsapp") {
            return graph_error(http::status::bad_request, 100, 0, "(#100) The parameter messaging_product is required");
        }
        if (file == nullptr || file->data.empty()) {
            return graph_error(http::status::bad_request, 100, 0, "(#100) The parameter file is required");
        }
        const std::string mime = file->content_type.empty() ? type_field : file->content_type;
        if (auto refusal = check_upload(mime, file->data.size())) {
            std::lock_guard lock(mu);
            return refuse(*refusal, {}, std::move(path),
                          "(media upload: " + mime + ", " + std::to_string(file->data.size()) + " bytes)");
        }
        const std::string id = add_media(file->data, mime, false);
        {
            std::lock_guard lock(mu);
            ++stats.media_uploads;
        }
        return answer_with(http::status::ok, wire::upload_answer_json(id));
    }

    std::string add_media(std::string bytes, std::string mime, bool inbound) {
        std::lock_guard lock(mu);
        const std::string id = std::to_string(1'000'000'000'000'000ULL + ++next_id);
        const auto life = inbound ? std::chrono::hours(7 * 24) : std::chrono::hours(30 * 24);
        media[id] = MediaEntry{std::move(bytes), std::move(mime), inbound, clock->now() + life};
        return id;
    }

    // Caller holds mu.
    std::string add_template(wire::TemplateDefinition t, std::string path, std::string_view raw, Reply* refused) {
        std::vector<wire::TemplateDefinition> others = templates;
        if (auto refusal = review_template(t, others)) {
            if (refused != nullptr) {
                *refused = refuse(*refusal, {}, std::move(path), std::string(raw));
                return {};
            }
            throw std::invalid_argument("template " + t.name + "/" + t.language + " refused: " + refusal->user_msg);
        }
        t.id = std::to_string(2'000'000'000'000'000ULL + ++next_id);
        templates.push_back(t);
        return t.id;
    }

    Reply handle_templates(const http::request<http::string_body>& req, std::string_view query, std::string path) {
        std::lock_guard lock(mu);
        if (req.method() == http::verb::get) {
            const std::string name = query_param(query, "name");
            const std::string limit_text = query_param(query, "limit");
            std::size_t limit = 25;  // Graph's default page size
            if (!limit_text.empty() && limit_text.size() < 6 &&
                limit_text.find_first_not_of("0123456789") == std::string::npos) {
                limit = std::stoul(limit_text);
            }
            std::vector<wire::TemplateDefinition> page;
            for (const auto& t : templates) {
                if (page.size() >= limit) break;
                if (name.empty() || t.name == name) page.push_back(t);
            }
            return answer_with(http::status::ok, wire::template_list_json(page));
        }
        auto parsed = wire::parse_template_creation(req.body());
        if (!parsed.ok()) {
            Refusal r;
            r.message = "(#100) Invalid parameter";
            r.details = parsed.error;
            r.user_msg = parsed.error;
            return refuse(r, {}, std::move(path), req.body());
        }
        parsed.definition.status = "PENDING";  // Meta reviews every new template
        Reply refused;
        const std::string id = add_template(parsed.definition, std::move(path), req.body(), &refused);
        if (id.empty()) return refused;
        return answer_with(http::status::ok, wire::template_created_json(templates.back()));
    }

    asio::awaitable<Reply> handle(const http::request<http::string_body>& req) {
        const std::string_view target = req.target();
        const auto qpos = target.find('?');
        const std::string_view path = target.substr(0, qpos);
        const std::string_view query = qpos == std::string_view::npos ? std::string_view{} : target.substr(qpos + 1);
        const auto parts = split_path(path);

        if (!authorized(req)) {
            std::lock_guard lock(mu);
            ++stats.rejected;
            co_return graph_error(http::status::unauthorized, 190, 0,
                                  "Invalid OAuth access token - Cannot parse access token");
        }
        // The media download URL (lookaside.fbsbx.com in production): bearer only, no version, no proof.
        if (parts.size() == 2 && parts[0] == "media-download" && req.method() == http::verb::get) {
            std::lock_guard lock(mu);
            const auto it = media.find(std::string(parts[1]));
            if (it == media.end()) {
                co_return answer_with(http::status::not_found, "Not Found", "text/plain");
            }
            ++stats.media_downloads;
            co_return answer_with(http::status::ok, it->second.bytes, it->second.mime);
        }
        if (parts.empty() || parts[0] != opt.api_version) {
            co_return graph_error(http::status::bad_request, 100, 0, "Unknown path components: " + std::string(path));
        }
        if (!opt.app_secret.empty() &&
            query_param(query, "appsecret_proof") !=
                appsecret_proof(core::Secret(opt.app_secret), core::Secret(opt.access_token))) {
            std::lock_guard lock(mu);
            ++stats.rejected;
            co_return graph_error(http::status::bad_request, 100, 0,
                                  "Invalid appsecret_proof provided in the API argument");
        }
        if (parts.size() == 3 && parts[1] == opt.waba_id && parts[2] == "message_templates" &&
            (req.method() == http::verb::get || req.method() == http::verb::post)) {
            co_return handle_templates(req, query, std::string(path));
        }
        if (parts.size() == 3 && req.method() == http::verb::post) {
            if (parts[1] != opt.phone_number_id) {
                co_return graph_error(http::status::bad_request, 100, 33,
                                      "Unsupported post request. Object with ID '" + std::string(parts[1]) +
                                          "' does not exist");
            }
            if (parts[2] == "messages") {
                co_return co_await handle_messages(req, std::string(path));
            }
            if (parts[2] == "media") {
                co_return handle_upload(req, std::string(path));
            }
        }
        if (parts.size() == 2 && (req.method() == http::verb::get || req.method() == http::verb::delete_)) {
            std::lock_guard lock(mu);
            auto it = media.find(std::string(parts[1]));
            if (it != media.end() && it->second.inbound && clock->now() >= it->second.expires) {
                it = media.end();  // a member's file is downloadable for 7 days, then gone
            }
            if (it == media.end()) {
                co_return graph_error(http::status::bad_request, 100, 33,
                                      "Unsupported get request. Object with ID '" + std::string(parts[1]) +
                                          "' does not exist");
            }
            if (req.method() == http::verb::delete_) {
                media.erase(it);
                co_return answer_with(http::status::ok, wire::success_json());
            }
            ++stats.media_lookups;
            wire::MediaAnswer answer;
            answer.id = it->first;
            answer.url = base_url() + "/media-download/" + it->first + "?mid=" + it->first;
            answer.mime_type = it->second.mime;
            answer.sha256 = core::sha256_hex(it->second.bytes);
            answer.file_size = static_cast<std::int64_t>(it->second.bytes.size());
            co_return answer_with(http::status::ok, wire::media_answer_json(answer));
        }
        co_return graph_error(http::status::bad_request, 100, 0, "Unsupported request: " + std::string(path));
    }

    // Coroutines get their owner as a parameter, copied when they are created: a `this` captured in a
    // coroutine frame could dangle before the frame first runs.
    static asio::awaitable<void> session(std::shared_ptr<Impl> self, std::shared_ptr<TcpStream> stream) {
        auto& opt = self->opt;
        auto& mu = self->mu;
        auto& stats = self->stats;
        beast::flat_buffer buffer;
        for (;;) {
            http::request_parser<http::string_body> parser;
            parser.body_limit(opt.max_body_bytes);
            stream->expires_never();  // keep-alive connections stay open until the client or stop() closes them
            auto [rec, rn] = co_await http::async_read(*stream, buffer, parser);
            if (rec) {
                break;  // end_of_stream is the client closing; anything else ends the connection too
            }
            {
                std::lock_guard lock(mu);
                ++stats.requests;
            }
            auto req = parser.release();
            Reply reply = co_await self->handle(req);
            if (reply.no_answer) {
                continue;  // leave the client waiting; the next read fails when it gives up and closes
            }
            http::response<http::string_body> res{reply.status, req.version()};
            res.set(http::field::server, "delvex-fake-graph");
            res.set(http::field::content_type, reply.content_type);
            if (!reply.retry_after.empty()) {
                res.set(http::field::retry_after, reply.retry_after);
            }
            res.keep_alive(req.keep_alive());
            res.body() = std::move(reply.body);
            res.prepare_payload();
            stream->expires_after(std::chrono::seconds(30));
            auto [wec, wn] = co_await http::async_write(*stream, res);
            if (wec || !res.keep_alive()) {
                break;
            }
        }
        boost::system::error_code ignored;
        stream->socket().shutdown(tcp::socket::shutdown_both, ignored);
        stream->close();
    }

    static asio::awaitable<void> accept_loop(std::shared_ptr<Impl> self) {
        auto& acceptor = self->acceptor;
        auto& mu = self->mu;
        while (acceptor && acceptor->is_open()) {
            auto [ec, socket] = co_await acceptor->async_accept();
            if (ec) {
                if (ec == asio::error::operation_aborted || !acceptor->is_open()) {
                    break;
                }
                continue;
            }
            auto stream = std::make_shared<TcpStream>(std::move(socket));
            {
                std::lock_guard lock(mu);
                ++self->stats.connections;
                std::erase_if(self->sessions, [](const auto& w) { return w.expired(); });
                self->sessions.push_back(stream);
            }
            asio::co_spawn(self->ex, session(self, stream), [](std::exception_ptr e) {
                if (e) {
                    try {
                        std::rethrow_exception(e);
                    } catch (const std::exception& x) {
                        spdlog::error("fake-graph session failed: {}", x.what());
                    }
                }
            });
        }
    }
};

FakeGraph::FakeGraph(asio::any_io_executor executor, FakeGraphOptions options)
    : impl_(std::make_shared<Impl>(std::move(executor), std::move(options))) {}

FakeGraph::~FakeGraph() {
    stop();
}

void FakeGraph::start() {
    auto& impl = *impl_;
    impl.acceptor = std::make_unique<Acceptor>(impl.ex);
    const tcp::endpoint endpoint{asio::ip::make_address_v4("127.0.0.1"), 0};
    impl.acceptor->open(endpoint.protocol());
    impl.acceptor->set_option(asio::socket_base::reuse_address(true));
    impl.acceptor->bind(endpoint);
    impl.acceptor->listen(asio::socket_base::max_listen_connections);
    impl.bound_port = impl.acceptor->local_endpoint().port();
    asio::co_spawn(impl.ex, Impl::accept_loop(impl_), [](std::exception_ptr e) {
        if (e) {
            try {
                std::rethrow_exception(e);
            } catch (const std::exception& x) {
                spdlog::error("fake-graph accept loop failed: {}", x.what());
            }
        }
    });
}

void FakeGraph::stop() {
    boost::system::error_code ignored;
    if (impl_->acceptor) {
        impl_->acceptor->close(ignored);
    }
    close_connections();
}

void FakeGraph::close_connections() {
    auto& impl = *impl_;
    boost::system::error_code ignored;
    std::vector<std::weak_ptr<TcpStream>> sessions;
    {
        std::lock_guard lock(impl.mu);
        sessions.swap(impl.sessions);
    }
    for (auto& weak : sessions) {
        if (auto stream = weak.lock()) {
            stream->socket().close(ignored);
        }
    }
}

std::uint16_t FakeGraph::port() const {
    return impl_->bound_port;
}

std::string FakeGraph::base_url() const {
    return impl_->base_url();
}

const FakeGraphOptions& FakeGraph::options() const {
    return impl_->opt;
}

std::vector<RecordedMessage> FakeGraph::messages() const {
    std::lock_guard lock(impl_->mu);
    return impl_->messages;
}

std::vector<RecordedRead> FakeGraph::reads() const {
    std::lock_guard lock(impl_->mu);
    return impl_->reads;
}

FakeGraphStats FakeGraph::stats() const {
    std::lock_guard lock(impl_->mu);
    return impl_->stats;
}

void FakeGraph::on_message(std::function<void(const RecordedMessage&)> callback) {
    std::lock_guard lock(impl_->mu);
    impl_->callback = std::move(callback);
}

void FakeGraph::fail_next(FakeFault fault, std::size_t count) {
    std::lock_guard lock(impl_->mu);
    impl_->scripted.insert(impl_->scripted.end(), count, fault);
}

void FakeGraph::set_fault_percentages(double server_error, double slow, double timeout, double window_closed,
                                      double token_expired, double throttle) {
    std::lock_guard lock(impl_->mu);
    auto& o = impl_->opt;
    o.percent_server_error = server_error;
    o.percent_slow = slow;
    o.percent_timeout = timeout;
    o.percent_window_closed = window_closed;
    o.percent_token_expired = token_expired;
    o.percent_throttle = throttle;
}

void FakeGraph::set_max_messages_per_second(double rate) {
    std::lock_guard lock(impl_->mu);
    impl_->opt.max_messages_per_second = rate;
}

std::string FakeGraph::add_media(std::string bytes, std::string mime_type) {
    return impl_->add_media(std::move(bytes), std::move(mime_type), false);
}

std::string FakeGraph::add_inbound_media(std::string bytes, std::string mime_type) {
    return impl_->add_media(std::move(bytes), std::move(mime_type), true);
}

std::optional<FakeMediaInfo> FakeGraph::media_info(const std::string& id) const {
    std::lock_guard lock(impl_->mu);
    const auto it = impl_->media.find(id);
    if (it == impl_->media.end()) {
        return std::nullopt;
    }
    return FakeMediaInfo{it->second.mime, it->second.bytes.size(), it->second.inbound};
}

void FakeGraph::note_inbound(std::string wa_id_or_bsuid, core::TimePoint at) {
    std::lock_guard lock(impl_->mu);
    auto& last = impl_->last_inbound[member_key(wa_id_or_bsuid)];
    last = std::max(last, at);
}

std::vector<RecordedRefusal> FakeGraph::refusals() const {
    std::lock_guard lock(impl_->mu);
    return impl_->refusals;
}

void FakeGraph::set_messaging_limit(std::size_t limit) {
    std::lock_guard lock(impl_->mu);
    impl_->opt.messaging_limit = limit;
}

std::string FakeGraph::add_template(wire::TemplateDefinition definition) {
    std::lock_guard lock(impl_->mu);
    return impl_->add_template(std::move(definition), {}, {}, nullptr);
}

std::string FakeGraph::add_approved_template(std::string name, std::string language, std::string body,
                                             std::vector<std::string> quick_replies) {
    wire::TemplateDefinition t;
    t.name = std::move(name);
    t.language = std::move(language);
    t.category = "UTILITY";
    t.status = "APPROVED";
    std::set<std::string> numbers;
    for (std::size_t pos = body.find("{{"); pos != std::string::npos; pos = body.find("{{", pos + 2)) {
        numbers.insert(body.substr(pos, body.find("}}", pos) - pos));
    }
    for (std::size_t i = 1; i <= numbers.size(); ++i) t.body_examples.push_back("sample " + std::to_string(i));
    t.body = std::move(body);
    t.quick_replies = std::move(quick_replies);
    return add_template(std::move(t));
}

std::size_t FakeGraph::approve_pending() {
    std::lock_guard lock(impl_->mu);
    std::size_t n = 0;
    for (auto& t : impl_->templates) {
        if (t.status == "PENDING") {
            t.status = "APPROVED";
            ++n;
        }
    }
    return n;
}

std::string FakeGraph::set_template_status(const std::string& name, const std::string& language,
                                           const std::string& status, const std::string& reason) {
    std::lock_guard lock(impl_->mu);
    for (auto& t : impl_->templates) {
        if (t.name == name && t.language == language) {
            t.status = status;
            return wire::template_status_webhook(impl_->opt.waba_id, core::to_unix(impl_->clock->now()),
                                                 {status, t.id, t.name, t.language, t.category, reason});
        }
    }
    throw std::invalid_argument("no template " + name + "/" + language);
}

std::vector<wire::TemplateDefinition> FakeGraph::templates() const {
    std::lock_guard lock(impl_->mu);
    return impl_->templates;
}

std::string FakeGraph::account_update_webhook(const std::string& event) const {
    return wire::account_update_webhook(impl_->opt.waba_id, core::to_unix(impl_->clock->now()), event);
}

std::string FakeGraph::business_capability_webhook(std::int64_t messaging_limit) const {
    return wire::business_capability_webhook(impl_->opt.waba_id, core::to_unix(impl_->clock->now()),
                                             messaging_limit);
}

std::vector<std::string> FakeGraph::status_webhooks(const std::string& wamid,
                                                    const std::vector<std::string>& statuses) const {
    std::lock_guard lock(impl_->mu);
    const auto it = std::find_if(impl_->messages.begin(), impl_->messages.end(),
                                 [&](const RecordedMessage& m) { return m.wamid == wamid; });
    if (it == impl_->messages.end()) {
        throw std::invalid_argument("the fake never accepted a message with this id");
    }
    std::vector<std::string> out;
    for (const auto& name : statuses) {
        core::StatusUpdate st;
        st.id = wamid;
        st.status_name = name;
        st.status = name == "sent"        ? core::DeliveryStatus::kSent
                    : name == "delivered" ? core::DeliveryStatus::kDelivered
                    : name == "read"      ? core::DeliveryStatus::kRead
                                          : core::DeliveryStatus::kUnknown;
        st.timestamp = core::to_unix(impl_->clock->now());
        if (it->by_bsuid) {
            st.recipient_user_id = it->recipient;
        } else {
            st.recipient_id = it->recipient.starts_with('+') ? it->recipient.substr(1) : it->recipient;
        }
        st.pricing_category = it->pricing_category;
        st.pricing_type = it->pricing_type;
        st.billable = it->billable;
        out.push_back(wire::make_status_webhook(impl_->opt.waba_id, impl_->opt.phone_number_id, "15550000000", st));
    }
    return out;
}

}  // namespace delvex::whatsapp
