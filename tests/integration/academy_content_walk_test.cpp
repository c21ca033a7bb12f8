// Every shipped module, walked by the engine in every language, right answers and wrong ones: each message it
// produces passes the wire layer's WhatsApp limits (docs/WHATSAPP.md §5.2), and every module can be finished.

#include <gtest/gtest.h>

#include <set>

#include "bot/academy/loader.hpp"
#include "bot/events/academy_feature.hpp"
#include "bot/whatsapp/wire/outbound.hpp"
#include "tests/unit/academy/memory_store.hpp"

namespace delvex {
namespace {

const core::Catalog& catalog() {
    static const core::Catalog c = core::Catalog::load(std::string(DELVEX_SOURCE_DIR) + "/config/locales");
    return c;
}

std::vector<std::string> ids_of(const core::OutgoingBody& body) {
    std::vector<std::string> out;
    if (const auto* b = std::get_if<core::ReplyButtons>(&body)) {
        for (const auto& x : b->buttons) {
            out.push_back(x.id);
        }
    } else if (const auto* l = std::get_if<core::ListMessage>(&body)) {
        for (const auto& sec : l->sections) {
            for (const auto& r : sec.rows) {
                out.push_back(r.id);
            }
        }
    }
    return out;
}

struct Walker {
    const academy::Engine& engine;
    academy::testing::MemoryStore store;
    academy::Learner learner;
    std::int64_t now = 1'800'000'000'000;
    std::vector<core::OutgoingBody> last;
    int checked = 0;

    void check(const academy::Effects& fx) {
        for (const auto& body : fx.messages) {
            core::OutgoingMessage m;
            m.to = core::Recipient::phone(learner.member_key);
            m.body = body;
            EXPECT_EQ(whatsapp::wire::validate(m), "") << learner.language;
            ++checked;
        }
        last = fx.messages;
    }
    void say(const std::string& text) {
        core::InboundMessage m;
        m.type = core::MessageType::kText;
        m.text = text;
        check(engine.on_message(store, learner, m, now += 1000));
    }
    void tap(const std::string& id) {
        core::InboundMessage m;
        m.type = core::MessageType::kInteractive;
        m.reply_id = id;
        check(engine.on_message(store, learner, m, now += 1000));
    }
    std::vector<std::string> offered() const { return last.empty() ? std::vector<std::string>{} : ids_of(last.back()); }
};

TEST(AcademyContentWalk, EveryShippedModuleFinishesInEveryLanguageWithinWhatsAppLimits) {
    const auto engine = events::load_academy(std::string(DELVEX_SOURCE_DIR) + "/academy-content", catalog());
    ASSERT_GE(engine->modules().size(), 4u);
    for (const auto& lang : core::Catalog::supported_languages()) {
        for (const auto& module : engine->modules()) {
            for (const bool wrong_first : {false, true}) {
                Walker w{*engine, {}, {}, 1'800'000'000'000, {}, 0};
                w.learner.member_id = 1;
                w.learner.member_key = "254700000001";
                w.learner.language = lang;
                w.tap("academy:menu");
                w.say("Amina");
                w.tap("academy:consent:yes");
                w.tap("academy:mod:" + module.id);
                int guard = 0;
                bool finished = false;
                while (!finished && ++guard < 400) {
                    const auto ids = w.offered();
                    std::string pick;
                    for (const auto& id : ids) {
                        if (id.starts_with("academy:next:") || id.starts_with("academy:ans:")) {
                            pick = id;
                            if (!wrong_first) {
                                break;  // the first option: sometimes right, sometimes not
                            }
                        }
                    }
                    if (!pick.empty()) {
                        w.tap(pick);
                    } else if (!w.last.empty() && std::holds_alternative<core::OutgoingText>(w.last.back())) {
                        w.say(wrong_first ? "something else" : "mercury");  // a typed question
                    } else {
                        finished = true;  // the result: a certificate or "try again"
                    }
                }
                ASSERT_TRUE(finished) << module.id << " " << lang;
                const auto p = w.store.progress(1, module.id);
                ASSERT_TRUE(p) << module.id;
                EXPECT_NE(p->status, academy::Status::kInProgress) << module.id << " " << lang;
                EXPECT_GT(w.checked, 10);
            }
        }
    }
}

}  // namespace
}  // namespace delvex
