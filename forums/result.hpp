#pragma once

#include <boost/system/result.hpp>

#include <stdexcept>
#include <string>

namespace delvex::forums {

/// Why a rule, zone or local time was rejected; `message` names the bad part and is safe to show a moderator.
struct ParseError {
    std::string message;
};

/// Outcome of parsing untrusted schedule input.
template <typename T>
using ParseResult = boost::system::result<T, ParseError>;

/// Lets `ParseResult::value()` on an error throw (a caller bug, not bad input); found by ADL from Boost.
[[noreturn]] inline void throw_exception_from_error(const ParseError& e, const boost::source_location&) {
    throw std::invalid_argument(e.message);
}

}  // namespace delvex::forums
