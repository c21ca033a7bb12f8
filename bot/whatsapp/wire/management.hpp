#pragma once

// Graph JSON of the WhatsApp Business Account management API the project calls: creating message templates
// (POST /{waba-id}/message_templates) and listing them with their review status (GET on the same path).

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace delvex::whatsapp::wire {

/// One template in one language, as submitted for review.
struct TemplateCreate {
    std::string name;
    std::string language;  ///< Meta's code, e.g. "pt_PT"
    std::string category;  ///< UTILITY, MARKETING, AUTHENTICATION
    std::string body;      ///< with {{1}}, {{2}}, …
    std::vector<std::string> example;  ///< one value per placeholder
    std::vector<std::string> quick_replies;
};

/// The creation body: {"name","language","category","components":[BODY with example, BUTTONS]}.
std::string template_create_json(const TemplateCreate& t);

/// One template as the list answers it.
struct TemplateListed {
    std::string id;
    std::string name;
    std::string language;
    std::string status;    ///< APPROVED, PENDING, REJECTED, PAUSED, DISABLED, …
    std::string category;
};

/// The list answer {"data":[…],"paging":{…}}; nullopt when it is not one. `next` gets paging.next (a full URL)
/// when there is another page.
std::optional<std::vector<TemplateListed>> parse_template_list(std::string_view body, std::string* next = nullptr);

/// The creation answer {"id","status","category"}; nullopt when it is not one.
std::optional<TemplateListed> parse_template_created(std::string_view body);

}  // namespace delvex::whatsapp::wire
