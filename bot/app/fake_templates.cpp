#include "bot/app/fake_templates.hpp"

#include "bot/whatsapp/wire/templates.hpp"

namespace delvex::app {

void approve_project_templates(whatsapp::FakeGraph& fake, const delivery::TemplateMap& map) {
    for (const auto& d : map.definitions()) {
        for (const auto& [lang, text] : d.texts) {
            whatsapp::wire::TemplateDefinition t;
            t.name = d.name;
            t.language = text.language_code;
            t.category = d.category;
            t.status = "APPROVED";
            t.body = text.body;
            t.body_examples = text.example;
            t.quick_replies = text.buttons;
            fake.add_template(std::move(t));
        }
    }
}

}  // namespace delvex::app
