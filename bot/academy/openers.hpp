#pragma once

// Feedback that opens with its own verdict ("Right.", "Not quite.", "Exact, …"): the engine already puts
// "✅ Right!" or "❌ Not quite." before every feedback, so the two would read "Right! Right." The checker
// warns about such feedback; the engine keeps only its mark when one still slips through.

#include <string>
#include <string_view>

namespace delvex::academy {

/// The verdict `feedback` opens with, as written ("Right", "Así es"), or empty. The opening is the text
/// before the first sentence mark (. , ! ? : ;), compared without case, accents or punctuation against the
/// verdict words of en, fr, es, pt and sw.
std::string_view verdict_opener(std::string_view feedback);

/// What goes before `feedback`: the engine's own `verdict` line ("✅ Right!"), or only its mark ("✅") when
/// the feedback opens with a verdict of its own (nothing when the line has no mark).
std::string verdict_line(std::string_view verdict, std::string_view feedback);

/// `verdict_line` and the feedback, joined by a space.
std::string with_verdict(std::string_view verdict, std::string_view feedback);

}  // namespace delvex::academy
