// libFuzzer target: attribute paths parse or fail with invalid_path, and what parses
// round-trips through to_string() and resolves (or not) without a crash.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "scim/attr_path.h"
#include "scim/schema.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto path = scimd::scim::parse_attr_path(text);
  if (!path.ok()) {
    if (path.error().code != scimd::Errc::invalid_path) __builtin_trap();
    return 0;
  }
  const std::string printed = path->to_string();
  const auto again = scimd::scim::parse_attr_path(printed);
  if (!again.ok() || !(*again == *path) || printed != text) __builtin_trap();
  (void)scimd::scim::resolve(scimd::scim::ResourceKind::user, *path);
  (void)scimd::scim::resolve(scimd::scim::ResourceKind::group, *path);
  return 0;
}
