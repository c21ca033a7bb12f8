// The certificate card in chat: drawn once per certificate and language (certificate_card), sent as an image
// with a caption that says what it proves, and the module titles the card and the verification page use.

#include <filesystem>

#include "bot/academy/certificate_card.hpp"
#include "bot/academy/certificate_text.hpp"
#include "bot/academy/engine.hpp"
#include "bot/academy/engine_turn.hpp"
#include "bot/academy/limits.hpp"
#include "bot/academy/local_media.hpp"

namespace delvex::academy {

std::string Engine::module_title(std::string_view module_id, std::string_view lang) const {
    const Module* m = find_module(module_id);
    return m ? m->title.in(lang) : std::string(module_id);
}

void Engine::send_certificate(Turn& t, const Certificate& c) const {
    if (options_.certificate_dir.empty()) {
        return;
    }
    Certificate shown = c;
    shown.lang = t.lang;  // the learner's language now (the same as at issue, unless they changed it)
    const std::filesystem::path file =
        std::filesystem::path(options_.certificate_dir) / (c.code + "-" + shown.lang + ".png");
    const CertificateCard card =
        certificate_card(catalog_, shown, module_title(c.module_id, shown.lang), options_.verify_url);
    if (!write_certificate_png(card, file)) {
        return;  // the text already gave the code; a card that cannot be drawn is not worth failing the turn
    }
    core::OutgoingMedia media;
    media.kind = core::MediaKind::kImage;
    media.source = local_file(file.string(), "image/png");
    media.caption = tr(t, "certificate.caption",
                       {{"module", module_title(c.module_id, shown.lang)},
                        {"link", certificate_link(options_.verify_url, c.code)}});
    t.send(std::move(media));
}

}  // namespace delvex::academy
