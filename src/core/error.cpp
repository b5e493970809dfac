#include "core/error.h"

namespace scimd {

std::string_view errc_name(Errc code) {
  switch (code) {
    case Errc::invalid_syntax: return "invalid_syntax";
    case Errc::invalid_filter: return "invalid_filter";
    case Errc::invalid_path: return "invalid_path";
    case Errc::invalid_value: return "invalid_value";
    case Errc::mutability: return "mutability";
    case Errc::no_target: return "no_target";
    case Errc::too_many: return "too_many";
    case Errc::invalid_vers: return "invalid_vers";
    case Errc::invalid_cursor: return "invalid_cursor";
    case Errc::uniqueness: return "uniqueness";
    case Errc::unauthorized: return "unauthorized";
    case Errc::forbidden: return "forbidden";
    case Errc::not_found: return "not_found";
    case Errc::method_not_allowed: return "method_not_allowed";
    case Errc::precondition_failed: return "precondition_failed";
    case Errc::not_modified: return "not_modified";
    case Errc::payload_too_large: return "payload_too_large";
    case Errc::headers_too_large: return "headers_too_large";
    case Errc::not_implemented: return "not_implemented";
    case Errc::unavailable: return "unavailable";
    case Errc::internal: return "internal";
  }
  return "internal";
}

}  // namespace scimd
