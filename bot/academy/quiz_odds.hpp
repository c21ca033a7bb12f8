#pragma once

// How a quiz is scored, and how likely a learner who taps at random is to pass it. The engine scores with
// quiz_score(); the content tests hold every shipped quiz to a bound with random_pass_chance().

#include "bot/academy/content.hpp"

#include <string>
#include <vector>

namespace delvex::academy {

/// A finished quiz's score in percent, rounded half up: `right` of `total` questions (100 when there are
/// none).
int quiz_score(int right, int total);

/// The chance that one random tap answers `q` right on the first try: 1/options for buttons and lists, 1/2
/// for true/false, 0 for a typed answer (a tapper cannot type it).
double first_try_chance(const Question& q);

/// The questions that count towards a module's pass mark: those of its quiz lessons, in order.
std::vector<const Question*> quiz_questions(const Module& module);

/// The exact chance that a learner tapping at random reaches the module's pass mark, counting only answers
/// right on the first try (as the engine does).
double random_pass_chance(const Module& module);

}  // namespace delvex::academy
