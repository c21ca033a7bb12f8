#pragma once

#include <fmt/format.h>

#include <string>
#include <string_view>

namespace delvex::core {

/// A phone number or BSUID as it may appear in a log line: only the last 4 characters ("…1234").
std::string redact(std::string_view id);

/// A secret value (token, app secret). Formats as "***"; the value is reachable only through reveal().
class Secret {
public:
    Secret() = default;
    explicit Secret(std::string value) : value_(std::move(value)) {}

    const std::string& reveal() const { return value_; }
    bool empty() const { return value_.empty(); }

private:
    std::string value_;
};

}  // namespace delvex::core

template <>
struct fmt::formatter<delvex::core::Secret> : fmt::formatter<std::string_view> {
    template <typename Ctx>
    auto format(const delvex::core::Secret&, Ctx& ctx) const {
        return fmt::formatter<std::string_view>::format("***", ctx);
    }
};
