// PATCH application (RFC 7644 §3.5.2); see patch.h.
#include "scim/patch.h"

namespace scimd::scim {

Result<PatchResult> apply_patch(ResourceKind /*kind*/, const boost::json::object& /*doc*/,
                                const boost::json::value& /*patch_body*/) {
  return make_error(Errc::not_implemented, "PATCH is not implemented yet");
}

}  // namespace scimd::scim
