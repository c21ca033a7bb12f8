#pragma once

// Why a forums operation was refused: an English message for the admin API and the CLI, and a problem code
// the chat flow shows in the moderator's language (forums.errors.<code> in the locale files).

#include <boost/system/result.hpp>

#include <stdexcept>
#include <string>
#include <string_view>

#include "forums/result.hpp"

namespace delvex::meetings {

enum class Problem {
    kOther,
    kUnknownRoom,
    kTitle,
    kAgenda,
    kJoinKind,
    kJoinInfo,
    kDuration,
    kCapacity,
    kRule,
    kZone,
    kStart,
    kNoOccurrenceAhead,  ///< the rule has no occurrence after now
    kNoSeries,           ///< no such active series
    kSeriesCancelled,
    kNotAnOccurrence,    ///< the series has no occurrence at that time
    kPast,               ///< a new time in the past
};

/// The locale key of a problem ("forums.errors.title").
std::string problem_key(Problem problem);

struct ForumError {
    std::string message;
    Problem problem = Problem::kOther;

    ForumError() = default;
    ForumError(std::string m, Problem p = Problem::kOther) : message(std::move(m)), problem(p) {}
    /// A schedule library error (rule, zone, local time) keeps its message.
    ForumError(const forums::ParseError& e, Problem p = Problem::kOther) : message(e.message), problem(p) {}
};

template <typename T>
using ForumResult = boost::system::result<T, ForumError>;

/// Lets `ForumResult::value()` on an error throw (a caller bug, not bad input); found by ADL from Boost.
[[noreturn]] inline void throw_exception_from_error(const ForumError& e, const boost::source_location&) {
    throw std::invalid_argument(e.message);
}

}  // namespace delvex::meetings
