// Fuzzes what a POST/PUT body goes through: JSON parsing with the server's depth limit,
// normalize_resource for Users and Groups, index keys, the representation and projection.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include <boost/json.hpp>

#include "scim/projection.h"
#include "scim/resource.h"

using namespace scimd::scim;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  boost::json::parse_options opts;
  opts.max_depth = kMaxJsonDepth;
  boost::system::error_code ec;
  const boost::json::value body = boost::json::parse(text, ec, {}, opts);
  if (ec) return 0;
  for (const ResourceKind kind : {ResourceKind::user, ResourceKind::group}) {
    auto incoming = normalize_resource(kind, body);
    if (!incoming.ok()) continue;
    (void)index_keys(kind, incoming->doc);
    if (!check_document(kind, incoming->doc).ok()) __builtin_trap();  // normalize checked it
    const Meta meta{"id", "2026-01-01T00:00:00.000Z", "2026-01-01T00:00:00.000Z", "loc", 1};
    const boost::json::object rep =
        to_representation(kind, incoming->doc, meta, &incoming->members, nullptr, "base");
    (void)project(kind, rep, parse_projection(kind, "userName,emails.value,members", ""));
    (void)project(kind, rep, parse_projection(kind, "", "members,name"));
  }
  return 0;
}
