// Query strings, read with Boost.URL (RFC 3986 parsing and percent-decoding) rather than by hand.

#include <boost/url/parse.hpp>
#include <boost/url/url_view.hpp>

#include "bot/http/routes.hpp"

namespace delvex::http {

std::string query_param(std::string_view target, std::string_view name) {
    const auto parsed = boost::urls::parse_origin_form(target);
    if (!parsed) {
        return {};  // not a valid request target (a bad escape such as %zz): no parameters at all
    }
    // HTML forms and Meta's verification request write a space as '+'.
    boost::urls::encoding_opts opts;
    opts.space_as_plus = true;
    const auto params = parsed->params(opts);
    const auto it = params.find(name);
    if (it == params.end()) {
        return {};
    }
    const auto param = *it;
    return param.has_value ? std::string(param.value) : std::string();
}

}  // namespace delvex::http

// Boost.URL's compiled part: Boost 1.81 (Debian 12) can build it from its headers, once in the program, and
// CMakeLists.txt asks for that when the library is not installed. From Boost 1.83 (Debian 13) src.hpp is an
// #error and CMakeLists.txt links the library (libboost-url-dev) instead.
#if defined(DELVEX_BOOST_URL_FROM_HEADERS)
#include <boost/url/src.hpp>  // NOLINT(misc-include-cleaner)
#endif
