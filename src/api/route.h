// A request target split into what the handlers need: decoded path segments and query
// parameters (with `+` as a space, as Entra sends its filters).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/result.h"

namespace scimd::api {

struct Target {
  std::vector<std::string> segments;  // decoded, empty segments dropped ("/Users/" == "/Users")
  std::vector<std::pair<std::string, std::string>> params;

  // First value of a query parameter, matched case-insensitively (clients vary the case).
  std::optional<std::string_view> param(std::string_view name) const;
};

// Errors: invalid_syntax when the target is not a valid origin-form URI.
Result<Target> parse_target(std::string_view raw);

}  // namespace scimd::api
