#include "api/admin.h"

#include "api/error_response.h"

namespace scimd::api {

Response handle_admin(const AdminContext&, const Request&, const Target&) {
  return error_response(make_error(Errc::not_implemented, "the admin API is being written"));
}

}  // namespace scimd::api
