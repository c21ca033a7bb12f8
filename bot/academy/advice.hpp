#pragma once

// Writing advice the checker gives about a text's shape (not WhatsApp limits): here, lists written as one
// paragraph. A folded YAML block (`>-`) joins its lines, so a list meant one item a line reaches the chat as
// a run-on block; a literal block (`|-`) keeps the lines.

#include <string_view>

namespace delvex::academy {

/// What makes a one-paragraph text read as a list, for the checker's warning ("numbered items",
/// "items separated by ';'", "bullets"), or empty when it has line breaks or reads as prose.
std::string_view list_in_paragraph(std::string_view text);

}  // namespace delvex::academy
