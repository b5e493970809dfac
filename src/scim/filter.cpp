#include "scim/filter.h"

namespace scimd::scim {

std::string_view compare_op_name(CompareOp op) {
  switch (op) {
    case CompareOp::eq: return "eq";
    case CompareOp::ne: return "ne";
    case CompareOp::co: return "co";
    case CompareOp::sw: return "sw";
    case CompareOp::ew: return "ew";
    case CompareOp::gt: return "gt";
    case CompareOp::ge: return "ge";
    case CompareOp::lt: return "lt";
    case CompareOp::le: return "le";
    case CompareOp::pr: return "pr";
  }
  return "?";
}

Result<Filter> parse_filter(std::string_view) {
  return make_error(Errc::not_implemented, "parse_filter: not implemented yet");
}

Status validate_filter(ResourceKind, const Filter&) {
  return make_error(Errc::not_implemented, "validate_filter: not implemented yet");
}

bool matches(ResourceKind, const Filter&, const boost::json::object&) { return false; }

}  // namespace scimd::scim
