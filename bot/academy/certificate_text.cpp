#include "bot/academy/certificate_text.hpp"

#include <ctime>

namespace delvex::academy {

std::string certificate_date(std::int64_t ms) {
    const std::time_t t = static_cast<std::time_t>(ms / 1000);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[16];
    std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
    return buf;
}

std::string certificate_link(const std::string& verify_base, const std::string& code) {
    return verify_base.empty() ? code : verify_base + "/" + code;
}

CertificateCard certificate_card(const core::Catalog& catalog, const Certificate& c, const std::string& module_title,
                                 const std::string& verify_base) {
    const std::string& lang = c.lang;
    const auto tr = [&](std::string_view key, const std::vector<std::pair<std::string, std::string>>& vars = {}) {
        return catalog.text(lang, std::string("academy.certificate.") + std::string(key), vars);
    };
    CertificateCard card;
    card.heading = tr("heading");
    card.name = c.learner_name.empty() ? catalog.text(lang, "academy.verify.no_name") : c.learner_name;
    card.course = tr("course", {{"module", module_title}});
    card.score = tr("score", {{"score", std::to_string(c.score)}, {"date", certificate_date(c.issued_ms)}});
    card.proves = tr("proves");
    card.check = verify_base.empty() ? tr("check_chat", {{"code", c.code}})
                                     : tr("check", {{"link", certificate_link(verify_base, c.code)}});
    card.code = c.code;
    return card;
}

}  // namespace delvex::academy
