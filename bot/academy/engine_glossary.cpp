// The glossary in a lesson: a learner types a word the lessons use and gets its one-line meaning, then the
// step they are on again.

#include "bot/academy/engine.hpp"
#include "bot/academy/engine_turn.hpp"
#include "bot/academy/glossary.hpp"

namespace delvex::academy {

// Called only where a typed word cannot be an answer: on a typed question "retort" is the learner's answer.
bool Engine::glossary_reply(Turn& t, Progress& p, std::string_view normalized) const {
    if (content_.glossary.empty()) {
        return false;
    }
    if (keyword("glossary", normalized)) {
        std::string words;
        for (const auto& term : content_.glossary) {
            const auto it = term.words.find(t.lang);
            const auto& list = it != term.words.end() && !it->second.empty() ? it->second : term.words.at("en");
            words += (words.empty() ? "" : ", ") + list.front();
        }
        send_step(t, p, tr(t, "glossary.list", {{"words", words}}));
        return true;
    }
    if (const GlossaryTerm* term = find_term(content_.glossary, normalized)) {
        send_step(t, p, "📖 " + term->meaning.in(t.lang));
        return true;
    }
    return false;
}

}  // namespace delvex::academy
