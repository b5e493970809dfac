#include "api/route.h"

#include <boost/url.hpp>

#include "core/text.h"

namespace scimd::api {

std::optional<std::string_view> Target::param(std::string_view name) const {
  for (const auto& [k, v] : params) {
    if (iequals(k, name)) return std::string_view(v);
  }
  return std::nullopt;
}

Result<Target> parse_target(std::string_view raw) {
  auto url = boost::urls::parse_origin_form(raw);
  if (!url) return make_error(Errc::invalid_syntax, "malformed request target");
  Target t;
  for (auto seg : url->segments()) {
    if (!seg.empty()) t.segments.emplace_back(seg);
  }
  boost::urls::encoding_opts opts;
  opts.space_as_plus = true;
  for (auto p : url->params(opts)) t.params.emplace_back(p.key, p.has_value ? p.value : "");
  return t;
}

}  // namespace scimd::api
