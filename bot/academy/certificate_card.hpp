#pragma once

// The certificate a learner can show a buyer: a PNG drawn with cairo (Debian's libcairo2), sent in chat as
// an image, and the texts it carries. The texts come in the certificate's language from the caller; the card
// only lays them out. It says plainly what it proves: a course passed, not a mine inspected.

#include <filesystem>
#include <string>

namespace delvex::academy {

struct CertificateCard {
    std::string heading;      ///< "ASM Academy · Certificate"
    std::string name;         ///< the learner's name or alias (never a phone number)
    std::string course;       ///< "passed the course “No child labour”"
    std::string score;        ///< "Score 86% · 2026-12-08"
    std::string proves;       ///< what it proves and what not
    std::string check;        ///< "Check it at https://…/certificates/7KQ2M9XA"
    std::string code;         ///< "7KQ2M9XA"
};

/// The card as PNG bytes (8-bit RGB, 1000 × 760 pixels, about 40–60 KB).
std::string render_certificate_png(const CertificateCard& card);

/// Writes the card to `file` (through a temporary file and a rename) unless it exists already; returns false
/// when it cannot be written.
bool write_certificate_png(const CertificateCard& card, const std::filesystem::path& file);

}  // namespace delvex::academy
